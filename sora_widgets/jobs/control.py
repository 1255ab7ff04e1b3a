"""Jobs recorded in the ledger, reached by id from outside the session that started them (the CLI).

`find` accepts a job key or a video id; `cancel` marks a recorded, unfinished job `cancelled` so no
resume picks it up again (the server is not asked to stop: the Videos API has no cancel).
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidRequestError
from .ledger import Ledger
from .runner import JobRunner, _state_from_row
from .state import FINAL, JobState


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
            job.cancel()
            return job.state
    row = find(runner.ledger, ident)
    state = _state_from_row(row).evolve(status=row["status"])
    if row["status"] in FINAL:
        return state
    state = state.evolve(status="cancelled", error="cancelled from the command line")
    assert runner.ledger is not None
    runner.ledger.record(state)
    return state
