"""Known defects on request: the embedded server can render a broken clip, for tests and tutorials.

A marker anywhere in the prompt asks for one or more defects; the marker is not drawn in the
caption, and prompts without one render exactly as before:

    [defect: frozen]          every frame is the first frame (a stalled generation)
    [defect: black]           the second half of the clip is black (lost footage)
    [defect: flicker]         every other frame is much darker (brightness flicker)
    [defect: short]           half the asked length (at least 1 s), while the job reports the asked seconds
    [defects: frozen, short]  several at once

These are the failures the quality signals (`sora_widgets.quality`) detect; a real server has
no such switch, so nothing else in the server looks at the marker. Unknown names are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from typing import Any

DEFECTS = ("frozen", "black", "flicker", "short")
_MARKER = re.compile(r"\s*\[defects?:\s*([A-Za-z ,]*)\]", re.IGNORECASE)
#: a flickering frame keeps this share of its luma (5/8: a drop of ~45 levels on a mid-grey frame)
_DIM_NUM, _DIM_DEN = 5, 8


def defects_in(prompt: str) -> frozenset[str]:
    names: set[str] = set()
    for match in _MARKER.finditer(prompt):
        names.update(w.strip().lower() for w in match.group(1).split(","))
    return frozenset(n for n in names if n in DEFECTS)


def strip_markers(prompt: str) -> str:
    """The prompt without defect markers (what the caption shows)."""
    return _MARKER.sub("", prompt).strip() or prompt


def frame_count(frames: int, defects: frozenset[str], fps: int) -> int:
    """How many new frames to render: `short` halves the length, keeping at least one second."""
    if "short" in defects:
        return max(min(fps, frames), frames // 2)
    return frames


def apply(frames: Generator[Any, None, None], defects: frozenset[str], count: int) -> Iterator[Any]:
    """The rendered frames with the defects applied (`count` frames in, `count` frames out)."""
    if not defects & {"frozen", "black", "flicker"}:
        yield from frames
        return
    import av

    from .yuv import frame_views

    first = None
    for i in range(count):
        if "frozen" in defects and first is not None:
            frame = av.VideoFrame.from_ndarray(first, format="yuv420p")
        elif "black" in defects and i >= count // 2:
            frame = _black(first)
        else:
            frame = next(frames)
            if first is None:
                first = frame.to_ndarray()
        if "flicker" in defects and i % 2 == 1:
            y = frame_views(frame)[0]
            y[:] = y.astype("uint16") * _DIM_NUM // _DIM_DEN
        yield frame
    frames.close()  # the frames after a frozen or black point are never drawn


def _black(like: Any) -> Any:
    """A limited-range black frame (Y 16, U and V 128) of the same size."""
    import av
    import numpy as np

    arr = np.full(like.shape, 128, np.uint8)
    arr[: like.shape[0] * 2 // 3] = 16
    return av.VideoFrame.from_ndarray(arr, format="yuv420p")
