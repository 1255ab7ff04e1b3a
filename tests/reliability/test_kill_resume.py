"""Kill a kernel (SIGKILL) in the middle of a paid-for job, start a new one, resume: the finished,
verified file arrives and the server never saw a second create."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.reliability

KEY = "kill-resume-secret-0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def slow_server(tmp_path: Path):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sora_widgets", "serve", "--port", str(port), "--data-dir", str(tmp_path / "srv"),
         "--generation-time", "6", "--log-level", "warning"],
        env={**os.environ, "SORA_SERVER_API_KEY": KEY}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("server did not start")
    yield f"http://127.0.0.1:{port}/v1"
    proc.terminate()
    proc.wait(10)


def _kernel(env: dict[str, str]):
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", env=env)
    return km, kc


def _run(kc, code: str, timeout: float = 120) -> str:
    out: list[str] = []

    def hook(msg) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("\n".join(msg["content"]["traceback"]))

    reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    assert reply["content"]["status"] == "ok", "".join(out)
    return "".join(out)


@pytest.mark.timeout(300)
def test_sigkill_mid_job_then_resume(tmp_path: Path, slow_server: str) -> None:
    out = tmp_path / "notebook" / "sora_outputs"
    env = {**os.environ, "SORA_BACKEND": "local", "SORA_BASE_URL": slow_server, "SORA_API_KEY": KEY,
           "SORA_OUTPUT_DIR": str(out)}
    km, kc = _kernel(env)
    try:
        _run(kc, "from sora_widgets.jobs import default_runner\n"
                 "job = default_runner().submit('a lighthouse at night, slow zoom', model='animatic', "
                 "seconds=2, size='320x180', background=True) if False else default_runner().submit("
                 "__import__('sora_widgets').VideoRequest(prompt='a lighthouse at night, slow zoom', "
                 "model='animatic', seconds=2, size='320x180'), background=True)")
        ledger = out / "ledger.sqlite"
        deadline = time.monotonic() + 30
        row = None
        while time.monotonic() < deadline:
            if ledger.exists():
                try:
                    with sqlite3.connect(ledger) as db:
                        row = db.execute("SELECT video_id, status FROM jobs").fetchone()
                except sqlite3.OperationalError:  # the kernel is still creating the schema
                    row = None
                if row and row[0] and row[1] in ("queued", "in_progress"):
                    break
            time.sleep(0.1)
        assert row and row[0], "the job never got an id"
        os.kill(km.provisioner.process.pid, signal.SIGKILL)  # the kernel dies mid-job
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    km2, kc2 = _kernel(env)
    try:
        text = _run(kc2, "from sora_widgets.jobs import default_runner\n"
                         "states = default_runner().resume_blocking()\n"
                         "print([(s.status, s.video_id, str(s.path), s.sha256) for s in states])")
    finally:
        kc2.stop_channels()
        km2.shutdown_kernel(now=True)
    states = eval(text.strip().splitlines()[-1])
    assert len(states) == 1
    status, video_id, path, sha = states[0]
    assert status == "completed" and video_id == row[0]
    assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == sha
    from sora_widgets import SoraClient

    listed = list(SoraClient(backend="local", base_url=slow_server, api_key=KEY).list())
    assert [v.id for v in listed] == [video_id]  # no second job was created


@pytest.mark.timeout(120)
def test_client_resume_finishes_what_a_dead_session_left(tmp_path: Path, slow_server: str) -> None:
    """`sora_widgets.resume()`: the same recovery without widgets or magics."""
    code = ("import os, time\n"
            "from sora_widgets.jobs import default_runner\n"
            "from sora_widgets import VideoRequest\n"
            "job = default_runner().submit(VideoRequest(prompt='a kite at dawn', model='animatic', seconds=1, "
            "size='320x180'), background=True)\n"
            "while not job.state.video_id: time.sleep(0.05)\n"
            "os._exit(9)  # die like a killed kernel: no cleanup, no atexit\n")
    out = tmp_path / "sora_outputs"
    env = {**os.environ, "SORA_BACKEND": "local", "SORA_BASE_URL": slow_server, "SORA_API_KEY": KEY,
           "SORA_OUTPUT_DIR": str(out)}
    assert subprocess.run([sys.executable, "-c", code], env=env, timeout=60).returncode == 9
    from sora_widgets import SoraClient
    from sora_widgets.jobs import resume

    options = {"backend": "local", "base_url": slow_server, "api_key": KEY, "output_dir": out}
    states = resume(**options)
    assert [s.status for s in states] == ["completed"] and states[0].path.is_file()
    assert resume(**options) == []
    assert len(list(SoraClient(**options).list())) == 1
