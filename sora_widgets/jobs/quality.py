"""Quality signals of finished jobs: computed once per file, in the background, kept in the ledger.

The runner asks for them as soon as a download completes (`QualityChecks.check`), so job cards,
the gallery's "hide flagged" filter and `%sora list` find them without decoding anything. The work
runs on one background thread per ledger: the kernel's event loop never waits for a decode.
Stored signals carry the analysis version and the file's sha256; a newer analysis or a replaced
file is checked again.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..quality import VERSION, Signals, signals
from .ledger import Ledger
from .state import JobState

log = logging.getLogger("sora_widgets.jobs")

#: asked-for values a request carries (fps has no request field)
_ASKED = ("seconds", "size", "audio")


def asked_of(request: dict[str, Any]) -> dict[str, Any]:
    return {k: request[k] for k in _ASKED if request.get(k) is not None}


class QualityChecks:
    """Signals of one ledger's jobs: `stored`, `check` (background), `check_now` (blocking)."""

    def __init__(self, ledger: Ledger | None) -> None:
        self.ledger = ledger
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._pending: dict[str, concurrent.futures.Future[Signals | None]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"QualityChecks({self.ledger!r})"

    # -- reading ------------------------------------------------------------------------------
    def stored(self) -> dict[str, Signals]:
        """Every job's stored signals that are still current, by job key."""
        if self.ledger is None or not self.ledger.path.is_file():
            return {}
        out = {}
        for key, entry in self.ledger.signals().items():
            found = Signals.from_json(entry["data"])
            if found is not None:
                out[key] = found
        return out

    def stored_among(self, keys: list[str]) -> dict[str, Signals]:
        """`stored()` for these jobs only: what a page of a long history shows (`%sora list`, the
        gallery) reads a few rows of the signals table, not all of it."""
        if self.ledger is None or not self.ledger.path.is_file():
            return {}
        from .history import signals_for

        out = {}
        for key, entry in signals_for(self.ledger, keys).items():
            found = Signals.from_json(entry["data"])
            if found is not None:
                out[key] = found
        return out

    def stored_for(self, key: str, sha256: str | None = None) -> Signals | None:
        if self.ledger is None or not self.ledger.path.is_file():
            return None
        from .history import signals_for

        entry = signals_for(self.ledger, [key]).get(key)  # one row, not the whole signals table
        if entry is None or (sha256 and entry["sha256"] and entry["sha256"] != sha256):
            return None
        return Signals.from_json(entry["data"])

    def in_flight(self, key: str) -> bool:
        """Whether the job's signals are being computed in the background right now."""
        with self._lock:
            future = self._pending.get(key)
        return future is not None and not future.done()

    # -- computing ----------------------------------------------------------------------------
    def check(self, job: JobState | dict[str, Any]) -> concurrent.futures.Future[Signals | None]:
        """The signals of a finished job (a `JobState` or a ledger row), from the ledger when stored,
        else computed on the background thread and stored. Resolves to None if there is no file."""
        key, path, sha, request, label = _parts(job)
        done: concurrent.futures.Future[Signals | None] = concurrent.futures.Future()
        known = self.stored_for(key, sha)
        if known is not None or path is None:
            done.set_result(known)
            return done
        with self._lock:
            if key in self._pending and not self._pending[key].done():
                return self._pending[key]
            for old in [k for k, f in self._pending.items() if f.done()]:  # keep only work in flight
                del self._pending[old]
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="sora-signals")
            future = self._pool.submit(self._compute, key, path, sha, request, label)
            self._pending[key] = future
        return future

    def check_keys(self, keys: list[str], done: Callable[[], None]) -> None:
        """Check these jobs (by key) in the background, for a view that just showed them: nothing is
        read or decoded on the caller's thread. Keys already queued are skipped; the single worker
        takes one job at a time, skips it when the ledger already has its signals, and before each
        decode waits while a view is being built (`view_busy`), so opening a view never competes
        with the checks it asked for. `done()` runs on the worker after each job that was computed."""
        if self.ledger is None:
            return
        with self._lock:
            for key in keys:
                if key in self._pending and not self._pending[key].done():
                    continue
                if self._pool is None:
                    self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="sora-signals")
                self._pending[key] = self._pool.submit(self._check_key, key, done)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Block until the background checks queued so far are done (scripts, benchmarks)."""
        with self._lock:
            futures = list(self._pending.values())
        done, _ = concurrent.futures.wait(futures, timeout=timeout)
        return len(done) == len(futures)

    def _check_key(self, key: str, done: Callable[[], None]) -> Signals | None:
        assert self.ledger is not None
        row = self.ledger.get(key)
        if row is None:
            return None
        key, path, sha, request, label = _parts(row)
        known = self.stored_for(key, sha)
        if known is not None or path is None:
            return known
        _QUIET.wait(_QUIET_WAIT)  # let a view that is opening finish first (bounded: never starve)
        found = self._compute(key, path, sha, request, label)
        done()
        return found

    def check_now(self, job: JobState | dict[str, Any], *, force: bool = False) -> Signals | None:
        """Blocking: the stored signals, or compute and store them now (`force`: always compute)."""
        key, path, sha, request, label = _parts(job)
        if not force:
            known = self.stored_for(key, sha)
            if known is not None:
                return known
        return None if path is None else self._compute(key, path, sha, request, label)

    def _compute(self, key: str, path: Path, sha: str | None, request: dict[str, Any], label: str) -> Signals | None:
        if not path.is_file():
            return None
        try:
            found = signals(path, **asked_of(request))
        except Exception:  # a check must never break the job it describes
            log.exception("quality signals failed for %s", path)
            return None
        found = Signals(found.flags, found.metrics, found.asked, label or found.label, found.path)
        if self.ledger is not None:
            self.ledger.save_signals(key, found.codes, found.to_json(), sha)
        return found


#: set while no view is being built; the background checks wait for it before each decode
_QUIET = threading.Event()
_QUIET.set()
_QUIET_WAIT = 2.0
_BUSY = [0]
_BUSY_LOCK = threading.Lock()


@contextmanager
def view_busy() -> Iterator[None]:
    """Mark a view as being built: background checks do not start a decode meanwhile."""
    with _BUSY_LOCK:
        _BUSY[0] += 1
        _QUIET.clear()
    try:
        yield
    finally:
        with _BUSY_LOCK:
            _BUSY[0] -= 1
            if not _BUSY[0]:
                _QUIET.set()


def _parts(job: JobState | dict[str, Any]) -> tuple[str, Path | None, str | None, dict[str, Any], str]:
    if isinstance(job, JobState):
        path = job.path if job.ok else None
        return job.key, Path(path) if path else None, job.sha256, job.request.summary(), job.video_id or job.key
    path_text = job.get("path") if job.get("status") == "completed" else None
    request = job.get("request") or {}
    if isinstance(request, str):
        request = json.loads(request)
    return (str(job["key"]), Path(path_text) if path_text else None, job.get("sha256"), dict(request),
            str(job.get("video_id") or job["key"]))


def known_signals(clip: Any, ledger: Ledger | None = None) -> Signals | None:
    """The signals of a clip if they are already known, else None — never decodes, so views can show
    them "when present" (compare overlays, tooltips). `clip` is a path, a `GenerationResult` or a
    `JobState`; known means analysed in this process, or stored in `ledger` (default: the one in the
    configured output folder)."""
    from ..quality import cached

    found = cached(clip)
    if found is not None:
        return found
    path = getattr(clip, "path", clip)
    try:
        target = Path(path).resolve()
    except TypeError:
        return None
    if ledger is None:  # the default output folder's ledger (as the default runner uses)
        from ..config import Settings

        ledger = Ledger(Settings().output_dir)
    for stored in checks_for(ledger).stored().values():
        if stored.path and Path(stored.path).resolve() == target:
            return stored
    return None


_REGISTRY: dict[str, QualityChecks] = {}
_REGISTRY_LOCK = threading.Lock()


def checks_for(ledger: Ledger | None) -> QualityChecks:
    """The one `QualityChecks` per ledger file in this process (runners, cards and magics share it)."""
    key = str(ledger.path.resolve()) if ledger is not None else ""  # "": runners without a ledger
    with _REGISTRY_LOCK:
        if key not in _REGISTRY:
            _REGISTRY[key] = QualityChecks(ledger)
        return _REGISTRY[key]


__all__ = ["VERSION", "QualityChecks", "asked_of", "checks_for", "known_signals", "view_busy"]
