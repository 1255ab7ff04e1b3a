"""The outermost ASGI layer: request ids, injected faults, auth, body limits and a last-resort 500.

It sits outside Starlette on purpose: it must see uvicorn's own `send` (to drop a connection), must
answer before a body is parsed (auth, size), and must catch what escapes Starlette's own handlers.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from .api_errors import ApiError, envelope, internal_error_body
from .config import ServerConfig
from .faults import Fault, FaultInjector, drop_connection, fault_response, operation_of

log = logging.getLogger("sora_widgets.server")

Scope = dict[str, Any]
Message = dict[str, Any]


@dataclass
class Stats:
    """Counters tests assert on: unexpected errors must stay at zero."""

    requests: int = 0
    unexpected_errors: int = 0
    faults: int = 0


#: scope key set by the app's 500 handler once it has answered (and counted) an unexpected error
COUNTED = "sora.unexpected_error_counted"


class BodyTooLarge(ApiError):
    """Raised from `receive` when a body without (or with a false) Content-Length grows too big."""

    def __init__(self, limit: int) -> None:
        body = too_large(limit)["error"]
        super().__init__(413, body["message"], code=body["code"])


async def send_json(
    send: Any, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    data = json.dumps(body).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
                    *(headers or [])],
    })
    await send({"type": "http.response.body", "body": data})


async def drain(receive: Any, budget: int) -> None:
    """Read and discard the rest of a request body (up to `budget` bytes), so the client gets to
    read our error response instead of a connection reset mid-upload."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request":
            return
        budget -= len(message.get("body", b""))
        if not message.get("more_body"):
            return


def too_large(limit: int) -> dict[str, Any]:
    return envelope(f"Request body too large: the limit is {limit // (1024 * 1024)} MB.",
                    type="invalid_request_error", code="request_too_large")


