"""The sglang dialect (also FastVideo) against answers shaped like SGLang's video_api.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sora_widgets.errors import NotFoundError, UnprocessableEntityError, UnsupportedFeatureError

from ..conftest import call, collect
from .conftest import ScriptedServer, form_body, json_body


def _job(status: str = "queued", **extra: object) -> dict[str, object]:
    # SGLang's VideoResponse: model defaults to "sora-2" whatever it serves; seconds echoed as str.
    return {"id": "a1b2c3", "object": "video", "model": "sora-2", "status": status, "progress": 0,
            "created_at": 1760000000, "size": "832x480", "seconds": "5", "quality": "standard", **extra}


@pytest.mark.parametrize("kind", ["sglang", "fastvideo"])
async def test_json_create_with_integer_seconds(make, server: ScriptedServer, kind: str) -> None:
    server.on("POST", "/videos", _job())
    client = make(kind)
    video = await call(client, "create", prompt="a koi pond", seconds=5, size="832x480", seed=42,
                       negative_prompt="text, watermark", extras={"fps": 16, "num_frames": 81})
    body = json_body(server.last)
    assert body == {"prompt": "a koi pond", "seconds": 5, "size": "832x480", "seed": 42,
                    "negative_prompt": "text, watermark", "fps": 16, "num_frames": 81}
    assert isinstance(body["seconds"], int)
    assert video.seconds == 5 and video.size == "832x480" and video.quality == "standard"


async def test_multipart_only_with_a_file_and_scalars_top_level(
    make, server: ScriptedServer, tmp_path: Path
) -> None:
    from PIL import Image

    server.on("POST", "/videos", _job())
    ref = tmp_path / "first.png"
    Image.new("RGB", (832, 480), (0, 0, 255)).save(ref)
    client = make("sglang")
    await call(client, "create", prompt="make it move", seconds=4, size="832x480", input_reference=ref,
               seed=3, extras={"fps": 24, "extra_params": {"shift": 5}})
    form = form_body(server.last)
    assert form["seconds"] == "4" and form["fps"] == "24" and form["prompt"] == "make it move"
    assert form["input_reference"][1].startswith(b"\x89PNG")
    # FastVideo reads seed & co. only as form fields; nested values ride in extra_body
    assert form["seed"] == "3" and json.loads(form["extra_body"]) == {"extra_params": {"shift": 5}}


async def test_reference_url_travels_as_reference_url(make, server: ScriptedServer) -> None:
    server.on("POST", "/videos", _job())
    client = make("sglang")
    await call(client, "create", prompt="animate", input_reference="https://img.test/a.png")
    assert json_body(server.last)["reference_url"] == "https://img.test/a.png"


async def test_detail_errors_are_one_line(make, server: ScriptedServer) -> None:
    server.on("GET", "/videos/nope", {"detail": "Video not found"}, status=404)
    server.on("POST", "/videos", {"detail": [
        {"loc": ["body", "seconds"], "msg": "Input should be a valid integer", "type": "int_parsing"},
    ]}, status=422)
    client = make("sglang")
    with pytest.raises(NotFoundError) as info:
        await call(client, "retrieve", "nope")
    assert str(info.value).startswith("HTTP 404: Video not found") and "\n" not in str(info.value)
    with pytest.raises(UnprocessableEntityError, match="seconds: Input should be a valid integer"):
        await call(client, "create", prompt="x")


async def test_content_404_while_running(make, server: ScriptedServer) -> None:
    server.on("GET", "/videos/a1b2c3/content", {"detail": "Generation is still in-progress"}, status=404)
    client = make("sglang")
    with pytest.raises(NotFoundError, match="still in-progress"):
        await call(client, "download_content", "a1b2c3")


async def test_delete_answers_the_video_with_status_deleted(make, server: ScriptedServer) -> None:
    server.on("DELETE", "/videos/a1b2c3", _job("deleted"))
    gone = await call(make("sglang"), "delete", "a1b2c3")
    assert gone.id == "a1b2c3" and gone.deleted and gone.object == "video.deleted"


async def test_list_without_cursor_fields(make, server: ScriptedServer) -> None:
    server.on("GET", "/videos", {"object": "list", "data": [_job("completed", id="v1"), _job(id="v2")]})
    videos = await collect(make("sglang").list())
    assert [(v.id, v.status, v.progress) for v in videos] == [("v1", "completed", 100), ("v2", "queued", 0)]
    assert len(server.requests) == 1  # no has_more -> one page


async def test_no_remix_edit_extend_characters(make, server: ScriptedServer) -> None:
    client = make("sglang")
    for feature in ("remix", "edit"):
        with pytest.raises(UnsupportedFeatureError, match=f"{feature} is not available"):
            await call(client, feature, "a1b2c3", "again")
    with pytest.raises(UnsupportedFeatureError, match="backends that offer characters: local, openai"):
        await call(client, "create_character", b"\x00", "Ava")  # both twins have it now
    assert server.requests == []
