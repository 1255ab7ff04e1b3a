"""`%sora SUBCOMMAND`: help, status, list, check, download, resume, cancel, gallery, studio, export, cost,
models, config, lint. Each returns something displayable (or None) and raises one-line errors."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, SoraError
from ..models import TERMINAL_STATUSES
from .display import Table, Text
from .interpolation import interpolate
from .parser import FLAGS, MagicUsageError, help_text, parse_assignments, parse_line, scan, split

if TYPE_CHECKING:
    from ..jobs import JobRunner
    from ..jobs.state import Job

Command = Callable[["Commands", str], Any]


class Commands:
    """The line magic's subcommands, run against the shared default runner."""

    def __init__(self, runner: Callable[[], JobRunner], namespace: dict[str, Any], *, in_kernel: bool) -> None:
        self._runner = runner
        self.ns = namespace
        self.in_kernel = in_kernel

    @property
    def runner(self) -> JobRunner:
        return self._runner()

    def __call__(self, line: str) -> Any:
        name, rest = parse_line(line)
        if name != "lint":  # lint interpolates the prompt itself; ids and paths may be {variables}
            rest = interpolate(rest, self.ns)
        method: Command = getattr(type(self), f"cmd_{name}")
        return method(self, rest)

    # -- help ------------------------------------------------------------------------------
    def cmd_help(self, rest: str) -> Text:
        return Text(help_text())

    # -- jobs ------------------------------------------------------------------------------
    def cmd_status(self, rest: str) -> Any:
        ident = _one_arg(rest, "status", optional=True)
        if ident is None:
            jobs = session_jobs(self.runner.jobs)
            choices = self._choices()
            if not jobs:
                if choices is not None:
                    return choices
                unfinished = self._unfinished_rows()
                note = f"{len(unfinished)} unfinished in the ledger: %sora resume" if unfinished else ""
                return Text("no jobs in this session yet" + (f" ({note})" if note else ""))
            rows = [_job_row(j) for j in jobs[-20:]]
            table = Table(f"jobs of this session ({len(jobs)})", ["id", "status", "%", "model", "elapsed", "cost"],
                          rows)
            if choices is not None:
                print(choices.text())
            return table
        job = self._session_job(ident)
        if job is not None:
            return Text(job.state.line(), data=job)
        row = self._ledger_row(ident)
        if row is not None and row.get("status") in TERMINAL_STATUSES:
            return Text(_row_line(row), data=row)
        video = self.runner.client.retrieve(row["video_id"] if row and row.get("video_id") else ident)
        err = f" — {video.error.message}" if video.error and video.error.message else ""
        return Text(f"{video.id}: {video.status} {video.progress}% · {video.model} · {video.size} · "
                    f"{video.seconds}s{err}", data=video)

    def cmd_list(self, rest: str) -> Table:
        words = split(rest)
        server = "--server" in words
        words = [w for w in words if w != "--server"]
        count = 20
        if words:
            if len(words) > 1 or not words[0].isdigit() or int(words[0]) < 1:
                raise MagicUsageError(f"unexpected {' '.join(words)!r} after %sora list",
                                      hint="%sora list [N] [--server], e.g. %sora list 50")
            count = int(words[0])
        if server:
            videos = []
            for video in self.runner.client.list(limit=min(count, 100)):
                videos.append(video)
                if len(videos) >= count:
                    break
            rows = [[v.id, v.status, v.model, v.size, v.seconds, _short(v.prompt or "")] for v in videos]
            return Table(f"videos on the {self.runner.backend} server ({len(rows)})",
                         ["id", "status", "model", "size", "s", "prompt"], rows)
        shown, total = self._ledger_page(count)
        stored = self.runner.quality.stored_among([r["key"] for r in shown])
        flags = {k: " ".join(s.codes) or "ok" for k, s in stored.items()}
        rows = [[r.get("video_id") or r["key"], r["status"], r.get("model") or "", _req(r, "size"),
                 _req(r, "seconds"), _cost_text(r), flags.get(r["key"], ""), _rel(r.get("path")),
                 _short(r.get("prompt") or "")]
                for r in shown]
        return Table(f"ledger: {len(shown)} of {total} jobs, newest first",
                     ["id", "status", "model", "size", "s", "cost", "signals", "file", "prompt"], rows,
                     "signals: quality flags of finished videos (%sora check explains them)" if flags else "")

    def cmd_check(self, rest: str) -> Any:
        from .check import check

        return check(self.runner, rest)

    def cmd_download(self, rest: str) -> Any:
        raw, positional = _scan_out(rest)
        if len(positional) != 1:
            raise MagicUsageError("%sora download needs one video id", hint="e.g. %sora download video_123 -o clips/")
        ident = positional[0]
        runner = self.runner
        row = self._ledger_row(ident)
        video_id = row["video_id"] if row and row.get("video_id") else ident
        video = runner.client.retrieve(video_id)
        if not video.ok:
            raise SoraError(f"video {video.id} is {video.status}, not completed",
                            hint=f"%sora status {video.id} shows progress; download it once it is completed")
        path = runner.client.download(video.id, _download_target(raw.get("out"))).resolve()
        try:
            thumb = runner.client.download(video.id, path.with_suffix(".thumbnail.webp"), variant="thumbnail")
        except SoraError:
            thumb = None
        from ..models import VideoRequest
        from ..results import GenerationResult

        try:
            request = VideoRequest.model_validate({k: v for k, v in (row or {})["request"].items()
                                                   if k != "input_reference"})
        except (KeyError, ValueError):  # not in the ledger (made elsewhere): describe it from the server
            request = VideoRequest(prompt=video.prompt or "(prompt unknown)", model=video.model, size=video.size,
                                   seconds=video.seconds)
        return GenerationResult(request=request, video=video, path=path, thumbnail=thumb, backend=runner.backend,
                                cost=_cost(row) if row else (video.cost or 0.0))

    def _choices(self) -> Table | None:
        """Jobs a resume could not match to one server job without guessing, with their candidates."""
        rows = self.runner.ledger.rows(status=("needs_choice",))
        if not rows:
            return None
        table = [[r["key"], _short(r.get("prompt") or ""), ", ".join(r["candidates"])] for r in rows]
        return Table(f"{len(rows)} job(s) wait for your choice: several server jobs match each",
                     ["job", "prompt", "candidates"], table,
                     "pick one with %sora resume JOB VIDEO_ID (%sora status VIDEO_ID shows a candidate)")

    def cmd_resume(self, rest: str) -> Any:
        from .cell import result_of, wait

        runner = self.runner
        words = split(rest)
        if len(words) == 2:  # settle a job that waits for the user's choice
            jobs = [runner.choose(words[0], words[1], background=True)]
        elif words:
            raise MagicUsageError(f"unexpected {rest.strip()!r} after %sora resume",
                                  hint="%sora resume, or %sora resume JOB VIDEO_ID to pick a candidate")
        else:
            jobs = runner.resume(background=True)
        if not jobs:
            pending = [r for r in self._unfinished_rows() if r["backend"] != runner.backend]
            note = f" ({len(pending)} belong to other backends)" if pending else ""
            return Text(f"nothing to resume on the {runner.backend} backend{note}")
        print(f"resuming {len(jobs)} job(s): {', '.join(j.state.video_id or j.key for j in jobs)}")
        states = wait(jobs, in_kernel=self.in_kernel, ledger=runner.ledger)
        from ..results import GenerationResults
        from .cell import failure

        done = []
        for state in states:
            if state.ok:
                done.append(result_of(state))
            else:
                failure(state)
        from .names import bind

        names = bind(runner, states, self.ns, result_of)
        if names:
            print(f"set {', '.join(names)}")
        return (done[0] if len(done) == 1 else GenerationResults(done)) if done else None

    def cmd_cancel(self, rest: str) -> Text:
        ident = _one_arg(rest, "cancel")
        job = self._session_job(ident)
        if job is None:
            raise MagicUsageError(f"no running job {ident!r} in this session",
                                  hint="%sora status lists this session's jobs")
        if job.done:
            return Text(f"{ident} already ended: {job.state.status}")
        job.cancel()
        return Text(f"cancelling {ident}")

    # -- widgets ---------------------------------------------------------------------------
    def cmd_gallery(self, rest: str) -> Any:
        _no_args(rest, "gallery")
        from ..widgets.gallery import Gallery

        return Gallery(self.runner)

    def cmd_arena(self, rest: str) -> Any:
        from .compare_cell import open_arena

        return open_arena(self.runner, _one_arg(rest, "arena", optional=True))

    def cmd_export(self, rest: str) -> Any:
        from ..share.export import export
        from .export_cmd import parse_export

        path, opts = parse_export(rest)
        return export(path, folder=self.runner.settings.output_dir, **opts)

    def cmd_studio(self, rest: str) -> Any:
        _no_args(rest, "studio")
        from ..widgets.studio import Studio

        return Studio(runner=self.runner)

    # -- money and capabilities --------------------------------------------------------------
    def cmd_cost(self, rest: str) -> Table:
        _no_args(rest, "cost")
        runner = self.runner
        report = runner.ledger.spend_report() if runner.ledger else {}
        rows: list[list[Any]] = []
        for group in ("day", "backend", "model"):
            for key, amount in sorted((report.get(group) or {}).items()):
                rows.append([group, key, f"${amount:.2f}"])
        budget = runner.budget
        limits = [f"session ${budget.session_spent:.2f}" + (f" of ${budget.session_limit:.2f}"
                                                            if budget.session_limit is not None else ""),
                  f"total ${budget.total_committed:.2f} spent or in flight"
                  + (f" of ${budget.total_limit:.2f}" if budget.total_limit is not None else "")]
        note = "budgets: " + "; ".join(limits) + " (set with %sora config budget_session=5 budget_total=50)"
        return Table("spend (completed jobs)", ["by", "key", "USD"], rows or [["total", "-", "$0.00"]], note)

    def cmd_ledger(self, rest: str) -> Text:
        words = split(rest)
        if len(words) != 1:
            raise MagicUsageError("%sora ledger needs one file name", hint="e.g. %sora ledger jobs.parquet")
        ledger = self.runner.ledger
        if ledger is None:
            raise ConfigurationError("this runner keeps no ledger", hint="nothing to export")
        from ..jobs.export import export_ledger

        path = Path(words[0]).expanduser()
        count = export_ledger(ledger, path)
        return Text(f"exported {count} jobs to {_rel(str(path.resolve()))}", data=path)

    def cmd_models(self, rest: str) -> Table:
        _no_args(rest, "models")
        from ..backends.describe import capability_cells

        caps = self.runner.capabilities
        header, cells = capability_cells(caps)
        return Table(f"models on the {caps.backend} backend (* = default)", header, cells)

    # -- settings --------------------------------------------------------------------------
    def cmd_config(self, rest: str) -> Text:
        from .. import jobs

        if rest.strip():
            changes = parse_assignments(rest)
            from .settings import apply_config

            apply_config(changes)
        runner = jobs.default_runner()
        overrides = jobs.overrides()
        lines = [f"{k} = {v}" + ("   (set by %sora config)" if k in overrides else "")
                 for k, v in runner.settings.masked().items()]
        return Text("effective settings:\n" + "\n".join(f"  {line}" for line in lines), data=runner.settings.masked())

    # -- prompt ----------------------------------------------------------------------------
    def cmd_lint(self, rest: str) -> Text:
        from ..models import VideoRequest
        from .cell import Cell, as_asked, lint_findings
        from .parser import CellArgs, resolve_value, validated

        options, text = split_leading_options(rest)
        raw, stray = scan(options)
        prompt = interpolate(text, self.ns).strip()
        if stray or not prompt:
            raise MagicUsageError("%sora lint needs a prompt after its options",
                                  hint="e.g. %sora lint -s 8 a red kite over a beach at dawn")
        args = validated(CellArgs, {d: resolve_value(d, v, self.ns) for d, v in raw.items()})
        if args.backend is not None:
            raise MagicUsageError("--backend is not used by %sora lint", hint="it lints against the active backend")
        runner = self.runner
        try:
            request, _ = Cell.build(runner, args, prompt)
        except SoraError:  # lint what can be linted; the cell itself will report the bad value
            request = VideoRequest(prompt=prompt)
        findings = lint_findings(as_asked(request, args, runner), runner)
        if not findings:
            return Text("no findings", data=[])
        from ..prompt import format_findings

        return Text(format_findings(findings), data=findings)

    # -- helpers ---------------------------------------------------------------------------
    def _session_job(self, ident: str) -> Job | None:
        for job in reversed(self.runner.jobs):
            if ident in (job.key, job.state.video_id):
                return job
        return None

    def _unfinished_rows(self) -> list[dict[str, Any]]:
        ledger = self.runner.ledger
        if ledger is None or not ledger.path.is_file():
            return []
        return ledger.unfinished()

    def _ledger_page(self, count: int) -> tuple[list[dict[str, Any]], int]:
        """The newest `count` rows and the total: two indexed queries, whatever the history's length."""
        ledger = self.runner.ledger
        if ledger is None or not ledger.path.is_file():
            return [], 0
        from ..jobs import history

        return history.page(ledger, limit=count).rows, history.count(ledger)

    def _ledger_row(self, ident: str) -> dict[str, Any] | None:
        ledger = self.runner.ledger
        return ledger.get(ident) if ledger is not None else None


