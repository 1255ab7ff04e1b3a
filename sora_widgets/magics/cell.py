"""`%%sora`: the cell becomes a `VideoRequest`, then the shared job runner does the rest.

    option line ──parse──> CellArgs ─┐
    cell body ──{var}──> prompt ─────┴─> VideoRequest ─> runner.prepare (validate, cost)
        ─> --dry-run: report, send nothing
        ─> pre-flight (endpoint/key, feature) ─> runner.submit_many ─> wait (progress) ─> results

Everything that can be checked locally is checked before the first request, so a mistake costs
nothing and sends nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, MutableMapping
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Any

from ..errors import GenerationFailedError, PollInterrupted, SoraError
from ..jobs.policy import follow_up_fields, submit_variations
from ..models import VideoRequest
from ..request_table import build_request
from .display import Progress, Text, remember
from .interpolation import interpolate
from .parser import _HINTS, FLAG_OF, CellArgs, MagicUsageError, parse_cell_line

if TYPE_CHECKING:
    from ..jobs import JobRunner
    from ..jobs.state import Job, JobState
    from ..results import GenerationResult

RunnerFor = Callable[[str | None], "JobRunner"]
WAIT_STEP = 0.1
INTERRUPT_SETTLE = 3.0


class Cell:
    """One `%%sora` invocation. `run()` returns what the cell shows (result, list, card, report)."""

    def __init__(self, line: str, body: str, namespace: MutableMapping[str, Any], runner_for: RunnerFor, *,
                 in_kernel: bool, live_cards: bool) -> None:
        self.line = line
        self.body = body
        self.ns = namespace
        self.runner_for = runner_for
        self.in_kernel = in_kernel
        self.live_cards = live_cards

    # -- building ------------------------------------------------------------------------------
    def parse(self) -> tuple[CellArgs, str]:
        if not (self.body or "").strip():
            raise MagicUsageError("the cell body is empty, and the cell body is the prompt", param="prompt",
                                  hint="write the prompt on the lines below %%sora (the line magic %sora takes "
                                       "subcommands: %sora help)")
        args = parse_cell_line(self.line, self.ns)
        prompt = interpolate(self.body or "", self.ns).strip()
        if not prompt:
            raise MagicUsageError("the prompt is empty", param="prompt",
                                  hint="write the prompt in the cell body, on the lines below %%sora")
        return args, prompt

    @staticmethod
    def build(runner: JobRunner, args: CellArgs, prompt: str) -> tuple[VideoRequest, float]:
        """A complete, validated request and its cost estimate (no network for static catalogs)."""
        fields = args.request_fields()
        op, parent = args.operation
        fields = follow_up_fields(runner, fields, op, parent)  # a follow-up keeps the source's model
        request = build_request(prompt, fields, runner.capabilities, MagicUsageError, hints=_HINTS, flag_of=FLAG_OF,
                                default_hint="%sora help lists the options")
        req, cost = runner.prepare(request)
        return req, cost * args.variations

    # -- running -------------------------------------------------------------------------------
    def run(self) -> Any:
        args, prompt = self.parse()
        runner = self.runner_for(args.backend)
        if args.storyboard:
            from .storyboard_cell import run_storyboard

            value = run_storyboard(runner, args, prompt, in_kernel=self.in_kernel)
            if args.name:
                self.ns[args.name] = value
            return value
        if args.compare:
            from .compare_cell import run_compare

            value = run_compare(runner, args, prompt, wait=lambda jobs: wait(jobs, in_kernel=self.in_kernel))
            if args.name:
                self.ns[args.name] = value
            return value
        request, cost = self.build(runner, args, prompt)
        op, parent = args.operation
        if args.dry_run:
            return dry_run(runner, args, request, cost)
        preflight(runner, request, op)
        jobs = submit_variations(runner, request, args.variations, op=op, parent_id=parent,
                                 background=not args.no_wait)
        if args.name and not args.no_wait:  # an interrupt must not lose the name: %sora resume sets it
            from .names import remember

            remember(runner, jobs, args.name)
        if args.no_wait:
            return self._no_wait(jobs, runner, args)
        try:
            states = wait(jobs, in_kernel=self.in_kernel, ledger=runner.ledger)
        except Interrupted as exc:
            if args.name:
                exc.hint = f"{exc.hint or ''}; it sets {args.name} when the video is ready"
            raise
        return self._finish(states, args)

    def _finish(self, states: list[JobState], args: CellArgs) -> Any:
        from ..results import GenerationResults

        results: list[GenerationResult] = []
        for state in states:
            if state.ok:
                results.append(result_of(state))
            else:
                failure(state)
        if not results:
            return None
        if args.out:
            save_copies(results, args.out)
        value: Any = results[0] if len(states) == 1 else GenerationResults(results)
        if args.name:
            self.ns[args.name] = value
        return value

    def _no_wait(self, jobs: list[Job], runner: JobRunner, args: CellArgs) -> Any:
        if args.name:
            self.ns[args.name] = jobs[0] if len(jobs) == 1 else jobs
        if self.live_cards:
            try:
                from ..widgets.card import JobCard
            except ImportError:
                pass
            else:
                cards = [JobCard(job, runner) for job in jobs]
                if len(cards) == 1:
                    return cards[0]
                import ipywidgets as w

                return w.HBox(cards, layout=w.Layout(flex_flow="row wrap"))
        ids = ", ".join(j.state.video_id or j.key for j in jobs)
        wait_hint = f"; {args.name}.wait() blocks until done" if args.name else ""
        return Text(f"started {len(jobs)} job(s): {ids} — %sora status shows progress{wait_hint}", data=jobs)


def preflight(runner: JobRunner, request: VideoRequest, op: str) -> None:
    """Local checks that need the backend: the endpoint and key, and the remix/edit/extend feature."""
    if op != "create":
        from ..backends.registry import require_feature

        require_feature(runner.capabilities, request.model, op)
    runner.client.endpoint()  # no key / no base URL: one line, nothing sent (starts the local server)


def wait(jobs: list[Job], *, in_kernel: bool, ledger: Any = None) -> list[JobState]:
    """Block until every job is done, showing progress. Ctrl-C / Kernel > Interrupt stops waiting:
    the jobs stay resumable and `PollInterrupted` names them."""
    view = Progress(jobs, in_kernel=in_kernel, ledger=ledger)
    try:
        while True:
            view.refresh()
            pending = next((j for j in jobs if not j.done), None)
            if pending is None:  # checked once: a job may finish between two looks
                break
            try:
                pending.wait(timeout=WAIT_STEP)
            except (TimeoutError, FutureTimeout):
                pass
    except KeyboardInterrupt:
        for job in jobs:
            if not job.done:
                job.interrupted = True
                job.cancel()
        _settle(jobs)
        view.close()
        ids = [j.state.video_id or j.key for j in jobs if j.state.status == "interrupted"] or [jobs[0].key]
        raise Interrupted(ids) from None
    view.close()
    return [j.state for j in jobs]


def _settle(jobs: list[Job]) -> None:
    """Give cancelled tasks a moment to record `interrupted` in the ledger (so resume finds them)."""
    import time

    deadline = time.monotonic() + INTERRUPT_SETTLE
    for job in jobs:
        try:
            job.wait(timeout=max(0.0, deadline - time.monotonic()))
        except (TimeoutError, FutureTimeout, KeyboardInterrupt):
            return


class Interrupted(PollInterrupted):
    def __init__(self, ids: list[str]) -> None:
        super().__init__(ids[0])
        self.video_ids = ids
        what = ids[0] if len(ids) == 1 else f"{len(ids)} jobs ({', '.join(ids)})"
        self.message = f"stopped waiting for {what}; the job keeps running on the server"
        self.hint = "%sora resume waits for it again" + (f" (or %sora status {ids[0]})" if len(ids) == 1 else "")


def result_of(state: JobState) -> GenerationResult:
    result = state.result()
    result.extra.update(job=state.key, op=state.op, parent_id=state.parent_id, label=state.label or None,
                        estimated_cost=state.estimated_cost)
    return result


def failure(state: JobState) -> None:
    """A job that ended without a video: one line on stderr; `%tb` shows a GenerationFailedError."""
    exc: SoraError
    if state.video is not None and not state.video.ok:
        exc = GenerationFailedError(state.video)
    else:
        exc = SoraError(state.error or f"job {state.video_id or state.key} ended {state.status}")
    text = state.error or str(exc)
    if " — " not in text:
        text = f"{text} — %sora status {state.video_id or state.key} shows the details"
    print("sora: " + " ".join(text.split()), file=sys.stderr)
    remember(exc)


def save_copies(results: list[GenerationResult], out: str) -> None:
    """`-o PATH`: copy each video there (see `save_as.targets`) and point the result at the copy.
    The ledger keeps the original."""
    from ..save_as import copy_to, targets

    for result, dest in zip(results, targets(out, [r.path.name for r in results]), strict=True):
        kept = result.relpath()
        result.path = copy_to(result.path, dest, what=result.id, kept=kept)
        result.extra["saved_from"] = kept


# -- dry run -----------------------------------------------------------------------------------
def dry_run(runner: JobRunner, args: CellArgs, request: VideoRequest, cost: float) -> Text:
    """The exact request, validation, lint findings and cost; nothing is sent."""
    op, parent = args.operation
    lines = [f"dry run — nothing sent (backend {runner.backend})", "", "request:"]
    summary = request.summary()
    lines += [f"  {k}: {json.dumps(v) if not isinstance(v, str) else v}" for k, v in summary.items()]
    wire, problems = _wire(runner, request, op, parent)
    if wire:
        lines += ["", "wire:", *(f"  {line}" for line in wire)]
    lines += ["", "validation: " + ("ok" if not problems else "; ".join(problems))]
    findings = lint_findings(as_asked(request, args, runner), runner)
    lines += ["", "lint:", *(f"  {f}" for f in findings)] if findings else ["", "lint: no findings"]
    n = args.variations
    each = cost / n if n else cost
    lines += ["", f"cost estimate: ${cost:.2f}" + (f" ({n} × ${each:.2f})" if n > 1 else "")]
    data = {"request": summary, "op": op, "parent_id": parent, "cost": cost, "problems": problems,
            "findings": [str(f) for f in findings]}
    return Text("\n".join(lines), data=data)


def _wire(runner: JobRunner, request: VideoRequest, op: str, parent: str | None) -> tuple[list[str], list[str]]:
    """The HTTP request that would be sent (file parts summarised), and pre-flight problems."""
    problems: list[str] = []
    client = runner.client
    try:
        if op == "create":
            wire = client.create_wire(request)
        else:
            wire = client.feature_wire(op, parent or "", request.prompt, request.seconds)
    except SoraError as exc:
        return [], [str(exc)]
    key = client.settings.resolved_api_key(client.backend.key_envs)
    if client.backend.requires_key and key is None and not client.settings.base_url:
        names = " or ".join(("SORA_API_KEY", *client.backend.key_envs))
        problems.append(f"no API key for the {runner.backend!r} backend — set {names} before sending")
    lines = [f"{wire.method} {wire.path}"]
    body: dict[str, Any] = {**(wire.json or {}), **(wire.data or {})}
    for name, (filename, data, mime) in (wire.files or {}).items():
        body[name] = data.decode(errors="replace") if filename is None else f"<{filename}: {len(data)} bytes {mime}>"
    lines += [f"{k}: {json.dumps(v) if not isinstance(v, str) else v}" for k, v in body.items()]
    return lines, problems


def as_asked(request: VideoRequest, args: CellArgs, runner: JobRunner) -> VideoRequest:
    """The request as the user asked for it, for the linter: a length nobody chose (the model's
    default) is left unset, so "6 seconds" in the prompt is proposed as the length instead of
    being dropped in favour of the default."""
    if args.seconds is None and runner.settings.seconds is None and not runner.settings.profile().get("seconds"):
        return request.with_(seconds=None)
    return request


def lint_findings(request: VideoRequest, runner: JobRunner) -> list[Any]:
    """The prompt linter's findings for `request` on the runner's model."""
    from ..prompt import lint

    try:
        caps = runner.capabilities.model(request.model)
    except SoraError:
        caps = None
    return list(lint(request.prompt, request, caps))
