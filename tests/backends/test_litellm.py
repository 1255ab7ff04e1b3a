"""The litellm dialect: a LiteLLM proxy in front of providers (docs.litellm.ai/docs/videos)."""

from __future__ import annotations

import base64

import pytest

from sora_widgets.backends.litellm import decode_video_id
from sora_widgets.errors import BadRequestError, InvalidRequestError, UnsupportedFeatureError

from ..conftest import call
from .conftest import KEY, ScriptedServer, json_body


def litellm_id(provider: str, model_id: str, upstream: str) -> str:
    """How LiteLLM encodes an id (litellm/videos/utils.py, LITELLM_MANAGED_VIDEO_COMPLETE_STR)."""
    raw = f"litellm:custom_llm_provider:{provider};model_id:{model_id};video_id:{upstream}"
    return "video_" + base64.b64encode(raw.encode()).decode().rstrip("=")


VID = litellm_id("gemini", "veo-3-fast", "operations/abc123")


def _job(status: str = "queued") -> dict[str, object]:
    return {"id": VID, "object": "video", "model": "veo-3-fast", "status": status, "progress": 0,
            "created_at": 1760000000, "seconds": "8", "size": "1280x720"}


async def test_both_auth_headers_and_openai_body(make, server: ScriptedServer) -> None:
    server.on("POST", "/videos", _job())
    client = make("litellm")
    video = await call(client, "create", prompt="a lighthouse in fog", model="veo-3-fast", seconds=8,
                       size="1280x720", extras={"custom_llm_provider": "gemini"})
    sent = server.last
    assert sent.headers["authorization"] == f"Bearer {KEY}" and sent.headers["x-litellm-api-key"] == KEY
    assert json_body(sent) == {"prompt": "a lighthouse in fog", "model": "veo-3-fast", "seconds": "8",
                               "size": "1280x720", "custom_llm_provider": "gemini"}
    assert (video.provider, video.provider_model_id, video.provider_video_id) == (
        "gemini", "veo-3-fast", "operations/abc123")


async def test_model_is_required(make, server: ScriptedServer) -> None:
    with pytest.raises(InvalidRequestError, match="needs a model name"):
        await call(make("litellm"), "create", prompt="x")
    assert server.sent("POST", "/videos") == []  # only GET /v1/models went out


async def test_remix_is_routed_by_the_encoded_id(make, server: ScriptedServer) -> None:
    server.on("POST", f"/videos/{VID}/remix", _job())
    remixed = await call(make("litellm"), "remix", VID, "at dusk")
    assert remixed.provider == "gemini" and json_body(server.last) == {"prompt": "at dusk"}


async def test_no_delete_route(make, server: ScriptedServer) -> None:
    with pytest.raises(UnsupportedFeatureError, match="delete is not available on the litellm backend") as info:
        await call(make("litellm"), "delete", VID)
    assert "local, openai, vllm-omni, sglang" in str(info.value)
    assert server.requests == []


async def test_openai_error_envelope_from_the_provider(make, server: ScriptedServer) -> None:
    server.on("POST", "/videos", {"error": {"message": "litellm.BadRequestError: invalid size", "type": "None",
                                            "param": "size", "code": "400"}}, status=400)
    with pytest.raises(BadRequestError) as info:
        await call(make("litellm"), "create", prompt="x", model="veo-3-fast")
    assert "invalid size" in str(info.value) and info.value.param == "size" and info.value.code == "400"


def test_plain_ids_are_not_decoded() -> None:
    assert decode_video_id("video_68d7512d07848190b3e45da0ecbebcde004da08e1e0678d5") is None
    assert decode_video_id("job-123") is None
    assert decode_video_id(VID) == {"provider": "gemini", "model_id": "veo-3-fast", "video_id": "operations/abc123"}


def test_ids_decode_by_key_so_tails_never_leak_into_the_upstream_id() -> None:
    """LiteLLM appends `;deployment_id:` (and served/requested model) parts after the video id."""
    raw = ("litellm:custom_llm_provider:openai;model_id:animatic;video_id:video_18eb;"
           "deployment_id:f7f3ac;requested_model:local-animatic")
    vid = "video_" + base64.b64encode(raw.encode()).decode().rstrip("=")
    assert decode_video_id(vid) == {"provider": "openai", "model_id": "animatic", "video_id": "video_18eb",
                                    "deployment_id": "f7f3ac", "requested_model": "local-animatic"}


async def test_served_names_from_the_proxy_pick_the_video_model(make, server: ScriptedServer) -> None:
    server.on("GET", "/models", {"object": "list", "data": [
        {"id": "gpt-chat", "object": "model"}, {"id": "veo-fast", "object": "model", "mode": "video_generation"}]})
    server.on("POST", "/videos", _job())
    client = make("litellm")
    caps = await call(client, "models")
    assert list(caps.models) == ["veo-fast"] and caps.default_model == "veo-fast"
    await call(client, "create", prompt="a kite")
    assert json_body(server.last)["model"] == "veo-fast"  # no model given: the only video model
