"""`signals(clip, ...)`, `signals.batch(clips)` and `signals.seams(clips)`.

A clip is a path, or anything with `.path` and `.request` (a `GenerationResult`, a finished
`JobState`), whose request supplies what was asked. Analyses are cached per file content (path,
size, mtime), so asking again, or batching clips already checked, costs nothing.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .analyse import Analysis, analyse, file_key, grid, hash_distance
from .result import Seam, Signals, evaluate
from .thresholds import value as T

Clip = Any  # str | os.PathLike | GenerationResult | JobState
_CACHE_SIZE = 128
_cache: OrderedDict[tuple[Any, ...], Analysis] = OrderedDict()
_lock = threading.Lock()


def _path_of(clip: Clip) -> Path:
    if isinstance(clip, (str, os.PathLike)):
        return Path(clip)
    path = getattr(clip, "path", None)
    if path is None:
        several = " (for several clips: signals.batch(clips))" if isinstance(clip, (list, tuple)) else ""
        raise TypeError(f"signals() needs a video path or a generation result, not {type(clip).__name__}{several}")
    return Path(path)


def _asked_from(clip: Clip) -> dict[str, Any]:
    request = getattr(clip, "request", None)
    if request is None:
        return {}
    asked = {"seconds": getattr(request, "seconds", None), "size": getattr(request, "size", None),
             "audio": getattr(request, "audio", None)}
    return {k: v for k, v in asked.items() if v is not None}


def _label_of(clip: Clip, path: Path) -> str:
    for attr in ("video_id", "id"):
        value = getattr(clip, attr, None)
        if isinstance(value, str) and value:
            return value
    return path.name


def analysis_of(path: Path, *, audio: bool = False) -> Analysis:
    """The (cached) analysis of a file; audio loudness is measured only when asked for."""
    if not path.is_file():
        raise FileNotFoundError(f"no video file at {path}")
    base = file_key(path)
    key, with_audio = (*base, audio), (*base, True)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        if with_audio in _cache:  # an analysis with audio serves one without
            return _cache[with_audio]
    result = analyse(path, audio=audio)
    with _lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def cached(clip: Clip) -> Signals | None:
    """The signals of a clip if this process already analysed its file, else None (never decodes).
    For views that show signals "when present" (overlays, tooltips)."""
    try:
        path = _path_of(clip)
        base = file_key(path)
    except (TypeError, OSError):
        return None
    with _lock:
        found = _cache.get((*base, True)) or _cache.get((*base, False))
    if found is None:
        return None
    asked = _asked_from(clip)
    return Signals(evaluate(found.metrics, asked), found.metrics, asked, _label_of(clip, path), str(path))


class SignalsFunction:
    """`signals(clip, *, seconds=None, size=None, fps=None, audio=None)` -> `Signals`; see the
    package docstring. Also `signals.batch(clips)` (adds `duplicate`) and `signals.seams(clips)`."""

    def __call__(self, clip: Clip, *, seconds: float | None = None, size: str | None = None,
                 fps: float | None = None, audio: bool | None = None) -> Signals:
        path = _path_of(clip)
        asked = _asked_from(clip)
        given = {"seconds": seconds, "size": size, "fps": fps, "audio": audio}
        asked.update({k: v for k, v in given.items() if v is not None})
        found = analysis_of(path, audio=bool(asked.get("audio")))
        return Signals(evaluate(found.metrics, asked), dict(found.metrics), asked, _label_of(clip, path),
                       str(path))

    def __repr__(self) -> str:
        return "<function signals(clip, *, seconds=None, size=None, fps=None, audio=None)>"

    def batch(self, clips: Iterable[Clip], **asked: Any) -> list[Signals]:
        """Signals of every clip, plus `duplicate` where two clips' sampled frames hash almost the
        same (`metrics["duplicate_of"]` names the others). Keyword arguments apply to every clip."""
        results = [self(clip, **asked) for clip in clips]
        return mark_duplicates(results)

    def seams(self, clips: Sequence[Clip]) -> list[Seam]:
        """The cut at every boundary of consecutive clips (storyboard shots), flagged where it is far
        larger than the largest frame-to-frame change inside either shot."""
        found = [analysis_of(_path_of(c)) for c in clips]
        return [seam_between(found[i - 1], found[i], i) for i in range(1, len(found))]


def mark_duplicates(results: list[Signals]) -> list[Signals]:
    """Add `duplicate` to every result whose hashes are within the threshold of another's."""
    dupes: dict[int, list[str]] = {}
    for i, a in enumerate(results):
        for j in range(i + 1, len(results)):
            b = results[j]
            d = hash_distance(a.metrics.get("phash") or [], b.metrics.get("phash") or [])
            if d is not None and d <= T("duplicate_distance"):
                dupes.setdefault(i, []).append(b.label or str(j))
                dupes.setdefault(j, []).append(a.label or str(i))
    return [r.with_flags({"duplicate"}, duplicate_of=dupes[i]) if i in dupes else r for i, r in enumerate(results)]


def seam_between(before: Analysis, after: Analysis, index: int) -> Seam:
    import numpy as np

    if before.last is None or after.first is None:
        return Seam(index, 0.0, 0.0, False)
    a, b = before.last, after.first
    if a.shape != b.shape:
        a, b = grid(a, 32, 18), grid(b, 32, 18)
    cut = float(np.abs(a - b).mean())
    inside = 0.0
    for motion in (before.motion, after.motion):
        if motion is not None and motion.size:
            finite = motion[~np.isnan(motion)]
            if finite.size:
                inside = max(inside, float(finite.max()))
    flagged = cut > T("seam_ratio") * max(inside, T("seam_floor"))
    return Seam(index, round(cut, 3), round(inside, 3), flagged)


signals = SignalsFunction()
