"""A real LiteLLM proxy on loopback, forwarding `/v1/videos` to a real embedded server.

Both run as subprocesses: `python -m sora_widgets serve` (the upstream, with its own key) and
`litellm --config ... --host 127.0.0.1` (the pinned `litellm[proxy]` of the test extra). The
proxy takes ~10-30 s to start on a busy 2-core machine, so the fixture using this is
session-scoped. Nothing leaves loopback: `LITELLM_LOCAL_MODEL_COST_MAP=True` keeps LiteLLM from
fetching its price list.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

MASTER_KEY = "sk-litellm-test"  # a proxy master key must start with sk-; short, so no scanner takes it for a real one
UPSTREAM_KEY = "upstream-server-test-0123456789"
#: the proxy's name for the embedded server's fast model, and that model's upstream id
MODEL = "local-animatic"
UPSTREAM_MODEL = "animatic"
#: a word that makes the embedded server fail a job with moderation_blocked
BLOCKED = "forbiddenword"

CONFIG = """\
model_list:
  - model_name: {model}
    litellm_params: {{model: openai/{upstream_model}, api_base: "{upstream}", api_key: "{upstream_key}"}}
    model_info: {{mode: video_generation}}
general_settings: {{master_key: "{master_key}"}}
litellm_settings: {{telemetry: false}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Proxy:
    base_url: str  # the proxy's /v1
    upstream_url: str  # the embedded server's /v1
    folder: Path
    startup_seconds: float = 0.0
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def upstream(self) -> httpx.Client:
        return httpx.Client(base_url=self.upstream_url, headers={"Authorization": f"Bearer {UPSTREAM_KEY}"})

    def raw(self) -> httpx.Client:
        """A plain HTTP client for the proxy, to pin down its own behaviour."""
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {MASTER_KEY}"}, timeout=60)

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _spawn(cmd: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not come up in {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def start(folder: Path, *, timeout: float = 180.0) -> Proxy:
    """Start the embedded server and a LiteLLM proxy in front of it; returns once both answer."""
    litellm = shutil.which("litellm", path=str(Path(sys.executable).parent))
    if litellm is None:
        raise RuntimeError("the litellm proxy is not installed: run ./dev.sh setup (it is in the test extra)")
    folder.mkdir(parents=True, exist_ok=True)
    up_port, proxy_port = free_port(), free_port()
    env = {**os.environ, "SORA_SERVER_API_KEY": UPSTREAM_KEY, "LITELLM_LOCAL_MODEL_COST_MAP": "True",
           "LITELLM_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    proxy = Proxy(base_url=f"http://127.0.0.1:{proxy_port}/v1", upstream_url=f"http://127.0.0.1:{up_port}/v1",
                  folder=folder)
    started = time.monotonic()
    try:
        server_log = folder / "server.log"
        server = _spawn([sys.executable, "-m", "sora_widgets", "serve", "--port", str(up_port),
                         "--data-dir", str(folder / "server"), "--generation-time", "0.3",
                         "--blocked-words", BLOCKED, "--log-level", "warning"], server_log, env)
        proxy.processes.append(server)
        config = folder / "litellm.yaml"
        config.write_text(CONFIG.format(model=MODEL, upstream_model=UPSTREAM_MODEL, upstream=proxy.upstream_url,
                                        upstream_key=UPSTREAM_KEY, master_key=MASTER_KEY), encoding="utf-8")
        proxy_log = folder / "proxy.log"
        proxy.processes.append(_spawn([litellm, "--config", str(config), "--host", "127.0.0.1",
                                       "--port", str(proxy_port)], proxy_log, env))
        _wait(f"http://127.0.0.1:{up_port}/healthz", server, server_log, timeout)
        _wait(f"http://127.0.0.1:{proxy_port}/health/liveliness", proxy.processes[1], proxy_log, timeout)
    except BaseException:
        proxy.stop()
        raise
    proxy.startup_seconds = time.monotonic() - started
    return proxy
