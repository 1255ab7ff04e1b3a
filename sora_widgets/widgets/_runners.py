"""Which runner a view uses for a backend (below `params` and `studio`, which both need it)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..jobs import JobRunner


def runner_for(backend: str | None = None, output_dir: Path | None = None) -> JobRunner:
    """The shared default runner (also used by the magics) when it serves `backend`, else a new
    runner for `backend` writing to `output_dir` (default: the shared runner's folder)."""
    from ..config import Settings
    from ..jobs import JobRunner, default_runner

    shared = default_runner()
    if (backend is None or backend == shared.backend) and output_dir is None:
        return shared
    folder = output_dir if output_dir is not None else shared.settings.output_dir
    return JobRunner(Settings().with_(backend=backend or shared.backend, output_dir=folder))
