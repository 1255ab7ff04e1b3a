"""Turning what prose says about length and size into request fields a model actually offers.

Shared by the prose-parameters lint rule and the guide templates (whose prose implied "6 seconds,
1080p"). With no capabilities, standard 16:9 sizes are assumed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from ..models import parse_size

if TYPE_CHECKING:
    from ..capabilities import ModelCapabilities
    from ..models import VideoRequest

Orientation = Literal["landscape", "portrait", "square"]

#: height -> a standard 16:9 landscape size
_STANDARD = {360: (640, 360), 480: (854, 480), 720: (1280, 720), 1080: (1920, 1080), 1440: (2560, 1440),
             2160: (3840, 2160), 4320: (7680, 4320)}  # fmt: skip


def snap_seconds(seconds: float, caps: ModelCapabilities | None) -> int:
    """The allowed duration nearest `seconds`; on a tie the shorter (cheaper, and the guide says to
    test short)."""
    if caps is None or not caps.durations:
        return max(1, min(120, round(seconds)))
    return min(caps.durations, key=lambda d: (abs(d - seconds), d))


def _shape(w: int, h: int) -> Orientation:
    if abs(w - h) <= max(w, h) * 0.02:
        return "square"
    return "portrait" if h > w else "landscape"


def orientation(request: VideoRequest | None, caps: ModelCapabilities | None) -> Orientation:
    """Which way the request faces: its size, else its aspect ratio, else the model's default."""
    if request is not None and request.size:
        return _shape(*parse_size(request.size))
    ratio = ratio_of(request.aspect_ratio) if request is not None and request.aspect_ratio else None
    if ratio is not None:
        return _shape(int(ratio * 1000), 1000)
    if caps is not None and caps.size_default:
        return _shape(*parse_size(caps.size_default))
    return "landscape"


def ratio_of(aspect: str) -> float | None:
    """'16:9' -> 1.777...; None when it is not a ratio."""
    try:
        a, b = (float(x) for x in aspect.split(":"))
    except ValueError:
        return None
    return a / b if a > 0 and b > 0 else None


def _pick(sizes: list[str], want: Orientation) -> str:
    for size in sizes:
        if _shape(*parse_size(size)) == want:
            return size
    return sizes[0]


def change_for_height(
    height: int, request: VideoRequest | None, caps: ModelCapabilities | None
) -> dict[str, Any] | None:
    """Request changes for `height`p output facing the request's way, or None if not offered."""
    want = orientation(request, caps)
    if caps is None:
        w, h = _STANDARD.get(height, (round(height * 16 / 9), height))
        return {"size": f"{h}x{w}" if want == "portrait" else f"{w}x{h}", "resolution": None}
    for res in caps.resolutions:
        if res.lower() == f"{height}p":
            return {"resolution": res, "size": None}
    matches = [s for s in caps.sizes if min(parse_size(s)) == height]
    return {"size": _pick(matches, want), "resolution": None} if matches else None


def change_for_size(size: str, caps: ModelCapabilities | None) -> dict[str, Any] | None:
    if caps is not None and caps.sizes and size not in caps.sizes:
        return None
    return {"size": size, "resolution": None}


def change_for_aspect(
    aspect: str, request: VideoRequest | None, caps: ModelCapabilities | None
) -> dict[str, Any] | None:
    """Request changes for an aspect ratio: a matching size where the model takes sizes."""
    ratio = ratio_of(aspect)
    if ratio is None:
        return None
    current = request.size if request is not None and request.size else None
    if current is not None:
        w, h = parse_size(current)
        if abs(w / h - ratio) < 0.02:
            return {}
        swapped = f"{h}x{w}"
        if abs(h / w - ratio) < 0.02 and (caps is None or not caps.sizes or swapped in caps.sizes):
            return {"size": swapped}
    if caps is None or aspect in caps.aspect_ratios:
        return {"aspect_ratio": aspect}
    for size in caps.sizes:
        w, h = parse_size(size)
        if abs(w / h - ratio) < 0.02:
            return {"size": size, "resolution": None}
    return None


def strip_noop(changes: dict[str, Any], request: VideoRequest | None) -> dict[str, Any]:
    """Drop changes that set a field to what the request already has (or clear an unset one)."""
    if request is None:
        return {k: v for k, v in changes.items() if v is not None}
    return {k: v for k, v in changes.items() if getattr(request, k) != v}
