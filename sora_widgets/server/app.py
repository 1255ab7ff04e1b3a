"""The embedded server's ASGI app: the OpenAI Videos API under `/v1` (Starlette), behind `Gate`.

    POST   /v1/videos                        create (JSON or multipart, optional input_reference)
    GET    /v1/videos                        list (after, limit, order)
    GET    /v1/videos/{id}                   retrieve
    DELETE /v1/videos/{id}                   delete
    GET    /v1/videos/{id}/content           download (variant=video|thumbnail|spritesheet)
    POST   /v1/videos/{id}/remix             remix (JSON or multipart `prompt`)
    POST   /v1/videos/edits                  edit (video {id} or a file)
    POST   /v1/videos/extensions             extend (video {id} or a file, prompt, seconds)
    POST   /v1/videos/characters             create a character (multipart: video file + name)
    GET    /v1/videos/characters/{id}        retrieve a character
    GET    /healthz                          liveness (no auth, no faults)

Handlers stay thin: parsing and checks live in `params.py`, job creation in `service.py`, the
lifecycle in `jobs.py`, files in `store.py`. Every error is OpenAI's envelope; nothing escapes as
a bare 500 (the `Gate` and the 500 handler both count anything unexpected in `Stats`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from .api_errors import ApiError, envelope, internal_error_body, invalid_value, not_found, shorten
from .config import ServerConfig
from .faults import FaultInjector
from .gate import COUNTED, Gate, Stats
from .jobs import RenderQueue
from .params import read_body
from .render import SPRITESHEET_FILE, THUMBNAIL_FILE, VIDEO_FILE
from .service import VideoService
from .store import JobStore

log = logging.getLogger("sora_widgets.server")

VARIANTS = {
    "video": (VIDEO_FILE, "video/mp4"),
    "thumbnail": (THUMBNAIL_FILE, "image/webp"),
    "spritesheet": (SPRITESHEET_FILE, "image/jpeg"),
}


class Services:
    """Store, runner and service of one app, started by the lifespan (or by the first request
    when the app runs without one, e.g. under httpx's ASGITransport)."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.store = JobStore(config.data_dir)
        self.runner = RenderQueue(config, self.store)
        self.videos = VideoService(config, self.store, self.runner)
        self._started = False
        self._lock = asyncio.Lock()

    async def ensure_started(self) -> None:
        if self._started:
            return
        async with self._lock:
            if not self._started:
                await self.runner.start()
                self._started = True

    async def stop(self) -> None:
        if self._started:
            self._started = False
            await self.runner.stop()


def _services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def _video_response(request: Request, video: dict[str, Any], *, replayed: bool = False) -> JSONResponse:
    headers = {"openai-poll-after-ms": str(request.app.state.config.poll_hint_ms)}
    if replayed:
        headers["idempotent-replayed"] = "true"
    return JSONResponse(video, headers=headers)


async def _ready(request: Request) -> Services:
    services = _services(request)
    await services.ensure_started()
    return services


# -- handlers ------------------------------------------------------------------------------------
async def create_video(request: Request) -> Response:
    s = await _ready(request)
    record, replayed = await s.videos.create(await read_body(request), request.headers.get("idempotency-key"))
    return _video_response(request, s.runner.public(record), replayed=replayed)


async def remix_video(request: Request) -> Response:
    s = await _ready(request)
    record, replayed = await s.videos.remix(
        request.path_params["video_id"], await read_body(request), request.headers.get("idempotency-key")
    )
    return _video_response(request, s.runner.public(record), replayed=replayed)


async def edit_video(request: Request) -> Response:
    s = await _ready(request)
    record, replayed = await s.videos.edit(await read_body(request), request.headers.get("idempotency-key"))
    return _video_response(request, s.runner.public(record), replayed=replayed)


async def extend_video(request: Request) -> Response:
    s = await _ready(request)
    record, replayed = await s.videos.extend(await read_body(request), request.headers.get("idempotency-key"))
    return _video_response(request, s.runner.public(record), replayed=replayed)


async def create_character(request: Request) -> Response:
    s = await _ready(request)
    return JSONResponse(await s.videos.create_character(await read_body(request)))


async def get_character(request: Request) -> Response:
    s = await _ready(request)
    char_id = request.path_params["character_id"]
    record = s.store.load_character(char_id)
    if record is None:
        raise not_found("Character", char_id)
    return JSONResponse(record)


async def retrieve_video(request: Request) -> Response:
    s = await _ready(request)
    video_id = request.path_params["video_id"]
    record = s.store.load(video_id)
    if record is None:
        raise not_found("Video", video_id)
    return _video_response(request, s.runner.public(record))


async def delete_video(request: Request) -> Response:
    s = await _ready(request)
    video_id = request.path_params["video_id"]
    if not s.store.delete(video_id):
        raise not_found("Video", video_id)
    s.runner.cancel(video_id)
    return JSONResponse({"id": video_id, "object": "video.deleted", "deleted": True})


async def list_videos(request: Request) -> Response:
    s = await _ready(request)
    query = request.query_params
    limit = _int_param(query.get("limit"), "limit", 0, 100, default=20)
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise invalid_value("order", ("asc", "desc"), order)
    records = s.store.all()
    if order == "desc":
        records.reverse()
    after = query.get("after")
    if after:
        ids = [r["video"]["id"] for r in records]
        if after not in ids:
            raise not_found("Video", after, "after")
        records = records[ids.index(after) + 1 :]
    page = records[:limit]
    data = [s.runner.public(r) for r in page]
    return JSONResponse({
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": len(records) > len(page),
    })


async def video_content(request: Request) -> Response:
    s = await _ready(request)
    video_id = request.path_params["video_id"]
    variant = request.query_params.get("variant", "video")
    if variant not in VARIANTS:
        raise invalid_value("variant", VARIANTS, variant)
    record = s.store.load(video_id)
    if record is None:
        raise not_found("Video", video_id)
    status = record["video"]["status"]
    if status != "completed":
        detail = "it failed" if status == "failed" else f"its status is {status}; poll it until it is completed"
        raise ApiError(404, f"Video '{video_id}' has no content: {detail}.", param="video_id",
                       code="video_not_ready" if status != "failed" else "video_failed")
    expires = record["video"].get("expires_at")
    name, media_type = VARIANTS[variant]
    path = s.store.job_dir(video_id) / name
    if (expires is not None and time.time() > expires) or not path.is_file():
        raise ApiError(404, f"The content of video '{video_id}' has expired.", param="video_id", code="video_expired")
    return FileResponse(path, media_type=media_type, filename=f"{video_id}.{name.rsplit('.', 1)[1]}",
                        content_disposition_type="inline")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def _int_param(raw: str | None, name: str, low: int, high: int, *, default: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"Invalid type for '{name}': expected an integer, but got a string instead.", param=name,
                       code="invalid_type") from None
    if not low <= value <= high:
        raise ApiError(400, f"Invalid '{name}': expected an integer between {low} and {high}, but got {value} "
                       "instead.", param=name, code="invalid_value")
    return value


# -- errors --------------------------------------------------------------------------------------
async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        message = f"Invalid URL ({request.method} {shorten(request.url.path, 200)})"
    elif exc.status_code == 405:
        message = f"Method {request.method} is not allowed for {shorten(request.url.path, 200)}."
    else:
        message = str(exc.detail)
    code = {404: "unknown_url", 405: "method_not_allowed"}.get(exc.status_code)
    return JSONResponse(envelope(message, type="invalid_request_error", code=code), status_code=exc.status_code,
                        headers=headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    request.app.state.stats.unexpected_errors += 1
    request.scope[COUNTED] = True  # Starlette re-raises after answering; the Gate must not count it twice
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse(internal_error_body(), status_code=500)


ROUTES = [
    Route("/v1/videos", create_video, methods=["POST"]),
    Route("/v1/videos", list_videos, methods=["GET"]),
    Route("/v1/videos/edits", edit_video, methods=["POST"]),
    Route("/v1/videos/extensions", extend_video, methods=["POST"]),
    Route("/v1/videos/characters", create_character, methods=["POST"]),
    Route("/v1/videos/characters/{character_id}", get_character, methods=["GET"]),
    Route("/v1/videos/{video_id}", retrieve_video, methods=["GET"]),
    Route("/v1/videos/{video_id}", delete_video, methods=["DELETE"]),
    Route("/v1/videos/{video_id}/content", video_content, methods=["GET"]),
    Route("/v1/videos/{video_id}/remix", remix_video, methods=["POST"]),
    Route("/healthz", healthz, methods=["GET"]),
]


def create_app(config: ServerConfig) -> Gate:
    """The ASGI app for `config`: Starlette routes wrapped in the `Gate`.

    `app.state` (on the returned Gate) exposes `config`, `services`, `stats` and `faults`, so tests
    and the embedded server can reach the store or swap the fault config at run time.
    """
    services = Services(config)
    stats = Stats()
    injector = FaultInjector(config.faults)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await services.ensure_started()
        try:
            yield
        finally:
            await services.stop()

    inner = Starlette(
        routes=ROUTES,
        lifespan=lifespan,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _server_error},
    )
    inner.router.redirect_slashes = False  # "/v1/videos/" is an unknown URL (404), not a redirect
    inner.state.config = config
    inner.state.services = services
    inner.state.stats = stats
    inner.state.faults = injector
    gate = Gate(inner, config, injector, stats)
    gate.state = inner.state
    return gate
