"""OpenRouter's video API, with answers shaped per openrouter-openapi.yaml (VideoModel, 202 create)."""

from __future__ import annotations

import base64
import time
from typing import Any

import httpx
import pytest

from sora_widgets.backends.openrouter_catalog import CATALOG, parse_pricing
from sora_widgets.capabilities import estimate_cost, resolve
from sora_widgets.errors import (
    GenerationFailedError,
    InvalidRequestError,
    PaymentRequiredError,
    RateLimitError,
    UnsupportedFeatureError,
)
from sora_widgets.models import VideoRequest

from ..conftest import call, collect
from .conftest import MP4, ScriptedServer, json_body

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def video_model(model_id: str, **fields: Any) -> dict[str, Any]:
    """A VideoModel with every field the spec marks required."""
    base: dict[str, Any] = {
        "id": model_id, "canonical_slug": model_id, "name": model_id, "created": 1760000000,
        "description": "", "supported_resolutions": None, "supported_aspect_ratios": None,
        "supported_sizes": None, "supported_durations": None, "supported_frame_images": None,
        "upscale_factor": None, "creativity": None, "generate_audio": None, "seed": None,
        "allowed_passthrough_parameters": [], "pricing_skus": None,
    }
    return {**base, **fields}


CATALOG_BODY = {"data": [
    video_model("bytedance/seedance-2.0", name="Seedance 2.0", supported_durations=[4, 6, 8, 10, 12],
                supported_resolutions=["480p", "720p"], pricing_skus={"generate": "0.50"}),
    video_model("google/veo-3.1", name="Veo 3.1", supported_durations=[5, 8],
                supported_resolutions=["720p", "1080p"], supported_aspect_ratios=["16:9", "9:16"],
                supported_frame_images=["first_frame", "last_frame"], generate_audio=True,
                pricing_skus={"duration_seconds_without_audio_720p": "0.20",
                              "duration_seconds_with_audio_720p": "0.40",
                              "duration_seconds_with_audio_1080p": "0.50"}),
    video_model("alibaba/wan-2.6", name="Wan 2.6", supported_durations=[5, 10],
                supported_sizes=["1280x720", "720x1280"], supported_frame_images=["first_frame"], seed=True,
                pricing_skus={"cents_per_second_output": "4"}),
]}
ACCEPTED = {"id": "job-abc123", "polling_url": "/api/v1/videos/job-abc123", "status": "pending",
            "generation_id": "gen-xyz789"}


def _status(status: str, **extra: Any) -> dict[str, Any]:
    return {"id": "job-abc123", "polling_url": "/api/v1/videos/job-abc123", "status": status, **extra}


@pytest.fixture
def openrouter(server: ScriptedServer) -> ScriptedServer:
    return server.on("GET", "/videos/models", CATALOG_BODY).on("POST", "/videos", ACCEPTED, status=202)


async def test_catalog_becomes_capabilities(make, openrouter: ScriptedServer) -> None:
    caps = await call(make("openrouter"), "models")
    veo = caps.models["google/veo-3.1"]
    assert caps.default_model == "google/veo-3.1" and not caps.open_models
    assert veo.durations == (5, 8) and veo.resolutions == ("720p", "1080p")
    assert veo.aspect_ratios == ("16:9", "9:16") and veo.frame_images == ("first_frame", "last_frame")
    assert veo.audio and not veo.seed and veo.input_reference and not (veo.remix or veo.edit or veo.extend)
    assert veo.price_per_second == {"720p": 0.40, "1080p": 0.50, "*": 0.50}  # with audio: the safe side
    wan = caps.models["alibaba/wan-2.6"]
    assert wan.sizes == ("1280x720", "720x1280") and wan.seed and wan.price_per_second == {"*": 0.04}
    seedance = caps.models["bytedance/seedance-2.0"]
    assert seedance.price_per_video == 0.50 and not seedance.input_reference
    with pytest.raises(InvalidRequestError, match="allowed seconds: 5, 8"):
        resolve(VideoRequest(prompt="x", model="google/veo-3.1", seconds=6), caps)
    assert estimate_cost(resolve(VideoRequest(prompt="x", seconds=8), caps), caps) == pytest.approx(3.2)


