"""A scripted `/v1/videos` server per test (httpx.MockTransport) and clients of either twin for it.

Each dialect test states the server's documented answers as routes, then checks what the client
sent and how it read the answers. Nothing here talks to a network.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from sora_widgets import AsyncSoraClient, SoraClient
from sora_widgets.backends.compat import SERVED
from sora_widgets.backends.openrouter_catalog import CATALOG
from sora_widgets.config import Settings

from ..fakes import MP4

Handler = Callable[[httpx.Request], httpx.Response]
KEY = "fake-dialect-key-0123456789abcdef"


@dataclass
class ScriptedServer:
    """Routes are (method, path regex, handler); the first match answers. Unmatched -> 599."""

    routes: list[tuple[str, re.Pattern[str], Handler]] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def on(self, method: str, path: str, answer: Handler | dict[str, Any] | list[Any] | bytes,
           status: int = 200, headers: dict[str, str] | None = None) -> ScriptedServer:
        if callable(answer):
            handler = answer
        elif isinstance(answer, bytes):
            def handler(request: httpx.Request, body: bytes = answer) -> httpx.Response:
                return httpx.Response(status, content=body, headers=headers or {"content-type": "video/mp4"})
        else:
            def handler(request: httpx.Request, body: Any = answer) -> httpx.Response:
                return httpx.Response(status, json=body, headers=headers)
        self.routes.append((method, re.compile(path + "$"), handler))
        return self

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        path = request.url.path.removeprefix("/v1").removeprefix("/api/v1")
        for method, pattern, handler in self.routes:
            if method == request.method and pattern.match(path):
                return handler(request)
        return httpx.Response(599, json={"error": {"message": f"unscripted {request.method} {path}"}})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # -- what was sent ------------------------------------------------------------------------
    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def sent(self, method: str, path_part: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and path_part in r.url.path]


def json_body(request: httpx.Request) -> dict[str, Any]:
    assert request.headers["content-type"].startswith("application/json"), request.headers["content-type"]
    return dict(json.loads(request.content))


def form_body(request: httpx.Request) -> dict[str, Any]:
    """Multipart fields: text as str, file parts as (filename, bytes, content type)."""
    ctype = request.headers["content-type"]
    assert ctype.startswith("multipart/form-data"), ctype
    boundary = ctype.split("boundary=")[1].encode()
    out: dict[str, Any] = {}
    for part in request.content.split(b"--" + boundary)[1:-1]:
        head, _, body = part.strip(b"\r\n").partition(b"\r\n\r\n")
        name = head.split(b'name="')[1].split(b'"')[0].decode()
        if b"filename=" in head:
            filename = head.split(b'filename="')[1].split(b'"')[0].decode()
            mime = head.split(b"Content-Type: ")[1].split(b"\r\n")[0].decode() if b"Content-Type: " in head else ""
            out[name] = (filename, body, mime)
        else:
            out[name] = body.decode()
    return out


@pytest.fixture(autouse=True)
def _fresh_catalog_cache() -> Iterator[None]:
    CATALOG.clear()
    SERVED.clear()
    yield
    CATALOG.clear()
    SERVED.clear()


@pytest.fixture
def server() -> ScriptedServer:
    return ScriptedServer()


@pytest.fixture
def make(twin: str, server: ScriptedServer, tmp_path: Path) -> Callable[..., Any]:
    """make(kind, **options) -> a client of the current twin talking to `server`."""

    def factory(kind: str, **options: Any) -> Any:
        options.setdefault("base_url", "http://server.test/v1")
        options.setdefault("api_key", KEY)
        options.setdefault("output_dir", tmp_path / "out")
        options.setdefault("max_retries", 0)
        options.setdefault("settings", Settings(_env_file=None))  # type: ignore[call-arg]
        cls = SoraClient if twin == "sync" else AsyncSoraClient
        return cls(backend=kind, transport=server.transport(), **options)

    return factory


@pytest.fixture(scope="session")
def litellm_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real LiteLLM proxy in front of a real embedded server, shared by the whole session."""
    from . import litellm_proxy as lp

    proxy = lp.start(tmp_path_factory.mktemp("litellm-proxy"))
    print(f"\nLiteLLM proxy + embedded server started in {proxy.startup_seconds:.1f} s")
    yield proxy
    proxy.stop()


@pytest.fixture
def on_peer(twin: str, tmp_path: Path) -> Callable[..., Any]:
    """on_peer(kind, fake, **options) -> a client of the current twin talking to a peer fake."""

    def factory(kind: str, fake: Any, **options: Any) -> Any:
        options.setdefault("base_url", f"http://{kind}.test/v1")
        options.setdefault("output_dir", tmp_path / "out")
        options.setdefault("max_retries", 0)
        options.setdefault("poll_interval", 0.01)
        options.setdefault("settings", Settings(_env_file=None))  # type: ignore[call-arg]
        cls = SoraClient if twin == "sync" else AsyncSoraClient
        return cls(backend=kind, transport=fake.transport(), **options)

    return factory


__all__ = ["KEY", "MP4", "ScriptedServer", "form_body", "json_body"]
