"""The storyboard widget: cards, edits, reorder, generate, regenerate, stitch and the player."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sora_widgets.jobs import JobRunner
from sora_widgets.server.embedded import EmbeddedServer
from sora_widgets.storyboard import Storyboard, StoryboardWidget

from .conftest import creates

CELL = """\
title: Gulls
model: animatic
size: 320x180
character Mara: a tall woman in a yellow raincoat
---
[1s] Mara feeds the gulls on a pier
---
[1s chain] The gulls fly up over the sea
---
[1s] Maria walks home along the beach
"""


def test_widget_edits_reorders_generates_and_stitches(
        server: EmbeddedServer, make_runner: Callable[..., JobRunner]) -> None:
    board = Storyboard.parse(CELL)
    ui = board.widget(make_runner(server))
    assert isinstance(ui, StoryboardWidget) and len(ui.cards) == 3
    assert "Gulls" in ui.header.value and "yellow raincoat" in ui.header.value
    assert "Maria" in ui.findings.value  # the name check, shown above the cards
    assert ui.cards[0].left.disabled and ui.cards[2].right.disabled and ui.cards[0].continuity.disabled
    # edit in the card -> the board changes
    ui.cards[2].seconds.value = 2
    ui.cards[2].prompt.value = "Mara walks home along the beach"
    assert board.shots[2].seconds == 2 and board.shots[2].prompt == "Mara walks home along the beach"
    assert "Maria" not in ui.findings.value
    # reorder with ▶: the cards follow the board
    ui.cards[0].right.click()
    assert [s.id for s in board.shots] == ["s2", "s1", "s3"]
    assert ui.cards[0].shot_id == "s2" and ui.cards[0].continuity.disabled
    ui.cards[1].left.click()
    assert [s.id for s in board.shots] == ["s1", "s2", "s3"]
    # generate runs in the background; the cards show the takes
    ui.generate_button.click()
    assert ui.handle is not None
    ui.handle.wait(30)
    ui.refresh_status()
    assert all("done" in card.title.value for card in ui.cards)
    assert all(card.thumb.value for card in ui.cards) and ui.cards[0].progress.value == 100
    # ↻ on one card makes one new take
    ui.cards[2].regen.click()
    assert ui.handle is not None
    ui.handle.wait(30)
    assert creates(server, board.prompt(2)) == 2 and creates(server, board.prompt(0)) == 1
    # one shot can be played on its own (issue 17)
    assert not ui.cards[1].play.disabled
    ui.cards[1].play.click()
    assert ui.player is not None and ui.player.path == board.status()[1].path
    assert "Shot 2" in ui.player_box.children[0].value
    # a hard-cut film, then a crossfade one: the unit is explained, and the first film is kept
    ui.stitch_button.click()
    assert ui.player is not None
    hard = ui.player.path
    ui.crossfade.value = 4
    assert "0.17 s at 24 fps" in ui.crossfade_note.value
    ui.stitch_button.click()
    assert ui.player is not None and ui.player.path.is_file()
    assert "re-encoded" in ui.message.value
    assert board.production().last_stitch["crossfade"] == 4
    assert ui.player.path != hard and hard.is_file() and ui.player.path.name.endswith("-xfade4.mp4")


def test_widget_reports_errors_in_one_line(make_runner: Callable[..., JobRunner]) -> None:
    board = Storyboard.parse(CELL)
    ui = StoryboardWidget(board, make_runner())
    ui.stitch_button.click()  # nothing generated yet
    assert "sora-error" in ui.message.value and "no video yet" in ui.message.value
    assert "click Generate" in ui.message.value and "board." not in ui.message.value  # advice is the button
    assert all(card.play.disabled for card in ui.cards)
    ui.cards[1].continuity.value = "independent"
    ui.cards[1].seconds.value = 0  # back to the model's default
    assert board.shots[1].seconds is None


@pytest.mark.parametrize("index", [0, 2])
def test_move_at_the_ends_is_ignored(index: int, make_runner: Callable[..., JobRunner]) -> None:
    board = Storyboard.parse(CELL)
    ui = StoryboardWidget(board, make_runner())
    ui.move(index, index + (-1 if index == 0 else 1))
    assert [s.id for s in board.shots] == ["s1", "s2", "s3"]
