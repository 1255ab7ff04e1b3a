"""The litellm dialect through a real LiteLLM proxy (pinned in the test extra) in front of the embedded
server, and the litellm SDK against the embedded server directly (tests/backends/litellm_proxy.py)."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from sora_widgets import AsyncSoraClient, SoraClient
from sora_widgets.config import Settings
from sora_widgets.errors import (
    AuthenticationError,
    BadRequestError,
    DownloadError,
    GenerationFailed,
    UnsupportedFeatureError,
)

from . import litellm_proxy as lp

pytestmark = pytest.mark.timeout(600)


def _client(proxy: lp.Proxy, tmp_path: Path, **options: Any) -> SoraClient:
    options.setdefault("api_key", lp.MASTER_KEY)
    return SoraClient(backend="litellm", base_url=proxy.base_url, output_dir=tmp_path / "out", poll_interval=0.2,
                      settings=Settings(_env_file=None), **options)  # type: ignore[call-arg]


class Recorder:
    """httpx event hook: every request this client sent (to show refusals send nothing)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __call__(self, request: httpx.Request) -> None:
        self.sent.append(f"{request.method} {request.url.path}")


def test_generate_poll_download_through_the_proxy(litellm_proxy: lp.Proxy, tmp_path: Path) -> None:
    seen: list[str] = []
    with _client(litellm_proxy, tmp_path) as client:
        assert client.models().default_model == lp.MODEL  # the proxy's only video model
        result = client.generate("a paper boat on a pond", seconds=2, size="640x360", seed=7,
                                 on_progress=lambda v: seen.append(v.status))
    assert seen[0] == "queued" and seen[-1] == "completed"
    data = result.path.read_bytes()
    assert data[4:8] == b"ftyp" and result.path.suffix == ".mp4"
    video = result.video
    assert (video.provider, video.provider_model_id) == ("openai", lp.UPSTREAM_MODEL)
    # the id decodes by key: the upstream id carries no `;deployment_id:` tail, and the server knows it
    assert video.provider_video_id.startswith("video_") and ";" not in video.provider_video_id
    with litellm_proxy.upstream() as up:
        upstream = up.get(f"/videos/{video.provider_video_id}").json()
        assert upstream["status"] == "completed" and upstream["prompt"] == "a paper boat on a pond"
        assert up.get(f"/videos/{video.provider_video_id}/content").content == data
    # a thumbnail request would come back as the MP4 (see below): none was asked for or written
    assert result.thumbnail is None and not list((tmp_path / "out").glob("*.webp"))


def test_thumbnail_never_writes_mp4_bytes_to_webp(litellm_proxy: lp.Proxy, tmp_path: Path) -> None:
    with _client(litellm_proxy, tmp_path) as client:
        video = client.create_and_poll(prompt="a lantern", seconds=1, size="320x180")
        hook = Recorder()
        client._http.event_hooks["request"].append(hook)
        for variant in ("thumbnail", "spritesheet"):
            with pytest.raises(UnsupportedFeatureError, match=f"no {variant}"):
                client.download(video.id, variant=variant)
        assert hook.sent == []  # refused before sending
    # Second line of defence: a profile that wrongly says "openai" dialect asks the proxy anyway,
    # gets the MP4 back, and the magic check refuses to save it under the .webp name.
    wrong = SoraClient(backend="openai", base_url=litellm_proxy.base_url, api_key=lp.MASTER_KEY,
                       output_dir=tmp_path / "out", settings=Settings(_env_file=None))  # type: ignore[call-arg]
    with wrong, pytest.raises(DownloadError, match="answered the thumbnail request with an MP4 video") as info:
        wrong.download(video.id, variant="thumbnail")
    assert "\n" not in str(info.value)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith((".webp", ".part"))]


def test_remix_through_the_proxy(litellm_proxy: lp.Proxy, tmp_path: Path) -> None:
    with _client(litellm_proxy, tmp_path) as client:
        first = client.create_and_poll(prompt="a windmill", seconds=1, size="320x180")
        remix = client.remix(first.id, "the same windmill at night")
        assert remix.provider == "openai" and remix.id != first.id
        assert remix.remixed_from_video_id == first.provider_video_id  # the proxy leaves it raw
        done = client.poll(remix.id)
        assert done.ok and client.download(remix.id).read_bytes()[4:8] == b"ftyp"


async def test_async_twin_and_reference_image_as_a_file(litellm_proxy: lp.Proxy, tmp_path: Path) -> None:
    """A reference travels as a multipart file (the proxy answers 500 to the JSON form)."""
    from PIL import Image

    ref = tmp_path / "ref.png"
    Image.new("RGB", (320, 180), (200, 40, 40)).save(ref)
    async with AsyncSoraClient(backend="litellm", base_url=litellm_proxy.base_url, api_key=lp.MASTER_KEY,
                               output_dir=tmp_path / "out", poll_interval=0.2,
                               settings=Settings(_env_file=None)) as client:  # type: ignore[call-arg]
        result = await client.generate("the red card flutters", seconds=1, size="320x180", input_reference=ref)
    assert result.video.ok and result.path.read_bytes()[4:8] == b"ftyp"
    with litellm_proxy.upstream() as up:
        assert up.get(f"/videos/{result.video.provider_video_id}").json()["status"] == "completed"


