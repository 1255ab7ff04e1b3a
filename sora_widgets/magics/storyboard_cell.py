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


def run_storyboard(runner: JobRunner, args: CellArgs, body: str) -> Any:
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
    statuses = board.run(runner)
    failed = [s for s in statuses if not s.ok]
    lines = [s.line() for s in statuses]
    if failed:
        raise SoraError(f"{len(failed)} of {len(statuses)} shots did not finish: {failed[0].line()}",
                        hint="fix that shot and run the cell again: finished shots are kept")
    return StoryboardOutput(board, board.stitch(), lines)


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
