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

from ._actions import sora_cell
from .arena import Arena
from .batch import BatchPanel
from .card import JobCard
from .compare import Compare, compare
from .composer import Composer
from .gallery import Gallery, GalleryItem
from .params import Parameters
from .player import Player
from .studio import Studio

__all__ = ["Arena", "BatchPanel", "Compare", "Composer", "Gallery", "GalleryItem", "JobCard", "Parameters", "Player",
           "Studio", "compare", "sora_cell"]
