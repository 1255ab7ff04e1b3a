"""`BatchPanel`: one panel for a batch (variations, a list of prompts, an A/B grid) — an overall
progress bar with counts, and a card per job underneath. One failure never hides the others.

    jobs = runner.submit_many(requests)       # or runner.grid(...) / runner.variations(...)
    BatchPanel(jobs, runner)
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as w

from ..jobs import JobRunner
from ..jobs.state import Job, JobState
from ._snapshot import Snapshotted
from ._style import esc, section, stylesheet
from ._threads import LoopHop
from .card import JobCard


class BatchPanel(Snapshotted, w.VBox):
    def __init__(self, jobs: Sequence[Job], runner: JobRunner | None = None, *, title: str = "Batch") -> None:
        self.jobs = list(jobs)
        self.title = title
        self.bar = w.FloatProgress(min=0, max=100, layout=w.Layout(width="100%"))
        self.counts = w.HTML()
        self.cards = [JobCard(job, runner) for job in self.jobs]
        grid = w.HBox(self.cards, layout=w.Layout(flex_flow="row wrap", grid_gap="8px"))
        super().__init__([stylesheet(), section(title), self.bar, self.counts, grid])
        self.add_class("sora-root")
        self._hop = LoopHop()
        for job in self.jobs:
            job.observe(lambda _state: self._hop.call(self._refresh))

    def __repr__(self) -> str:
        return f"BatchPanel({self.summary()})"

    def snapshot_html(self) -> str:
        from ..share.snapshot import Still, snapshot_html

        return snapshot_html(self.title, self.summary(), [Still.from_state(j.state) for j in self.jobs])

    def summary(self) -> str:
        states = [j.state for j in self.jobs]
        done = sum(s.ok for s in states)
        failed = sum(s.done and not s.ok for s in states)
        running = len(states) - done - failed
        cost = sum(s.cost for s in states if s.ok)
        return f"{len(states)} jobs: {done} done, {failed} failed, {running} running · ${cost:.2f}"

    def _refresh(self) -> None:
        states: list[JobState] = [j.state for j in self.jobs]
        if states:
            self.bar.value = sum(100 if s.done else s.progress for s in states) / len(states)
        failed = any(s.done and not s.ok for s in states)
        self.bar.bar_style = "danger" if failed and all(s.done for s in states) else (
            "success" if states and all(s.ok for s in states) else "")
        self.counts.value = f'<span class="sora-muted">{esc(self.summary())}</span>'
