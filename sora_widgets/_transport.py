"""httpx transports for a client whose server speaks plain http (the embedded `local` server, a
self-hosted box on the LAN): the TLS side is built the first time a request needs it.

Building an httpx client loads the CA bundle into an SSL context up front, which is a sizeable part
of a cold first request (benchmarks/bench_cold.py). A client talking to `http://127.0.0.1` never
needs it, unless a redirect (a download handed to a CDN, say) leads to https: then the https
transport is built, with the default verification, on that first https request.
"""

from __future__ import annotations

import ssl
import threading
from typing import Any

import httpx


def _never_used_context() -> ssl.SSLContext:
    # The http:// transport is only mounted for http:// URLs, so this context never negotiates; if it
    # ever did, it would verify (PROTOCOL_TLS_CLIENT demands a certificate) against no CA and fail.
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


class TLSOnFirstUse(httpx.BaseTransport):
    def __init__(self) -> None:
        self._real: httpx.HTTPTransport | None = None
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            if self._real is None:
                self._real = httpx.HTTPTransport()
        return self._real.handle_request(request)

    def close(self) -> None:
        if self._real is not None:
            self._real.close()


class AsyncTLSOnFirstUse(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._real: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._real is None:  # one event loop: no other task runs between the test and the set
            self._real = httpx.AsyncHTTPTransport()
        return await self._real.handle_async_request(request)

    async def aclose(self) -> None:
        if self._real is not None:
            await self._real.aclose()


def plain_http_transports(asynchronous: bool) -> dict[str, Any]:
    """`transport=` and `mounts=` for httpx.Client / AsyncClient: plain http now, TLS on first use."""
    if asynchronous:
        return {"transport": httpx.AsyncHTTPTransport(verify=_never_used_context()),
                "mounts": {"https://": AsyncTLSOnFirstUse()}}
    return {"transport": httpx.HTTPTransport(verify=_never_used_context()), "mounts": {"https://": TLSOnFirstUse()}}