def test_every_refusal_is_made_before_sending(litellm_proxy: lp.Proxy, tmp_path: Path) -> None:
    hook = Recorder()
    http = httpx.Client(event_hooks={"request": [hook]}, timeout=60)
    client = SoraClient(backend="litellm", base_url=litellm_proxy.base_url, api_key=lp.MASTER_KEY,
                        output_dir=tmp_path, http_client=http, settings=Settings(_env_file=None))  # type: ignore[call-arg]
    vid = "video_" + base64.b64encode(b"litellm:custom_llm_provider:openai;model_id:x;video_id:video_1").decode()
    client.models()
    hook.sent.clear()
    refusals = [
        ("list", lambda: list(client.list()), "list is not available on the litellm backend"),
        ("delete", lambda: client.delete(vid), "delete is not available on the litellm backend"),
        ("thumbnail", lambda: client.download_content(vid, "thumbnail"), "no thumbnail"),
        ("url reference", lambda: client.create(prompt="x", input_reference="https://img.test/a.png"),
         "cannot take a reference image by URL"),
    ]
    for _name, action, message in refusals:
        with pytest.raises(UnsupportedFeatureError, match=message) as info:
            action()
        assert "\n" not in str(info.value)
    assert hook.sent == []
    http.close()


def test_proxy_errors_are_one_line(litellm_proxy: lp.Proxy, tmp_path: Path) -> None:
    with _client(litellm_proxy, tmp_path, api_key="sk-wrong-key-000000") as client, \
            pytest.raises(AuthenticationError, match="did not accept the API key") as info:
        client.create(prompt="x", model=lp.MODEL)  # the proxy itself says 400 "No connected db."
    assert "\n" not in str(info.value) and "sk-wrong-key-000000" not in str(info.value)
    with _client(litellm_proxy, tmp_path) as client, pytest.raises(BadRequestError) as info:
        client.create(prompt="x", seconds=2, size="123x45")  # the upstream's 400, relayed
    assert "HTTP 400" in str(info.value) and "\n" not in str(info.value)


def test_a_failed_job_fails_with_its_message(litellm_proxy: lp.Proxy, tmp_path: Path) -> None:
    with _client(litellm_proxy, tmp_path) as client, pytest.raises(GenerationFailed) as info:
        client.generate(f"a {lp.BLOCKED} scene", seconds=1, size="320x180")
    video = info.value.video
    assert video.status == "failed" and video.error is not None and "\n" not in str(info.value)


def test_the_proxy_quirks_the_dialect_works_around(litellm_proxy: lp.Proxy, tmp_path: Path) -> None:
    """Pinned: what litellm[proxy] 1.108.7 does; if a new version changes it, the dialect can too."""
    with _client(litellm_proxy, tmp_path) as client:
        video = client.create_and_poll(prompt="a kite", seconds=1, size="320x180")
    with litellm_proxy.raw() as raw:
        thumb = raw.get(f"/videos/{video.id}/content", params={"variant": "thumbnail"})
        assert thumb.status_code == 200 and thumb.headers["content-type"] == "video/mp4"
        assert thumb.content[4:8] == b"ftyp"  # the variant was dropped
        listed = raw.get("/videos")
        assert listed.status_code == 400 and "LLM Provider NOT provided" in listed.text
        assert raw.delete(f"/videos/{video.id}").status_code == 405
        bad = raw.post("/videos", json={"model": lp.MODEL, "prompt": "x", "seconds": "1", "size": "320x180",
                                        "input_reference": {"image_url": "https://img.test/a.png"}})
        assert bad.status_code in (400, 500) and "InternalServerError" in bad.text  # hence multipart


def test_litellm_sdk_against_the_embedded_server(litellm_proxy: lp.Proxy, monkeypatch: pytest.MonkeyPatch) -> None:
    """A second real client of our server, beside the openai SDK: create, status, content."""
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # read at import: no price-list download
    import litellm

    common = {"api_base": litellm_proxy.upstream_url, "api_key": lp.UPSTREAM_KEY, "custom_llm_provider": "openai"}
    video = litellm.video_generation(prompt="a lighthouse", model=f"openai/{lp.UPSTREAM_MODEL}", seconds="1",
                                     size="320x180", **common)
    assert video.status in ("queued", "in_progress")
    for _ in range(100):
        status = litellm.video_status(video_id=video.id, **common)
        if status.status == "completed":
            break
        time.sleep(0.2)
    assert status.status == "completed" and status.size == "320x180"
    data = litellm.video_content(video_id=video.id, **common)
    assert isinstance(data, bytes) and data[4:8] == b"ftyp"
