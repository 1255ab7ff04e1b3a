"""The job lifecycle: queued -> in_progress -> completed | failed, rendering in a thread pool.

Each job is an asyncio task on the server's event loop; the render itself runs in a
`ThreadPoolExecutor(render_workers)`, so the loop keeps answering requests. A job takes at least
`generation_time` seconds (tests emulate minutes-long jobs in seconds). Status changes are written
to the store by the job's owner (this runner); progress is computed when read, from the elapsed
time and the render's own progress, so reads never write.

Restarts: a job left queued/in_progress by a runner that is gone (its process died, or it was
stopped) is adopted and rendered again at startup and by a periodic sweep. Rendering is
deterministic, so the result is the same file. The sweep also deletes the files of jobs past
`expires_at` (the record stays, so GET still answers; content answers 404 "expired").
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import os
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .config import ServerConfig
from .render import RenderCancelled, RenderSpec, render
from .store import JobStore

log = logging.getLogger("sora_widgets.server")

UNFINISHED = ("queued", "in_progress")
MODERATION_ERROR = {"code": "moderation_blocked", "message": "Your request was blocked by our moderation system."}
SWEEP_SECONDS = 5.0
#: owners (runner tokens) alive in this process; a stopped runner's jobs are free to adopt
_LIVE_OWNERS: set[str] = set()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def owner_gone(owner: str | None) -> bool:
    if not owner:
        return True
    pid_text, _, _token = owner.partition(":")
    try:
        pid = int(pid_text)
    except ValueError:
        return True
    if pid == os.getpid():
        return owner not in _LIVE_OWNERS
    return not _pid_alive(pid)


class RenderQueue:
    """The embedded server's render jobs: a thread pool that renders and records each video (the
    server side; `sora_widgets.jobs.JobRunner` is the client side)."""

    def __init__(self, config: ServerConfig, store: JobStore) -> None:
        self.config = config
        self.store = store
        self.owner = f"{os.getpid()}:{secrets.token_hex(8)}"
        self._pool = ThreadPoolExecutor(config.render_workers, thread_name_prefix="sora-render")
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._progress: dict[str, float] = {}
        self._cancel: dict[str, threading.Event] = {}
        self._sweeper: asyncio.Task[None] | None = None
        self._stopped = False

    # -- lifecycle of the runner -------------------------------------------------------------
    async def start(self) -> None:
        _LIVE_OWNERS.add(self.owner)
        self.sweep()
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def stop(self) -> None:
        """Abandon running jobs (they stay unfinished on disk and are re-rendered on restart)."""
        self._stopped = True
        _LIVE_OWNERS.discard(self.owner)
        for event in self._cancel.values():
            event.set()
        tasks = [*self._tasks.values(), *([self._sweeper] if self._sweeper else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        # Renders still running see their cancel event at the next frame and delete their partial
        # file. Not waiting here keeps shutdown quick, and works at interpreter exit (atexit), when
        # no executor accepts new work any more.
        self._pool.shutdown(wait=False, cancel_futures=True)

    def sweep(self) -> int:
        """Adopt unfinished jobs whose runner is gone; delete the files of expired jobs."""
        adopted = 0
        now = time.time()
        for record in self.store.all():
            video = record["video"]
            vid = video["id"]
            if video["status"] in UNFINISHED and vid not in self._tasks and owner_gone(record.get("owner")):
                log.info("re-queueing unfinished job %s", vid)
                self.submit(record)
                adopted += 1
            elif video.get("expires_at") is not None and video["expires_at"] < now and not record.get("purged"):
                self.store.purge_assets(vid)
                record["purged"] = True
                self.store.save(record)
        return adopted

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                self.sweep()
            except Exception:  # a sweep must never kill the loop
                log.exception("job sweep failed")

    # -- jobs --------------------------------------------------------------------------------
    def submit(self, record: dict[str, Any]) -> None:
        vid = record["video"]["id"]
        record["owner"] = self.owner
        record["video"].update(status="queued", progress=0)
        record["started_at"] = None
        self.store.save(record)
        self._cancel[vid] = threading.Event()
        task = asyncio.get_running_loop().create_task(self._run(vid), name=f"job-{vid}")
        self._tasks[vid] = task
        task.add_done_callback(functools.partial(self._forget, vid))

    def cancel(self, video_id: str) -> None:
        event = self._cancel.get(video_id)
        if event is not None:
            event.set()

    def _forget(self, vid: str, _task: object = None) -> None:
        self._tasks.pop(vid, None)
        self._cancel.pop(vid, None)
        self._progress.pop(vid, None)

    def _update(self, vid: str, **changes: Any) -> dict[str, Any] | None:
        """Apply changes to the stored record; None when the job was deleted meanwhile."""
        record = self.store.load(vid)
        if record is None:
            return None
        video_changes = {k: v for k, v in changes.items() if k in record["video"]}
        record["video"].update(video_changes)
        record.update({k: v for k, v in changes.items() if k not in video_changes})
        self.store.save(record)
        return record

    async def _run(self, vid: str) -> None:
        gen = self.config.generation_time
        # A visible queued phase (as on a real service), scaled to the emulated job length.
        await asyncio.sleep(min(0.5, gen * 0.1))
        record = self._update(vid, status="in_progress", started_at=time.time(), generation_time=gen)
        if record is None:
            return
        started = float(record["started_at"])
        if record.get("blocked"):
            await asyncio.sleep(min(gen * 0.2, 1.0))
            self._update(vid, status="failed", error=dict(MODERATION_ERROR), completed_at=None)
            return
        try:
            await self._render(vid, record)
        except RenderCancelled:
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("render of %s failed", vid)
            self._update(vid, status="failed", error={"code": "internal_error",
                                                      "message": f"The preview could not be rendered: {exc}"[:300]})
            return
        remaining = started + gen - time.time()
        if remaining > 0:
            await asyncio.sleep(remaining)
        now = int(time.time())
        if self._update(vid, status="completed", progress=100, completed_at=now,
                        expires_at=now + self.config.expires_after) is None:
            self.store.discard_files(vid)

    async def _render(self, vid: str, record: dict[str, Any]) -> None:
        folder = self.store.job_dir(vid)
        spec = RenderSpec.from_dict(record["spec"])
        # Paths in a stored spec are relative to the job's folder, so a data dir can move.
        paths: dict[str, Any] = {
            k: str(folder / v) for k in ("reference", "reference_video", "source_video") if (v := getattr(spec, k))
        }
        spec = dataclasses.replace(spec, **paths)
        cancel = self._cancel.setdefault(vid, threading.Event())

        def progress(fraction: float) -> None:
            self._progress[vid] = fraction

        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._pool, lambda: render(spec, folder, cancel=cancel, progress=progress))
        if self.store.load(vid) is None:
            self.store.discard_files(vid)
            raise RenderCancelled

    # -- reading -----------------------------------------------------------------------------
    def public(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record's Video object with the current progress of an in-progress job."""
        video = dict(record["video"])
        if video["status"] == "in_progress":
            gen = float(record.get("generation_time") or 0.0)
            started = record.get("started_at") or time.time()
            fraction = 1.0 if gen <= 0 else (time.time() - float(started)) / gen
            rendered = self._progress.get(video["id"])
            if rendered is not None:
                fraction = min(fraction, rendered)
            elif video["id"] in self._tasks:
                fraction = min(fraction, 0.0)
            video["progress"] = max(1, min(99, int(fraction * 100)))
        return video
