"""The one job path shared by widgets, magics, batches and storyboards.

    VideoRequest -> prepare (validate, estimate, budget) -> ledger intent -> create -> poll
                 -> download + verify -> ledger -> JobState snapshots to every observer

Jobs run as asyncio tasks: on the kernel's event loop when there is one (widgets, `--no-wait`),
else on the runner's background loop thread (blocking magics, scripts). Nothing is lost when a
kernel dies: the ledger holds the intent and the id, and `resume()` picks the job up again.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import threading
import time
import weakref
import zlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import httpx

from .._base_client import job_url
from ..capabilities import BackendCapabilities, estimate_cost
from ..client import AsyncSoraClient, SoraClient
from ..config import Settings
from ..errors import GenerationFailedError, InvalidRequestError, PollInterrupted, SoraError, StorageDownloadError
from ..models import Video, VideoRequest
from .budget import Budget
from .ledger import Ledger, owner_alive
from .policy import follow_up_request
from .quality import QualityChecks, checks_for
from .recover import Ambiguous, NotFound, candidates_for, recent, remove_stale_parts
from .state import (
    DOWNLOADING,
    INTERRUPTED,
    NEEDS_CHOICE,
    SUBMITTING,
    UNKNOWN,
    Job,
    JobState,
    Listener,
    live_status,
)

OPS = ("create", "remix", "edit", "extend")
#: every job a runner of this process is working on, by key: a resume (by any runner) leaves them be
_LIVE: weakref.WeakValueDictionary[str, Job] = weakref.WeakValueDictionary()
#: statuses in which a job belongs to the process working on it (an `interrupted` one is anyone's)
_WORKING = ("pending", "submitting", "queued", "in_progress", "downloading")


class JobRunner:
    """Runs jobs for one backend configuration; see the module docstring for the flow."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        ledger: Ledger | bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
        sync_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings or Settings()
        # always a ledger: it holds the budget reservations (a runner without one could overspend)
        self.ledger: Ledger = ledger if isinstance(ledger, Ledger) else Ledger(self.settings.output_dir)
        self.budget = Budget(
            self.ledger, session_limit=self.settings.budget_session, total_limit=self.settings.budget_total
        )
        self.jobs: list[Job] = []
        self._transport = transport
        self._sync = SoraClient(settings=self.settings, transport=sync_transport)
        # per event loop: httpx's async pool and asyncio primitives belong to the loop that made them
        # (weak keys: a closed loop's entries go with it, and a new loop never inherits them)
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncSoraClient] = (
            weakref.WeakKeyDictionary())
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary())
        self._rate_lock = threading.Lock()
        self._next_create = 0.0
        self._bg_loop: asyncio.AbstractEventLoop | None = None
        self._bg_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"JobRunner(backend={self.settings.backend!r}, jobs={len(self.jobs)})"

    # -- configuration ----------------------------------------------------------------------
    @property
    def backend(self) -> str:
        return self.settings.backend

    @property
    def capabilities(self) -> BackendCapabilities:
        return self._sync.models()

    @property
    def client(self) -> SoraClient:
        """A blocking client with the same settings (for one-off calls: list, delete, download)."""
        return self._sync

    @property
    def quality(self) -> QualityChecks:
        """Quality signals of finished jobs (computed in the background, stored in the ledger)."""
        return checks_for(self.ledger)

    # -- preparing --------------------------------------------------------------------------
    def prepare(self, request: VideoRequest | str, **fields: Any) -> tuple[VideoRequest, float]:
        """Validate against the backend's capabilities and estimate the cost. No network for
        backends with static capabilities."""
        if isinstance(request, str):
            fields["prompt"] = request
            request = VideoRequest.model_validate({k: v for k, v in fields.items() if v is not None})
        elif fields:
            request = request.with_(**fields)
        self._sync.models()
        req = self._sync.request_for(request, {})
        return req, estimate_cost(req, self.capabilities)

    def variations(self, request: VideoRequest, n: int) -> list[VideoRequest]:
        """`n` versions of one request; different seeds where the model takes a seed."""
        if not 1 <= n <= 4:
            raise InvalidRequestError(f"variations must be 1-4, got {n}", param="variations")
        if n == 1:
            return [request]
        mc = self.capabilities.model(request.model)
        if not mc.seed:
            return [request] * n
        # a stable default (hash() is salted per process): the same prompt gives the same seeds
        base = request.seed if request.seed is not None else zlib.crc32(request.prompt.encode()) % 1_000_000
        return [request.with_(seed=base + i) for i in range(n)]

    @staticmethod
    def grid(request: VideoRequest, **axes: Sequence[Any]) -> list[tuple[str, VideoRequest]]:
        """The cartesian product of parameter lists for A/B tests: `grid(r, seconds=[4, 8])`."""
        names = list(axes)
        out = []
        for combo in itertools.product(*(axes[n] for n in names)):
            changes = dict(zip(names, combo, strict=True))
            label = ", ".join(f"{k}={v}" for k, v in changes.items())
            out.append((label, request.with_(**changes)))
        return out

    # -- submitting -------------------------------------------------------------------------
    def submit(
        self, request: VideoRequest | str, *, op: str = "create", parent_id: str | None = None, label: str = "",
        group_id: str | None = None, background: bool = False,
    ) -> Job:
        """Validate, check the budget, record the intent and start the job. Raises before anything
        is sent when the request is invalid or over budget."""
        return self.submit_many([request], op=op, parent_id=parent_id, labels=[label], group_id=group_id,
                                background=background)[0]

    def submit_many(
        self, requests: Iterable[VideoRequest | str], *, op: str = "create", parent_id: str | None = None,
        labels: Sequence[str] | None = None, group_id: str | None = None, background: bool = False,
    ) -> list[Job]:
        """Start several jobs; all are validated and budgeted together before any is sent."""
        if op not in OPS:
            raise InvalidRequestError(f"unknown operation {op!r}", hint=f"use one of: {', '.join(OPS)}")
        if op != "create" and parent_id:
            # a follow-up keeps the source's model (the one place that decides it: policy.py)
            requests = [follow_up_request(self, r, op, parent_id) for r in requests]
        prepared = [self.prepare(r) for r in requests]
        if op != "create":
            self._check_feature(op, parent_id, prepared[0][0].model if prepared else None)
        states = [JobState(request=req, backend=self.backend, op=op, parent_id=parent_id, estimated_cost=cost,
                           label=labels[i] if labels and i < len(labels) else "")
                  for i, (req, cost) in enumerate(prepared)]
        # the rows are the reservation: written with the budget check in one ledger transaction
        self.budget.reserve(states, "this batch" if len(states) > 1 else "this generation",
                            base_url=self.settings.base_url, group_id=group_id)
        jobs = []
        for state in states:
            job = Job(state)
            self.jobs.append(job)
            self._start(job, self._execute(job), background=background)
            jobs.append(job)
        return jobs

    def source_model(self, video_id: str) -> str | None:
        """The model of an earlier video (ledger first, else the server), for remix/edit/extend."""
        row = self.ledger.get(video_id) if self.ledger is not None else None
        if row and row.get("model"):
            return str(row["model"])
        try:
            return self._sync.retrieve(video_id).model
        except SoraError:
            return None  # the server will say what is wrong with the id

    def _check_feature(self, op: str, parent_id: str | None, model: str | None) -> None:
        if not parent_id:
            raise InvalidRequestError(f"{op} needs the id of the source video", param="parent_id")
        from ..backends.registry import require_feature

        require_feature(self.capabilities, model or self.settings.model, op)

    def run(self, request: VideoRequest | str, *, on_update: Listener | None = None, **kw: Any) -> JobState:
        """Submit on the background loop and block until done. Ctrl-C stops *waiting* (the job
        stays resumable) and raises `PollInterrupted` with the job id."""
        job = self.submit(request, background=True, **kw)
        return self.wait(job, on_update=on_update)

    def wait(self, job: Job, *, on_update: Listener | None = None) -> JobState:
        unsubscribe = job.observe(on_update) if on_update else None
        try:
            while True:
                try:
                    return job.wait(timeout=0.25)
                except TimeoutError:
                    continue
        except KeyboardInterrupt:
            job.interrupted = True
            job.cancel()
            # Let the cancel land on the job's loop (a moment): then the ledger says "interrupted" and
            # the job is no longer live, so a resume right after (same process: a CLI test, a script
            # that catches Ctrl-C) may take it. Bounded: a server that never answers does not hold us.
            with contextlib.suppress(TimeoutError):
                job.wait(timeout=2.0)
            raise PollInterrupted(job.state.video_id or job.key) from None
        finally:
            if unsubscribe:
                unsubscribe()

    # -- scheduling -------------------------------------------------------------------------
    def _start(self, job: Job, coro: Any, *, background: bool) -> None:
        _LIVE[job.key] = job
        loop = None if background else _running_loop()
        if loop is not None:
            job.attach(loop.create_task(coro), loop)
            return
        bg = self._background_loop()

        async def wrapped() -> JobState:
            task = asyncio.current_task()
            assert task is not None
            job.attach(task, bg)  # type: ignore[arg-type]
            return await coro

        asyncio.run_coroutine_threadsafe(wrapped(), bg)

    def _background_loop(self) -> asyncio.AbstractEventLoop:
        with self._bg_lock:
            if self._bg_loop is None or self._bg_loop.is_closed():
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="sora-jobs", daemon=True).start()
                self._bg_loop = loop
            return self._bg_loop

    def _client(self) -> AsyncSoraClient:
        loop = asyncio.get_running_loop()
        if loop not in self._clients:
            self._clients[loop] = AsyncSoraClient(settings=self.settings, transport=self._transport)
        return self._clients[loop]

    def _slot(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._slots:
            self._slots[loop] = asyncio.Semaphore(self.settings.concurrency)
        return self._slots[loop]

    async def _rate_gate(self) -> None:
        rate = self.settings.rate_limit
        if rate <= 0:
            return
        with self._rate_lock:
            now = time.monotonic()
            start = max(now, self._next_create)
            self._next_create = start + 1.0 / rate
        if start > now:
            await asyncio.sleep(start - now)

    # -- executing --------------------------------------------------------------------------
    def _record(self, state: JobState) -> None:
        self.ledger.record(state)

    def _update(self, job: Job, **changes: Any) -> JobState:
        state = job.state.evolve(**changes)
        if state.status != job.state.status or state.video_id != job.state.video_id or state.done:
            self._record(state)
        job.publish(state)
        return state

    def _on_video(self, job: Job, video: Video) -> None:
        if job.state.status in (video.status, DOWNLOADING) and job.state.progress == video.progress:
            return
        self._update(job, video=video, video_id=video.id, status=live_status(video), progress=video.progress)

    async def _execute(self, job: Job, *, attach: bool = False) -> JobState:
        client = self._client()
        try:
            async with self._slot():
                video = await (self._attach(client, job) if attach else self._create(client, job))
                video = await client.poll(video.id, on_progress=lambda v: self._on_video(job, v))
                if not video.ok:
                    err = GenerationFailedError(video)
                    return self._finish(job, status=video.status, video=video, error=str(err), error_code=err.code)
                return await self._download(client, job, video)
        except asyncio.CancelledError:
            if job.interrupted:
                return self._finish(job, status=INTERRUPTED, error="stopped waiting; the job is resumable")
            # a cancel: where the backend's DELETE stops the render, ask it to (jobs/cancel.py)
            from .cancel import stop_on_server

            return self._finish(job, status="cancelled", error=await stop_on_server(client, job.state.video_id))
        except InvalidRequestError as exc:
            return self._finish(job, status="failed", error=str(exc))
        except StorageDownloadError as exc:  # the server keeps no copy: resuming cannot help
            return self._finish(job, status="failed", error=str(exc))
        except SoraError as exc:
            return self._lost_contact(job, exc)
        except Exception as exc:  # one line for the user; details stay in the ledger's error text
            return self._finish(job, status="failed", error=f"{type(exc).__name__}: {exc}")

    async def _create(self, client: AsyncSoraClient, job: Job) -> Video:
        await self._rate_gate()
        st = self._update(job, status=SUBMITTING, submitted_at=time.time())
        req, key = st.request, st.idempotency_key
        # the job's ledger row is its reservation: the client sends without reserving again
        if st.op == "create":
            video = await client.create(req, idempotency_key=key, reservation=st)
        elif st.op == "remix":
            video = await client.remix(st.parent_id or "", req.prompt, idempotency_key=key, reservation=st)
        elif st.op == "edit":
            video = await client.edit(st.parent_id or "", req.prompt, idempotency_key=key, reservation=st)
        else:
            video = await client.extend(st.parent_id or "", req.prompt, req.seconds, idempotency_key=key,
                                        reservation=st)
        self._update(job, video=video, video_id=video.id, status=live_status(video), progress=video.progress)
        return video

    async def _attach(self, client: AsyncSoraClient, job: Job) -> Video:
        """Resume: find the job on the server; never blindly create it again, never guess.

        1. It has an id: ask for it.
        2. The backend de-duplicates by Idempotency-Key: replay the same key. The server answers
           with the job it made for that key (or makes it now if the first create never arrived).
        3. Else look for it: the server's jobs that match the full request fingerprint in the time
           window and that no other ledger row has claimed (`recover.candidates_for`). Exactly one:
           claim it (atomically: two resumes cannot take the same video). None: unknown. Several:
           `needs_choice`, with the candidates listed for the user.
        """
        st = job.state
        if st.video_id:
            return await client.retrieve(st.video_id)
        if client.backend.honours_idempotency:
            return await self._create(client, job)
        window = self.settings.timeout * (self.settings.max_retries + 1) + 120.0
        videos = [v async for v in recent(client, st.created_at - 120.0)]
        found = candidates_for(st, videos, self.ledger.claimed(besides=st.key), window=window)
        if not found:
            raise NotFound()
        if len(found) > 1 or not self.ledger.claim(st.key, found[0].id):
            raise Ambiguous([v.id for v in found])
        self._update(job, video=found[0], video_id=found[0].id, status=live_status(found[0]))
        return found[0]

    async def _download(self, client: AsyncSoraClient, job: Job, video: Video) -> JobState:
        self._update(job, status=DOWNLOADING, video=video, progress=100)
        remove_stale_parts(client.target_path(video.id, None, "video"))
        sink, thumb = await client.fetch(video.id, url=job_url(video))
        state = self._finish(job, status="completed", video=video, path=sink.target, thumbnail=thumb,
                             sha256=sink.sha256, actual_cost=video.cost)
        if state.ok:  # quality signals on a background thread: cards and %sora list find them stored
            try:
                self.quality.check(state)
            except Exception:  # e.g. the interpreter is exiting: a paid, verified video stays completed
                import logging

                logging.getLogger("sora_widgets").debug("quality check not started", exc_info=True)
        return state

    def _finish(self, job: Job, **changes: Any) -> JobState:
        # the final status written to the ledger settles the job's money (see ledger._held)
        if job.state.status == "completed" and job.state.path is not None:
            return job.state  # a downloaded, verified video is never re-labelled by a later error
        return self._update(job, finished_at=time.time(), **changes)

    def _lost_contact(self, job: Job, exc: SoraError) -> JobState:
        """An API error. Before the server knew the job it is final; after, the job is resumable."""
        if isinstance(exc, NotFound):
            return self._finish(job, status=UNKNOWN, error=str(exc))
        if isinstance(exc, Ambiguous):
            self.ledger.set_candidates(job.key, exc.candidates)
            return self._finish(job, status=NEEDS_CHOICE, candidates=tuple(exc.candidates), error=str(exc))
        status_code = getattr(exc, "status_code", 0)
        if job.state.video_id is None and (400 <= status_code < 500 or job.state.status != SUBMITTING):
            return self._finish(job, status="failed", error=str(exc))
        if job.state.video_id and status_code == 404:
            return self._finish(job, status="expired", error=str(exc))
        resume = "run %sora resume (or runner.resume()) to pick it up"
        return self._finish(job, status=INTERRUPTED, error=f"{exc} — {resume}")

    # -- resuming ---------------------------------------------------------------------------
    def resume(self, keys: Iterable[str] | None = None, *, background: bool = False,
               include_choices: bool = False) -> list[Job]:
        """Re-attach every unfinished job of this backend recorded in the ledger (or only those
        whose key or video id is in `keys`). Jobs waiting for the user's choice stay waiting."""
        running = {j.key for j in self.jobs if not j.done}
        wanted = set(keys) if keys is not None else None
        jobs = []
        rows = self.ledger.unfinished()
        if include_choices:
            rows += self.ledger.rows(status=(NEEDS_CHOICE,))
        for row in rows:
            if row["backend"] != self.backend or row["key"] in running or not _free(row):
                continue
            if wanted is not None and row["key"] not in wanted and row["video_id"] not in wanted:
                continue
            self.ledger.adopt(row["key"])  # ours now: another kernel's resume will leave it be
            job = Job(_state_from_row(row))
            self.jobs[:] = [j for j in self.jobs if j.key != job.key]  # replaces its old entry: never listed twice
            self.jobs.append(job)
            self._start(job, self._execute(job, attach=True), background=background)
            jobs.append(job)
        return jobs

    def resume_blocking(self, on_update: Callable[[JobState], Any] | None = None) -> list[JobState]:
        return [self.wait(job, on_update=on_update) for job in self.resume(background=True)]

    def waiting_for_choice(self) -> list[Job]:
        """Handles on this backend's jobs that wait for the user's choice between server jobs
        (nothing runs: `choose` settles one). The Studio shows them as cards with the candidates."""
        known = {j.key for j in self.jobs}
        out = []
        for row in self.ledger.rows(status=(NEEDS_CHOICE,)):
            if row["backend"] != self.backend or row["key"] in known:
                continue
            state = _state_from_row(row).evolve(status=NEEDS_CHOICE, error=row["error"])
            job = Job(state)
            job.publish(state)
            self.jobs.append(job)
            out.append(job)
        return out

    def choose(self, key: str, video_id: str, *, background: bool = False) -> Job:
        """Settle a `needs_choice` job: attach the server job `video_id` (one of its candidates, or
        any id no other row holds) and finish it like a resume."""
        row = self.ledger.get(key)
        if row is None or row["key"] != key:
            raise InvalidRequestError(f"no job {key!r} in the ledger", hint="%sora status lists the jobs")
        if row["video_id"]:
            raise InvalidRequestError(f"job {key} is already attached to {row['video_id']}")
        if not self.ledger.claim(key, video_id):
            raise InvalidRequestError(f"{video_id} already belongs to another job in the ledger",
                                      hint=f"pick one of: {', '.join(row['candidates']) or 'none'}")
        return self.resume([key], background=background, include_choices=True)[0]


def _free(row: dict[str, Any]) -> bool:
    """May a resume take this row? Not while a runner of this process works on it, nor while the
    live process that owns it is still working on it (two kernels on one folder)."""
    live = _LIVE.get(row["key"])
    if live is not None and not live.done and (live.loop is None or live.loop.is_running()):
        return False  # being worked on here (a job whose loop has stopped is as dead as its kernel)
    if row["status"] not in _WORKING or row.get("owner_pid") in (None, os.getpid()):
        return True
    return not owner_alive(row.get("owner_pid"), row.get("owner_host"), row.get("owner_start"))


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _state_from_row(row: dict[str, Any]) -> JobState:
    req_data = dict(row["request"])
    ref = req_data.pop("input_reference", None)
    if ref and not str(ref).startswith("<"):
        req_data["input_reference"] = ref
    try:
        request = VideoRequest.model_validate(req_data)
    except ValueError:  # e.g. the reference file is gone: keep the text, drop the reference
        req_data.pop("input_reference", None)
        request = VideoRequest.model_validate(req_data)
    return JobState(
        request=request, backend=row["backend"], key=row["key"], op=row["op"], parent_id=row["parent_id"],
        # a resumed job starts live again, whatever it was left as
        label=row["label"] or "", status="queued" if row["video_id"] else SUBMITTING, progress=row["progress"],
        video_id=row["video_id"],
        estimated_cost=row["estimated_cost"], actual_cost=row["actual_cost"],
        idempotency_key=row["idempotency_key"], created_at=row["created_at"], submitted_at=row["submitted_at"],
        candidates=tuple(row.get("candidates") or ()),
    )