def split_leading_options(text: str) -> tuple[str, str]:
    """`-s 8 --size 640x360 a kite's flight` -> ("-s 8 --size 640x360", "a kite's flight"): the
    prompt keeps its quotes and apostrophes because it is never tokenized."""
    expect_value = False
    for m in re.finditer(r"\S+", text):
        word = m.group(0)
        if expect_value:
            expect_value = False
            continue
        if word.startswith("-") and len(word) > 1:
            opt = FLAGS.get(word.split("=", 1)[0]) or (FLAGS.get(word[:2]) if len(word) > 2 else None)
            expect_value = bool(opt and opt.metavar and "=" not in word and word in opt.flags)
            continue
        return text[: m.start()], text[m.start():]
    return text, ""


def _scan_out(rest: str) -> tuple[dict[str, Any], list[str]]:
    words = split(rest)
    out: dict[str, Any] = {}
    positional = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("-o", "--out"):
            if i + 1 >= len(words):
                raise MagicUsageError(f"{word} needs a value", hint="e.g. %sora download video_123 -o clips/")
            out["out"] = words[i + 1]
            i += 2
            continue
        if word.startswith("-"):
            raise MagicUsageError(f"unknown option {word} for %sora download", hint="%sora download ID [-o PATH]")
        positional.append(word)
        i += 1
    return out, positional