async def test_duration_outside_the_list_refused_before_sending(make, openrouter: ScriptedServer) -> None:
    client = make("openrouter")
    with pytest.raises(InvalidRequestError) as info:
        await call(client, "create", prompt="a fox", model="google/veo-3.1", seconds=6)
    assert "6 seconds is not supported by google/veo-3.1" in str(info.value) and "5, 8" in str(info.value)
    with pytest.raises(InvalidRequestError, match=r"choose one of: bytedance/seedance-2\.0, google/veo-3\.1"):
        await call(client, "create", prompt="a fox", model="openai/sora-2-pro")
    assert [r.url.path for r in openrouter.requests] == ["/v1/videos/models"]


async def test_create_body_and_202_pending(make, openrouter: ScriptedServer) -> None:
    client = make("openrouter")
    video = await call(client, "create", prompt="a fox in snow", seconds=8, aspect_ratio="16:9", audio=True,
                       input_reference="https://img.test/first.png",
                       extras={"last_frame": PNG, "callback_url": "https://hook.test/done"})
    assert video.id == "job-abc123" and video.status == "queued" and video.generation_id == "gen-xyz789"
    body = json_body(openrouter.last)
    assert body == {
        "model": "google/veo-3.1", "prompt": "a fox in snow", "duration": 8, "resolution": "720p",
        "aspect_ratio": "16:9", "generate_audio": True, "callback_url": "https://hook.test/done",
        "frame_images": [
            {"type": "image_url", "image_url": {"url": "https://img.test/first.png"}, "frame_type": "first_frame"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64," + base64.b64encode(PNG).decode()},
             "frame_type": "last_frame"},
        ],
    }
    await call(client, "create", prompt="wan", model="alibaba/wan-2.6", seconds=5, size="720x1280", seed=11)
    assert json_body(openrouter.last) == {"model": "alibaba/wan-2.6", "prompt": "wan", "duration": 5,
                                          "size": "720x1280", "seed": 11}


async def test_frame_types_checked_against_the_model(make, openrouter: ScriptedServer) -> None:
    client = make("openrouter")
    with pytest.raises(UnsupportedFeatureError, match="does not take a last frame image"):
        await call(client, "create", prompt="x", model="alibaba/wan-2.6", seconds=5,
                   input_reference="https://img.test/a.png", extras={"frame_type": "last_frame"})
    with pytest.raises(UnsupportedFeatureError, match="does not take a reference image"):
        await call(client, "create", prompt="x", model="bytedance/seedance-2.0", seconds=4,
                   input_reference="https://img.test/a.png")
    assert len(openrouter.sent("POST", "/videos")) == 0


@pytest.mark.parametrize(("wire", "canonical", "done"), [
    ("pending", "queued", False), ("in_progress", "in_progress", False), ("completed", "completed", True),
    ("failed", "failed", True), ("cancelled", "cancelled", True), ("expired", "expired", True),
])
async def test_statuses_map_onto_canonical_ones(make, server: ScriptedServer, wire: str, canonical: str,
                                                done: bool) -> None:
    server.on("GET", "/videos/job-abc123", _status(wire))
    video = await call(make("openrouter"), "retrieve", "job-abc123")
    assert (video.status, video.done) == (canonical, done)


async def test_generate_records_cost_and_downloads_index_0(make, openrouter: ScriptedServer) -> None:
    polls = iter([_status("in_progress"), _status("completed", unsigned_urls=["https://cdn.test/v.mp4"],
                                                     usage={"cost": 1.75, "is_byok": False})])
    openrouter.on("GET", "/videos/job-abc123", lambda r: httpx.Response(200, json=next(polls)))
    openrouter.on("GET", "/videos/job-abc123/content", MP4)
    client = make("openrouter", poll_interval=0.001)
    result = await call(client, "generate", "a paper boat", seconds=5)
    assert result.cost == 1.75 and result.video.progress == 100
    assert result.video.unsigned_urls == ["https://cdn.test/v.mp4"] and result.path.read_bytes() == MP4
    content = openrouter.sent("GET", "/content")
    assert len(content) == 1 and content[0].url.params["index"] == "0"  # no thumbnail request at all
    assert await call(client, "download_content", "job-abc123", index=1) == MP4
    assert openrouter.last.url.params["index"] == "1"


