"""Seams between storyboard shots: a chain continues smoothly, an independent shot cuts, and the
widget shows both under the shot cards, with each take's signals on its card."""

from __future__ import annotations

import time
from collections.abc import Callable

from sora_widgets.jobs import JobRunner
from sora_widgets.quality import Seam
from sora_widgets.server.embedded import EmbeddedServer
from sora_widgets.storyboard import ShotSeam, Storyboard

CELL = """\
title: Pier
model: animatic
size: 320x180
---
[1s] A woman feeds the gulls on a pier at golden hour
---
[1s chain] The gulls fly up over the sea
---
[1s] A night city street in the rain, neon signs [defect: frozen]
"""


def test_chain_is_smooth_and_an_independent_shot_is_a_cut(
        server: EmbeddedServer, make_runner: Callable[..., JobRunner]) -> None:
    board = Storyboard.parse(CELL)
    board.run(make_runner(server))
    chain, cut = board.seams()
    assert (chain.index, chain.continuity, cut.index, cut.continuity) == (1, "chain", 2, "independent")
    assert not chain.seam.flagged and not chain.flagged, chain.line()
    assert cut.seam.flagged and not cut.flagged  # a jump, but independent shots are meant to cut
    assert "✓ smooth" in chain.line() and ": cut" in cut.line()
    ui = board.widget(make_runner(server))
    deadline = time.monotonic() + 30
    while not ui.seams and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [s.index for s in ui.seams] == [1, 2]
    assert "shot 1 → 2 (chain): ✓ smooth" in ui.seams_box.value
    # each shot card carries its take's badges: the frozen third shot stands out
    assert ["✓ ok" in c.signals.value for c in ui.cards] == [True, True, False]
    assert "⚠ frozen" in ui.cards[2].signals.value


def test_a_jump_into_a_chain_shot_is_flagged() -> None:
    jump = Seam(index=1, cut=40.0, inside=1.0, flagged=True)
    assert ShotSeam(1, "chain", jump).flagged and "⚠ seam" in ShotSeam(1, "chain", jump).line()
    assert not ShotSeam(1, "independent", jump).flagged