class Gate:
    def __init__(self, app: Any, config: ServerConfig, injector: FaultInjector, stats: Stats) -> None:
        self.app = app
        self.config = config
        self.injector = injector
        self.stats = stats
        #: the Starlette app's state (config, services, stats, faults), set by `create_app`
        self.state: Any = None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.stats.requests += 1
        request_id = f"req_{secrets.token_hex(16)}"
        sent = {"start": False}
        send_with_id = self._tagging(send, request_id, sent)
        operation = operation_of(scope["method"], scope["path"])
        fault = self.injector.draw(operation) if operation else None
        limit = self.config.max_body_bytes
        if fault is not None and not await self._fault_before(fault, receive, send, send_with_id):
            return None
        if operation is not None and not self._authorized(scope):
            await drain(receive, limit)  # so an uploading client reads the 401, not a reset
            await self._unauthorized(scope, send_with_id)
            return None
        length = _content_length(scope)
        if length is not None and length > limit:
            await drain(receive, _drain_budget(limit))
            await send_json(send_with_id, 413, too_large(limit), [(b"connection", b"close")])
            return None
        after = fault if fault is not None and fault.after else None
        mode = fault.mode if fault is not None else None
        out = _swallow if after else Late(send_with_id) if mode == "late" else Cut(send_with_id, send) \
            if mode == "cut" else send_with_id
        try:
            await self.app(scope, self._limited(receive, limit), out)
        except Exception:
            await self._unexpected(scope, request_id, sent, send_with_id)
            return None
        if after is not None:
            await self._strike(after, send, send_with_id)
        if isinstance(out, Late):
            await out.release(self.config.faults.slow_seconds)
        return None

    def _tagging(self, send: Any, request_id: str, sent: dict[str, bool]) -> Any:
        """`send` that adds `x-request-id` (every response) and `openai-processing-ms`."""
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["start"] = True
                ms = str(int((time.perf_counter() - started) * 1000)).encode()
                extra = [(b"x-request-id", request_id.encode()), (b"openai-processing-ms", ms)]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return send_with_id

    async def _fault_before(self, fault: Fault, receive: Any, raw_send: Any, send: Any) -> bool:
        """Apply a fault that strikes before the handler; False when it answered the request."""
        self.stats.faults += 1
        log.debug("injected fault %s%s", fault.mode, " (after the handler)" if fault.after else "")
        if fault.mode == "slow":
            await asyncio.sleep(self.config.faults.slow_seconds)
            return True
        if fault.mode in ("late", "cut"):  # they strike the answer, once the handler has run
            return True
        if fault.after:
            return True
        if fault.mode != "drop":
            await drain(receive, self.config.max_body_bytes)  # an uploading client reads the error
        await self._strike(fault, raw_send, send)
        return False

    async def _unexpected(self, scope: Scope, request_id: str, sent: dict[str, bool], send: Any) -> None:
        # Starlette's 500 handler answers (and counts) most of these, then re-raises; the rest
        # (errors after a response started, errors outside Starlette) are counted here.
        if not scope.get(COUNTED):
            self.stats.unexpected_errors += 1
            log.exception("unexpected error on %s %s (request %s)", scope["method"], scope["path"], request_id)
        if not sent["start"]:
            await send_json(send, 500, internal_error_body())

    async def _strike(self, fault: Fault, raw_send: Any, send: Any) -> None:
        if fault.mode == "drop" and await drop_connection(raw_send):
            return
        if fault.mode == "drop":
            # No transport to close (not uvicorn): start a response and never finish it.
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", b"1024"), (b"content-type", b"application/json")]})
            return
        status, headers, body = fault_response(fault.mode, self.config.faults)
        await send_json(send, status, body, headers)

    def _authorized(self, scope: Scope) -> bool:
        key = self.config.api_key
        if key is None:
            return True
        header = _header(scope, b"authorization")
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), key.encode())

    async def _unauthorized(self, scope: Scope, send: Any) -> None:
        if not _header(scope, b"authorization"):
            message = ("You didn't provide an API key. You need to provide your API key in an Authorization header "
                       "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
        else:
            # Never echo the key that was sent (OpenAI shows a masked prefix; we show nothing).
            message = "Incorrect API key provided. Use the key this server was started with."
        await send_json(send, 401, envelope(message, type="invalid_request_error", code="invalid_api_key"),
                        [(b"www-authenticate", b"Bearer")])

    def _limited(self, receive: Any, limit: int) -> Any:
        seen = {"bytes": 0}

        async def receive_limited() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                seen["bytes"] += len(message.get("body", b""))
                if seen["bytes"] > limit:
                    if message.get("more_body"):
                        await drain(receive, _drain_budget(limit))
                    raise BodyTooLarge(limit)
            return message

        return receive_limited


def _drain_budget(limit: int) -> int:
    """How much of an oversized body we read and discard before answering 413: enough for
    clients that upload a little too much to see the answer, bounded so a flood is cut off."""
    return max(2 * limit, 16 * 1024 * 1024)


class Late:
    """`send` that holds the whole answer back, then sends it (if the client still listens)."""

    def __init__(self, send: Any) -> None:
        self.send = send
        self.messages: list[Message] = []

    async def __call__(self, message: Message) -> None:
        self.messages.append(message)

    async def release(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        try:
            for message in self.messages:
                await self.send(message)
        except Exception:  # the client gave up waiting and closed the connection: that was the point
            log.debug("late answer not delivered: the client is gone")


class Cut:
    """`send` that delivers the headers and half of the body, then drops the connection."""

    def __init__(self, send: Any, raw_send: Any) -> None:
        self.send = send
        self.raw_send = raw_send
        self.left: int | None = None
        self.done = False

    async def __call__(self, message: Message) -> None:
        if self.done:
            return
        if message["type"] == "http.response.start":
            length = dict(message.get("headers", [])).get(b"content-length")
            self.left = int(length) // 2 if length and length.isdigit() else None
            await self.send(message)
            return
        body = message.get("body", b"")
        if self.left is None:
            self.left = len(body) // 2
        if len(body) < self.left and message.get("more_body"):
            self.left -= len(body)
            await self.send(message)
            return
        await self.send({"type": "http.response.body", "body": body[: self.left], "more_body": True})
        self.done = True
        await drop_connection(self.raw_send)  # without a transport (not uvicorn) the body just never ends


async def _swallow(message: Message) -> None:
    """The handler's response is "lost"; the injected fault answers instead."""


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _content_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    try:
        return int(value) if value else None
    except ValueError:
        return None
