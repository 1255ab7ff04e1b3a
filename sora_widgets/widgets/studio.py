"""`Studio`: the composer, the parameters and a Generate button, with a live card per job.

Generation runs as asyncio tasks on the kernel's event loop (`JobRunner.submit` from a button
click or a cell), so the kernel stays responsive while jobs run. Everything also works from code:

    studio = Studio(backend="local")
    studio.composer.prompt = Prompt(subject="a paper boat", action="drifts down a street")
    studio.parameters.set_model("animatic")
    jobs = studio.generate()          # the started jobs; studio.jobs has them all
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..errors import SoraError, from_validation_error
from ..jobs.policy import submit_variations
from ._reference import short_name
from ._runners import runner_for
from ._snapshot import Snapshotted
from ._style import button, esc, section, show, stylesheet
from .card import JobCard
from .composer import Composer
from .params import Parameters, static_capabilities

if TYPE_CHECKING:
    from collections.abc import Callable


class ReferenceChip(w.HBox):
    """The reference the next Generate will use, as a chip beside the button, with ✕ to drop it
    (a last frame taken as reference is otherwise easy to forget)."""

    def __init__(self, clear: Callable[[], Any]) -> None:
        self.label = w.HTML()
        self.clear_button = button("", icon="times", tooltip="Generate without this reference image")
        self.clear_button.add_class("sora-chip-clear")
        self.clear_button.on_click(lambda _: clear())
        super().__init__([self.label, self.clear_button], layout=w.Layout(align_items="center"))
        self.add_class("sora-reference-chip")
        show(self, False)

    def update(self, parameters: Parameters) -> None:
        ref = parameters.reference
        if ref is None:
            show(self, False)
            return
        name = Path(ref).name if isinstance(ref, (str, Path)) else "uploaded image"
        self.label.value = (f'<span class="sora-chip" title="{esc(str(ref))}"><i class="fa fa-image"></i> '
                            f"reference: {esc(short_name(name))}</span>")
        show(self, True, "flex")

if TYPE_CHECKING:
    from ..capabilities import BackendCapabilities
    from ..jobs import Job, JobRunner
    from ..prompt.structured import Prompt


class Studio(Snapshotted, w.VBox):
    """See the module docstring. `Studio(backend=None, model=None, runner=None, prompt=None)`."""

    def __init__(self, backend: str | None = None, *, model: str | None = None, runner: JobRunner | None = None,
                 prompt: Prompt | dict[str, Any] | str | None = None, resume: bool = True) -> None:
        self._error_shown = False
        self._reference_from: tuple[JobCard | None, Any] = (None, None)
        self.runner = runner if runner is not None else runner_for(backend)
        #: no runner given: follow the shared one, so `%sora config` changes apply here too
        self._shared = runner is None
        self._runners: dict[str, JobRunner] = {self.runner.backend: self.runner}
        self.jobs: list[Job] = []
        self.cards: dict[str, JobCard] = {}
        self.composer = Composer(prompt, preview=False)
        self.parameters = Parameters(backend or self.runner.backend, model, runner=self.runner,
                                     capabilities_for=self._capabilities_for)
        self.generate_button = button("Generate", icon="play", style="primary",
                                      tooltip="Start the generation (runs in the background)",
                                      classes=("sora-generate",))
        self.generate_button.on_click(lambda _: self.generate())
        self.summary = w.HTML()
        self.summary.add_class("sora-summary")
        self.reference_chip = ReferenceChip(lambda: self.parameters.set_reference(None))
        self.message = w.HTML()
        self.error_details = w.Accordion(children=[w.HTML()], titles=("Details",), selected_index=None)
        show(self.error_details, False)
        self.jobs_box = w.HBox(layout=w.Layout(flex_flow="row wrap", align_items="flex-start", width="100%"))
        self.jobs_box.add_class("sora-jobs")
        self.header = w.HTML()
        left = w.VBox([section("Prompt composer"), self.composer], layout=w.Layout(flex="3 1 460px", min_width="0"))
        bar = w.HBox([self.generate_button, self.summary, self.reference_chip],
                     layout=w.Layout(align_items="center", margin="12px 0 4px", grid_gap="12px",
                                     flex_flow="row wrap"))
        right = w.VBox([section("Parameters"), self.parameters, self.composer.review, bar, self.message,
                        self.error_details], layout=w.Layout(flex="2 1 320px", min_width="0"))
        left.add_class("sora-panel")
        right.add_class("sora-panel")
        main = w.HBox([left, right], layout=w.Layout(flex_flow="row wrap", align_items="stretch", grid_gap="12px",
                                                     width="100%"))
        self.jobs_title = section("Jobs")
        show(self.jobs_title, False)
        super().__init__([stylesheet(), self.header, main, self.jobs_title, self.jobs_box])
        self.add_class("sora-studio")
        self.add_class("sora-root")
        self.parameters.observe(self._params_changed)
        self.composer.observe(lambda _: self._inputs_changed(), names="value")
        self.parameters.reference_picker.observe(lambda _: self._inputs_changed(), names=["value", "error"])
        self.composer.on_request_fix(self._apply_request_fix)
        self._params_changed()
        if resume:
            self._resume()

    def _resume(self) -> None:
        """Pick up what a previous kernel left unfinished in the ledger (paid jobs are never lost)."""
        try:
            jobs = self.runner.resume()
            waiting = self.runner.waiting_for_choice()
        except SoraError as exc:
            self._say(f"Could not resume earlier jobs: {exc}", error=True)
            return
        if jobs or waiting:
            self.add_jobs([*jobs, *waiting])
            note = f" {len(waiting)} job(s) wait for you to pick their video." if waiting else ""
            self._say(f"Resumed {len(jobs)} unfinished job(s) from an earlier session.{note}")

    def __repr__(self) -> str:
        return f"Studio(backend={self.runner.backend!r}, model={self.parameters.model!r}, jobs={len(self.jobs)})"

    def snapshot_html(self) -> str:
        """The static view a notebook keeps: prompt, parameters, and the jobs (newest first)."""
        from ..share.snapshot import Still, esc, field_line, snapshot_html

        p = self.parameters
        where = p.size or " ".join(x for x in (p.resolution, p.aspect_ratio) if x)
        params = field_line([("model", p.model), ("seconds", p.seconds), ("size", where),
                             ("variations", p.variations if p.variations > 1 else None),
                             ("estimate", f"${p.cost:.2f}" if p.cost > 0 else None)])
        prompt = self.composer.value.strip()
        lines = [f"<b>Prompt</b> {esc(prompt)}" if prompt else "<i>no prompt yet</i>", params]
        stills = [Still.from_state(job.state) for job in reversed(self.jobs)]
        return snapshot_html("Sora Studio", f"backend {p.backend}", stills, lines=lines, empty="no jobs yet")

    # -- runners per backend ------------------------------------------------------------------------
    def _runner(self, backend: str) -> JobRunner:
        """The runner for `backend` with the current settings (`jobs.runner_for` decides)."""
        from .. import jobs

        if self._shared:
            return jobs.runner_for(backend)  # the shared settings as they are now
        if backend not in self._runners:
            self._runners[backend] = jobs.runner_for(backend, base=self._runners[next(iter(self._runners))])
        return self._runners[backend]

    def _capabilities_for(self, backend: str) -> BackendCapabilities:
        try:
            return self._runner(backend).capabilities
        except SoraError:
            raise
        except Exception:  # e.g. a profile whose adapter cannot be built: fall back to declarations
            return static_capabilities(backend)

    def _params_changed(self, change: dict[str, Any] | None = None) -> None:
        if change is not None and change.get("name") == "backend":
            self.runner = self._runner(change["new"])
        p = self.parameters
        model = (f'model <b>{esc(p.model)}</b>' if not p.catalog_error else
                 '<span class="sora-error">no model list (see Parameters)</span>')
        self.header.value = ('<div class="sora-title"><i class="fa fa-film"></i> Sora Studio'
                             f'<span class="sora-sub">backend <b>{esc(p.backend)}</b> · {model}</span></div>')
        try:
            request = p.request(self.composer.value or "-")
            if not p.seconds_chosen:  # the model's default: "6 seconds" in the prompt may propose a length
                request = request.with_(seconds=None)
        except ValueError:
            request = None
        self.composer.set_context(request, p.backend_caps)
        self._inputs_changed()

    def _inputs_changed(self) -> None:
        """The summary, the reference chip, and the error line: an error shown for an input goes
        away (or is replaced by what is still wrong) as soon as the input changes."""
        self._update_summary()
        self.reference_chip.update(self.parameters)
        card, ref = self._reference_from
        if card is not None and self.parameters.reference != ref:  # that card's note no longer holds
            card.actions.say("")
            self._reference_from = (None, None)
            if not self._error_shown:
                self._say("")
        if self._error_shown:
            problem = self.problem()
            if problem is None:
                self._say("")
            else:
                self._say(problem, error=True)

    def _update_summary(self) -> None:
        p = self.parameters
        where = p.size or " ".join(x for x in (p.resolution, p.aspect_ratio) if x)
        n = f" × {p.variations}" if p.variations > 1 else ""
        cost = f"≈ ${p.cost:.2f}" if p.cost > 0 else "free" if p.backend == "local" else ""
        parts = [x for x in (p.model, f"{p.seconds} s", where, cost) if x]
        self.summary.value = f'<span class="sora-muted">{esc(" · ".join(parts))}{esc(n)}</span>'

    def _apply_request_fix(self, request: Any) -> None:
        p = self.parameters
        if request.model and request.model != p.model:
            p.set_model(request.model)
        if request.seconds in [v for _, v in p.duration.options]:
            p.duration.value = request.seconds
        if request.size and request.size in [v for _, v in p.size_picker.options]:
            p.size_picker.value = request.size

    # -- generating -----------------------------------------------------------------------------------
    def request(self, prompt: str | None = None) -> Any:
        """The `VideoRequest` the Generate button would send now."""
        text = self.composer.value if prompt is None else prompt
        mc = self.parameters.capabilities
        negative = self.composer.negative_prompt if mc is not None and mc.negative_prompt else None
        return self.parameters.request(text, negative_prompt=negative)

    def problem(self, prompt: str | None = None) -> str | None:
        """What stops Generate now, as one line (no prompt, an unusable reference, a request the
        model refuses), or None. Nothing is sent."""
        text = self.composer.value if prompt is None else prompt
        if not text.strip():
            return "Write a prompt first (a subject and an action are enough)."
        bad = self.parameters.reference_picker.error
        if bad:
            return (f"Reference: {bad} — fix it, upload another image, or clear it (✕) to generate "
                    "without a reference")
        try:
            self.runner.prepare(self.request(text))
        except (SoraError, ValueError) as exc:
            if callable(getattr(exc, "errors", None)):
                exc = from_validation_error(exc)
            return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return None

    def generate(self, prompt: str | None = None) -> list[Job]:
        """Start the generation (all variations); returns the new jobs. A refusal (invalid input,
        budget) shows one line in the Studio and returns [] — nothing is sent."""
        self._say("")
        text = self.composer.value if prompt is None else prompt
        problem = self.problem(text)
        if problem is not None:
            self._say(problem, error=True)
            return []
        try:
            if self._shared:  # settings changed since (e.g. %sora config budget_session=1): use them
                self.runner = self._runner(self.parameters.backend)
            request = self.request(text)
            self.runner.client.endpoint()  # a missing key or URL is one line now, not a failed card later
            n = self.parameters.variations
            jobs = submit_variations(self.runner, request, n, label=text if n > 1 else "")
        except (SoraError, ValueError) as exc:
            self._fail(exc)
            return []
        self.add_jobs(jobs)
        return jobs

    def add_jobs(self, jobs: list[Job], runner: JobRunner | None = None) -> list[JobCard]:
        """Show cards for `jobs` at the top of the list (several side by side)."""
        cards = []
        owner = runner or self.runner

        def follow_ups(new: list[Job]) -> None:
            self.add_jobs(new, owner)

        for job in jobs:
            card = JobCard(job, owner)
            card.on_new_jobs(follow_ups)
            card.on_use_reference(functools.partial(self._use_reference, card=card))
            self.cards[job.key] = card
            self.jobs.append(job)
            cards.append(card)
        # one wrapping flow, newest first: follow-ups sit beside their sources instead of one row each
        self.jobs_box.children = (*cards, *self.jobs_box.children)
        show(self.jobs_title, True)
        return cards

    def _use_reference(self, path: Path, card: JobCard | None = None) -> None:
        self.parameters.set_reference(path)
        self._reference_from = (card, self.parameters.reference)
        self._say("A last frame is now the reference image (the chip beside Generate; ✕ removes it).")

    def wait(self, timeout: float | None = None) -> list[Any]:
        """Block until every job is done (scripts, other threads). In a notebook cell use
        `await studio.wait_async()`: blocking there would stop the loop the jobs run on."""
        import asyncio

        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None and any(job.loop is loop and not job.done for job in self.jobs):
            raise RuntimeError("studio.wait() would block the event loop these jobs run on; "
                               "use `await studio.wait_async()` instead")
        return [job.wait(timeout) for job in list(self.jobs)]

    async def wait_async(self) -> list[Any]:
        """Wait for every job without blocking the kernel (`await studio.wait_async()` in a cell)."""
        return [await job for job in list(self.jobs)]

    # -- messages -------------------------------------------------------------------------------------
    def _say(self, text: str, *, error: bool = False) -> None:
        self._error_shown = error and bool(text)
        if error and text and not text.startswith("✖"):
            text = f"✖ {text}"
        cls = "sora-error" if error else "sora-ok"
        self.message.value = f'<div class="{cls}">{esc(text)}</div>' if text else ""
        if not error:
            show(self.error_details, False)

    def _fail(self, exc: Exception) -> None:
        if callable(getattr(exc, "errors", None)):  # a pydantic error: the toolkit's one translation
            exc = from_validation_error(exc)
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        self._say(f"✖ {first}", error=True)
        details = esc(f"{type(exc).__name__}: {exc}")
        self.error_details.children = (w.HTML(f'<pre style="font-size:11.5px;white-space:pre-wrap">{details}</pre>'),)
        show(self.error_details, True)
