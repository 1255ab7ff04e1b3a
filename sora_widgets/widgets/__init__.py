"""Notebook widgets (stock ipywidgets 8): compose a prompt, pick parameters, watch jobs, play and
compare results.

    Studio(backend="local")      composer + parameters + Generate + live job cards
    Composer(), Parameters()     the two halves on their own; `value`/`prompt`/`request(...)`
    JobCard(job, runner)         one job's live card (also shown by the `%%sora` magic)
    Player(path_or_result)       an inline player for one video
    Gallery()                    past generations: filter, open, compare side by side
    BatchPanel(jobs, runner)     a batch's progress in one panel, a card per job
    compare(prompt, **axes)      a grid of variations, generated and played in step (Compare)
    Arena(grid)                  blind A/B votes over a grid; arena.leaderboard()

Importing this module loads ipywidgets; the core (`sora_widgets.client`, `.jobs`, ...) never does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports
from ..share.frontend import register_live_view as _register_live_view
from ._actions import sora_cell
from .batch import BatchPanel
from .card import JobCard
from .composer import Composer
from .gallery import Gallery, GalleryItem
from .params import Parameters
from .player import Player
from .player import live_view as _player_live_view
from .studio import Studio

_register_live_view(_player_live_view)  # clips shown in VS Code get a widget player (see share.frontend)

__all__ = ["Arena", "BatchPanel", "Compare", "Composer", "Gallery", "GalleryItem", "JobCard", "Parameters", "Player",
           "Studio", "compare", "sora_cell"]

# Compare and Arena load anywidget (and its psygnal/importlib.metadata imports, ~0.1 s) only when used
__getattr__, __dir__ = lazy_exports(__name__, {"Arena": "arena", "Compare": "comparison", "compare": "comparison"})

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .arena import Arena
    from .comparison import Compare, compare
