"""The same operations across every /v1/videos dialect: what differs is exactly what the notes say.

Response shapes follow each server's documented format (notes/backends-2026.md §3 and the sources
named in each adapter's docstring).
"""

from __future__ import annotations

import json

import httpx
import pytest

from sora_widgets.errors import APIStatusError, BadRequestError, NotFoundError

from ..conftest import call
from .conftest import ScriptedServer, form_body

MODEL = {"openai": "sora-2", "litellm": "openai/sora-2", "vllm-omni": None, "sglang": None}
DIALECTS = list(MODEL)


def _sent_fields(request: httpx.Request) -> dict[str, object]:
    if request.headers["content-type"].startswith("application/json"):
        return dict(json.loads(request.content))
    return form_body(request)


@pytest.mark.parametrize(("dialect", "wire_seconds", "encoding"), [
    ("openai", "8", "json"), ("litellm", "8", "json"), ("vllm-omni", "8", "multipart"), ("sglang", 8, "json"),
])
async def test_seconds_encoding_and_body(make, server: ScriptedServer, dialect: str, wire_seconds: object,
                                         encoding: str) -> None:
    server.on("POST", "/videos", {"id": "v1", "status": "queued", "created_at": 1})
    kwargs = {"model": MODEL[dialect]} if MODEL[dialect] else {}
    await call(make(dialect), "create", prompt="a red fox", seconds=8, size="1280x720", **kwargs)
    ctype = server.last.headers["content-type"]
    assert ctype.startswith("application/json" if encoding == "json" else "multipart/form-data")
    assert _sent_fields(server.last)["seconds"] == wire_seconds


STATUS_CASES = [
    # (dialect, status the server sends, canonical)
    ("openai", "in_progress", "in_progress"), ("openai", "expired", "expired"),
    ("vllm-omni", "queued", "queued"), ("vllm-omni", "in_progress", "in_progress"),
    ("sglang", "completed", "completed"), ("sglang", "deleted", "deleted"),
    ("litellm", "processing", "in_progress"), ("openrouter", "pending", "queued"),
    ("openai", "Succeeded", "completed"), ("openai", "warming-up", "warming-up"),  # unknown: kept as sent
]


@pytest.mark.parametrize(("dialect", "sent", "canonical"), STATUS_CASES)
async def test_status_mapping(make, server: ScriptedServer, dialect: str, sent: str, canonical: str) -> None:
    server.on("GET", "/videos/v1", {"id": "v1", "status": sent, "polling_url": "/api/v1/videos/v1"})
    assert (await call(make(dialect), "retrieve", "v1")).status == canonical


ERROR_CASES = [
    ("openai", 400, {"error": {"message": "Invalid value for 'seconds'", "type": "invalid_request_error",
                               "param": "seconds", "code": "invalid_value"}}, BadRequestError,
     "Invalid value for 'seconds'"),
    ("litellm", 400, {"error": {"message": "litellm.BadRequestError: bad size", "type": None, "param": None,
                                "code": "400"}}, BadRequestError, "bad size"),
    ("sglang", 404, {"detail": "Video not found"}, NotFoundError, "Video not found"),
    ("vllm-omni", 400, {"error": {"message": "prompt is required", "type": "BadRequestError", "code": 400}},
     BadRequestError, "prompt is required"),
    ("vllm-omni", 404, {"object": "error", "message": "Video video-9 not found", "type": "NotFoundError",
                        "param": None, "code": 404}, NotFoundError, "Video video-9 not found"),
    ("openrouter", 404, {"error": {"code": 404, "message": "Resource not found"}}, NotFoundError,
     "Resource not found"),
    ("sglang", 502, b"<html>Bad Gateway</html>", APIStatusError, "Bad Gateway"),
]


@pytest.mark.parametrize(("dialect", "status", "body", "exc", "text"), ERROR_CASES)
async def test_error_envelopes(make, server: ScriptedServer, dialect: str, status: int, body: object,
                               exc: type, text: str) -> None:
    if isinstance(body, bytes):
        server.on("GET", "/videos/v1", lambda r: httpx.Response(status, content=body))
    else:
        server.on("GET", "/videos/v1", body, status=status)  # type: ignore[arg-type]
    with pytest.raises(exc) as info:
        await call(make(dialect), "retrieve", "v1")
    message = str(info.value)
    assert f"HTTP {status}: " in message and text in message and "\n" not in message


DELETE_CASES = [
    ("openai", {"id": "v1", "object": "video.deleted", "deleted": True}),
    ("vllm-omni", {"id": "v1", "object": "video.deleted", "deleted": True}),
    ("vllm-omni", {"id": "v1", "object": "video", "status": "cancelled"}),  # abort of a running job
    ("sglang", {"id": "v1", "object": "video", "model": "sora-2", "status": "deleted", "seconds": "4"}),
]


@pytest.mark.parametrize(("dialect", "answer"), DELETE_CASES)
async def test_delete_semantics(make, server: ScriptedServer, dialect: str, answer: dict[str, object]) -> None:
    server.on("DELETE", "/videos/v1", answer)
    gone = await call(make(dialect), "delete", "v1")
    assert (gone.id, gone.deleted, gone.object) == ("v1", True, "video.deleted")


async def test_unknown_fields_are_kept_not_rejected(make, server: ScriptedServer) -> None:
    """An unknown server defaults to the openai dialect and tolerates what it does not know."""
    server.on("GET", "/videos/v1", {"id": "v1", "status": "completed", "seconds": 5, "outputs": {
        "video_url": "https://cdn.test/v1.mp4", "cost": 0.2}, "quality": "hd", "progress": "100.0"})
    video = await call(make("openai"), "retrieve", "v1")
    assert video.ok and video.seconds == 5 and video.progress == 100
    assert video.outputs["video_url"] == "https://cdn.test/v1.mp4" and video.quality == "hd"


@pytest.mark.parametrize(("dialect", "answer", "stopped"), [
    ("openai", {"id": "v1", "object": "video.deleted", "deleted": True}, None),  # not documented
    ("vllm-omni", {"id": "v1", "object": "video.deleted", "deleted": True}, True),  # aborts first
    ("sglang", {"id": "v1", "object": "video", "status": "deleted", "completed_at": None}, False),
    ("sglang", {"id": "v1", "object": "video", "status": "deleted", "completed_at": 1760000000}, True),
])
async def test_delete_says_whether_the_render_stopped(make, server: ScriptedServer, dialect: str,
                                                      answer: dict[str, object], stopped: bool | None) -> None:
    server.on("DELETE", "/videos/v1", answer)
    assert (await call(make(dialect), "delete", "v1")).stopped is stopped
