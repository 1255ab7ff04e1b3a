"""`JobCard(job, runner=None)`: one job's live card — progress, status, timing, cancel; then the
player and its actions, or one clear failure line with details on demand.

Shared by the Studio and the `%%sora` magic (`--no-wait`, live frontends), so the constructor stays
exactly `JobCard(job, runner=None)`.

Threading: job observers may run on another thread (the runner's background loop). The card
remembers the event loop it was built on (the kernel's) and hops onto it with
`call_soon_threadsafe`; without a running loop (scripts, tests) it updates in place.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..jobs.state import Job, JobState
from ._length import length_text
from ._signals import SignalsRow
from ._snapshot import Snapshotted
from ._style import BAR_STYLES, button, esc, pill, seconds_text, shorten, show, stylesheet
from ._threads import LoopHop
from .card_actions import CardActions

if TYPE_CHECKING:
    from ..capabilities import ModelCapabilities
    from ..jobs import JobRunner
    from .player import Player

NewJobs = Callable[[list[Job]], Any]
UseReference = Callable[[Path], Any]


class JobCard(Snapshotted, w.VBox):
    """A live view of one `Job`; see the module docstring."""

    def __init__(self, job: Job, runner: JobRunner | None = None) -> None:
        self.job = job
        self.runner = runner
        self.player: Player | None = None
        #: quality badges under the player (jobs.quality), once the job has a video
        self.signals: SignalsRow | None = None
        self._hop = LoopHop()
        self._loop = self._hop.loop
        self._new_jobs: list[NewJobs] = []
        self._use_reference: list[UseReference] = []
        self._finished = False
        self._ticking = False
        self._last: JobState | None = None
        self._cancel_requested = False

        self.title = w.HTML()
        self.meta = w.HTML()
        self.status = w.HTML()
        self.progress = w.IntProgress(min=0, max=100, value=0, layout=w.Layout(width="100%", height="14px"))
        self.timing = w.HTML()
        self.cancel_button = button("Cancel", icon="stop", tooltip="Stop this job (it ends cancelled)")
        self.cancel_button.layout.flex = "0 0 auto"
        self.cancel_button.on_click(lambda _: self.cancel())
        self.body = w.VBox()
        self.details = w.Accordion(children=[w.HTML()], titles=("Details",), selected_index=None)
        show(self.details, False)
        self.actions = CardActions(self)
        self.followups = w.VBox()
        head = w.HBox([w.VBox([self.title, self.meta], layout=w.Layout(flex="1 1 auto", min_width="0")),
                       self.cancel_button], layout=w.Layout(align_items="flex-start"))
        line = w.HBox([self.status, self.timing], layout=w.Layout(justify_content="space-between"))
        # the shared stylesheet: a card shown on its own (the magic) is styled too
        super().__init__([stylesheet(), head, self.progress, line, self.body, self.details, self.actions,
                          self.followups],
                         layout=w.Layout(width="auto", min_width="300px", max_width="520px"))
        self.add_class("sora-card")
        self.add_class("sora-root")
        self._unsubscribe = job.observe(self._on_state)

    def __repr__(self) -> str:
        return f"JobCard({self.job.state.line()})"

    def snapshot_html(self) -> str:
        from ..share.snapshot import Still, snapshot_html

        state = self.job.state
        return snapshot_html("Sora job", state.video_id or "", [Still.from_state(state)], width=360)

    # -- public -------------------------------------------------------------------------------
    @property
    def state(self) -> JobState:
        return self.job.state

    def cancel(self) -> None:
        """Cancel the job (thread-safe); the card shows `cancelled` when the task stops."""
        self.cancel_button.disabled = True
        self.cancel_button.description = "Cancelling…"
        self._cancel_requested = True
        self.job.cancel()

    def on_new_jobs(self, handler: NewJobs) -> None:
        """Remix/edit/extend start new jobs; `handler(jobs)` places their cards (the Studio's list).
        Without a handler the new cards appear under this one."""
        self._new_jobs.append(handler)

    def on_use_reference(self, handler: UseReference) -> None:
        """`handler(png_path)` when the user picks "last frame → reference" (the Studio's picker)."""
        self._use_reference.append(handler)

    def close(self) -> None:
        self._unsubscribe()
        super().close()

    # -- runner and capabilities --------------------------------------------------------------
    def get_runner(self) -> JobRunner:
        if self.runner is None:
            from ..jobs import default_runner

            self.runner = default_runner()
        return self.runner

    def model_capabilities(self) -> ModelCapabilities | None:
        state = self.job.state
        try:
            if self.runner is not None:
                caps = self.runner.capabilities
            else:
                from ..backends import make_backend

                caps = make_backend(state.backend).capabilities
            return caps.model(state.request.model)
        except Exception:  # unknown profile, catalog unreachable: offer no follow-ups
            return None

    def publish_new_jobs(self, jobs: list[Job]) -> None:
        if self._new_jobs:
            for handler in self._new_jobs:
                handler(jobs)
            return
        existing: tuple[w.Widget, ...] = tuple(self.followups.children)
        self.followups.children = (*existing, *(JobCard(j, self.runner) for j in jobs))

    def publish_reference(self, path: Path) -> bool:
        for handler in self._use_reference:
            handler(path)
        return bool(self._use_reference)

    # -- updates --------------------------------------------------------------------------------
    def _on_state(self, state: JobState) -> None:
        if self._cancel_requested and not state.done:
            self.job.cancel()  # a cancel before the task was attached is a no-op: ask again
        self._hop.call(self._render, state)

    def _render(self, state: JobState) -> None:
        if self._finished and not state.done:
            return  # a late snapshot from before the end
        self._last = state
        req = state.request
        what = state.label or req.prompt
        self.title.value = f'<div class="sora-card-title" title="{esc(req.prompt)}">{esc(shorten(what, 70))}</div>'
        size = req.size or " ".join(x for x in (req.resolution, req.aspect_ratio) if x)
        op = "" if state.op == "create" else f" · {state.op}"
        seed = f" · seed {req.seed}" if req.seed is not None else ""
        length = length_text(state.op, req.seconds, state.path if state.done else None)
        self.meta.value = (f'<div class="sora-meta">{esc(req.model or "")} · {esc(size)} · '
                           f"{esc(length)}{esc(op)}{seed}</div>")
        pct = f" {state.progress}%" if not state.done else ""
        vid = state.video_id or ""
        short = vid if len(vid) <= 20 else vid[:18] + "…"
        ident = f' <span class="sora-meta" title="{esc(vid)}">{esc(short)}</span>' if vid else ""
        self.status.value = f"<div>{pill(state.status)}{pct}{ident}</div>"
        self.progress.value = 100 if state.ok else state.progress
        self.progress.bar_style = BAR_STYLES.get(state.status, "info")
        self._render_timing(state)
        show(self.cancel_button, not state.done)
        if state.done and not self._finished:
            self._finished = True
            show(self.progress, False)
            self._render_final(state)
        elif not state.done:
            self._schedule_tick()

    def _render_timing(self, state: JobState) -> None:
        parts = [f"{seconds_text(state.elapsed)} elapsed" if not state.done else f"took {seconds_text(state.elapsed)}"]
        if not state.done:
            eta = self._time_left(state)
            parts.append(f"~{seconds_text(eta)} left" if eta is not None else "estimating…")
        if state.cost:
            parts.append(f"${state.cost:.2f}")
        self.timing.value = f'<div class="sora-meta">{" · ".join(parts)}</div>'

    def _time_left(self, state: JobState) -> float | None:
        """From the backend's recent jobs in the ledger; "estimating…" (None) without history."""
        if state.submitted_at is None:
            return None
        from ..jobs.eta import time_left

        try:
            ledger = self.get_runner().ledger
        except Exception:  # no runner can be built (settings): no history, only progress
            ledger = None
        return time_left(state, ledger)

    def _schedule_tick(self) -> None:
        """Refresh elapsed/ETA every second while running (only with a running loop)."""
        loop = self._loop
        if self._ticking or loop is None or not loop.is_running() or loop.is_closed():
            return
        self._ticking = True

        def tick() -> None:
            self._ticking = False
            state = self.job.state
            if not state.done and not self._finished:
                self._render_timing(state)
                self._schedule_tick()

        loop.call_soon_threadsafe(loop.call_later, 1.0, tick)

    def _render_final(self, state: JobState) -> None:
        if state.ok and state.path is not None and Path(state.path).is_file():
            from .player import Player

            self.player = Player(state, caption=False)
            self.signals = SignalsRow()
            self.body.children = (self.player, self.signals)
            self.actions.show_for(state)
            self._check_signals(state)
            return
        self.body.children = (w.HTML(self._failure_line(state)),)
        if state.status == "needs_choice" and state.candidates:
            self.body.children = (*self.body.children, self._choice_buttons(state))
        if state.status not in ("cancelled",):
            self.details.children = (w.HTML(self._failure_details(state)),)
            show(self.details, True)

    def _choice_buttons(self, state: JobState) -> w.Widget:
        """A resume found several server jobs that match this one: the user picks, nothing is guessed."""
        from ..errors import SoraError

        def pick(video_id: str) -> None:
            try:
                job = self.get_runner().choose(state.key, video_id)
            except SoraError as exc:
                note = w.HTML(f'<div class="sora-error">✖ {esc(str(exc))}</div>')
                self.body.children = (*self.body.children[:2], note)
                return
            self.publish_new_jobs([job])

        buttons = []
        for video_id in state.candidates:
            b = button(video_id, icon="check", tooltip=f"This job is {video_id}: attach and download it")
            b.on_click(lambda _, v=video_id: pick(v))
            buttons.append(b)
        return w.HBox(buttons, layout=w.Layout(flex_flow="row wrap"))

    def _check_signals(self, state: JobState) -> None:
        """Quality badges under the player, once the background check is done (never blocks)."""
        assert self.signals is not None
        try:
            future = self.get_runner().quality.check(state)
        except Exception:  # no runner for this backend here: the card works without badges
            self.signals.show(None)
            return
        self.signals.watch(future, self._hop.call)

    @staticmethod
    def _failure_line(state: JobState) -> str:
        """One short line: what happened and what to do; the full error is under Details."""
        if state.status == "cancelled":
            return '<div class="sora-meta">Cancelled — nothing more will be generated for this job.</div>'
        if state.status == "completed":
            return '<div class="sora-error">✖ Finished, but the video file is missing.</div>'
        if state.status == "needs_choice":
            return ('<div class="sora-meta">Several jobs on the server match this one; nothing was attached '
                    'without you. Pick the right one:</div>')
        server = state.video.error.message if state.video is not None and state.video.error is not None else ""
        if state.error_code == "moderation_blocked":
            why = server or "the prompt or reference was flagged"
            text = f"Blocked by moderation: {why.rstrip('.')}. Rephrase the prompt (or change the reference)."
        else:
            code = f" ({state.error_code})" if state.error_code else ""
            text = f"{state.status.capitalize()}{code}: {server or state.error or 'no details from the server'}"
        return f'<div class="sora-error" title="{esc(state.error or "")}">✖ {esc(shorten(text, 160))}</div>'

    @staticmethod
    def _failure_details(state: JobState) -> str:
        info = {
            "status": state.status, "error_code": state.error_code, "error": state.error,
            "video_id": state.video_id, "job key": state.key, "backend": state.backend, "operation": state.op,
            "parent": state.parent_id, "request": state.request.summary(),
        }
        if state.video is not None and state.video.error is not None:
            info["server error"] = state.video.error.model_dump()
        text = json.dumps({k: v for k, v in info.items() if v is not None}, indent=2, default=str,
                          ensure_ascii=False)
        return f'<pre style="font-size:11.5px;white-space:pre-wrap;margin:0">{esc(text)}</pre>'
