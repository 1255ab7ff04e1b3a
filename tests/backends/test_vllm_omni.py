"""The vllm-omni dialect against answers shaped like vllm-omni's docs/serving/videos_api.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sora_widgets.errors import UnsupportedFeatureError

from ..conftest import call
from .conftest import MP4, ScriptedServer, form_body

# What vLLM-Omni documents: create answers only {id, status, created_at}.
CREATED = {"id": "video-123", "status": "queued", "created_at": 1701234567}


def _job(status: str, **extra: object) -> dict[str, object]:
    return {"id": "video-123", "object": "video", "status": status, "created_at": 1701234567, **extra}


async def test_create_is_multipart_even_without_a_file(make, server: ScriptedServer) -> None:
    server.on("POST", "/videos", CREATED)
    client = make("vllm-omni")
    video = await call(
        client, "create", prompt="a mountain lake at sunrise", seconds=5, size="1280x720", seed=7,
        negative_prompt="blurry", audio=False,
        extras={"num_frames": 81, "fps": 16, "lora": {"name": "style", "scale": 0.8}},
    )
    assert (video.id, video.status, video.created_at, video.progress) == ("video-123", "queued", 1701234567, 0)
    form = form_body(server.last)
    assert form == {
        "prompt": "a mountain lake at sunrise", "seconds": "5", "size": "1280x720", "width": "1280",
        "height": "720", "seed": "7", "negative_prompt": "blurry", "generate_sound": "false",
        "num_frames": "81", "fps": "16", "lora": json.dumps({"name": "style", "scale": 0.8}),
    }
    assert "model" not in form  # the server's own model unless one is named


async def test_reference_file_and_reference_url(make, server: ScriptedServer, tmp_path: Path) -> None:
    from PIL import Image

    server.on("POST", "/videos", CREATED)
    src = tmp_path / "ref.png"
    Image.new("RGB", (64, 36), (10, 200, 30)).save(src)
    client = make("vllm-omni")
    await call(client, "create", prompt="animate", size="640x360", input_reference=src)
    _name, data, mime = form_body(server.last)["input_reference"]
    assert data.startswith(b"\x89PNG") and mime == "image/png"
    await call(client, "create", prompt="animate", input_reference="https://img.test/face.png")
    form = form_body(server.last)
    assert json.loads(form["image_reference"]) == {"image_url": "https://img.test/face.png"}
    assert "input_reference" not in form


async def test_named_model_is_sent_and_status_moves_on(make, server: ScriptedServer) -> None:
    polls = iter([_job("queued"), _job("in_progress", progress=40), _job("completed")])
    server.on("POST", "/videos", CREATED).on("GET", "/videos/video-123", lambda r: _response(next(polls)))
    client = make("vllm-omni")
    await call(client, "create", prompt="x", model="Wan-AI/Wan2.2-T2V-A14B-Diffusers")
    assert form_body(server.last)["model"] == "Wan-AI/Wan2.2-T2V-A14B-Diffusers"
    seen: list[tuple[str, int]] = []
    done = await call(client, "poll", "video-123", interval=0,
                      on_progress=lambda v: seen.append((v.status, v.progress)))
    assert seen == [("queued", 0), ("in_progress", 40), ("completed", 100)] and done.ok


async def test_delete_aborts_and_is_read_either_way(make, server: ScriptedServer) -> None:
    server.on("DELETE", "/videos/video-123", _job("cancelled"))
    server.on("DELETE", "/videos/video-456", {"id": "video-456", "object": "video.deleted", "deleted": True})
    client = make("vllm-omni")
    gone = await call(client, "delete", "video-123")
    assert gone.id == "video-123" and gone.deleted
    assert (await call(client, "delete", "video-456")).deleted


@pytest.mark.parametrize("feature", ["remix", "edit", "extend"])
async def test_sora_only_features_refused_before_sending(make, server: ScriptedServer, feature: str) -> None:
    client = make("vllm-omni")
    args = ("video-123", "at night", 4) if feature == "extend" else ("video-123", "at night")
    with pytest.raises(UnsupportedFeatureError, match=f"backends that offer {feature}: local, openai, litellm"):
        await call(client, feature, *args)
    assert server.requests == []


async def test_only_the_video_variant(make, server: ScriptedServer) -> None:
    server.on("GET", "/videos/video-123/content", MP4)
    client = make("vllm-omni")
    assert await call(client, "download_content", "video-123") == MP4
    with pytest.raises(UnsupportedFeatureError, match="no thumbnail"):
        await call(client, "download_content", "video-123", variant="thumbnail")
    assert len(server.requests) == 1


def _response(body: dict[str, object]):  # type: ignore[no-untyped-def]
    import httpx

    return httpx.Response(200, json=body)