def _download_target(out: str | None) -> Path | None:
    """`-o` for downloads: a folder (ends in / or exists) gets the video inside; a bare name gets .mp4."""
    from ..save_as import is_folder

    if not out:
        return None
    path = Path(out).expanduser()
    if is_folder(out):
        path.mkdir(parents=True, exist_ok=True)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    return path if path.suffix else path.with_suffix(".mp4")


def _one_arg(rest: str, name: str, *, optional: bool = False) -> Any:
    words = split(rest)
    if not words and optional:
        return None
    if len(words) != 1:
        usage = {"status": "%sora status [ID]", "cancel": "%sora cancel ID"}.get(name, f"%sora {name} ID")
        raise MagicUsageError(f"%sora {name} takes one id" + (f", got {len(words)} words" if words else ""),
                              hint=f"usage: {usage}")
    return words[0]


def _no_args(rest: str, name: str) -> None:
    if rest.strip():
        raise MagicUsageError(f"%sora {name} takes no arguments (got {rest.strip()!r})", hint="%sora help")


def session_jobs(jobs: list[Job]) -> list[Job]:
    """The session's jobs for `%sora status`: one entry per job (the newest), deleted ones left out."""
    latest: dict[str, Job] = {}
    for job in jobs:
        latest.pop(job.key, None)
        latest[job.key] = job
    return [j for j in latest.values() if j.state.status != "deleted"]


