"""How long a clip is, as cards, the player and the gallery show it.

An extension's request says how many seconds were *added*; its video holds the source too. So the
label of an extended clip is its real length, read from the file, with what was added:
"5s (+1s added)". Reading the length demuxes the MP4 once (no decoding) and is cached per file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=512)
def _duration(path: str, mtime: float) -> float:
    from ..media import probe

    return probe(path).duration


def file_seconds(path: Path | str | None) -> float | None:
    """The MP4's length in seconds, or None when there is no readable file."""
    if path is None:
        return None
    p = Path(path)
    try:
        return _duration(str(p), p.stat().st_mtime)
    except Exception:  # missing or unreadable: the label falls back to the request
        return None


def length_text(op: str, requested: int | None, path: Path | str | None = None) -> str:
    """"4s"; for an extension "5s (+1s added)" once the file exists, "+1s" before."""
    if op != "extend":
        return f"{requested}s" if requested else ""
    added = f"+{requested}s" if requested else ""
    total = file_seconds(path)
    if total is None:
        return added
    whole = f"{total:.0f}s" if abs(total - round(total)) < 0.05 else f"{total:.1f}s"
    return f"{whole} ({added} added)" if added else whole
