"""Which runner a view uses for a backend (below `params` and `studio`, which both need it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..jobs import JobRunner


def runner_for(backend: str | None = None, output_dir: Path | None = None) -> JobRunner:
    """The shared default runner when it serves `backend`, else one for `backend` with the current
    settings (budgets and `%sora config` overrides included): `jobs.runner_for` decides."""
    from ..jobs import runner_for as jobs_runner_for

    return jobs_runner_for(backend, output_dir=output_dir)
