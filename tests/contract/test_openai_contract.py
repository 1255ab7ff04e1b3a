"""The `openai` dialect (and the LiteLLM gateway, which speaks it) against Prism + OpenAI's spec.

Each test runs real client calls over loopback HTTP and asserts that Prism logged no request
violation for them. Prism answers with schema-shaped placeholders (ids like "string"), which the
client must still parse.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from sora_widgets import SoraClient
from sora_widgets.config import Settings
from sora_widgets.errors import DownloadError, SoraError

from .conftest import PrismMock, received_count, violations

pytestmark = pytest.mark.contract


def _client(mock: PrismMock, backend: str = "openai", **options: Any) -> SoraClient:
    return SoraClient(backend=backend, base_url=mock.url, api_key="fake-contract-0123456789",
                      settings=Settings(_env_file=None), max_retries=0, **options)  # type: ignore[call-arg]


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    from PIL import Image

    path = tmp_path / "first-frame.png"
    Image.new("RGB", (320, 180), (240, 120, 20)).save(path)
    return path


def test_create_json(openai_mock: PrismMock) -> None:
    with _client(openai_mock) as client, openai_mock.exchange(requests=2):
        video = client.create(prompt="a calico cat playing a piano on stage", seconds=8, size="1280x720")
        client.create(prompt="the same cat, from a photo", model="sora-2-pro", seconds=4, size="1024x1792",
                      input_reference="https://example.com/cat.png")
    assert video.id and video.status == "queued"


def test_create_multipart_with_input_reference(openai_mock: PrismMock, reference: Path) -> None:
    with _client(openai_mock) as client, openai_mock.exchange(requests=1) as log:
        client.create(prompt="animate this frame", seconds=12, size="1280x720", input_reference=reference)
    assert any("post /videos" in line for line in log)


def test_retrieve_list_delete(openai_mock: PrismMock) -> None:
    with _client(openai_mock) as client, openai_mock.exchange(requests=4):
        assert client.retrieve("video_123").object == "video"
        # Prism's placeholder page says has_more with last_id "string": follow one cursor, then stop.
        first_two_pages = list(itertools.islice(client.list(limit=1, order="asc"), 2))
        assert len(first_two_pages) == 2
        assert client.delete("video_123").deleted


def test_content_variants(openai_mock: PrismMock) -> None:
    with _client(openai_mock) as client, openai_mock.exchange(requests=3):
        for variant in ("video", "thumbnail", "spritesheet"):
            # Prism answers a placeholder string, not an MP4 or image: the request is what is checked
            # here, and the client refuses the bytes as not what was asked for
            with pytest.raises(DownloadError, match=r"not an MP4|not an image"):
                client.download_content("video_123", variant=variant)


def test_remix_edit_extend(openai_mock: PrismMock) -> None:
    with _client(openai_mock) as client, openai_mock.exchange(requests=3):
        client.remix("video_123", "the same shot at night")
        client.edit("video_123", "make it snow")
        client.extend("video_123", "the camera rises over the roofs", 8)


def test_characters(openai_mock: PrismMock) -> None:
    with _client(openai_mock) as client, openai_mock.exchange(requests=1):
        client.create_character(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32, "Ava")


def test_litellm_gateway_speaks_the_same_contract(openai_mock: PrismMock, reference: Path) -> None:
    with _client(openai_mock, backend="litellm") as client:
        # GET /v1/models is LiteLLM's own route, outside the Videos contract: Prism answers 404 (the
        # built-in capabilities are kept); wait until Prism has logged it, so the exchange sees only videos
        mark = len(openai_mock.text())
        client.models()
        assert received_count(openai_mock.settle(mark, requests=1)) == 1
        with openai_mock.exchange(requests=5):
            client.create(prompt="a lighthouse in fog", model="sora-2", seconds=4, size="720x1280")
            client.create(prompt="from a photo", model="sora-2", seconds=4, size="720x1280",
                          input_reference=reference)
            client.retrieve("video_123")
            with pytest.raises(DownloadError, match="not an MP4"):  # Prism's placeholder bytes
                client.download_content("video_123")
            client.remix("video_123", "at dusk")


def test_integer_seconds_is_a_violation_the_log_check_catches(openai_mock: PrismMock) -> None:
    """Negative control: the sglang dialect's integer `seconds` breaks OpenAI's contract."""
    mark = len(openai_mock.text())
    with _client(openai_mock, backend="sglang") as client, pytest.raises(SoraError, match="HTTP 422"):
        client.create(prompt="a red fox", seconds=8, size="1280x720")
    found = violations(openai_mock.settle(mark, requests=1))
    assert any("seconds must be string" in line for line in found), found
