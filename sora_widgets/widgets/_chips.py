"""Keyword chips: one tab per vocabulary group; a click puts the keyword into the right field.

Each category is a single `ToggleButtons` widget (one comm model for a whole row of chips rather
than one per chip); after a click its value is reset, so every chip stays clickable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ._style import esc

#: tab title -> [(vocabulary category, caption)]; the guide's groups first
TABS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Lighting", (("lighting", ""), ("time_of_day", "time of day"))),
    ("Camera", (("shot_types", "shot"), ("angles", "angle"), ("camera_moves", "movement"), ("lenses", "lens"))),
    ("Motion", (("motion", ""),)),
    ("Quality", (("quality", ""),)),
    ("Style", (("styles", ""),)),
    ("Mood", (("moods", ""),)),
    ("Palette", (("colors", ""),)),
)

AddKeyword = Callable[[str, str], Any]


class ChipBoard(w.Tab):
    """`ChipBoard(add)` calls `add(term, field)` for every chip click; `click(term)` does it from code."""

    def __init__(self, add: AddKeyword) -> None:
        from ..prompt.vocabulary import CATEGORY_FIELDS, VOCABULARY

        self._add = add
        self.rows: dict[str, w.ToggleButtons] = {}
        self.field_of: dict[str, str] = dict(CATEGORY_FIELDS)
        pages = []
        for _title, groups in TABS:
            parts: list[w.Widget] = []
            for category, caption in groups:
                row = w.ToggleButtons(options=list(VOCABULARY[category]), value=None,
                                      style={"button_width": "auto"}, layout=w.Layout(width="auto"))
                row.add_class("sora-chips")
                row.observe(lambda ch, c=category: self._clicked(c, ch), names="value")
                self.rows[category] = row
                if caption:
                    parts.append(w.HTML(f'<div class="sora-muted" style="margin-top:2px">{esc(caption)}</div>'))
                parts.append(row)
            pages.append(w.VBox(parts, layout=w.Layout(max_height="150px", overflow="auto")))
        super().__init__(pages, titles=tuple(t for t, _ in TABS), layout=w.Layout(width="auto"))
        self.add_class("sora-chipboard")

    def _clicked(self, category: str, change: dict[str, Any]) -> None:
        term = change["new"]
        if term is None:
            return
        self._add(term, self.field_of[category])
        change["owner"].value = None

    def click(self, term: str, category: str | None = None) -> None:
        """What clicking the chip `term` does (the first category listing it, unless given)."""
        for name, row in self.rows.items():
            if (category is None or category == name) and term in row.options:
                row.value = term
                return
        raise KeyError(f"no keyword chip {term!r}")
