"""Static snapshots of the widgets: what a notebook shows where there is no kernel and no widget state.

ipywidgets put a widget view (`application/vnd.jupyter.widget-view+json`) in each output. Without
the widget state (JupyterLab does not save it by default; GitHub and nbviewer cannot run it)
nbconvert falls back to the next mimetype (nbconvert's WidgetsDataTypeFilter), so each widget
also carries `text/html` built here: the posters, prompt, parameters, status and cost the user
saw, as inline-styled HTML with no script and embedded images only (it must survive being moved
away from the media folder and sanitizers that remove <video> and <script>).

The builders take plain data (`Still`), so they stay free of ipywidgets; `widgets._snapshot`
collects the data from each widget. The markup is a single line between `SNAPSHOT_OPEN` and
`SNAPSHOT_CLOSE`, which lets a test sanitizer (nbval) replace it as one unit.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .clip import STYLE, clip_html

if TYPE_CHECKING:
    from ..jobs.state import JobState

SNAPSHOT_OPEN = '<div class="sora-snapshot"'
SNAPSHOT_CLOSE = "<!--/sora-snapshot--></div>"
STILL_WIDTH = 240
STILL_SIDE = 176  # px of the embedded JPEG (a few KB): snapshots stay light with many jobs
MAX_STILLS = 24

_PILL = {
    "completed": ("#e8f5e9", "#1b5e20"), "failed": ("#ffebee", "#b71c1c"), "expired": ("#ffebee", "#b71c1c"),
    "cancelled": ("#fff8e1", "#8d6e00"), "interrupted": ("#fff8e1", "#8d6e00"), "in_progress": ("#e3f2fd", "#0d47a1"),
    "queued": ("#eceff1", "#37474f"), "missing": ("#eceff1", "#37474f"),
}


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def esc(text: Any) -> str:
    return html.escape(one_line(str(text)), quote=True)


def shorten(text: str, limit: int) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def relpath(path: str | Path) -> str:
    """A path relative to the notebook's folder (the kernel's cwd), as a forward-slash URL path."""
    try:
        rel = os.path.relpath(path, Path.cwd())
    except ValueError:  # another drive on Windows
        rel = str(path)
    return rel.replace(os.sep, "/")


def pill(status: str) -> str:
    bg, fg = _PILL.get(status, ("#eceff1", "#37474f"))
    return (f'<span style="display:inline-block;border-radius:10px;padding:1px 8px;font-size:11px;font-weight:650;'
            f'background:{bg};color:{fg};margin-right:6px">{esc(status.replace("_", " "))}</span>')


@dataclass(frozen=True)
class Still:
    """One clip (or job) in a snapshot."""

    title: str
    meta: str = ""
    status: str = "completed"
    cost: float | None = None
    path: Path | None = None
    thumbnail: Path | None = None
    note: str = ""

    @classmethod
    def from_state(cls, state: JobState) -> Still:
        req = state.request
        size = req.size or " ".join(x for x in (req.resolution, req.aspect_ratio) if x)
        seed = f"seed {req.seed}" if req.seed is not None else ""
        op = "" if state.op == "create" else state.op
        meta = " · ".join(x for x in (req.model or "", size or "", f"{req.seconds}s" if req.seconds else "", op, seed)
                          if x)
        note = "" if state.ok or not state.done else (state.error or "")
        return cls(title=state.label or req.prompt, meta=meta, status=state.status,
                   cost=state.cost if state.done else state.estimated_cost, path=state.path,
                   thumbnail=state.thumbnail, note=note)


def still_html(still: Still, width: int = STILL_WIDTH, *, video: bool = True) -> str:
    """A card: the clip (player + still fallback) or a placeholder, then title, status, meta, cost."""
    from .poster import poster_data_url

    has_file = still.path is not None and Path(still.path).is_file()
    cost = f" · ${still.cost:.2f}" if still.cost else ""
    head = (f'<div style="font-size:12.5px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap"'
            f' title="{esc(still.title)}">{esc(shorten(still.title, 60))}</div>'
            f'<div style="font-size:11.5px;color:#666">{pill(still.status)}{esc(still.meta)}{esc(cost)}</div>')
    if still.note:
        head += f'<div style="font-size:12px;color:#b71c1c">✖ {esc(shorten(still.note, 140))}</div>'
    if has_file and still.path is not None:
        poster = poster_data_url(still.path, still.thumbnail, side=STILL_SIDE)
        body = clip_html(relpath(still.path), caption="", width=width, poster=poster,  # the title follows
                         title=still.title, video=video, style=False)
    else:
        word = "no video yet" if still.status not in ("failed", "cancelled", "expired") else "no video"
        body = (f'<div style="width:{width}px;height:{width * 9 // 16}px;border-radius:6px;background:#eceff1;'
                f'display:flex;align-items:center;justify-content:center;color:#666;font-size:12px">{word}</div>')
    return (f'<div style="display:inline-block;vertical-align:top;border:1px solid #ddd;border-radius:10px;'
            f'padding:8px 10px;margin:0 8px 8px 0;width:{width}px">{body}{head}</div>')


def snapshot_html(title: str, subtitle: str = "", stills: Sequence[Still] = (), *, lines: Iterable[str] = (),
                  empty: str = "", width: int = STILL_WIDTH, limit: int = MAX_STILLS, video: bool = True) -> str:
    """The whole snapshot: a title line, free HTML lines (already escaped), then up to `limit` stills."""
    sub = f'<span style="font-size:12px;font-weight:400;color:#666;margin-left:8px">{esc(subtitle)}</span>'
    parts = [f'{SNAPSHOT_OPEN} style="font-family:system-ui,sans-serif;border:1px solid #ddd;border-radius:12px;'
             f'padding:10px 14px;max-width:1100px">{STYLE}',
             f'<div style="font-size:15px;font-weight:650">{esc(title)}{sub if subtitle else ""}</div>']
    parts += [f'<div style="font-size:12.5px;margin:4px 0">{line}</div>' for line in lines]
    shown = list(stills)[:limit]
    if shown:
        parts.append('<div style="margin-top:8px">')
        parts += [still_html(s, width, video=video) for s in shown]
        parts.append("</div>")
        if len(stills) > limit:
            parts.append(f'<div style="font-size:12px;color:#666">… and {len(stills) - limit} more</div>')
    elif empty:
        parts.append(f'<div style="font-size:12px;color:#666;margin-top:6px">{esc(empty)}</div>')
    parts.append('<div style="font-size:11px;color:#999;margin-top:4px">static snapshot · sora_widgets</div>')
    parts.append(SNAPSHOT_CLOSE)
    return "".join(parts)


def field_line(pairs: Iterable[tuple[str, Any]]) -> str:
    """`name value · name value` with the names muted (escaped)."""
    return " · ".join(f'<span style="color:#666">{esc(k)}</span> <b>{esc(v)}</b>' for k, v in pairs
                      if v not in (None, ""))
