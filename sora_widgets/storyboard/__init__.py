"""Storyboards: several shots, one bible, continuity between shots, one stitched film.

    board = Storyboard.parse(cell_text)      # or Storyboard(shots=[...], bible=Bible(...))
    board.lint()                             # cross-shot checks (name consistency, ...)
    board.run()                              # each shot a ledger job; independent shots concurrently
    board.regenerate(2)                      # a new take of shot 2 only (shots count from 1)
    board.stitch(crossfade=6)                # one MP4 beside the shots, recorded in the ledger group
    Storyboard.load(board.id).resume()       # in a new kernel: nothing finished is made again
    board.widget()                           # shot cards, reorder, regenerate, stitch, player

The cell syntax is documented in `sora_widgets.storyboard._syntax`. PyAV and ipywidgets are only
imported when a run, a stitch or the widget needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports
from ._continuity import CONTINUITIES, Continuity
from .model import Bible, Character, Shot, Storyboard

#: `Storyboard.parse`: the cell syntax -> a Storyboard
parse = Storyboard.parse

__all__ = [
    "CONTINUITIES",
    "Bible",
    "Character",
    "Continuity",
    "Production",
    "RunHandle",
    "Shot",
    "ShotSeam",
    "ShotStatus",
    "StitchResult",
    "Storyboard",
    "StoryboardInterrupted",
    "StoryboardWidget",
    "parse",
    "stitch",
]

_LAZY = {
    "Production": "run",
    "RunHandle": "_status",
    "ShotSeam": "_status",
    "ShotStatus": "_status",
    "StoryboardInterrupted": "_status",
    "StitchResult": "stitch",
    "stitch": "stitch",
    "StoryboardWidget": "widget",
}


__getattr__, __dir__ = lazy_exports(__name__, _LAZY)


if TYPE_CHECKING:  # pragma: no cover
    from ._status import RunHandle, ShotSeam, ShotStatus, StoryboardInterrupted
    from .run import Production
    from .stitch import StitchResult, stitch
    from .widget import StoryboardWidget
