"""`%sora check [ID ...|PATH ...|--last N]`: quality signals of finished videos, as a table.

Ids are video ids or job keys from the ledger; an MP4 path checks a file made elsewhere. Signals
already stored with a job are shown without decoding; the rest are computed now and stored. Across
the checked set, near-copies are marked `duplicate`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .display import Table
from .parser import MagicUsageError, split

if TYPE_CHECKING:
    from ..jobs import JobRunner
    from ..quality import Signals

USAGE = "%sora check [ID ...] [--last N]"
DEFAULT_LAST = 10


class CheckTable(Table):
    """The table, plus the `Signals` behind each row (`.signals`) for code that uses the result."""

    def __init__(self, title: str, rows: list[list[Any]], note: str, found: list[Signals]) -> None:
        super().__init__(title, ["id", "signals", "length", "size", "moved", "file"], rows, note)
        self.signals = found


def parse(rest: str) -> tuple[list[str], int | None]:
    words, ids, last = split(rest), [], None
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("--last", "-n"):
            value = words[i + 1] if i + 1 < len(words) else ""
            if not value.isdigit() or int(value) < 1:
                raise MagicUsageError(f"{word} needs a positive number", hint=f"usage: {USAGE}, e.g. --last 5")
            last, i = int(value), i + 2
            continue
        if word.startswith("-"):
            raise MagicUsageError(f"unknown option {word} for %sora check", hint=f"usage: {USAGE}")
        ids.append(word)
        i += 1
    if ids and last is not None:
        raise MagicUsageError("give ids or --last N, not both", hint=f"usage: {USAGE}")
    return ids, (last if last is not None or ids else DEFAULT_LAST)


def check(runner: JobRunner, rest: str) -> CheckTable:
    from ..quality import signals
    from ..quality.api import mark_duplicates

    ids, last = parse(rest)
    checks = runner.quality
    found: list[Signals] = []
    targets = _targets(runner, ids, last)
    stored = checks.stored()
    todo = sum(1 for t in targets if isinstance(t, Path) or not (t["key"] in stored or checks.in_flight(t["key"])))
    if todo >= 3:  # decoding takes a moment per clip: say so before the wait
        print(f"checking {todo} videos (signals already stored are reused)…", flush=True)
    for target in targets:
        if not isinstance(target, Path) and checks.in_flight(target["key"]):
            checks.check(target).result()  # the background check of a fresh download: wait, not redo
        if isinstance(target, Path):
            found.append(signals(target))
            continue
        result = checks.check_now(target)
        if result is None:
            raise MagicUsageError(f"the file of {target.get('video_id') or target['key']} is missing",
                                  hint="%sora download ID fetches it again")
        found.append(result)
    if not found:
        return CheckTable("no finished videos in the ledger yet", [], "generate one with %%sora, then %sora check",
                          [])
    found = mark_duplicates(found)
    rows = [[s.label, " ".join(s.codes) or "ok", f"{s.metrics.get('duration', '?')} s",
             f"{s.metrics.get('width')}x{s.metrics.get('height')}", _moved(s), _rel(s.path)] for s in found]
    raised = sorted({c for s in found for c in s.codes}, key=lambda c: list(_codes()).index(c))
    note = "; ".join(f"{c}: {_codes()[c]}" for c in raised) if raised else "no signals: nothing to look at first"
    flagged = sum(1 for s in found if s.flags)
    return CheckTable(f"quality signals of {len(found)} videos ({flagged} flagged)", rows, note, found)


def _targets(runner: JobRunner, ids: list[str], last: int | None) -> list[Any]:
    ledger = runner.ledger
    if not ids:
        rows = ledger.rows(status=("completed",)) if ledger is not None else []
        return rows[-(last or DEFAULT_LAST):][::-1]
    out: list[Any] = []
    for ident in ids:
        row = ledger.get(ident) if ledger is not None else None
        if row is not None:
            if row["status"] != "completed":
                raise MagicUsageError(f"{ident} is {row['status']}, not a finished video",
                                      hint="%sora status ID shows its progress")
            out.append(row)
        elif ident.lower().endswith((".mp4", ".webm", ".mov")) and Path(ident).expanduser().is_file():
            out.append(Path(ident).expanduser())
        else:
            raise MagicUsageError(f"no video {ident!r} in the ledger", hint="%sora list shows the ids; "
                                  "%sora check --last 5 checks the newest")
    return out


def _codes() -> dict[str, str]:
    from ..quality import CODES

    return dict(CODES)


def _moved(s: Signals) -> str:
    motion = s.metrics.get("motion")
    return "" if motion is None else f"{motion:.1f}%"


def _rel(path: str) -> str:
    if not path:
        return ""
    try:
        return os.path.relpath(path).replace(os.sep, "/")
    except ValueError:
        return path
