"""What every CLI command shares: exit codes, one-line errors, the request arguments (from the one
parameter table), tables, JSON and progress. Imports nothing heavy.

Exit codes scripts can rely on (also in `python -m sora_widgets --help`):

    0    done
    1    the job ran but ended without a video (failed, cancelled, expired, blocked by moderation)
    2    bad input or usage: nothing was sent
    3    configuration: unknown backend, no key, no base URL
    4    the budget would be exceeded: nothing was sent
    5    the server or the network failed (HTTP error, unreachable, timeout, bad download)
    6    a local file could not be written (the video is safe in the output folder)
    130  interrupted (Ctrl-C): jobs keep running on the server; `resume` picks them up
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from .request_table import PARAMS

OK, FAILED, USAGE, CONFIG, BUDGET, SERVER, LOCAL_FILE, INTERRUPTED = 0, 1, 2, 3, 4, 5, 6, 130
EXIT_CODES_HELP = """exit codes:
  0    done
  1    the job ran but ended without a video (failed, cancelled, expired, moderation)
  2    bad input or usage: nothing was sent
  3    configuration: unknown backend, no key, no base URL
  4    the budget would be exceeded: nothing was sent
  5    the server or the network failed
  6    a local file could not be written (the video is safe in the output folder)
  130  interrupted: jobs keep running on the server; `resume` picks them up"""


def exit_code(exc: BaseException) -> int:
    """The documented exit code for an error that reached the command line."""
    from . import errors as e

    if isinstance(exc, KeyboardInterrupt):
        return INTERRUPTED
    if isinstance(exc, e.BudgetExceededError):
        return BUDGET
    if isinstance(exc, e.ConfigurationError):
        return CONFIG
    if isinstance(exc, (e.InvalidRequestError, ValueError)):
        return USAGE
    if isinstance(exc, e.GenerationFailedError):
        return FAILED
    if isinstance(exc, (e.APIStatusError, e.APIConnectionError, e.DownloadError, e.PollTimeoutError)):
        return SERVER
    if isinstance(exc, OSError):
        return LOCAL_FILE
    return FAILED


def error_line(exc: BaseException) -> str:
    """`sora: what — what to do`, on one line, whatever the exception."""
    from .errors import PollInterrupted

    if isinstance(exc, PollInterrupted):  # the advice of the terminal, not of the notebook
        return f"sora: {exc.message} — `python -m sora_widgets resume` waits for it again"
    if isinstance(exc, OSError) and not str(exc).startswith("sora"):
        what = f"{exc.strerror or exc}" + (f": {exc.filename}" if getattr(exc, "filename", None) else "")
        return f"sora: {what}"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"sora: {text}"


def fail(exc: BaseException, stream: TextIO | None = None) -> int:
    print(error_line(exc), file=stream or sys.stderr)
    return exit_code(exc)


# -- request arguments, from the table -----------------------------------------------------------
def add_request_arguments(parser: argparse.ArgumentParser) -> None:
    """One argument per row of `request_table.PARAMS`, with the magic's flags and help."""
    group = parser.add_argument_group("request parameters (the same as %%sora's)")
    for p in PARAMS:
        if p.kind == "bool":
            group.add_argument(*p.flags, dest=p.option, action="store_const", const=True, default=None, help=p.help)
            if p.off_flag:
                group.add_argument(p.off_flag, dest=p.option, action="store_const", const=False,
                                   help=argparse.SUPPRESS)
        else:
            group.add_argument(*p.flags, dest=p.option, metavar=p.metavar, help=p.help)


def request_options(args: argparse.Namespace) -> dict[str, Any]:
    """The request options given on the command line (None left out), keyed by option name."""
    return {p.option: getattr(args, p.option) for p in PARAMS if getattr(args, p.option, None) is not None}


def add_backend(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", help="backend or profile (default: SORA_BACKEND or local)")


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


# -- output --------------------------------------------------------------------------------------
def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str, sort_keys=True))


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], note: str = "") -> None:
    cells = [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    print(title)
    print(fmt.format(*header).rstrip())
    for row in cells:
        print(fmt.format(*row).rstrip())
    if note:
        print(note)


class Progress:
    """Job progress on stderr: redrawn in place on a terminal; one line per status change otherwise
    (a log file or a pipe never gets carriage returns)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last: dict[str, str] = {}
        self._drawn = False

    def __call__(self, state: Any) -> None:
        line = str(state.line())
        if self.tty:
            print(f"\r{line[:100]:<100}", end="", file=self.stream, flush=True)
            self._drawn = True
            return
        key = getattr(state, "key", "")
        if self._last.get(key) != state.status:
            self._last[key] = state.status
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self._drawn:
            print(file=self.stream)
            self._drawn = False
