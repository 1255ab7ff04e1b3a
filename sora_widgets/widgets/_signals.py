"""Quality-signal badges in the widgets: a row under a job card's player and on gallery tiles.

Each badge carries its one-line explanation (and the measurement) as a hover title. Signals come
from `jobs.quality` (computed in the background after a download, kept in the ledger); a row
shows "checking…" until they arrive, and never blocks the kernel.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..quality import badges_html

if TYPE_CHECKING:
    from ..quality import Signals

CHECKING = '<span class="sora-meta" title="quality signals are being computed in the background">checking…</span>'
HEAD = ('<span class="sora-meta" title="quality signals: frozen, black, flicker, length, size, audio, playability; '
        'hover a badge for what it means">signals </span>')


def signals_html(found: Signals | None) -> str:
    if found is None:
        return '<span class="sora-meta">signals unavailable</span>'
    return HEAD + found.badges_html()


class SignalsRow(w.HTML):
    """A row of badges for one clip; `watch(future, hop)` fills it in when the signals arrive."""

    def __init__(self) -> None:
        super().__init__(value=HEAD + CHECKING)
        self.add_class("sora-signals")
        self.found: Signals | None = None

    def show(self, found: Signals | None) -> None:
        self.found = found
        self.value = signals_html(found)

    def watch(self, future: concurrent.futures.Future[Signals | None],
              hop: Callable[[Callable[..., Any], Any], None]) -> None:
        def done(f: concurrent.futures.Future[Signals | None]) -> None:
            try:
                found = f.result()
            except Exception:  # a failed check shows as unavailable, never as an error in the card
                found = None
            hop(self.show, found)

        future.add_done_callback(done)


def tile_badges(codes: tuple[str, ...] | None) -> str:
    """Compact badges for a gallery tile: nothing until checked, "ok" or the codes."""
    if codes is None:
        return ""
    return badges_html(list(codes))
