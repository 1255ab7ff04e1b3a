"""Every client method, both twins, against an in-memory server (httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from sora_widgets import AsyncSoraClient, SoraClient
from sora_widgets.errors import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    DownloadError,
    GenerationFailedError,
    InvalidRequestError,
    NotFoundError,
    PollTimeoutError,
    RateLimitError,
    UnsupportedFeatureError,
)

from .conftest import call, collect
from .fakes import FakeVideos, connection_drop, error_response


async def test_create_sends_openai_contract(make_client, fake: FakeVideos) -> None:
    client = make_client()
    video = await call(client, "create", prompt="a red fox", seconds=8, size="1280x720")
    assert video.id == "video_0001" and video.status == "queued" and video.seconds == 8
    sent = fake.requests[-1]
    body = json.loads(sent.content)
    assert body == {"prompt": "a red fox", "model": "sora-2", "seconds": "8", "size": "1280x720"}
    assert sent.headers["idempotency-key"].startswith("sora-widgets-")
    assert sent.headers["authorization"] == f"Bearer {fake.key}"


async def test_retrieve_list_delete(make_client, fake: FakeVideos) -> None:
    client = make_client()
    ids = [(await call(client, "create", prompt=f"shot {i}")).id for i in range(5)]
    got = await call(client, "retrieve", ids[0])
    assert got.id == ids[0]
    listed = await collect(client.list(limit=2))
    assert sorted(v.id for v in listed) == sorted(ids)
    assert sum(1 for r in fake.requests if r.url.path.endswith("/videos") and r.method == "GET") == 3
    deleted = await call(client, "delete", ids[0])
    assert deleted.deleted and deleted.id == ids[0]
    with pytest.raises(NotFoundError) as info:
        await call(client, "retrieve", ids[0])
    assert "no video found" in str(info.value).lower() and "\n" not in str(info.value)


async def test_remix_edit_extend(make_client, fake: FakeVideos) -> None:
    client = make_client()
    src = await call(client, "create", prompt="a lighthouse", seconds=4)
    remix = await call(client, "remix", src.id, "the same at night")
    assert remix.remixed_from_video_id == src.id
    edit = await call(client, "edit", src.id, "make it snow")
    assert json.loads(fake.requests[-1].content) == {"video": {"id": src.id}, "prompt": "make it snow"}
    ext = await call(client, "extend", src.id, "the camera rises", 8)
    assert ext.seconds == 12 and edit.id != ext.id
    with pytest.raises(InvalidRequestError):
        await call(client, "remix", src.id, "   ")


async def test_poll_follows_hint_and_reports_progress(make_client, fake: FakeVideos) -> None:
    fake.steps = 3
    client = make_client()
    seen: list[tuple[str, int]] = []
    video = await call(
        client, "create_and_poll", prompt="waves", on_progress=lambda v: seen.append((v.status, v.progress))
    )
    assert video.ok and video.progress == 100 and video.expires_at
    assert seen[0] == ("queued", 0) and seen[-1] == ("completed", 100)
    assert [s for s, _ in seen].count("in_progress") == 2


async def test_poll_deadline(make_client, fake: FakeVideos) -> None:
    fake.steps = 10_000
    fake.poll_after_ms = 20
    client = make_client()
    video = await call(client, "create", prompt="slow")
    with pytest.raises(PollTimeoutError) as info:
        await call(client, "poll", video.id, timeout=0.2)
    assert info.value.video_id == video.id and video.id in str(info.value)


async def test_generate_downloads_and_verifies(make_client, fake: FakeVideos, tmp_path: Path) -> None:
    client = make_client()
    result = await call(client, "generate", "a paper boat", seconds=4)
    assert result.path == (tmp_path / "out" / f"{result.id}.mp4").resolve()
    assert result.path.read_bytes() == fake.content
    assert result.thumbnail and result.thumbnail.name.endswith(".thumbnail.webp")
    assert result.cost == pytest.approx(0.4)  # sora-2 at $0.10/s x 4 s
    bundle, meta = result._repr_mimebundle_()
    assert "<video" in bundle["text/html"] and "base64,AAAA" not in bundle["text/html"]
    assert meta["sora_widgets"]["id"] == result.id


async def test_generate_failure_carries_code(make_client, fake: FakeVideos) -> None:
    fake.fail_with = "moderation_blocked"
    client = make_client()
    with pytest.raises(GenerationFailedError) as info:
        await call(client, "generate", "something blocked")
    assert info.value.code == "moderation_blocked" and "moderation" in str(info.value)


async def test_download_content_variants(make_client, fake: FakeVideos) -> None:
    client = make_client()
    v = await call(client, "create", prompt="x")
    assert (await call(client, "download_content", v.id)) == fake.content
    assert (await call(client, "download_content", v.id, variant="thumbnail")).startswith(b"RIFF")
    assert fake.requests[-1].url.params["variant"] == "thumbnail"
    with pytest.raises(InvalidRequestError, match="video, thumbnail or spritesheet"):
        await call(client, "download_content", v.id, variant="gif")


async def test_download_is_atomic_and_checked(make_client, fake: FakeVideos, tmp_path: Path) -> None:
    client = make_client()
    v = await call(client, "create", prompt="x")
    target = tmp_path / "keep.mp4"
    target.write_bytes(b"old")
    fake.content = b"<html>error page</html>"
    with pytest.raises(DownloadError, match="not an MP4"):
        await call(client, "download", v.id, target)
    assert target.read_bytes() == b"old"  # untouched
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    fake.content = b""
    with pytest.raises(DownloadError, match="empty"):
        await call(client, "download", v.id, target)


async def test_download_name_cannot_escape(make_client, fake: FakeVideos, tmp_path: Path) -> None:
    client = make_client()
    fake._video("../../etc/passwd", "p", "sora-2", "4", "720x1280")
    fake.jobs["evil"] = fake.jobs.pop("../../etc/passwd")
    path = client.target_path("../../etc/passwd", None, "video")
    assert path.parent == (tmp_path / "out").resolve() and ".." not in path.name


async def test_retries_on_429_with_retry_after(make_client, fake: FakeVideos) -> None:
    fake.script.append(("/videos", error_response(429, "slow down", retry_after_ms="30")))
    fake.script.append(("/videos", error_response(503, "busy")))
    client = make_client(max_retries=2)
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    video = await call(client, "create", prompt="retry me")
    assert video.id and fake.creates == 1
    keys = {r.headers["idempotency-key"] for r in fake.requests}
    assert len(keys) == 1  # the same key on every retry of one create
    assert loop.time() - t0 >= 0.03


async def test_retries_exhausted_and_4xx_never_retried(make_client, fake: FakeVideos) -> None:
    for _ in range(3):
        fake.script.append(("/videos", error_response(429, "rate limited", retry_after="0.01")))
    client = make_client(max_retries=2)
    with pytest.raises(RateLimitError):
        await call(client, "create", prompt="x")
    assert len(fake.requests) == 3
    fake.requests.clear()
    fake.script.append(("/videos", error_response(400, "Invalid value for 'size'")))
    with pytest.raises(BadRequestError, match="Invalid value for 'size'"):
        await call(client, "create", prompt="x")
    assert len(fake.requests) == 1


async def test_retry_after_too_long_is_not_waited(make_client, fake: FakeVideos) -> None:
    fake.script.append(("/videos", error_response(429, "come back tomorrow", retry_after="3600")))
    client = make_client(max_retries=2)
    with pytest.raises(RateLimitError):
        await call(client, "create", prompt="x")
    assert len(fake.requests) == 1


async def test_connection_errors_retry_then_map(make_client, fake: FakeVideos) -> None:
    fake.script.append(("/videos", connection_drop))
    client = make_client(max_retries=1)
    assert (await call(client, "create", prompt="x")).id
    fake.script.extend([("/videos", connection_drop), ("/videos", connection_drop)])
    with pytest.raises(APIConnectionError, match="could not reach"):
        await call(client, "create", prompt="x")


async def test_auth_error_is_one_line_with_hint(make_client, fake: FakeVideos) -> None:
    client = make_client(api_key="wrong-key-123456")
    with pytest.raises(AuthenticationError) as info:
        await call(client, "create", prompt="x")
    text = str(info.value)
    assert "HTTP 401" in text and "API key" in text and "wrong-key" not in text and "\n" not in text


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"prompt": ""}, "prompt is empty"),
        ({"prompt": "x" * 32001}, "over the limit of 32,000"),
        ({"prompt": "ok", "size": "1000x1000"}, "allowed sizes: 720x1280, 1280x720"),
        ({"prompt": "ok", "seconds": 5}, "allowed seconds: 4, 8, 12"),
        ({"prompt": "ok", "input_reference": "/no/such/file.png"}, "not found"),
        ({"prompt": "ok", "model": "sora-2", "size": "12x"}, "1280x720"),
    ],
)
async def test_bad_input_never_reaches_network(make_client, fake: FakeVideos, fields, match) -> None:
    client = make_client()
    with pytest.raises(ValueError, match=match):
        await call(client, "create", **fields)
    assert fake.requests == []


async def test_non_image_reference_rejected(make_client, fake: FakeVideos, tmp_path: Path) -> None:
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    client = make_client()
    with pytest.raises(ValueError, match="not an image"):
        await call(client, "create", prompt="ok", input_reference=bad)
    assert fake.requests == []


async def test_reference_is_fitted_and_sent_multipart(make_client, fake: FakeVideos, tmp_path: Path) -> None:
    from PIL import Image

    src = tmp_path / "ref.png"
    Image.new("RGB", (300, 300), (200, 30, 30)).save(src)
    client = make_client()
    await call(client, "create", prompt="animate it", size="1280x720", input_reference=src)
    sent = fake.requests[-1]
    assert sent.headers["content-type"].startswith("multipart/form-data")
    from .fakes import _multipart_fields

    fields = _multipart_fields(sent)
    assert fields["seconds"] == "4" and fields["size"] == "1280x720"
    import io

    img = Image.open(io.BytesIO(fields["input_reference"]))
    assert img.size == (1280, 720)


async def test_feature_refused_before_sending(twin: str, fake: FakeVideos, tmp_path: Path) -> None:
    from sora_widgets.backends import BACKENDS
    from sora_widgets.backends.base import Backend
    from sora_widgets.capabilities import BackendCapabilities, ModelCapabilities

    class NoRemix(Backend):
        kind = "no-remix-test"

        def __init__(self) -> None:
            super().__init__(BackendCapabilities(backend="no-remix-test", default_model="m",
                                                 models={"m": ModelCapabilities(id="m")}))

    BACKENDS["no-remix-test"] = NoRemix
    try:
        cls = SoraClient if twin == "sync" else AsyncSoraClient
        client = cls(backend="no-remix-test", base_url="http://fake.test/v1", api_key=fake.key,
                     transport=fake.transport())
        with pytest.raises(UnsupportedFeatureError, match="backends that offer remix: local, openai"):
            await call(client, "remix", "video_1", "at night")
        assert fake.requests == []
    finally:
        del BACKENDS["no-remix-test"]


async def test_missing_key_names_variable(twin: str, fake: FakeVideos) -> None:
    cls = SoraClient if twin == "sync" else AsyncSoraClient
    client = cls(backend="openai", transport=fake.transport())
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        await call(client, "create", prompt="x")
    assert fake.requests == []


async def test_async_cancellation_stops_cleanly(fake: FakeVideos, tmp_path: Path) -> None:
    fake.steps = 10_000
    client = AsyncSoraClient(backend="openai", base_url="http://fake.test/v1", api_key=fake.key,
                             transport=fake.transport())
    video = await client.create(prompt="x")
    task = asyncio.create_task(client.poll(video.id, interval=0.01))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    polls = fake.jobs[video.id]["polls"]
    await asyncio.sleep(0.05)
    assert fake.jobs[video.id]["polls"] == polls  # nothing keeps polling


def test_sync_keyboard_interrupt_keeps_job_id(fake: FakeVideos) -> None:
    from sora_widgets.errors import PollInterrupted

    fake.steps = 10_000
    calls = {"n": 0}

    def on_progress(video) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt

    client = SoraClient(backend="openai", base_url="http://fake.test/v1", api_key=fake.key, transport=fake.transport())
    video = client.create(prompt="x")
    with pytest.raises(PollInterrupted) as info:
        client.poll(video.id, on_progress=on_progress, interval=0.001)
    assert info.value.video_id == video.id and "resume" in str(info.value)
    assert isinstance(info.value, KeyboardInterrupt)


def test_injected_http_client_is_used(fake: FakeVideos) -> None:
    http = httpx.Client(transport=fake.transport())
    client = SoraClient(backend="openai", base_url="http://fake.test/v1", api_key=fake.key, http_client=http)
    client.create(prompt="x")
    client.close()
    assert not http.is_closed  # the caller owns it
    assert len(fake.requests) == 1
