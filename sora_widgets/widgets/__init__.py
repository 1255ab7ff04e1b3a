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

from ._actions import sora_cell
from .batch import BatchPanel
from .card import JobCard
from .composer import Composer
from .gallery import Gallery, GalleryItem
from .params import Parameters
from .player import Player
from .studio import Studio

__all__ = ["BatchPanel", "Composer", "Gallery", "GalleryItem", "JobCard", "Parameters", "Player", "Studio", "sora_cell"]
