"""Defect markers: parsed from the prompt, kept out of the caption, and absent markers change nothing."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from sora_widgets.server.defects import defects_in, frame_count, strip_markers
from sora_widgets.server.render import FPS, RenderSpec, render


def test_markers_are_read_and_stripped() -> None:
    assert defects_in("a kite [defect: frozen]") == {"frozen"}
    assert defects_in("a kite [Defects: Black, short, nonsense]") == {"black", "short"}
    assert defects_in("a kite in [brackets]") == frozenset()
    assert strip_markers("a kite [defect: frozen] at dawn") == "a kite at dawn"
    assert strip_markers("a kite at dawn") == "a kite at dawn"


def test_short_halves_the_length_but_keeps_a_second() -> None:
    assert frame_count(96, frozenset({"short"}), FPS) == 48
    assert frame_count(24, frozenset({"short"}), FPS) == 24
    assert frame_count(96, frozenset({"frozen"}), FPS) == 96


def _frames(path: Path) -> list[bytes]:
    with av.open(str(path)) as c:
        return [f.to_ndarray().tobytes() for f in c.decode(video=0)]


def test_a_marker_does_not_change_the_picture_only_the_defect(tmp_path: Path) -> None:
    spec = dict(size="320x180", seconds=1, seed=5, model="animatic")
    plain = render(RenderSpec(prompt="a red kite over a beach at dawn", **spec), tmp_path / "plain")  # type: ignore[arg-type]
    short = render(RenderSpec(prompt="a red kite over a beach at dawn [defect: short]", **spec),  # type: ignore[arg-type]
                   tmp_path / "short")
    # the same scene and caption (the marker is not drawn), and 1 s stays 1 s
    assert _frames(plain.video) == _frames(short.video)
    frozen = render(RenderSpec(prompt="a red kite over a beach at dawn [defect: frozen]", **spec),  # type: ignore[arg-type]
                    tmp_path / "frozen")
    frames = [np.frombuffer(f, np.uint8).astype(int) for f in _frames(frozen.video)]
    assert len(frames) == FPS
    # one picture: later frames differ from the first only by coding noise
    assert max(float(np.abs(f - frames[0]).mean()) for f in frames) < 1.0
    assert _frames(frozen.video)[0] == _frames(plain.video)[0]
