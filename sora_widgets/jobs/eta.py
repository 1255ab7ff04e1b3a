"""How long a job has left, from how long this backend took for similar jobs lately (the ledger).

Progress percentages from servers are coarse and front-loaded, so extrapolating them promised
"~8 s left" one second into a 5-second job. The ledger knows how long the same backend and model
took for recent jobs: jobs of the same length first, else scaled by length. Without any history
there is no estimate ("estimating…") until the job is a quarter done.
"""

from __future__ import annotations

import statistics
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ledger import Ledger
    from .state import JobState

#: how long a history lookup is reused (one SQLite query per backend/model and this interval)
CACHE_SECONDS = 20.0
#: with no history, progress is extrapolated only from this far on
MIN_PROGRESS = 25

_cache: dict[tuple[str, str, str], tuple[float, list[tuple[int, float]]]] = {}
_lock = threading.Lock()


def _history(ledger: Ledger, backend: str, model: str) -> list[tuple[int, float]]:
    """(seconds of video, seconds it took) of recent completed jobs, newest first (cached)."""
    key = (str(ledger.path), backend, model)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    found = ledger.recent_durations(backend, model)
    with _lock:
        _cache[key] = (now, found)
    return found


def forget() -> None:
    """Drop cached histories (tests; after a ledger was replaced)."""
    with _lock:
        _cache.clear()


def typical_duration(ledger: Ledger | None, backend: str, model: str | None, seconds: int | None) -> float | None:
    """The median time recent similar jobs took, or None without history."""
    if ledger is None or not model:
        return None
    history = _history(ledger, backend, model)
    same = [took for length, took in history if length == seconds]
    if same:
        return statistics.median(same)
    if history and seconds:
        return statistics.median(took / max(length, 1) for length, took in history) * seconds
    return None


def time_left(state: JobState, ledger: Ledger | None) -> float | None:
    """Seconds left for a running job, or None ("estimating…")."""
    if state.done or state.submitted_at is None:
        return None
    elapsed = time.time() - state.submitted_at
    typical = typical_duration(ledger, state.backend, state.request.model, state.request.seconds)
    if typical is not None:
        return max(0.0, typical - elapsed)
    if state.progress >= MIN_PROGRESS and state.progress < 100:
        return elapsed * (100 - state.progress) / state.progress
    return None
