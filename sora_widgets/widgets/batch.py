"""`BatchPanel`: one panel for a batch (variations, a list of prompts, an A/B grid, a sweep of
thousands) — an overall progress bar with counts, and a card per job underneath while the batch is
small enough to read card by card. One failure never hides the others.

    jobs = runner.submit_many(requests)       # or runner.grid(...) / runner.variations(...)
    BatchPanel(jobs, runner)

A sweep of 1,000 jobs is still one panel: above `max_cards` jobs there is no card per job (a
thousand widgets would swamp the browser and the saved notebook), only the bar, the counts and the
latest failures with their errors. Counts are kept incrementally (each update costs the same
whatever the batch's size) and the widgets are written at most every `REDRAW_EVERY` seconds.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Sequence

import ipywidgets as w

from ..jobs import JobRunner
from ..jobs.state import Job, JobState
from ._snapshot import Snapshotted
from ._style import esc, section, stylesheet
from ._threads import LoopHop
from .card import JobCard

MAX_CARDS = 16
REDRAW_EVERY = 0.25
FAILURES_SHOWN = 5


class BatchPanel(Snapshotted, w.VBox):
    def __init__(self, jobs: Sequence[Job], runner: JobRunner | None = None, *, title: str = "Batch",
                 max_cards: int = MAX_CARDS) -> None:
        self.jobs = list(jobs)
        self.title = title
        self.bar = w.FloatProgress(min=0, max=100, layout=w.Layout(width="100%"))
        self.counts = w.HTML()
        self.failures = w.HTML()
        small = len(self.jobs) <= max_cards
        self.cards = [JobCard(job, runner) for job in self.jobs] if small else []
        grid = w.HBox(self.cards, layout=w.Layout(flex_flow="row wrap", grid_gap="8px"))
        super().__init__([stylesheet(), section(title), self.bar, self.counts, self.failures, grid])
        self.add_class("sora-root")
        # per job: (progress toward 100, done, ok, cost if ok); the sums follow each update
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[int, bool, bool, float]] = {}
        self._progress = self._done = self._ok = 0
        self._cost = 0.0
        self._failed: deque[str] = deque(maxlen=FAILURES_SHOWN)
        self._drawn = 0.0
        self._hop = LoopHop()
        for job in self.jobs:
            job.observe(self._update)

    def __repr__(self) -> str:
        return f"BatchPanel({self.summary()})"

    def snapshot_html(self) -> str:
        from ..share.snapshot import Still, snapshot_html

        return snapshot_html(self.title, self.summary(), [Still.from_state(j.state) for j in self.jobs])

    def summary(self) -> str:
        with self._lock:
            n, done, failed, cost = len(self.jobs), self._ok, self._done - self._ok, self._cost
        return f"{n} jobs: {done} done, {failed} failed, {n - done - failed} running · ${cost:.2f}"

    def _update(self, state: JobState) -> None:
        with self._lock:
            old = self._seen.get(state.key, (0, False, False, 0.0))
            new = (100 if state.done else state.progress, state.done, state.ok, state.cost if state.ok else 0.0)
            self._seen[state.key] = new
            self._progress += new[0] - old[0]
            self._done += new[1] - old[1]
            self._ok += new[2] - old[2]
            self._cost += new[3] - old[3]
            if state.done and not state.ok and not old[1]:
                self._failed.append(f"{state.video_id or state.key}: {state.status} — {state.error or 'no detail'}")
            finished = self._done == len(self.jobs)
            due = finished or time.monotonic() - self._drawn >= REDRAW_EVERY
            if due:
                self._drawn = time.monotonic()
        if due:
            self._hop.call(self._refresh)

    def _refresh(self) -> None:
        with self._lock:
            n, progress, done, ok = len(self.jobs), self._progress, self._done, self._ok
            failures = list(self._failed)
        if n:
            self.bar.value = progress / n
        self.bar.bar_style = "danger" if done == n and ok < n else ("success" if n and ok == n else "")
        self.counts.value = f'<span class="sora-muted">{esc(self.summary())}</span>'
        if failures and not self.cards:  # small batches show failures on their cards
            items = "".join(f"<li>{esc(f)}</li>" for f in failures)
            self.failures.value = f'<div class="sora-muted">latest failures:<ul>{items}</ul></div>'
