"""How results display: relative <video>, small poster, provenance metadata, side by side."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sora_widgets.models import Video, VideoRequest
from sora_widgets.results import GenerationResult, GenerationResults
from sora_widgets.share.poster import POSTER_MAX_BYTES


def make(tmp_path: Path, name: str = "video_1", size: str = "1280x720", thumb: bool = True) -> GenerationResult:
    from PIL import Image

    (tmp_path / "out").mkdir(exist_ok=True)
    path = tmp_path / "out" / f"{name}.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2_000_000)
    thumbnail = None
    if thumb:
        thumbnail = tmp_path / "out" / f"{name}.thumbnail.webp"
        Image.effect_noise((1280, 720), 80).convert("RGB").save(thumbnail, format="WEBP")
    return GenerationResult(
        request=VideoRequest(prompt="a kite <b>", model="sora-2", size=size, seconds=4),
        video=Video(id=name, model="sora-2", size=size, seconds=4, status="completed"),
        path=path, thumbnail=thumbnail, backend="openai", cost=0.4, extra={"job": "k1", "parent_id": None},
    )


def test_bundle_references_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = make(tmp_path)
    data, meta = res._repr_mimebundle_()
    assert data["text/plain"] == "video video_1 · sora-2 · 1280x720 · 4s · $0.40 · out/video_1.mp4"
    html = data["text/html"]
    assert '<video src="out/video_1.mp4"' in html and 'width="480"' in html
    assert len(html) < POSTER_MAX_BYTES * 1.4 + 1_000  # a poster at most, never the 2 MB video
    assert meta == {"sora_widgets": {"id": "video_1", "backend": "openai", "model": "sora-2",
                                     "request": res.request.summary(), "cost": 0.4, "path": "out/video_1.mp4",
                                     "sha256": None, "job": "k1"}}


def test_poster_is_small_or_absent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = make(tmp_path)
    poster = res.poster_data_url()
    assert poster is None or len(poster) < POSTER_MAX_BYTES * 1.4
    assert make(tmp_path, "video_2", thumb=False).poster_data_url() is None


def test_portrait_players_are_narrow(tmp_path: Path) -> None:
    assert make(tmp_path, size="720x1280", thumb=False).player_width() < 480
    assert make(tmp_path, size="320x180", thumb=False).player_width() == 320


def test_results_side_by_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    many = GenerationResults([make(tmp_path, f"video_{i}", thumb=False) for i in range(3)])
    data, meta = many._repr_mimebundle_()
    assert data["text/html"].count("<video ") == 3 and "display:flex" in data["text/html"]
    assert data["text/plain"].splitlines()[2].startswith("[2] video video_2")
    assert [m["id"] for m in meta["sora_widgets"]["results"]] == ["video_0", "video_1", "video_2"]
    assert many.paths[0].name == "video_0.mp4" and repr(many) == "GenerationResults(3 videos)"


def test_user_text_in_the_result_html_is_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file name and the server's id reach the HTML (src, link, caption): they can neither close
    an attribute nor open a tag."""
    monkeypatch.chdir(tmp_path)
    res = make(tmp_path, 'clip"<b>x&y', thumb=False)
    res = dataclasses.replace(res, video=res.video.model_copy(update={"id": 'v<script>alert(1)</script>'}))
    for page in (res.html(), GenerationResults([res]).html()):
        assert 'src="out/clip&quot;&lt;b&gt;x&amp;y.mp4"' in page
        assert "video v&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script" not in page and "<b>" not in page
