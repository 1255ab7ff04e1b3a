"""`%%sora --storyboard`: the cell body is a storyboard (a bible block, then shots separated by
lines of `---`; syntax in `sora_widgets.storyboard.model`). Shots run through the same job runner
as every other cell; the finished shots are stitched into one MP4 shown like any result.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SoraError
from .display import Text

if TYPE_CHECKING:
    from ..jobs import JobRunner
    from ..storyboard import Storyboard
    from ..storyboard._status import ShotStatus
    from ..storyboard.stitch import StitchResult
    from .parser import CellArgs


class StoryboardOutput:
    """The stitched video plus one line per shot; a `<video>` by relative path, never base64."""

    def __init__(self, board: Storyboard, stitched: StitchResult, lines: list[str]) -> None:
        self.board = board
        self.stitched = stitched
        self.lines = lines

    @property
    def path(self) -> Path:
        return self.stitched.path

    def text(self) -> str:
        return "\n".join([f"storyboard {self.board.title or self.board.id}: {self.stitched}", *self.lines])

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        from ..share.clip import clip_html
        from ..share.poster import animated_data_url, poster_data_url

        rel = os.path.relpath(self.path, Path.cwd()).replace(os.sep, "/")
        width = min(self.stitched.size[0], 640)
        preview = animated_data_url(self.path) or poster_data_url(self.path)
        shots = "".join(f"<li>{html.escape(line)}</li>" for line in self.lines)
        # the film degrades like any clip (a still + link where <video> is stripped); the shots follow
        body = (clip_html(rel, caption=str(self.stitched), width=width, poster=preview,
                          title=self.board.title or self.board.id)
                + f"<ul style='margin:4px 0;font:12px monospace;color:#666'>{shots}</ul>")
        meta = {"sora_widgets": {"storyboard": self.board.id, "path": rel, "stitch": self.stitched.mode,
                                 "shots": len(self.board.shots)}}
        return {"text/plain": self.text(), "text/html": body}, meta

    def __repr__(self) -> str:
        return self.text()


def run_storyboard(runner: JobRunner, args: CellArgs, body: str, *, in_kernel: bool = False) -> Any:
    """Parse, apply the option line's model/size/seconds, then dry-run or run and stitch."""
    from ..storyboard import Storyboard

    board = Storyboard.parse(body)
    updates = {k: v for k, v in (("model", args.model), ("size", args.size)) if v}
    if updates:
        board = board.model_copy(update=updates)
    if args.seconds:
        for i, shot in enumerate(board.shots):
            if shot.seconds is None:
                board.shots[i] = shot.model_copy(update={"seconds": args.seconds})
    if args.dry_run:
        return _dry_run(runner, board)
    statuses = run_with_progress(board, runner, in_kernel=in_kernel)
    failed = [s for s in statuses if not s.ok]
    lines = [s.line() for s in statuses]
    if failed:
        raise SoraError(f"{len(failed)} of {len(statuses)} shots did not finish: {failed[0].line()}",
                        hint="fix that shot and run the cell again: finished shots are kept")
    return StoryboardOutput(board, board.stitch(), lines)


def run_with_progress(board: Storyboard, runner: JobRunner, *, in_kernel: bool) -> list[ShotStatus]:
    """Run the board, showing one progress line per shot while it renders. Ctrl-C stops waiting
    (running shots stay resumable) with advice that works in a cell: run the cell again."""
    from ..storyboard import StoryboardInterrupted

    handle = board.start(runner)
    view = ShotProgress(board, in_kernel=in_kernel)
    try:
        while True:
            view.refresh()
            try:
                statuses = handle.wait(timeout=0.25)
            except TimeoutError:
                continue
            view.refresh()
            return statuses
    except KeyboardInterrupt as exc:
        if not isinstance(exc, StoryboardInterrupted):
            handle.interrupt()
            exc = StoryboardInterrupted(board.id)
        exc.hint = ("run this cell again: finished shots are kept and running ones are picked up "
                    "(nothing is paid twice)")
        raise exc from None
    finally:
        view.close()


class ShotProgress:
    """One line per shot (status, progress, ETA) in one display updated in place; emptied at the
    end so the saved notebook keeps only the film. Without a kernel: a line per change."""

    def __init__(self, board: Storyboard, *, in_kernel: bool) -> None:
        self.board = board
        self.production = board.production()
        self.in_kernel = in_kernel
        self.kept = {s.shot_id for s in self.production.status() if s.ok}
        self._handle: Any = None
        self._last: list[str] = []
        self._printed: dict[str, str] = {}

    def lines(self) -> list[tuple[int, str]]:
        out = []
        for i, shot in enumerate(self.board.shots):
            job = self.production.jobs.get(shot.id)
            if job is not None:
                state = job.state
                pct = 100 if state.done else state.progress
                from ..jobs.eta import time_left

                left = time_left(state, self.production.ledger)
                eta = f", ~{left:.0f}s left" if left is not None else ""
                text = f"{state.status} {pct}%{eta}" if not state.done else state.status
            elif shot.id in self.kept:
                pct, text = 100, "kept (finished earlier)"
            else:
                pct, text = 0, "waiting"
            out.append((pct, f"shot {i + 1} [{shot.id}]: {text}"))
        return out

    def refresh(self) -> None:
        rows = self.lines()
        texts = [t for _, t in rows]
        if texts == self._last:
            return
        self._last = texts
        if not self.in_kernel:
            for shot, text in zip(self.board.shots, texts, strict=True):
                word = text.split(": ", 1)[1].split(" ")[0]  # a line per status change, not per percent
                if self._printed.get(shot.id) != word and word != "waiting":
                    self._printed[shot.id] = word
                    print(f"… {text}", flush=True)
            return
        from IPython.display import display

        body = "".join(f'<div style="font:12px monospace;margin:2px 0"><progress value="{pct}" max="100" '
                       f'style="width:160px;vertical-align:middle"></progress> {html.escape(text)}</div>'
                       for pct, text in rows)
        bundle = {"text/plain": "\n".join(texts), "text/html": body}
        if self._handle is None:
            self._handle = display({"text/plain": ""}, raw=True, display_id=True)
        self._handle.update(bundle, raw=True)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.update({"text/plain": ""}, raw=True)


def _dry_run(runner: JobRunner, board: Storyboard) -> Text:
    from ..prompt import format_findings

    total = 0.0
    lines = [board.summary(), "", "prompts as sent:"]
    for i in range(len(board.shots)):
        req, cost = runner.prepare(board.request(i))
        total += cost
        lines.append(f"  {i + 1}. ({req.model}, {req.seconds}s, {req.size}) {board.prompt(i)}")
    caps = runner.capabilities.model(board.model)
    lines += ["", "lint:", "  " + format_findings(board.lint(caps)).replace("\n", "\n  "),
              "", f"estimated cost: ${total:.2f} (nothing was sent)"]
    return Text("\n".join(lines), data=board)
