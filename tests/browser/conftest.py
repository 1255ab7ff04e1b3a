"""A real JupyterLab on 127.0.0.1 and Debian's headless Chromium driven by Playwright.

Recipe (--allow-root as root, the news toast switched off in the
user settings, SIGTERM to our own server PID only). The notebooks are written by the tests into a
temporary root; the kernel imports this checkout through PYTHONPATH and runs the embedded `local`
backend with jobs that take `GENERATION_TIME` seconds, so a running job is visible.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required"]
GENERATION_TIME = 6.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's chromium through Playwright's sync API, started and stopped inside this module.

    (Not pytest-playwright's session-wide `page`: its event loop would stay current for the rest of
    the session and break the asyncio tests that run after it.) A missing browser is a failure —
    CI installs it — never a skip.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH; "
                    "never `playwright install`", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def lab_page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1360, "height": 1100})
    try:
        yield context.new_page()
    finally:
        context.close()


def _lab_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("SORA_") and k not in ("OPENAI_API_KEY", "OPENROUTER_API_KEY")}
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_DATA_DIR=str(home / "data"), JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), IPYTHONDIR=str(home / "ipython"),
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONPATH=os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p),
        SORA_CONFIG_DIR=str(home / "sora-config"), SORA_DATA_DIR=str(home / "sora-data"),
        SORA_LOCAL_GENERATION_TIME=str(GENERATION_TIME),
    )
    return env


def _settings(home: Path) -> None:
    base = home / "settings" / "@jupyterlab"
    notif = base / "apputils-extension" / "notification.jupyterlab-settings"
    notif.parent.mkdir(parents=True)
    notif.write_text('{"fetchNews": "false", "checkForUpdates": false, "doNotDisturbMode": true}')
    # no windowed rendering: every cell's output stays in the DOM
    nb = base / "notebook-extension" / "tracker.jupyterlab-settings"
    nb.parent.mkdir(parents=True)
    nb.write_text('{"windowingMode": "none"}')


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with _jupyter_server(tmp_path_factory, "jupyterlab",
                         ["--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
                          "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]) as server:
        yield server


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@contextlib.contextmanager
def _jupyter_server(tmp_path_factory: pytest.TempPathFactory, module: str,
                    app_args: list[str]) -> Iterator[dict[str, Any]]:
    """`python -m <module>` (a jupyter_server app: jupyterlab or notebook) on 127.0.0.1, isolated
    settings, token auth; stopped with SIGTERM to its own PID. Yields base, token, root and log."""
    root = tmp_path_factory.mktemp("nbroot")
    home = tmp_path_factory.mktemp("jhome")
    _settings(home)
    port, token = _free_port(), secrets.token_hex(16)
    log_path = home / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", module, "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             "--port-retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
             *app_args, *(["--allow-root"] if os.geteuid() == 0 else [])],
            env=_lab_env(home), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, cwd=root,
        )
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
        try:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(log_path.read_text()[-2000:])
                try:
                    with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{module} did not start: " + log_path.read_text()[-2000:])
                time.sleep(0.2)
            yield {"base": base, "token": token, "root": root, "log": log_path}
        finally:
            proc.send_signal(signal.SIGTERM)  # our own PID only; the server shuts its kernels down
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)


@pytest.fixture(scope="module")
def notebook7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Jupyter Notebook 7 (`python -m notebook`, i.e. `jupyter notebook`): `/tree`, `/notebooks/<path>`.

    `window.jupyterapp` exists only with `JupyterNotebookApp.expose_app_in_browser` (the LabApp
    option does not reach the Notebook 7 pages)."""
    with _jupyter_server(tmp_path_factory, "notebook",
                         ["--JupyterNotebookApp.expose_app_in_browser=True"]) as server:
        yield server


def assert_first_video_plays(page: Any, seconds: float, size: str) -> None:
    """The first job card's `<video>` has the requested length and pixel size, and plays (muted)."""
    page.wait_for_function("""() => { const v = document.querySelector('.sora-card video');
                                      return v && v.readyState >= 1 && v.duration > 0; }""", timeout=20_000)
    info = page.evaluate("""async () => { const v = document.querySelector('.sora-card video');
        v.muted = true; await v.play(); await new Promise(r => setTimeout(r, 700)); v.pause();
        return {duration: v.duration, w: v.videoWidth, h: v.videoHeight, t: v.currentTime}; }""")
    width, height = (int(x) for x in size.split("x"))
    assert abs(info["duration"] - seconds) < 0.1, info
    assert (info["w"], info["h"]) == (width, height), info
    assert info["t"] > 0, info  # it played