def _job_row(job: Job) -> list[Any]:
    s = job.state
    row = {"status": s.status, "actual_cost": s.actual_cost, "estimated_cost": s.estimated_cost}
    return [s.video_id or s.key, s.status, s.progress, s.request.model or "", f"{s.elapsed:.1f}s", _cost_text(row)]


def _row_line(row: dict[str, Any]) -> str:
    ident = row.get("video_id") or row["key"]
    err = f" — {row['error']}" if row.get("error") else ""
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(row.get("created_at") or 0))
    return f"{ident}: {row['status']} · {row.get('model')} · {when} · {row.get('path') or 'no file'}{err}"


def _rel(path: str | None) -> str:
    if not path:
        return ""
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return path


def _req(row: dict[str, Any], key: str) -> Any:
    return (row.get("request") or {}).get(key, "")


def _cost(row: dict[str, Any] | None) -> float:
    """What the job was charged: the backend's reported cost, else the estimate for a job that made
    a video; a job that failed, was cancelled or expired without a reported cost was charged nothing."""
    if not row:
        return 0.0
    actual = row.get("actual_cost")
    if actual is not None:
        return float(actual)
    if row.get("status") in ("completed", "deleted"):
        return float(row.get("estimated_cost") or 0.0)
    return 0.0


def _cost_text(row: dict[str, Any]) -> str:
    """`$0.40`; `≈$0.40` while the job runs (an estimate, nothing charged yet)."""
    running = row.get("status") not in ("completed", "deleted", "failed", "cancelled", "expired", "interrupted",
                                        "unknown")
    if running and row.get("actual_cost") is None:
        return f"≈${float(row.get('estimated_cost') or 0.0):.2f}"
    return f"${_cost(row):.2f}"


def _short(text: str, n: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


__all__ = ["Commands"]
