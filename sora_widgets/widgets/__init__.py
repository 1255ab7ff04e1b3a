"""Notebook widgets (stock ipywidgets 8): compose a prompt, pick parameters, watch jobs, play and
compare results.

    Studio(backend="local")      composer + parameters + Generate + live job cards
    Composer(), Parameters()     the two halves on their own; `value`/`prompt`/`request(...)`
    JobCard(job, runner)         one job's live card (also shown by the `%%sora` magic)
    Player(path_or_result)       an inline player for one video
    Gallery()                    past generations: filter, open, compare side by side
    BatchPanel(jobs, runner)     a batch's progress in one panel, a card per job

Importing this module loads ipywidgets; the core (`sora_widgets.client`, `.jobs`, ...) never does.
"""

from __future__ import annotations

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

__all__ = ["BatchPanel", "Composer", "Gallery", "GalleryItem", "JobCard", "Parameters", "Player", "Studio", "sora_cell"]
