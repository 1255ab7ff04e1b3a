"""`python -m sora_widgets serve`, `ensure_server()` and `ServerConfig`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from sora_widgets.__main__ import COMMANDS, build_parser, main
from sora_widgets.server import embedded
from sora_widgets.server.config import FaultConfig, ServerConfig

from .helpers import FAST


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_parser_has_serve_and_room_for_more():
    assert "serve" in COMMANDS
    args = build_parser().parse_args(["serve", "--port", "0", "--faults", "429=0.5", "--blocked-words", "a,b"])
    assert (args.host, args.port, args.faults, args.generation_time) == ("127.0.0.1", 0, "429=0.5", 1.5)
    from sora_widgets.server.cli import build_config

    config = build_config(args)
    assert isinstance(config, ServerConfig)
    assert config.blocked_words == ("a", "b") and config.faults.rates == {"429": 0.5}
    assert main(["serve", "--help"]) == 0  # main() returns the exit code, also for --help
    assert main([]) == 2  # a command is required: one line, usage exit code


def test_serve_rejects_a_bad_fault_spec(capsys):
    assert main(["serve", "--faults", "drop=7", "--data-dir", "/tmp/unused"]) == 2
    assert "fault rate" in capsys.readouterr().err


def test_serve_runs_standalone(tmp_path):
    port = _free_port()
    env = dict(os.environ, SORA_SERVER_API_KEY="cli-key",
               PYTHONPATH=os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])))
    proc = subprocess.Popen(
        [sys.executable, "-m", "sora_widgets", "serve", "--port", str(port), "--data-dir", str(tmp_path),
         "--generation-time", "0", "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.05)
        assert httpx.get(base + "/v1/videos").status_code == 401
        headers = {"Authorization": "Bearer cli-key"}
        video = httpx.post(base + "/v1/videos", json=FAST | {"prompt": "cli"}, headers=headers).json()
        assert video["status"] == "queued"
    finally:
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "cli-key" not in err and "auth=on" in err
    assert (tmp_path / "videos" / video["id"] / "job.json").is_file()


def test_ensure_server_is_a_lazy_thread_safe_singleton(monkeypatch, tmp_path):
    monkeypatch.setenv("SORA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SORA_LOCAL_GENERATION_TIME", "0.25")
    monkeypatch.setattr(embedded, "_singleton", None)
    got: list[embedded.EmbeddedServer] = []
    threads = [threading.Thread(target=lambda: got.append(embedded.ensure_server())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        server = got[0]
        assert all(s is server for s in got) and server.running
        assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/v1")
        assert server.data_dir == tmp_path / "server" and server.config.generation_time == 0.25
        assert server.api_key and len(server.api_key) >= 24
        assert httpx.get(server.base_url + "/videos").status_code == 401
        ok = httpx.get(server.base_url + "/videos", headers={"Authorization": f"Bearer {server.api_key}"})
        assert ok.status_code == 200
        assert embedded.ensure_server() is server
    finally:
        embedded._stop_singleton()
    assert not server.running


def test_ensure_server_reports_bad_settings(monkeypatch, tmp_path):
    from sora_widgets.errors import ConfigurationError

    monkeypatch.setenv("SORA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SORA_LOCAL_GENERATION_TIME", "soon")
    with pytest.raises(ConfigurationError, match="SORA_LOCAL_GENERATION_TIME"):
        embedded.default_config()


def test_start_server_binds_loopback_and_stops(tmp_path):
    server = embedded.start_server(ServerConfig(data_dir=tmp_path, generation_time=0))
    try:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert httpx.get(server.base_url + "/videos").status_code == 200
    finally:
        server.stop()
    assert not server.running
    with pytest.raises(httpx.TransportError):
        httpx.get(server.base_url + "/videos", timeout=2)


def test_server_config_checks_and_hints(tmp_path):
    assert ServerConfig(data_dir=tmp_path, generation_time=1.5).poll_hint_ms == 300
    assert ServerConfig(data_dir=tmp_path, generation_time=0).poll_hint_ms == 100
    assert ServerConfig(data_dir=tmp_path, generation_time=60).poll_hint_ms == 1000
    assert ServerConfig(data_dir=tmp_path, poll_after_ms=250).poll_hint_ms == 250
    assert ServerConfig(data_dir=tmp_path, api_key="  ").api_key is None
    assert ServerConfig(data_dir=tmp_path, blocked_words=(" Bad ", "bad", "")).blocked_words == ("bad",)
    assert "secret" not in repr(ServerConfig(data_dir=tmp_path, api_key="secret"))
    for bad in ({"generation_time": -1}, {"render_workers": 0}, {"expires_after": 0}):
        with pytest.raises(ValueError):
            ServerConfig(data_dir=tmp_path, **bad)
    with pytest.raises(ValueError):
        FaultConfig(rates={"500": 0.5}, operations={"500": frozenset({"upload"})})
