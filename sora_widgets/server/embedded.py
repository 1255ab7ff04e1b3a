"""Run the Videos API server inside this process: uvicorn on its own event loop in a daemon thread.

`ensure_server()` is what the `local` backend calls: one lazily started server per process, on an
ephemeral loopback port, with a random API key (so other local users cannot drive it), stopped at
exit. `start_server(config)` starts an independent one (tests start several).
"""

from __future__ import annotations

import atexit
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import FaultConfig, ServerConfig

START_TIMEOUT = 30.0


@dataclass
class EmbeddedServer:
    """A running server. `base_url` ends in `/v1`, ready for any OpenAI-style client."""

    base_url: str
    #: not an __init__ field, so no generic dataclass printer (pytest, hypothesis) shows the key
    api_key: str | None = field(default=None, init=False, repr=False)
    data_dir: Path = field(default_factory=Path)
    app: Any = field(default=None, repr=False)
    _server: Any = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _pid: int = field(default_factory=os.getpid, repr=False)

    @property
    def running(self) -> bool:
        return self._pid == os.getpid() and self._thread is not None and self._thread.is_alive()

    @property
    def config(self) -> ServerConfig:
        config: ServerConfig = self.app.state.config
        return config

    @property
    def stats(self) -> Any:
        """Request, fault and unexpected-error counters (see `gate.Stats`)."""
        return self.app.state.stats

    def set_faults(self, faults: FaultConfig) -> None:
        """Swap the fault injection config of the running server (tests turn faults on and off)."""
        self.app.state.config.faults = faults
        self.app.state.faults.configure(faults)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and wait for the thread. Unfinished jobs stay on disk and resume on the next
        start with the same data dir."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(False)
    return sock


def start_server(config: ServerConfig, host: str = "127.0.0.1", port: int = 0) -> EmbeddedServer:
    """Start a server for `config` in a daemon thread; returns once it accepts connections."""
    import uvicorn

    from .app import create_app

    sock = _bind(host, port)
    bound_port = sock.getsockname()[1]
    app = create_app(config)
    uconfig = uvicorn.Config(
        app,
        lifespan="on",
        log_config=None,  # leave the host process's logging alone (a notebook's, say)
        log_level="warning",
        access_log=False,
        loop="asyncio",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(uconfig)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"sora-server:{bound_port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"the embedded video server did not start on {host}:{bound_port}")
        time.sleep(0.005)
    url_host = f"[{host}]" if ":" in host else host
    with socket.create_connection((host, bound_port), timeout=5):
        pass  # accepting connections
    embedded = EmbeddedServer(
        base_url=f"http://{url_host}:{bound_port}/v1", data_dir=config.data_dir, app=app, _server=server, _thread=thread
    )
    embedded.api_key = config.api_key
    return embedded


_lock = threading.Lock()
_singleton: EmbeddedServer | None = None
_atexit_registered = False


def default_config() -> ServerConfig:
    """The config of the process-wide server, from the environment:
    `SORA_DATA_DIR` (else the user data dir) + "/server", `SORA_LOCAL_GENERATION_TIME` (seconds,
    default 1.5), `SORA_LOCAL_FAULTS` (a fault spec, default none) and `SORA_LOCAL_BLOCKED_WORDS`
    (comma-separated words that fail a job with `moderation_blocked`, to rehearse failures)."""
    from ..config import data_dir
    from ..errors import ConfigurationError

    raw = os.environ.get("SORA_LOCAL_GENERATION_TIME", "").strip()
    try:
        generation_time = float(raw) if raw else 1.5
        faults = FaultConfig.parse(os.environ.get("SORA_LOCAL_FAULTS"))
        return ServerConfig(
            data_dir=data_dir() / "server",
            api_key=secrets.token_urlsafe(24),
            generation_time=generation_time,
            faults=faults,
            blocked_words=tuple(w for w in os.environ.get("SORA_LOCAL_BLOCKED_WORDS", "").split(",") if w.strip()),
        )
    except ValueError as exc:
        hint = "check SORA_LOCAL_GENERATION_TIME, SORA_LOCAL_FAULTS and SORA_LOCAL_BLOCKED_WORDS"
        raise ConfigurationError(f"bad local server setting: {exc}", hint=hint) from None


def ensure_server() -> EmbeddedServer:
    """The process-wide embedded server, started on first use (thread-safe), stopped at exit."""
    global _singleton, _atexit_registered
    with _lock:
        if _singleton is None or not _singleton.running:
            _singleton = start_server(default_config())
            if not _atexit_registered:
                _register_exit_hook(_stop_singleton)
                _atexit_registered = True
        return _singleton


def _register_exit_hook(hook: Callable[[], None]) -> None:
    """Run `hook` at interpreter exit *before* thread pools join their workers.

    `concurrent.futures` joins every pool thread in a threading-level exit hook, which runs before
    `atexit`; a render in flight would hold up the exit until it finished. Hooks registered with
    `threading._register_atexit` run in reverse order, so ours (registered later) runs first and
    cancels the renders. `atexit` is the fallback where that private hook does not exist.
    """
    register = getattr(threading, "_register_atexit", None)
    if register is None:
        atexit.register(hook)
        return
    try:
        register(hook)
    except RuntimeError:  # already shutting down
        atexit.register(hook)


def _stop_singleton() -> None:
    global _singleton
    with _lock:
        server, _singleton = _singleton, None
    if server is not None and server.running:
        server.stop(timeout=5.0)
