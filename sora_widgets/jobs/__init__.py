"""Jobs that are never lost: the runner, the SQLite ledger, the budget guard and batches.

`default_runner()` is the process-wide runner shared by the magics and the widgets, so a job
started by `%%sora --no-wait` shows up in the Studio's list and in `%sora status`.
"""

from __future__ import annotations

import threading
from typing import Any

from ..config import Settings
from .budget import Budget, reset_session_spend
from .ledger import Ledger
from .runner import JobRunner
from .state import Job, JobState

_LOCK = threading.Lock()
_DEFAULT: JobRunner | None = None
_OVERRIDES: dict[str, Any] = {}


def default_runner() -> JobRunner:
    """The shared runner, built from the environment plus `%sora config` overrides."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = JobRunner(Settings().with_(**_OVERRIDES))
        return _DEFAULT


def configure(**changes: Any) -> JobRunner:
    """Change default settings until the process ends (`%sora config seconds=8`). Validated first:
    a bad value raises and changes nothing."""
    global _DEFAULT
    with _LOCK:
        merged = {**_OVERRIDES, **changes}
        settings = Settings().with_(**merged)
        old = _DEFAULT
        runner = JobRunner(settings)  # may raise: the overrides change only once it exists
        _OVERRIDES.clear()
        _OVERRIDES.update(merged)
        _DEFAULT = runner
        if old is not None:
            _DEFAULT.jobs.extend(old.jobs)
        return _DEFAULT


def overrides() -> dict[str, Any]:
    """The settings changed for this process (`%sora config`), as a copy."""
    with _LOCK:
        return dict(_OVERRIDES)


def reset_default_runner() -> None:
    global _DEFAULT
    with _LOCK:
        _DEFAULT = None
        _OVERRIDES.clear()


__all__ = [
    "Budget",
    "Job",
    "JobRunner",
    "JobState",
    "Ledger",
    "configure",
    "default_runner",
    "reset_default_runner",
    "reset_session_spend",
]
