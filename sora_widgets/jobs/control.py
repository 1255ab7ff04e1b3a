"""Jobs recorded in the ledger, reached by id from outside the session that started them (the CLI).

`find` accepts a job key or a video id; `cancel` marks a recorded, unfinished job `cancelled` so no
resume picks it up again, and where the backend's DELETE stops the render (jobs/cancel.py) asks the
server to stop; elsewhere the server keeps rendering and the error text says so.
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidRequestError
from .cancel import request_cancel, stop_on_server_sync
from .ledger import RESUMABLE, Ledger
from .runner import JobRunner, _state_from_row
from .state import JobState


def find(ledger: Ledger | None, ident: str) -> dict[str, Any]:
    row = ledger.get(ident) if ledger is not None else None
    if row is None:
        where = f" of {ledger.folder}" if ledger is not None else ""
        raise InvalidRequestError(f"no job {ident!r} in the ledger{where}",
                                  hint="`list` shows the recorded jobs (ids and keys)")
    return row


def cancel(runner: JobRunner, ident: str) -> JobState:
    """Mark a recorded job cancelled (a running job of this session is stopped too)."""
    for job in runner.jobs:
        if ident in (job.key, job.state.video_id) and not job.done:
            request_cancel(job, runner.client.backend)
            return job.state
    row = find(runner.ledger, ident)
    state = _state_from_row(row).evolve(status=row["status"])
    if row["status"] not in RESUMABLE:  # an interrupted job is final here but a resume would take it
        return state
    state = state.evolve(status="cancelled", error=stop_on_server_sync(runner.client, state.video_id))
    assert runner.ledger is not None
    runner.ledger.record(state)
    return state
