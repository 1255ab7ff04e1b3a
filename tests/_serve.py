"""The embedded server in its own process (`python -m sora_widgets serve`), over real loopback HTTP:
what tests use when a client process is going to be killed, or several processes share it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(data_dir: Path, key: str, *, generation_time: float = 0.2, faults: str = "") -> Iterator[str]:
    """Start the server, wait until it listens, yield its base URL; stop it afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "sora_widgets", "serve", "--port", str(port), "--data-dir", str(data_dir),
           "--generation-time", str(generation_time), "--log-level", "warning"]
    if faults:
        cmd += ["--faults", faults]
    proc = subprocess.Popen(cmd, env={**os.environ, "SORA_SERVER_API_KEY": key}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=REPO)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None:
                    tail = proc.stderr.read().decode()[-2000:] if proc.stderr else ""
                    raise RuntimeError(f"server exited: {tail}") from None
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def server_jobs(data_dir: Path) -> list[Path]:
    """The jobs the server made, read from its store (each job is a folder with job.json)."""
    videos = data_dir / "videos"
    return sorted(p for p in videos.iterdir() if (p / "job.json").is_file()) if videos.is_dir() else []
