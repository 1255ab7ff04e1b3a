"""The still of a `Compare` grid for places where no kernel runs (a saved notebook on GitHub, nbviewer,
an HTML export): one small JPEG poster per clip with its label and details, as `text/html`.

Posters are small JPEGs (the server's thumbnail, else the first frame; a few KB each), so a 16-clip
grid adds well under 200 KB to the notebook; clips that are not finished show their status instead.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import TYPE_CHECKING

from ._style import esc

if TYPE_CHECKING:
    from .comparison import Clip, Compare

WIDTH = 168


def _jpeg(path: Path, thumbnail: Path | None, width: int) -> bytes:
    from PIL import Image

    from ..media import first_frame

    img = Image.open(thumbnail) if thumbnail is not None and thumbnail.is_file() else first_frame(path)
    img = img.convert("RGB")
    img.thumbnail((width, width))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=72)
    return buf.getvalue()


def _poster(clip: Clip) -> str:
    if not clip.ready or clip.path is None:
        note = clip.error or f"{clip.status} {clip.progress}%"
        return (f'<div style="width:{WIDTH}px;height:{WIDTH * 9 // 16}px;background:#eceff1;color:#555;'
                f'display:flex;align-items:center;justify-content:center;font-size:11px">{esc(note)}</div>')
    try:
        data = _jpeg(clip.path, clip.thumbnail, WIDTH)
    except Exception:  # unreadable file: the label still says what it was
        return f'<div style="width:{WIDTH}px;color:#777;font-size:11px">no preview</div>'
    return (f'<img src="data:image/jpeg;base64,{base64.b64encode(data).decode()}" width="{WIDTH}" '
            f'alt="{esc(clip.label)}" style="display:block;border-radius:4px">')


def still_html(grid: Compare) -> str:
    blind = grid.blind and not grid.revealed
    cells = []
    for i, clip in enumerate(grid.clips):
        label = "AB"[i] if blind and i < 2 else clip.label
        meta = "" if blind else " · ".join(str(v) for v in clip.meta.values())
        cells.append(f'<figure style="margin:0 8px 8px 0;display:inline-block;vertical-align:top;width:{WIDTH}px">'
                     f"{_poster(clip)}<figcaption style='font:11px sans-serif;color:#333;margin-top:2px'>"
                     f"<b>{esc(label)}</b><br><span style='color:#777'>{esc(meta)}</span></figcaption></figure>")
    title = f"<div style='font-weight:600;margin-bottom:4px'>{esc(grid.title)}</div>" if grid.title else ""
    note = ("<div style='font:11px sans-serif;color:#777'>a still of the comparison: run the notebook to play "
            "the clips in step</div>")
    per_row = max(1, grid.columns if not grid.rows else len(grid.cols))
    return (f"<div class='sora-compare-still' style='max-width:{per_row * (WIDTH + 8)}px'>{title}"
            f"{''.join(cells)}{note}</div>")
