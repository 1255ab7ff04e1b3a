"""The official `openai` package works against the embedded server unchanged, and every request
and response on the way validates against OpenAI's spec."""

from __future__ import annotations

import io
import json

import openai
import pytest

from .helpers import FAST, png, probe


def test_sdk_full_cycle_with_the_strict_spec(servers, sdk_for):
    """sora-2 at a spec size: requests and responses match even the frozen enums."""
    server = servers.start(generation_time=0.3)
    client = sdk_for(server, strict=True)
    created = client.videos.create(prompt="A lighthouse on a cliff at golden hour, slow pan right",
                                   model="sora-2", size="720x1280", seconds="4")
    assert created.status == "queued" and created.progress == 0
    assert created.object == "video" and created.seconds == "4" and created.size == "720x1280"
    done = client.videos.create_and_poll(prompt="A calico cat playing a piano, night, static", model="sora-2",
                                         size="1280x720", seconds="4")
    assert done.status == "completed" and done.progress == 100
    assert done.completed_at is not None and done.expires_at == done.completed_at + 3600
    meta = probe(client.videos.download_content(done.id).read())
    assert (meta["width"], meta["height"], meta["codec"], meta["pix_fmt"]) == (1280, 720, "h264", "yuv420p")
    assert abs(meta["duration"] - 4.0) <= 1 / 24 and meta["frames"] == 96
    polled = client.videos.poll(created.id)
    assert polled.status == "completed"


def test_sdk_create_retrieve_list_download_remix_delete(servers, sdk_for):
    client = sdk_for(servers.start())
    video = client.videos.create_and_poll(prompt="A red kite flying over green hills, tracking shot", **FAST)
    assert video.status == "completed"
    same = client.videos.retrieve(video.id)
    assert same.id == video.id and same.status == "completed" and same.prompt == video.prompt

    mp4 = client.videos.download_content(video.id).read()
    meta = probe(mp4)
    assert (meta["width"], meta["height"]) == (320, 180) and abs(meta["duration"] - 1.0) <= 1 / 24
    assert (meta["codec"], meta["pix_fmt"]) == ("h264", "yuv420p")
    thumb = client.videos.download_content(video.id, variant="thumbnail").read()
    sheet = client.videos.download_content(video.id, variant="spritesheet").read()
    from PIL import Image

    assert Image.open(io.BytesIO(thumb)).format == "WEBP"
    assert Image.open(io.BytesIO(sheet)).format == "JPEG"

    remix = client.videos.remix(video.id, prompt="The same kite at night")
    assert remix.remixed_from_video_id == video.id and remix.status in ("queued", "in_progress")
    remix = client.videos.poll(remix.id)
    assert remix.status == "completed" and remix.seconds == video.seconds and remix.size == video.size

    ids = [v.id for v in client.videos.list(limit=1)]  # auto-pagination, one per page
    assert ids == [remix.id, video.id]
    page = client.videos.list(limit=1, order="asc")
    assert [v.id for v in page.data] == [video.id] and page.has_more

    deleted = client.videos.delete(video.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (video.id, True, "video.deleted")
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve(video.id)
    with pytest.raises(openai.NotFoundError):
        client.videos.download_content(video.id)


def test_edit_and_extend_by_id_as_multipart_and_json(server, sdk_for, client_for):
    """The SDK cannot send `video: {id}` (it insists on a file), so ids go as the flattened multipart
    field `video[id]` the SDK's encoder would produce, and as JSON; both validate against the spec."""
    client = sdk_for(server)
    raw = client_for(server, validate_requests=True)
    source = client.videos.create_and_poll(prompt="A sailboat on a lake, zoom in", **FAST)
    form = {"video[id]": (None, source.id), "prompt": (None, "A sailboat in a storm")}
    edit = raw.post("/videos/edits", files=form)
    assert edit.status_code == 200, edit.text
    edit = client.videos.poll(edit.json()["id"])
    assert edit.status == "completed" and edit.size == source.size and edit.seconds == source.seconds

    body = {"video": {"id": source.id}, "prompt": "The boat reaches the shore", "seconds": "2"}
    extended = raw.post("/videos/extensions", json=body)
    assert extended.status_code == 200, extended.text
    extended = client.videos.poll(extended.json()["id"])
    assert extended.status == "completed" and extended.seconds == "3"
    assert abs(probe(client.videos.download_content(extended.id).read())["duration"] - 3.0) <= 1 / 24
    # The spec's own multipart encoding of an object: one JSON part.
    ref = ("video.json", json.dumps({"id": extended.id}).encode(), "application/json")
    parts = {"video": ref, "prompt": (None, "Night falls"), "seconds": (None, "1")}
    again = raw.post("/videos/extensions", files=parts)
    assert again.status_code == 200, again.text
    assert again.json()["seconds"] == "4"


def test_sdk_uploads_edit_extend_and_characters(server, sdk_for):
    client = sdk_for(server)
    source = client.videos.create_and_poll(prompt="A sailboat on a lake, zoom in", **FAST)
    clip = client.videos.download_content(source.id).read()
    uploaded = client.videos.edit(video=("clip.mp4", clip, "video/mp4"), prompt="Now in winter",
                                   extra_body={"model": "animatic"})
    uploaded = client.videos.poll(uploaded.id)
    assert uploaded.status == "completed" and uploaded.size == "320x180"
    extended = client.videos.extend(video=("clip.mp4", clip, "video/mp4"), prompt="And then it rains",
                                    seconds="1", extra_body={"model": "animatic"})
    extended = client.videos.poll(extended.id)
    assert extended.status == "completed" and extended.seconds == "2"

    character = client.videos.create_character(video=("me.mp4", clip, "video/mp4"), name="Captain")
    assert character.id.startswith("char_") and character.name == "Captain"
    again = client.videos.get_character(character.id)
    assert (again.id, again.name, again.created_at) == (character.id, "Captain", character.created_at)


def test_sdk_input_reference_upload_is_frame_zero(server, sdk_for):
    client = sdk_for(server)
    image = png(320, 180, pattern=True)
    video = client.videos.create_and_poll(prompt="The scene comes alive, slow pan left",
                                          input_reference=("ref.png", image, "image/png"), **FAST)
    assert video.status == "completed"
    import numpy as np
    from PIL import Image

    from .helpers import frames_rgb

    first = frames_rgb(client.videos.download_content(video.id).read(), (0,))[0].astype(int)
    ref = np.asarray(Image.open(io.BytesIO(image)).convert("RGB")).astype(int)
    assert np.abs(first - ref).mean() < 6  # H.264 + 4:2:0 chroma, nothing more


def test_sdk_errors_map_to_the_right_exceptions(server, sdk_for):
    client = sdk_for(server, max_retries=0)
    with pytest.raises(openai.BadRequestError) as bad:
        client.videos.create(prompt="x", model="sora-2", seconds="5")
    assert "Invalid value for 'seconds': expected one of '4', '8', or '12'" in bad.value.message
    with pytest.raises(openai.BadRequestError):
        client.videos.create(prompt="x", model="sora-2", size="320x180")
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve("video_" + "0" * 48)
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=server.base_url, api_key="wrong", max_retries=0).videos.list()