async def test_failed_job_error_string(make, server: ScriptedServer) -> None:
    server.on("GET", "/videos/models", CATALOG_BODY).on("POST", "/videos", ACCEPTED, status=202)
    server.on("GET", "/videos/job-abc123", _status("failed", error="Provider rejected the prompt"))
    with pytest.raises(GenerationFailedError, match="failed: Provider rejected the prompt"):
        await call(make("openrouter", poll_interval=0.001), "generate", "x", seconds=5)


@pytest.mark.parametrize("operation", ["list", "delete", "remix", "edit", "extend"])
async def test_missing_operations_refused_before_sending(make, server: ScriptedServer, operation: str) -> None:
    client = make("openrouter")
    offered = {"list": "local, openai, vllm-omni, sglang", "delete": "local, openai, vllm-omni, sglang",
               "remix": "local, openai, litellm"}.get(operation, "local, openai, litellm")
    with pytest.raises(UnsupportedFeatureError) as info:
        if operation == "list":
            await collect(client.list())
        elif operation == "delete":
            await call(client, "delete", "job-abc123")
        else:
            await call(client, operation, "job-abc123", "again", *([5] if operation == "extend" else []))
    text = str(info.value)
    assert f"{operation} is not available" in text and f"backends that offer {operation}: {offered}" in text
    assert server.requests == []


async def test_402_and_429_in_plain_words(make, server: ScriptedServer) -> None:
    server.on("GET", "/videos/models", CATALOG_BODY)
    server.on("POST", "/videos", {"error": {"code": 402, "message":
                                            "Insufficient credits. Add more using https://openrouter.ai/credits"}},
              status=402)
    client = make("openrouter")
    with pytest.raises(PaymentRequiredError) as info:
        await call(client, "create", prompt="x", seconds=5)
    text = str(info.value)
    assert text.startswith("HTTP 402: OpenRouter refused the job because the account has run out of credits")
    assert "Insufficient credits" in text and "add credits at https://openrouter.ai/credits" in text
    assert "\n" not in text and info.value.code == "402"
    server.routes.clear()
    server.on("GET", "/videos/job-1", {"error": {"code": 429, "message": "Rate limit exceeded"}}, status=429,
              headers={"retry-after": "0.01"})
    with pytest.raises(RateLimitError) as rate:
        await call(make("openrouter", max_retries=1), "retrieve", "job-1")
    assert "rate limiting this key" in str(rate.value) and "lower `concurrency`" in str(rate.value)
    assert len(server.sent("GET", "/videos/job-1")) == 2  # retried once first


async def test_catalog_cached_per_process_with_ttl(make, openrouter: ScriptedServer, monkeypatch) -> None:
    await call(make("openrouter"), "models")
    caps = await call(make("openrouter"), "models")  # a new client, same server: no second fetch
    assert caps.models["google/veo-3.1"].durations == (5, 8)
    assert len(openrouter.sent("GET", "/videos/models")) == 1
    await call(make("openrouter", base_url="http://other.test/v1"), "models")
    assert len(openrouter.sent("GET", "/videos/models")) == 2  # cached per base URL
    real = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real() + CATALOG.ttl + 1)
    await call(make("openrouter"), "models")
    assert len(openrouter.sent("GET", "/videos/models")) == 3  # expired


def test_pricing_skus() -> None:
    assert parse_pricing({"generate": "0.50"}) == ({}, 0.5)
    assert parse_pricing({"cents_per_second_output": "12"}) == ({"*": 0.12}, None)
    assert parse_pricing({"duration_seconds_4k": "1.2", "duration_seconds_1K": "0.3"}) == (
        {"4K": 1.2, "1K": 0.3, "*": 1.2}, None)
    assert parse_pricing({"video_tokens": "0.000002", "reference_images": "0.01", "bad": "n/a"}) == ({}, None)
    assert parse_pricing(None) == ({}, None)
