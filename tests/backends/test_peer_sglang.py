"""The sglang dialect against fakes of SGLang (current and older) and FastVideo (tests/backends/peers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sora_widgets.errors import BadRequestError, NotFoundError, UnsupportedFeatureError

from ..conftest import call, collect
from ..fakes import MP4
from .peers import FastVideoFake, SGLangFake


def _png(tmp_path: Path) -> Path:
    from PIL import Image

    ref = tmp_path / "first.png"
    Image.new("RGB", (832, 480), (0, 0, 255)).save(ref)
    return ref


async def test_generate_downloads_the_mp4_from_current_sglang(on_peer, tmp_path: Path) -> None:
    """`variant` is an output index there: `variant=video` would be 404 on every download."""
    fake = SGLangFake(steps=3)
    client = on_peer("sglang", fake)
    seen: list[tuple[str, int]] = []
    result = await call(client, "generate", "a koi pond at dawn", seconds=4, size="832x480",
                        on_progress=lambda v: seen.append((v.status, v.progress)))
    assert result.path.read_bytes() == MP4 and result.path.suffix == ".mp4"
    assert result.thumbnail is None  # no thumbnail exists there; none was asked for
    contents = fake.sent("GET", "/content")
    assert len(contents) == 1 and "variant" not in contents[0].url.params
    assert ("in_progress", 33) in seen and seen[-1] == ("completed", 100)
    assert result.video.model == fake.served_model  # the served name, fetched from GET /v1/models


async def test_older_sglang_reports_queued_until_completed(on_peer) -> None:
    fake = SGLangFake(older=True, steps=3)
    client = on_peer("sglang", fake)
    video = await call(client, "create", prompt="x")
    seen: list[str] = []
    done = await call(client, "poll", video.id, interval=0, on_progress=lambda v: seen.append(v.status))
    assert seen == ["queued", "queued", "completed"] and done.progress == 100
    assert await call(client, "download_content", video.id) == MP4


async def test_second_output_is_variant_1_and_other_variants_refused(on_peer) -> None:
    fake = SGLangFake(steps=1)
    client = on_peer("sglang", fake)
    video = await call(client, "create", prompt="x", extras={"n": 2})
    await call(client, "poll", video.id, interval=0)
    assert await call(client, "download_content", video.id, index=1) == MP4
    assert fake.sent("GET", "/content")[-1].url.params["variant"] == "1"
    with pytest.raises(NotFoundError, match="Video variant 2 not found"):
        await call(client, "download_content", video.id, index=2)
    before = len(fake.requests)
    for variant in ("thumbnail", "spritesheet"):
        with pytest.raises(UnsupportedFeatureError, match=f"no {variant}"):
            await call(client, "download_content", video.id, variant)
    assert len(fake.requests) == before  # refused before sending


async def test_content_before_completion_is_a_clear_404(on_peer) -> None:
    fake = SGLangFake(steps=5)
    client = on_peer("sglang", fake)
    video = await call(client, "create", prompt="x")
    with pytest.raises(NotFoundError) as info:
        await call(client, "download_content", video.id)
    assert str(info.value).startswith("HTTP 404: Generation is still in-progress") and "\n" not in str(info.value)


async def test_cloud_upload_answers_400_naming_the_url(on_peer) -> None:
    fake = SGLangFake(steps=1, upload_to="https://bucket.test/videos")
    client = on_peer("sglang", fake)
    video = await call(client, "create", prompt="x")
    done = await call(client, "poll", video.id, interval=0)
    assert done.url == f"https://bucket.test/videos/{video.id}.mp4"  # kept on the Video
    with pytest.raises(BadRequestError, match=f"cloud URL: https://bucket.test/videos/{video.id}.mp4") as info:
        await call(client, "download", video.id)
    assert "download it from that URL" in (info.value.hint or "")


async def test_delete_removes_the_record_but_not_the_render(on_peer) -> None:
    fake = SGLangFake(steps=5)
    client = on_peer("sglang", fake)
    video = await call(client, "create", prompt="x")
    gone = await call(client, "delete", video.id)
    assert gone.deleted and gone.stopped is False  # the UI must not say "stopped"
    assert video.id in fake.rendering and video.id not in fake.jobs
    with pytest.raises(NotFoundError, match="Video not found"):
        await call(client, "retrieve", video.id)


async def test_failed_job_ends_failed_with_its_message(on_peer) -> None:
    fake = SGLangFake(steps=1, fail_next="CUDA out of memory. Tried to allocate 2.00 GiB")
    client = on_peer("sglang", fake)
    video = await call(client, "create", prompt="x")
    done = await call(client, "poll", video.id, interval=0)
    assert done.status == "failed" and done.error is not None
    assert done.error.message == "CUDA out of memory. Tried to allocate 2.00 GiB"
    assert [v.status for v in await collect(client.list())] == ["failed"]


@pytest.mark.parametrize("older", [False, True])
async def test_multipart_sends_generation_fields_top_level(on_peer, tmp_path: Path, older: bool) -> None:
    """Current SGLang reads them top level; older SGLang reads no such field at all (nothing to do)."""
    fake = SGLangFake(older=older, steps=1)
    client = on_peer("sglang", fake)
    video = await call(client, "create", prompt="make it move", seconds=4, size="832x480",
                       input_reference=_png(tmp_path), seed=3, negative_prompt="blur",
                       extras={"fps": 16, "guidance_scale": 5.0, "num_inference_steps": 30})
    got = fake.received[video.id]
    assert got["image"] and got["fps"] == 16 and got["seconds"] == 4
    if older:
        assert "seed" not in got  # 25f03e6 drops it whatever we do
    else:
        assert (got["seed"], got["negative_prompt"], got["num_inference_steps"]) == (3, "blur", 30)
        assert float(got["guidance_scale"]) == 5.0


async def test_fastvideo_reads_seed_and_friends_only_top_level(on_peer, tmp_path: Path) -> None:
    fake = FastVideoFake(steps=1)
    client = on_peer("fastvideo", fake)
    video = await call(client, "create", prompt="make it move", seconds=4, size="832x480",
                       input_reference=_png(tmp_path), seed=7, negative_prompt="text, watermark",
                       extras={"guidance_scale": 6.0, "num_inference_steps": 40, "fps": 16, "num_frames": 61})
    got = fake.received[video.id]
    assert got["image"] and (got["seed"], got["negative_prompt"]) == (7, "text, watermark")
    assert (got["guidance_scale"], got["num_inference_steps"], got["fps"], got["num_frames"]) == (6.0, 40, 16, 61)


async def test_fastvideo_generate_and_failed_content(on_peer) -> None:
    fake = FastVideoFake(steps=2)
    client = on_peer("fastvideo", fake)
    result = await call(client, "generate", "a red kite", seconds=4, size="832x480")
    assert result.path.read_bytes() == MP4 and result.video.model == fake.served_model
    fake.fail_next = "decode error"
    video = await call(client, "create", prompt="x")
    done = await call(client, "poll", video.id, interval=0)
    assert (done.status, done.error.message if done.error else None) == ("failed", "decode error")
