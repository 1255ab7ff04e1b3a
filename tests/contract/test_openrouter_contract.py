"""The `openrouter` backend against Prism + OpenRouter's spec (`/videos`, `/videos/models`).

Prism answers with the spec's examples: a catalog with `google/veo-3.1` (durations 5 and 8, 720p,
16:9, first and last frames, `pricing_skus: {generate: "0.50"}`), a 202 `pending` create and a
`completed` job with `usage.cost: 0.5`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sora_widgets import SoraClient
from sora_widgets.capabilities import estimate_cost, resolve
from sora_widgets.config import Settings
from sora_widgets.errors import DownloadError, InvalidRequestError, UnsupportedFeatureError
from sora_widgets.models import VideoRequest

from .conftest import PrismMock

pytestmark = pytest.mark.contract


def _client(mock: PrismMock, **options: Any) -> SoraClient:
    return SoraClient(backend="openrouter", base_url=mock.url, api_key="fake-or-contract-0123456789",
                      settings=Settings(_env_file=None), max_retries=0, **options)  # type: ignore[call-arg]


def test_models_catalog_gives_real_choices(openrouter_mock: PrismMock) -> None:
    with _client(openrouter_mock) as client:
        with openrouter_mock.exchange(requests=1):
            caps = client.models()
        veo = caps.models["google/veo-3.1"]
        assert caps.default_model == "google/veo-3.1"
        assert veo.durations == (5, 8) and veo.resolutions == ("720p",) and veo.aspect_ratios == ("16:9",)
        assert veo.frame_images == ("first_frame", "last_frame") and veo.audio and not veo.seed
        assert veo.price_per_video == 0.50 and not (veo.remix or veo.edit or veo.extend)
        with pytest.raises(InvalidRequestError) as info:
            resolve(VideoRequest(prompt="a fox", model="google/veo-3.1", seconds=6), caps)
        assert str(info.value) == (
            "6 seconds is not supported by google/veo-3.1 on openrouter — allowed seconds: 5, 8")
        ok = resolve(VideoRequest(prompt="a fox", seconds=8), caps)
        assert (ok.model, ok.seconds, ok.resolution) == ("google/veo-3.1", 8, "720p")
        assert estimate_cost(ok, caps) == 0.50
        # Refused locally, before anything reaches the server:
        with openrouter_mock.exchange(requests=0), pytest.raises(InvalidRequestError, match="5, 8"):
            client.create(prompt="a fox", seconds=6)


def test_create_with_frame_images_retrieve_and_content(openrouter_mock: PrismMock, tmp_path: Path) -> None:
    from PIL import Image

    first = tmp_path / "first.png"
    Image.new("RGB", (128, 72), (20, 40, 200)).save(first)
    with _client(openrouter_mock) as client:
        client.models()
        with openrouter_mock.exchange(requests=4):
            job = client.create(prompt="a serene mountain landscape at sunset", seconds=8, aspect_ratio="16:9",
                                audio=True, input_reference=first,
                                extras={"last_frame": "https://example.com/last.png"})
            client.create(prompt="only the last frame is given", seconds=5, resolution="720p",
                          input_reference="https://example.com/end.png", extras={"frame_type": "last_frame"})
            done = client.retrieve(job.id)
            with pytest.raises(DownloadError, match="not an MP4"):  # Prism's example body is no MP4
                client.download_content(done.id, index=0)
    assert (job.id, job.status) == ("job-abc123", "queued")
    assert done.status == "completed" and done.cost == 0.5 and done.progress == 100
    assert done.unsigned_urls == ["https://storage.example.com/video.mp4"]


@pytest.mark.parametrize("operation", ["list", "delete", "remix", "edit", "extend"])
def test_missing_operations_never_reach_the_server(openrouter_mock: PrismMock, operation: str) -> None:
    with _client(openrouter_mock) as client:
        client.models()
        with openrouter_mock.exchange(requests=0), pytest.raises(UnsupportedFeatureError, match="backends that"):
            if operation == "list":
                list(client.list())
            elif operation == "delete":
                client.delete("job-abc123")
            else:
                getattr(client, operation)("job-abc123", "again")
