"""How the cut into a shot works (shared by the model, the cell syntax and the widget)."""

from __future__ import annotations

from typing import Literal

Continuity = Literal["independent", "chain", "extend"]
CONTINUITIES: tuple[Continuity, ...] = ("independent", "chain", "extend")
