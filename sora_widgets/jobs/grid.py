"""Comparison grids: `compare(prompt, seeds=[1, 2], models=["a", "b"])` expanded into cells.

Policy only (no widgets, no I/O): axis names are checked against the one request table
(`VideoRequest`'s fields, plus friendly plurals such as `seeds` and `models`), every cell is
validated against the backend's capabilities and priced, and the whole grid's cost is known
before anything is sent. Submitting goes through `JobRunner.submit_many`, which checks the
budget for the whole grid at once and records the group in the ledger.

Layout: the axes that vary give the rows and columns — the last varying axis is the columns,
the others (their product) the rows. One varying axis gives a single row.
"""

from __future__ import annotations

import difflib
import itertools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import InvalidRequestError
from ..models import VideoRequest

if TYPE_CHECKING:
    from .runner import JobRunner
    from .state import Job

#: friendly plural -> VideoRequest field
ALIASES: dict[str, str] = {
    "seeds": "seed", "models": "model", "sizes": "size", "prompts": "prompt", "durations": "seconds",
    "duration": "seconds", "resolutions": "resolution", "aspects": "aspect_ratio", "aspect": "aspect_ratio",
    "aspect_ratios": "aspect_ratio", "negative_prompts": "negative_prompt", "avoid": "negative_prompt",
    "fits": "fit", "references": "input_reference", "ref": "input_reference", "refs": "input_reference",
}
#: fields a grid may vary (everything a request has except the free-form extras)
FIELDS: tuple[str, ...] = tuple(n for n in VideoRequest.model_fields if n != "extras")
MAX_CELLS = 64
GROUP_KIND = "compare"


@dataclass(frozen=True)
class GridCell:
    """One clip of the grid: what varies (`values`), the full validated request and its price."""

    label: str
    values: dict[str, Any]
    request: VideoRequest
    cost: float
    row: int
    col: int

    @property
    def contestant(self) -> str:
        """What this cell stands for in a blind vote: its varying values except the prompt."""
        parts = [f"{k}={_short(v)}" for k, v in self.values.items() if k != "prompt"]
        return ", ".join(parts) or self.request.model or "clip"


@dataclass(frozen=True)
class GridPlan:
    cells: list[GridCell]
    axes: dict[str, list[Any]]
    rows: list[str]
    cols: list[str]
    group_id: str = field(default_factory=lambda: f"cmp_{uuid.uuid4().hex[:12]}")

    def __repr__(self) -> str:
        return f"GridPlan({self.summary()})"

    @property
    def total_cost(self) -> float:
        return round(sum(c.cost for c in self.cells), 4)

    def summary(self) -> str:
        shape = f"{len(self.rows)}×{len(self.cols)} grid" if len(self.rows) > 1 else f"{len(self.cells)} clips"
        varying = ", ".join(f"{k} ×{len(v)}" for k, v in self.axes.items() if len(v) > 1) or "nothing varies"
        return f"{shape} ({varying}); estimated ${self.total_cost:.2f}"

    def group_data(self, keys: Sequence[str]) -> dict[str, Any]:
        """What the ledger keeps about the grid, so `%sora arena` and `Compare(group)` find it later."""
        return {
            "axes": {k: [_jsonable(x) for x in v] for k, v in self.axes.items()},
            "rows": self.rows, "cols": self.cols,
            "cells": [{"key": key, "label": c.label, "contestant": c.contestant, "prompt": c.request.prompt,
                       "row": c.row, "col": c.col} for key, c in zip(keys, self.cells, strict=True)],
        }

    def submit(self, runner: JobRunner) -> list[Job]:
        """Send the whole grid through the runner's one submit path (validation and the budget for the
        whole grid before anything is sent; bounded concurrency; the ledger records the group).
        Jobs run on the runner's background loop, so the caller's loop (a kernel's) stays free."""
        jobs = runner.submit_many([c.request for c in self.cells], labels=[c.label for c in self.cells],
                                  group_id=self.group_id, background=True)
        if runner.ledger is not None:
            runner.ledger.save_group(self.group_id, GROUP_KIND, self.group_data([j.key for j in jobs]))
        return jobs


def axis_name(name: str) -> str:
    """`seeds` -> `seed`; an unknown name is a one-line error with the closest match."""
    field_name = ALIASES.get(name, name)
    if field_name in FIELDS:
        return field_name
    close = difflib.get_close_matches(name, [*FIELDS, *ALIASES], n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else f"axes: {', '.join(sorted({*FIELDS, *ALIASES}))}"
    raise InvalidRequestError(f"{name!r} is not a parameter a grid can vary", param=name, hint=hint)


def normalise_axes(axes: dict[str, Any]) -> dict[str, list[Any]]:
    """Keyword axes -> {field: [values]}; a single value is a one-value axis."""
    out: dict[str, list[Any]] = {}
    for name, raw in axes.items():
        key = axis_name(name)
        if key in out:
            raise InvalidRequestError(f"{name!r} repeats the {key!r} axis", param=name, hint="give each axis once")
        values = list(raw) if isinstance(raw, Iterable) and not isinstance(raw, (str, bytes, dict)) else [raw]
        if not values:
            raise InvalidRequestError(f"the {name!r} axis has no values", param=name, hint=f"e.g. {name}=[1, 2]")
        out[key] = values
    return out


def plan_grid(runner: JobRunner, prompt: str | VideoRequest | None = None, /, **axes: Any) -> GridPlan:
    """Expand the axes into cells, validate and price each one. Single values (e.g. `seconds=4`) are
    fixed parameters of every cell; lists are axes. Raises before anything is sent."""
    norm = normalise_axes(axes)
    if isinstance(prompt, VideoRequest):
        base = prompt
    else:
        text = prompt if prompt is not None else (norm["prompt"][0] if norm.get("prompt") else None)
        if not text:
            raise InvalidRequestError("compare() needs a prompt", param="prompt",
                                      hint='compare("a kite over a beach", seeds=[1, 2, 3, 4])')
        base = VideoRequest(prompt=str(text))
    fixed = {k: v[0] for k, v in norm.items() if len(v) == 1}
    varying = {k: v for k, v in norm.items() if len(v) > 1}
    if fixed:
        base = base.with_(**fixed)
    count = 1
    for values in varying.values():
        count *= len(values)
    if count > MAX_CELLS:
        raise InvalidRequestError(f"the grid would have {count} clips (at most {MAX_CELLS})",
                                  hint="vary fewer parameters, or fewer values per parameter")
    names = list(varying)
    col_axis = names[-1:] if names else []
    row_axes = names[:-1]
    cols = [_short(v) for v in varying[col_axis[0]]] if col_axis else [""]
    rows = [", ".join(f"{n}={_short(v)}" for n, v in zip(row_axes, combo, strict=True))
            for combo in itertools.product(*(varying[n] for n in row_axes))] or [""]
    cells = []
    for i, combo in enumerate(itertools.product(*(varying[n] for n in names))):
        changes = dict(zip(names, combo, strict=True))
        request, cost = runner.prepare(base.with_(**changes) if changes else base)
        label = ", ".join(f"{k}={_short(v)}" for k, v in changes.items()) or (request.model or "clip")
        ncols = len(cols)
        cells.append(GridCell(label=label, values=changes, request=request, cost=cost, row=i // ncols, col=i % ncols))
    return GridPlan(cells=cells, axes=norm, rows=rows, cols=cols)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:38] + "…"


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
