"""Deleting a finished job everywhere: on the server, its local files, and in the ledger.

The ledger keeps the row with status "deleted" (what was made and paid stays on record), so
`resume` never tries the video again (it would 404) and `%sora status` leaves it out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NotFoundError, SoraError

if TYPE_CHECKING:
    from .runner import JobRunner
    from .state import Job, JobState

DELETED = "deleted"


def local_files(state: JobState) -> list[Path]:
    """The files the toolkit wrote for a job: the video, its poster, its saved last frame."""
    paths = [Path(p) for p in (state.path, state.thumbnail) if p]
    if state.path:
        paths.append(Path(state.path).with_name(f"{Path(state.path).stem}.last.png"))
    return paths


def delete_job(runner: JobRunner, job: Job | JobState) -> str | None:
    """Delete the video on the server (a 404 means it is already gone), remove its local files and
    record it as deleted. Returns the server's complaint, if any (the local side is done anyway)."""
    state = job.state if hasattr(job, "state") else job
    problem = None
    if state.video_id:
        try:
            runner.client.delete(state.video_id)
        except NotFoundError:
            pass
        except SoraError as exc:
            problem = str(exc)
    for path in local_files(state):
        path.unlink(missing_ok=True)
    gone = state.evolve(status=DELETED, path=None, thumbnail=None)
    if runner.ledger is not None:
        runner.ledger.record(gone)
    for session_job in runner.jobs:
        if session_job.key == state.key:
            session_job.state = gone
    return problem
