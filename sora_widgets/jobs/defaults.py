"""The process-wide default runner, `%sora config` overrides, runners for other backends, resume.

`default_runner()` is shared by the magics and the widgets, so a job started by `%%sora --no-wait`
shows up in the Studio's list and in `%sora status`. `runner_for(backend)` is the ONE place that
builds a runner for another backend: it starts from the *current* settings (environment plus
`%sora config` overrides, or a given runner's), so budgets, defaults and the output folder survive
a backend switch; only what belongs to a backend (its URL, dialect, key) is dropped.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from ..config import Settings
from .runner import JobRunner
from .state import JobState

_LOCK = threading.Lock()
_DEFAULT: JobRunner | None = None
_OVERRIDES: dict[str, Any] = {}
#: runners for other backends, per (base runner, backend, folder): the same one every time, so
#: the magics and the Studio see each other's jobs on that backend
_OTHERS: dict[tuple[int, str, str], JobRunner] = {}
#: settings that belong to one backend and must not follow a switch to another
_BACKEND_BOUND = {"base_url": None, "dialect": None, "api_key": None, "key_env": None}


def default_runner() -> JobRunner:
    """The shared runner, built from the environment plus `%sora config` overrides."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = JobRunner(Settings().with_(**_OVERRIDES))
        return _DEFAULT


def overrides() -> dict[str, Any]:
    """A copy of the `%sora config` overrides in force."""
    with _LOCK:
        return dict(_OVERRIDES)


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
        _OTHERS.clear()
        if old is not None:
            _DEFAULT.jobs.extend(old.jobs)
        return _DEFAULT


def reset_default_runner() -> None:
    global _DEFAULT
    with _LOCK:
        _DEFAULT = None
        _OVERRIDES.clear()
        _OTHERS.clear()


def settings_for(backend: str, base: Settings, **changes: Any) -> Settings:
    """`base` moved to `backend`: budgets, defaults and folder kept, URL/dialect/key dropped.
    Raises `ConfigurationError` for a backend (or profile) that does not exist."""
    from ..backends import backend_for

    data = base.model_dump()
    if backend != base.backend:
        data.update(_BACKEND_BOUND)
    data.update(backend=backend, **{k: v for k, v in changes.items() if v is not None})
    settings = Settings(**data)
    backend_for(settings)
    return settings


def runner_for(backend: str | None = None, *, base: JobRunner | None = None,
               output_dir: str | Path | None = None) -> JobRunner:
    """A runner for `backend` with the current settings: `base` (default: the shared runner)
    itself when it already serves that backend and folder, else a runner built from `base`'s
    settings moved to `backend` (cached, so every caller gets the same one)."""
    base = base if base is not None else default_runner()
    folder = Path(output_dir) if output_dir is not None else base.settings.output_dir
    name = backend or base.backend
    if name == base.backend and folder == base.settings.output_dir:
        return base
    key = (id(base), name, str(folder))
    with _LOCK:
        runner = _OTHERS.get(key)
        if runner is None:
            runner = JobRunner(settings_for(name, base.settings, output_dir=folder))
            _OTHERS[key] = runner
        return runner


def resume(settings: Settings | None = None, **changes: Any) -> list[JobState]:
    """Finish what an earlier session (a notebook, a script using `SoraClient`, the CLI) left in
    the ledger of the output folder: jobs are found again, polled and downloaded; nothing is made
    twice. Blocks. `resume(output_dir="clips", backend="openai")`."""
    base = (settings or Settings()).with_(**changes)
    return JobRunner(base).resume_blocking()


__all__ = ["configure", "default_runner", "overrides", "reset_default_runner", "resume",
           "runner_for", "settings_for"]
