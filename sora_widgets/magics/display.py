"""What the magics show: one-line errors, the progress display, tables and the dry-run report.

Every displayable here has `text/plain` (terminal IPython, nbval, GitHub) and `text/html`.
Errors go to stderr as one line; the exception is kept in `sys.last_*` so `%tb` and `%debug`
still reach the full traceback (IPython's `showtraceback()` reads them when no exception is active).
"""

from __future__ import annotations

import html
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import PollInterrupted, SoraError

if TYPE_CHECKING:
    from ..jobs.state import Job, JobState

GENERIC_HINT = "%sora help lists the options and subcommands"


# -- errors --------------------------------------------------------------------------------
def error_line(exc: BaseException) -> str:
    """One line with a hint for any exception (ours carry their own hint)."""
    if isinstance(exc, (SoraError, PollInterrupted)):
        text = str(exc)
        if not exc.hint and not getattr(exc, "default_hint", None):
            text = f"{text} — {GENERIC_HINT}"
    else:
        what = " ".join(str(exc).split()) or type(exc).__name__
        text = f"{type(exc).__name__}: {what} — this looks like a bug; %tb shows the traceback"
    return "sora: " + " ".join(text.split())


def report(exc: BaseException) -> None:
    """Print `exc` as one line on stderr and keep it for `%tb` / `%debug` (no traceback shown)."""
    print(error_line(exc), file=sys.stderr)
    remember(exc)


def remember(exc: BaseException) -> None:
    sys.last_type, sys.last_value, sys.last_traceback = type(exc), exc, exc.__traceback__
    if sys.version_info >= (3, 12):
        sys.last_exc = exc


# -- progress ------------------------------------------------------------------------------
class Progress:
    """Progress of one or more jobs while the main thread waits.

    In a kernel: one `display(..., display_id=True)` output updated in place, from the main thread
    only (observers run on the runner's thread and may not touch the display). Its last update
    empties it, so the saved notebook keeps only the result. Without a kernel (terminal IPython):
    a line on stdout per status change.
    """

    def __init__(self, jobs: Sequence[Job], *, in_kernel: bool, ledger: Any = None) -> None:
        self.jobs = list(jobs)
        self.in_kernel = in_kernel
        #: the runner's ledger: ETAs from how long the backend took lately
        self.ledger = ledger
        self._handle: Any = None
        self._last: tuple[Any, ...] = ()
        self._shown_at = 0.0
        self._printed: dict[str, str] = {}

    def refresh(self) -> None:
        states = [j.state for j in self.jobs]
        key = tuple((s.status, s.progress, s.video_id) for s in states)
        now = time.monotonic()
        if key == self._last and now - self._shown_at < 1.0:
            return
        self._last, self._shown_at = key, now
        if not self.in_kernel:
            self._print(states)
            return
        from IPython.display import display

        bundle = progress_bundle(states, self.ledger)
        if self._handle is None:
            # Shown empty first, then filled: a reader that ignores display updates (nbval, some
            # static converters) then sees the same empty output the saved notebook keeps.
            self._handle = display({"text/plain": ""}, raw=True, display_id=True)
        self._handle.update(bundle, raw=True)

    def _print(self, states: list[JobState]) -> None:
        for state in states:
            if self._printed.get(state.key) != state.status:
                self._printed[state.key] = state.status
                if not state.done and state.status != "pending":
                    print(f"… {progress_line(state, self.ledger)}", flush=True)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.update({"text/plain": ""}, raw=True)


def progress_line(state: JobState, ledger: Any = None) -> str:
    """`video_…: in_progress 40% (3.1s, ~5s left)`; "estimating…" until there is a basis."""
    if state.done or state.error:
        return state.line()
    from ..jobs.eta import time_left

    ident = state.video_id or f"job {state.key}"
    left = time_left(state, ledger)
    eta = f", ~{left:.0f}s left" if left is not None else (", estimating…" if state.submitted_at else "")
    return f"{ident}: {state.status} {state.progress}% ({state.elapsed:.1f}s{eta})"


def progress_bundle(states: Sequence[JobState], ledger: Any = None) -> dict[str, str]:
    lines = [progress_line(s, ledger) for s in states]
    rows = []
    for s, line in zip(states, lines, strict=True):
        pct = 100 if s.done else s.progress
        rows.append(
            f'<div style="font:12px monospace;margin:2px 0"><progress value="{pct}" max="100" '
            f'style="width:160px;vertical-align:middle"></progress> {html.escape(line)}</div>'
        )
    return {"text/plain": "\n".join(lines), "text/html": "".join(rows)}


# -- tables and text -----------------------------------------------------------------------
class Table:
    """A small table with a title: text/plain columns and a text/html table."""

    def __init__(self, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], note: str = "") -> None:
        self.title = title
        self.header = list(header)
        self.rows = [["" if c is None else str(c) for c in row] for row in rows]
        self.note = note

    def __len__(self) -> int:
        return len(self.rows)

    def text(self) -> str:
        widths = [len(h) for h in self.header]
        for row in self.rows:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        lines = [self.title, fmt.format(*self.header).rstrip()]
        lines += [fmt.format(*row).rstrip() for row in self.rows]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)

    def html(self) -> str:
        esc = html.escape
        head = "".join(f"<th style='text-align:left'>{esc(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{esc(c)}</td>" for c in row) + "</tr>"
                       for row in self.rows)
        note = f"<div style='font-size:12px;color:#666'>{esc(self.note)}</div>" if self.note else ""
        return (f"<div><b>{esc(self.title)}</b><table style='font-size:12px'><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>{note}</div>")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.text(), "text/html": self.html()}

    def __repr__(self) -> str:
        return self.text()


class Text:
    """Preformatted text shown as-is (help, config, dry runs)."""

    def __init__(self, text: str, data: Any = None) -> None:
        self.text = text
        #: the structured content, for code that uses the returned object
        self.data = data

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.text,
                "text/html": f"<pre style='font-size:12px;margin:0'>{html.escape(self.text)}</pre>"}

    def __repr__(self) -> str:
        return self.text

    def __contains__(self, item: str) -> bool:
        return item in self.text
