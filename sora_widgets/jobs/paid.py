"""The plain client's paid calls go through the same guard and ledger as the runner.

`SoraClient.create` (and remix, edit, extend, generate; sync and async) calls `open_paid` before
sending: it validates nothing new, it *reserves* — the job's row is written to the output folder's
ledger inside the budget check (`Budget.reserve`), so a script is refused over budget exactly like
a notebook, and its jobs can be resumed after a crash (`sora_widgets.jobs.resume`). Then
`PaidCall.accepted` records the server's id, or `PaidCall.lost` records why nothing came back.

A runner reserves whole batches itself and passes the reserved `JobState` to the client as
`reservation=`; the client then sends without reserving again.

Imports nothing from the client or the runner (the client imports this module).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from ..config import Settings
from ..errors import APIStatusError
from ..models import Video, VideoRequest
from .budget import Budget
from .ledger import Ledger
from .state import SUBMITTING, JobState, live_status

OP_WORDS = {"create": "this generation", "remix": "this remix", "edit": "this edit", "extend": "this extension"}


class PaidCall:
    """One paid request of a plain client: its reserved ledger row and what became of it."""

    def __init__(self, ledger: Ledger, state: JobState) -> None:
        self.ledger = ledger
        self.state = state

    @property
    def idempotency_key(self) -> str:
        return self.state.idempotency_key

    def accepted(self, video: Video) -> None:
        self.state = self.state.evolve(video=video, video_id=video.id, status=live_status(video),
                                       progress=video.progress)
        self.ledger.record(self.state)

    def lost(self, exc: BaseException) -> None:
        """No answer. A 4xx means the server refused it (nothing made, the money is released);
        anything else (timeout, dropped connection, 5xx) may have made the job: it stays reserved
        and resumable."""
        code = exc.status_code if isinstance(exc, APIStatusError) else 0
        refused = 400 <= code < 500 and code not in (408, 409, 429)
        status = "failed" if refused else "interrupted"
        error = str(exc) or type(exc).__name__
        self.state = self.state.evolve(status=status, error=error.splitlines()[0] if error else None,
                                       finished_at=time.time())
        self.ledger.record(self.state)


def open_paid(
    settings: Settings, *, backend: str, op: str, request: VideoRequest, cost: float, parent_id: str | None,
    idempotency_key: str | None, base_url: str | None,
) -> PaidCall:
    """Reserve the job in the ledger of `settings.output_dir` (raises `BudgetExceededError`
    before anything is sent) and return the call to report back to."""
    ledger = Ledger(settings.output_dir)
    budget = Budget(ledger, session_limit=settings.budget_session, total_limit=settings.budget_total)
    state = JobState(request=request, backend=backend, op=op, parent_id=parent_id, estimated_cost=cost,
                     status=SUBMITTING, submitted_at=time.time(),
                     idempotency_key=idempotency_key or f"sora-widgets-{uuid.uuid4().hex}")
    budget.reserve([state], OP_WORDS.get(op, "this job"), base_url=base_url)
    return PaidCall(ledger, state)


def note_video(settings: Settings, video: Video) -> None:
    """A plain client saw a job it reserved change: keep its ledger row current (final statuses
    release or settle its money)."""
    changes: dict[str, Any] = {"status": video.status, "progress": video.progress}
    if video.done:
        changes["finished_at"] = time.time()
    if video.error is not None:
        changes["error"] = video.error.message or video.error.code
        changes["error_code"] = video.error.code
    if video.cost is not None:
        changes["actual_cost"] = video.cost
    Ledger(settings.output_dir).note(video.id, **changes)


def note_file(settings: Settings, video_id: str, path: str, sha256: str) -> None:
    """The plain client downloaded and verified a job it reserved."""
    Ledger(settings.output_dir).note(video_id, status="completed", path=path, sha256=sha256)
