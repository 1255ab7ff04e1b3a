"""Immutable snapshots of a job's life, and the `Job` handle that widgets and magics observe.

A runner publishes a new `JobState` at every change; observers (job cards, progress bars, the
ledger) receive snapshots and never share mutable state with the task doing the work.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..models import TERMINAL_STATUSES, Video, VideoRequest
from ..results import GenerationResult

#: local statuses around the server's ones
PENDING, SUBMITTING, DOWNLOADING = "pending", "submitting", "downloading"
INTERRUPTED, UNKNOWN = "interrupted", "unknown"
#: a resume found several server jobs that could be this one and will not guess: the user picks
NEEDS_CHOICE = "needs_choice"
#: a job will not change any more: the server's final statuses plus our own three
FINAL = frozenset({*TERMINAL_STATUSES, INTERRUPTED, UNKNOWN, NEEDS_CHOICE})
Listener = Callable[["JobState"], Any]


def new_key() -> str:
    return uuid.uuid4().hex[:16]


@dataclass(frozen=True)
class JobState:
    request: VideoRequest
    backend: str
    key: str = field(default_factory=new_key)
    op: str = "create"
    parent_id: str | None = None
    label: str = ""
    status: str = PENDING
    progress: int = 0
    video_id: str | None = None
    video: Video | None = None
    path: Path | None = None
    thumbnail: Path | None = None
    sha256: str | None = None
    error: str | None = None
    error_code: str | None = None
    estimated_cost: float = 0.0
    actual_cost: float | None = None
    idempotency_key: str = field(default_factory=lambda: f"sora-widgets-{uuid.uuid4().hex}")
    created_at: float = field(default_factory=time.time)
    submitted_at: float | None = None
    finished_at: float | None = None
    #: server ids a resume could not choose between (status `needs_choice`)
    candidates: tuple[str, ...] = ()

    def evolve(self, **changes: Any) -> JobState:
        return dataclasses.replace(self, **changes)

    @property
    def done(self) -> bool:
        return self.status in FINAL

    @property
    def ok(self) -> bool:
        return self.status == "completed" and self.path is not None

    @property
    def cost(self) -> float:
        return self.actual_cost if self.actual_cost is not None else self.estimated_cost

    @property
    def elapsed(self) -> float:
        start = self.submitted_at or self.created_at
        return (self.finished_at or time.time()) - start

    @property
    def eta(self) -> float | None:
        """Seconds left, extrapolated from progress once a quarter is done (None before: early
        percentages promise wild times). Views with a ledger use `eta.time_left`, which knows how
        long the backend took lately."""
        from .eta import time_left

        return time_left(self, None)

    def result(self) -> GenerationResult:
        if not self.ok or self.video is None or self.path is None:
            from ..errors import SoraError

            raise SoraError(f"job {self.video_id or self.key} has no video ({self.status})", hint=self.error)
        return GenerationResult(
            request=self.request, video=self.video, path=self.path, thumbnail=self.thumbnail,
            backend=self.backend, cost=self.cost, sha256=self.sha256,
        )

    def line(self) -> str:
        """One line for text displays: status, progress, id, elapsed."""
        ident = self.video_id or f"job {self.key}"
        if self.error:
            return f"{ident}: {self.status} — {self.error}"
        eta = f", ~{self.eta:.0f}s left" if self.eta else ""
        return f"{ident}: {self.status} {self.progress}% ({self.elapsed:.1f}s{eta})"


class Job:
    """A handle on a running (or finished) job: latest `state`, `observe`, `cancel`, wait.

    The work happens in an asyncio task on some loop (the kernel's, or a runner thread's); the
    handle is safe to use from any thread.
    """

    def __init__(self, state: JobState) -> None:
        self.state = state
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._task: asyncio.Task[JobState] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._future: concurrent.futures.Future[JobState] = concurrent.futures.Future()
        #: set when the *wait* was interrupted (Ctrl-C): the job ends resumable, not cancelled
        self.interrupted = False
        self._cancel_requested = False

    def __repr__(self) -> str:
        return f"Job({self.state.line()})"

    @property
    def key(self) -> str:
        return self.state.key

    @property
    def done(self) -> bool:
        return self._future.done()

    def observe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener(state)` on every change (now, too). Returns an unsubscribe function."""
        with self._lock:
            self._listeners.append(listener)
        _safe_call(listener, self.state)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, state: JobState) -> None:
        self.state = state
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            _safe_call(listener, state)
        if state.done and not self._future.done():
            self._future.set_result(state)

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The event loop the job runs on (None until it started)."""
        return self._loop

    def attach(self, task: asyncio.Task[JobState], loop: asyncio.AbstractEventLoop) -> None:
        self._task, self._loop = task, loop
        if self._cancel_requested:  # cancel() came before the task existed (background start)
            self.cancel()

    def cancel(self) -> None:
        """Stop the job's task (thread-safe). The job ends `cancelled`."""
        self._cancel_requested = True
        task, loop = self._task, self._loop
        if task is None or loop is None or task.done():
            return
        if loop.is_closed():
            return
        loop.call_soon_threadsafe(task.cancel)

    def wait(self, timeout: float | None = None) -> JobState:
        """Block until done (not from the loop thread running the job)."""
        return self._future.result(timeout)

    def __await__(self) -> Any:
        return asyncio.wrap_future(self._future).__await__()

    def result(self) -> GenerationResult:
        return self.state.result()


def live_status(video: Video) -> str:
    """The status to show while the job is still ours to finish: a server-side "completed" only
    becomes final once the file is downloaded and verified (a replayed create or a resume lookup
    can return a job that is already done)."""
    return "in_progress" if video.done else video.status


def _safe_call(listener: Listener, state: JobState) -> None:
    try:
        listener(state)
    except Exception:  # one broken observer must never break the job or its other observers
        import logging

        logging.getLogger("sora_widgets").exception("job listener failed")
