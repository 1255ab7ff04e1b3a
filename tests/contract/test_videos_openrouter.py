"""The openai-python Sora script of `tests/videos_script.py`, unchanged, against Prism + OpenRouter's spec.

OpenRouter has no list, delete or remix endpoint: the script still runs (list pages through what this
client made, delete forgets and says `deleted=False`, remix is a new generation from the source's
settings), and Prism's validator confirms every request that did go out is one OpenRouter documents.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sora_widgets import SoraClient
from sora_widgets.config import Settings

from ..videos_script import sora_script
from .conftest import PrismMock, assert_clean

pytestmark = pytest.mark.contract


def test_openai_script_runs_on_openrouter(openrouter_mock: PrismMock, tmp_path: Path) -> None:
    client = SoraClient(backend="openrouter", base_url=openrouter_mock.url, api_key="fake-or-contract-0123456789",
                        settings=Settings(_env_file=None), max_retries=0, output_dir=tmp_path)  # type: ignore[call-arg]
    with client:
        client.models()
        # create, poll (1), retrieve, content, create, poll (1), remix = retrieve + create: 8 requests
        with openrouter_mock.exchange(requests=8) as lines:
            out = sora_script(client, tmp_path, seconds="8")
    assert_clean(lines, 8)
    assert out["video"].status == "completed" and out["second"].status == "completed"
    assert (tmp_path / "video.mp4").read_bytes() == out["bytes"] != b""
    assert out["first_page"].data and out["first_page"].data[0].id == out["second"].id
    assert out["remix"].remixed_from_video_id == out["video"].id
    assert out["deleted"].deleted is False and "openrouter" in out["deleted"].detail
