"""The MP4s the toolkit produces play where notebooks are read: H.264 yuv420p, moov before mdat,
no audio or AAC. Checked with PyAV and by walking the top-level boxes — and the checker itself is
shown to catch files that break each rule."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from sora_widgets.share.mp4 import inspect, top_level_boxes


def _encode(path: Path, codec: str = "libx264", *, faststart: bool = True, audio: str | None = None,
            pix_fmt: str = "yuv420p", frames: int = 12) -> Path:
    import av
    import numpy as np

    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", format="mp4", options=options) as out:
        video = out.add_stream(codec, rate=12)
        video.width, video.height, video.pix_fmt = 64, 48, pix_fmt
        sound = out.add_stream(audio, rate=48000) if audio else None
        for i in range(frames):
            rgb = np.full((48, 64, 3), i * 20 % 256, np.uint8)
            out.mux(video.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        out.mux(video.encode(None))
        if sound is not None:
            samples = np.zeros((1, 1024), np.float32)
            layout = "mono"
            for k in range(10):
                frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout=layout)
                frame.sample_rate, frame.pts, frame.time_base = 48000, k * 1024, Fraction(1, 48000)
                out.mux(sound.encode(frame))
            out.mux(sound.encode(None))
    return path


def _assert_playable(path: Path) -> None:
    report = inspect(path)
    assert report.video_codec == "h264" and report.pix_fmt == "yuv420p", report
    assert report.audio_codec in (None, "aac"), report
    assert report.faststart and report.boxes.index("moov") < report.boxes.index("mdat"), report
    assert report.playable and report.problems == [], report


def test_embedded_server_renders_and_downloads_play_everywhere(tmp_path: Path) -> None:
    from sora_widgets import SoraClient
    from sora_widgets.config import Settings

    settings = Settings(_env_file=None, backend="local", output_dir=tmp_path)  # type: ignore[call-arg]
    with SoraClient(settings=settings) as client:
        for size, seconds in (("320x180", 1), ("180x320", 1), ("1280x720", 2)):
            result = client.generate("a kite over dunes, slow pan", model="animatic", size=size, seconds=seconds)
            _assert_playable(result.path)
            assert f"{inspect(result.path).width}x{inspect(result.path).height}" == size


def test_stitched_films_play_everywhere(tmp_path: Path) -> None:
    from sora_widgets.storyboard.stitch import stitch

    a, b = _encode(tmp_path / "a.mp4"), _encode(tmp_path / "b.mp4")
    _assert_playable(stitch([a, b], tmp_path / "copy.mp4").path)
    _assert_playable(stitch([a, b], tmp_path / "fade.mp4", crossfade=4).path)


@pytest.mark.parametrize(("kwargs", "problem"), [
    ({"faststart": False}, "moov after mdat"),
    ({"codec": "mpeg4"}, "video codec mpeg4"),
    ({"pix_fmt": "yuv444p"}, "pixel format yuv444p"),
    ({"audio": "libopus"}, "audio codec opus"),
])
def test_the_checker_catches_each_problem(tmp_path: Path, kwargs: dict, problem: str) -> None:
    report = inspect(_encode(tmp_path / "bad.mp4", **kwargs))
    assert not report.playable
    assert [p for p in report.problems if p.startswith(problem)], report.problems


def test_aac_audio_is_fine(tmp_path: Path) -> None:
    report = inspect(_encode(tmp_path / "aac.mp4", audio="aac"))
    assert report.audio_codec == "aac" and report.playable, report


def test_boxes_are_walked_not_read(tmp_path: Path) -> None:
    path = _encode(tmp_path / "plain.mp4", faststart=False)
    boxes = top_level_boxes(path)
    assert boxes[0] == "ftyp" and boxes.index("mdat") < boxes.index("moov")
    (tmp_path / "junk.mp4").write_bytes(b"\x00\x00\x00\x04abcd")  # a size below 8 stops the walk
    assert top_level_boxes(tmp_path / "junk.mp4") == []
