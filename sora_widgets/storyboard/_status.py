"""What a storyboard run reports: `Take` (a ledger job of one shot), `ShotStatus`, `RunHandle`.

Plain data and a small handle; `run.Production` creates them.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SoraError

if TYPE_CHECKING:
    from ..quality import Seam
    from .run import Production


@dataclass(frozen=True)
class Take:
    """One job for one shot, as the ledger has it."""

    key: str
    shot_id: str
    status: str
    op: str
    parent_id: str | None
    video_id: str | None
    path: Path | None
    thumbnail: Path | None
    request: dict[str, Any]
    error: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any], shot_id: str) -> Take:
        return cls(key=row["key"], shot_id=shot_id, status=row["status"], op=row["op"], parent_id=row["parent_id"],
                   video_id=row["video_id"], path=Path(row["path"]) if row["path"] else None,
                   thumbnail=Path(row["thumbnail"]) if row["thumbnail"] else None, request=row["request"],
                   error=row["error"])

    @property
    def ok(self) -> bool:
        return self.status == "completed" and self.path is not None and self.path.is_file()


@dataclass(frozen=True)
class ShotStatus:
    index: int
    shot_id: str
    continuity: str
    status: str  # "missing" before the first take, else the take's status
    key: str | None = None
    video_id: str | None = None
    path: Path | None = None
    thumbnail: Path | None = None
    error: str | None = None
    #: made from an older take of the previous shot (chain/extend)
    stale: bool = False
    #: the shot's prompt, length or reference changed since this take
    changed: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "completed" and self.path is not None and self.path.is_file()

    def line(self) -> str:
        flags = [f for f, on in (("stale", self.stale), ("edited", self.changed)) if on]
        extra = f" ({', '.join(flags)})" if flags else ""
        err = f" — {self.error}" if self.error and not self.ok else ""
        return f"shot {self.index + 1} [{self.shot_id}, {self.continuity}]: {self.status}{extra}{err}"


@dataclass(frozen=True)
class ShotSeam:
    """The cut into shot `index` (0-based) from the shot before, measured by `quality.signals.seams`."""

    index: int
    continuity: str
    seam: Seam

    @property
    def flagged(self) -> bool:
        """A visible jump where continuity was asked for (`chain`); independent shots are meant to cut."""
        return self.seam.flagged and self.continuity == "chain"

    def line(self) -> str:
        if self.flagged:
            verdict = "⚠ seam"
        elif self.continuity == "chain":
            verdict = "✓ smooth"
        else:
            verdict = "cut" if self.seam.flagged else "✓ smooth"
        return (f"shot {self.index} → {self.index + 1} ({self.continuity}): {verdict} — jump {self.seam.cut:.1f}, "
                f"{self.seam.ratio:.1f}x the largest change inside")


class StoryboardInterrupted(SoraError, KeyboardInterrupt):
    """Ctrl-C while waiting for a storyboard: its jobs stay resumable."""

    def __init__(self, group_id: str) -> None:
        self.group_id = group_id
        SoraError.__init__(self, f"stopped waiting for storyboard {group_id} (started jobs keep running)",
                           hint=f"resume with board.resume() or Storyboard.load({group_id!r}).resume()")


class RunHandle:
    """A storyboard run in the background: `wait()`, `done()`, `interrupt()`."""

    def __init__(self, production: Production) -> None:
        self.production = production
        self.future: concurrent.futures.Future[list[ShotStatus]] = concurrent.futures.Future()
        self.stop = threading.Event()
        self.errors: dict[str, str] = {}

    def done(self) -> bool:
        return self.future.done()

    def interrupt(self) -> None:
        """Stop waiting: running jobs end `interrupted` (resumable); no new shot is started."""
        self.stop.set()
        for job in list(self.production.jobs.values()):
            if not job.done:
                job.interrupted = True
                job.cancel()

    def wait(self, timeout: float | None = None) -> list[ShotStatus]:
        """Block until every planned shot is done; Ctrl-C interrupts (the run stays resumable)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                try:
                    statuses = self.future.result(timeout=0.25 if left is None else min(0.25, left))
                    break
                except concurrent.futures.TimeoutError:
                    if left == 0.0:
                        raise TimeoutError(f"storyboard {self.production.board.id} is still running") from None
        except KeyboardInterrupt:
            self.interrupt()
            raise StoryboardInterrupted(self.production.board.id) from None
        if self.errors:
            shot, message = next(iter(self.errors.items()))
            raise SoraError(f"shot {shot}: {message}",
                            hint="the other shots are kept; fix it and run again" if len(self.errors) == 1
                            else f"{len(self.errors) - 1} more shots failed to start")
        return statuses
