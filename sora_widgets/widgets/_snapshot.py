"""`Snapshotted`: a widget whose output also carries a static `text/html` snapshot, kept current.

The mimebundle holds the widget view (live frontends), `text/html` from `snapshot_html()` (nbconvert,
nbviewer, GitHub: anything without the widget state) and `text/plain`. The output is shown with a
display id, and after each cell the kernel runs, outputs whose snapshot changed are updated in
place, so the saved notebook shows what the user last saw (the finished jobs), not the state at
the moment the widget was first displayed.

Why after each cell and not on every change: updating an output makes the frontend rebuild the
widget's view, which would take the focus from a user typing in it. While a cell runs, the user
is not typing in the widget; and a notebook is saved between cells.
"""

from __future__ import annotations

import weakref
from typing import Any

_LIVE: weakref.WeakSet[Snapshotted] = weakref.WeakSet()
_HOOKED: set[int] = set()


class Snapshotted:
    """Mixin for `ipywidgets.DOMWidget` subclasses (put it first in the bases)."""

    def snapshot_html(self) -> str:  # pragma: no cover - every widget overrides it
        raise NotImplementedError

    def _snapshot(self) -> str | None:
        try:
            return self.snapshot_html()
        except Exception:  # a snapshot must never break the live display
            return None

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        data: dict[str, Any] | None = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        if data is None:  # a closed widget has no view
            return None
        snap = self._snapshot()
        if snap is not None:
            data["text/html"] = snap
        return data

    def _ipython_display_(self, **kwargs: Any) -> None:
        from IPython.display import display

        data = self._repr_mimebundle_()
        if data is None:
            return
        handle = display(data, raw=True, display_id=True)
        if handle is None:  # no kernel display publisher (plain scripts)
            return
        displays: list[tuple[Any, str | None, str]] = self.__dict__.setdefault("_snapshot_displays", [])
        displays.append((handle, data.get("text/html"), data["text/plain"]))
        _LIVE.add(self)
        _hook()

    def refresh_snapshot(self) -> bool:
        """Update this widget's outputs if its snapshot changed; True when something was sent."""
        displays: list[tuple[Any, str | None, str]] = self.__dict__.get("_snapshot_displays", [])
        if not displays or getattr(self, "comm", None) is None:
            return False
        data = self._repr_mimebundle_()
        if data is None:
            return False
        snap = data.get("text/html")
        sent = False
        for i, (handle, last, plain) in enumerate(displays):
            if snap != last:
                # text/plain stays what it was when shown: it names the widget for terminals, and
                # tools that replay a notebook without display updates (nbval) compare it
                handle.update({**data, "text/plain": plain}, raw=True)
                displays[i] = (handle, snap, plain)
                sent = True
        return sent


def refresh_all() -> int:
    """Refresh every displayed widget's snapshot (the post-cell hook); how many outputs changed."""
    return sum(w.refresh_snapshot() for w in list(_LIVE))


def _after_cell(*_: Any) -> None:
    try:
        refresh_all()
    except Exception:  # never break the user's cell
        pass


def _hook() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is None or id(shell) in _HOOKED:
        return
    shell.events.register("post_run_cell", _after_cell)
    _HOOKED.add(id(shell))
