"""Stitching with PyAV: stream copy when the clips match, re-encode when not, crossfade arithmetic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sora_widgets.errors import InvalidRequestError
from sora_widgets.media import probe
from sora_widgets.storyboard import stitch
from sora_widgets.storyboard.stitch import clip_info, copy_blocker, expected_frames

from .conftest import make_clip


def _packets(path: Path) -> list[bytes]:
    import av

    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(c.streams.video[0]) if p.size]


def _frame(path: Path, index: int) -> Any:
    import av

    with av.open(str(path)) as c:
        for i, frame in enumerate(c.decode(video=0)):
            if i == index:
                return frame.to_image()
    raise IndexError(index)


def test_matching_clips_are_stream_copied(tmp_path: Path) -> None:
    clips = [make_clip(tmp_path / f"{i}.mp4", frames=n, seed=i) for i, n in enumerate((24, 36, 12))]
    assert copy_blocker([clip_info(c) for c in clips]) == ""
    result = stitch(clips, tmp_path / "film.mp4")
    assert result.mode == "copy" and result.reason == "" and result.frames == 72
    info = probe(result.path)
    assert (info.width, info.height, info.frames) == (320, 180, 72)
    assert info.duration == pytest.approx(3.0, abs=1 / 24)
    # the very same compressed packets, in order: nothing was decoded or re-encoded
    assert _packets(result.path) == [p for c in clips for p in _packets(c)]
    # and the timeline is continuous: the last frame of the film decodes to the last input frame
    import numpy as np

    last = np.asarray(_frame(result.path, 71), np.int16)
    assert np.abs(last - np.asarray(_frame(clips[2], 11), np.int16)).mean() < 1.0
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())  # no partial file left


def test_different_sizes_are_reencoded_and_fitted_to_the_first(tmp_path: Path) -> None:
    a = make_clip(tmp_path / "a.mp4", size=(320, 180), frames=24, color=(200, 30, 30))
    b = make_clip(tmp_path / "b.mp4", size=(640, 360), frames=24, color=(30, 30, 200))
    c = make_clip(tmp_path / "c.mp4", size=(180, 320), frames=12, color=(30, 200, 30))  # portrait: cropped
    result = stitch([a, b, c], tmp_path / "film.mp4")
    assert result.mode == "reencode" and result.reason.startswith("sizes differ (320x180, 640x360, 180x320)")
    info = probe(result.path)
    assert (info.width, info.height, info.frames, info.codec) == (320, 180, 60, "h264")
    assert info.duration == pytest.approx(2.5, abs=1 / 24)
    r, _g, b_ = _frame(result.path, 30).getpixel((160, 90))
    assert b_ > 150 and r < 80  # the second clip's blue, scaled down


def test_different_frame_rates_are_retimed(tmp_path: Path) -> None:
    a = make_clip(tmp_path / "a.mp4", frames=24, fps=24)
    b = make_clip(tmp_path / "b.mp4", frames=12, fps=12, seed=1)  # one second at 12 fps
    result = stitch([a, b], tmp_path / "film.mp4")
    assert result.mode == "reencode" and "frame rates differ" in result.reason
    assert probe(result.path).frames == 48 and result.duration == pytest.approx(2.0)


def test_crossfade_arithmetic_and_blend(tmp_path: Path) -> None:
    red = make_clip(tmp_path / "r.mp4", frames=24, color=(255, 0, 0))
    blue = make_clip(tmp_path / "b.mp4", frames=36, color=(0, 0, 255))
    green = make_clip(tmp_path / "g.mp4", frames=24, color=(0, 255, 0))
    n = 6
    result = stitch([red, blue, green], tmp_path / "film.mp4", crossfade=n)
    assert result.mode == "reencode" and result.crossfade == n
    assert result.frames == expected_frames([24, 36, 24], n) == 84 - 2 * n
    info = probe(result.path)
    assert info.frames == 72 and info.duration == pytest.approx(3.0, abs=1 / 24)
    # the first fade: frames 18..23 blend red into blue with weights 1/7 .. 6/7
    r, _, b = _frame(result.path, 18 + 2).getpixel((10, 10))  # weight 3/7 of blue
    assert r == pytest.approx(255 * 4 / 7, abs=12) and b == pytest.approx(255 * 3 / 7, abs=12)
    assert _frame(result.path, 17).getpixel((10, 10))[0] > 240  # untouched red before the fade


def test_crossfade_needs_enough_frames(tmp_path: Path) -> None:
    a = make_clip(tmp_path / "a.mp4", frames=24)
    short = make_clip(tmp_path / "s.mp4", frames=10)
    with pytest.raises(InvalidRequestError, match=r"needs 12 frames of s\.mp4, which has 10"):
        stitch([a, short, a], tmp_path / "film.mp4", crossfade=6)
    assert not (tmp_path / "film.mp4").exists()


def test_force_reencode_and_errors(tmp_path: Path) -> None:
    a = make_clip(tmp_path / "a.mp4", frames=12)
    result = stitch([a, a], tmp_path / "film.mp4", reencode=True)
    assert result.mode == "reencode" and result.reason == "asked for" and result.frames == 24
    with pytest.raises(InvalidRequestError, match="nothing to stitch"):
        stitch([], tmp_path / "x.mp4")
    assert expected_frames([24], 6) == 24  # a single clip has no cut to fade
