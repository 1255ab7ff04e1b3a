"""Fault injection: rate limits, server errors, slow answers and dropped connections, on purpose.

Clients (ours and the official SDK) must survive a flaky network and a busy server; this is how
tests make one. `FaultInjector.draw` picks at most one fault per API request from a seeded RNG.
On create-like POSTs a 500/503/drop may strike *after* the job was created, so the client sees a
failure although the job exists: only an `Idempotency-Key` saves it from a duplicate.

Dropping a connection under uvicorn: raising before the response starts makes uvicorn answer 500,
and returning without a response does too, unless the connection is already gone. So the gate
closes the connection's transport itself (reached through the `send` callable uvicorn hands the
app: a bound method of its per-request cycle, which holds the transport), yields once so uvicorn
notices the disconnect, and returns. The client sees "server disconnected without a response".
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import threading
from dataclasses import dataclass
from typing import Any

from .api_errors import envelope, internal_error_body
from .config import FAULT_MODES, FaultConfig

_CONTENT = re.compile(r"^/v1/videos/[^/]+/content/?$")


def operation_of(method: str, path: str) -> str | None:
    """The fault group of an API request: create, read, content or delete (None = not an API path)."""
    if not path.startswith("/v1/"):
        return None
    if method == "POST":
        return "create"
    if method == "DELETE":
        return "delete"
    return "content" if _CONTENT.match(path) else "read"


@dataclass(frozen=True)
class Fault:
    mode: str
    #: strike after the handler ran (the job exists; the response is lost)
    after: bool = False


class FaultInjector:
    def __init__(self, config: FaultConfig) -> None:
        self._lock = threading.Lock()
        self.configure(config)

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)

    def draw(self, operation: str) -> Fault | None:
        config = self.config
        if not config.enabled:
            return None
        with self._lock:
            u = self._rng.random()
            edge = 0.0
            for mode in FAULT_MODES:
                rate = config.rates.get(mode, 0.0)
                if rate <= 0 or not config.strikes(mode, operation):
                    continue
                edge += rate
                if u < edge:
                    after = (operation == "create" and mode in ("500", "503", "drop")
                             and self._rng.random() < config.after_create)
                    return Fault(mode, after)
        return None


def fault_response(mode: str, config: FaultConfig) -> tuple[int, list[tuple[bytes, bytes]], dict[str, Any]]:
    """(status, extra headers, body) of an injected error response."""
    marker = [(b"x-sora-fault", mode.encode())]
    if mode == "429":
        seconds = config.retry_after
        headers = [
            (b"retry-after", str(max(1, math.ceil(seconds))).encode()),
            (b"retry-after-ms", str(int(seconds * 1000)).encode()),
            (b"x-ratelimit-remaining-requests", b"0"),
            *marker,
        ]
        body = envelope(f"Rate limit reached for requests. Please try again in {seconds:g}s.",
                        type="requests", code="rate_limit_exceeded")
        return 429, headers, body
    if mode == "503":
        return 503, marker, envelope("The server is overloaded or not ready yet.", type="server_error",
                                     code="service_unavailable")
    return 500, marker, internal_error_body()


async def drop_connection(send: Any) -> bool:
    """Close the client's connection without a response; False if the server offers no transport."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "close"):
        return False
    transport.close()
    await asyncio.sleep(0)  # let the protocol see connection_lost before the app returns
    return True
