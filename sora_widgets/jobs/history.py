"""Reading a long job history without reading all of it.

A researcher's ledger grows to hundreds of thousands of jobs. Everything a view shows at once —
the newest page of `%sora list`, the gallery's first page of tiles — is answered here by an indexed
query with a LIMIT, so its time and its memory do not grow with the history (the spend report and
resume's scan, in `ledger.py`, are bounded the same way). `Ledger.rows()` still returns everything,
for code that means it.

Pages are keyset-paginated (`before=` the last row's cursor), not OFFSET: page 500 costs what page 1
does. The indexes live in `ledger.SCALE_INDEXES` and are created idempotently when a ledger opens.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .ledger import _decode

if TYPE_CHECKING:
    from .ledger import Ledger

#: (created_at, key): where a newest-first page ended; pass it back as `before=` for the next page
Cursor = tuple[float, str]


@dataclass(frozen=True)
class Page:
    """One page of ledger rows, newest first, and the cursor that continues after it (None at the end)."""

    rows: list[dict[str, Any]]
    next: Cursor | None


def _where(status: tuple[str, ...] | None, model: str | None, text: str | None,
           before: Cursor | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if status:
        clauses.append(f"status IN ({', '.join('?' for _ in status)})")
        args.extend(status)
    if model:
        clauses.append("model = ?")
        args.append(model)
    if text and text.strip():
        needle = "%" + text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        # the prompt and the video id (which names the file); not the path, whose folders match everything
        clauses.append("(lower(prompt) LIKE ? ESCAPE '\\' OR lower(COALESCE(video_id, '')) LIKE ? ESCAPE '\\')")
        args.extend([needle] * 2)
    if before is not None:
        clauses.append("(created_at < ? OR (created_at = ? AND key < ?))")
        args.extend([before[0], before[0], before[1]])
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def page(ledger: Ledger, *, limit: int = 20, status: tuple[str, ...] | None = None, model: str | None = None,
         text: str | None = None, before: Cursor | None = None) -> Page:
    """Up to `limit` rows, newest first (by creation), after the cursor `before`."""
    if limit < 1:
        return Page([], None)
    where, args = _where(status, model, text, before)
    with ledger._db() as db:
        rows = db.execute(f"SELECT * FROM jobs{where} ORDER BY created_at DESC, key DESC LIMIT ?",
                          (*args, limit + 1)).fetchall()
    more = len(rows) > limit
    decoded = [_decode(r) for r in rows[:limit]]
    last = decoded[-1] if decoded else None
    return Page(decoded, (float(last["created_at"]), str(last["key"])) if more and last else None)


def iter_rows(ledger: Ledger, *, batch: int = 500, status: tuple[str, ...] | None = None,
              model: str | None = None, text: str | None = None) -> Iterator[dict[str, Any]]:
    """Every matching row, newest first, read `batch` at a time (memory bounded by the batch)."""
    cursor: Cursor | None = None
    while True:
        got = page(ledger, limit=batch, status=status, model=model, text=text, before=cursor)
        yield from got.rows
        if got.next is None:
            return
        cursor = got.next


def count(ledger: Ledger, *, status: tuple[str, ...] | None = None, model: str | None = None,
          text: str | None = None) -> int:
    """How many rows match (an index count unless a text filter asks for a scan)."""
    if not ledger.path.is_file():
        return 0
    where, args = _where(status, model, text, None)
    with ledger._db() as db:
        return int(db.execute(f"SELECT COUNT(*) FROM jobs{where}", args).fetchone()[0])


def models(ledger: Ledger, *, status: tuple[str, ...] = ("completed",)) -> list[str]:
    """The distinct models of the matching rows, sorted (read from the (status, model) index)."""
    if not ledger.path.is_file():
        return []
    marks = ", ".join("?" for _ in status)
    with ledger._db() as db:
        rows = db.execute(f"SELECT DISTINCT model FROM jobs WHERE status IN ({marks}) AND model IS NOT NULL "
                          "ORDER BY model", status).fetchall()
    return [str(r[0]) for r in rows if r[0]]


def known_paths(ledger: Ledger, paths: list[str]) -> set[str]:
    """Which of `paths` some job recorded (indexed, in chunks, one connection): how the gallery tells
    stray files apart."""
    found: set[str] = set()
    with ledger._db() as db:
        for start in range(0, len(paths), 500):
            chunk = paths[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            found.update(r[0] for r in db.execute(f"SELECT path FROM jobs WHERE path IN ({marks})", chunk))
    return found


def signals_for(ledger: Ledger, keys: list[str]) -> dict[str, dict[str, Any]]:
    """Stored quality signals of these jobs only (a page of a long history), by key, in the shape
    `Ledger.signals()` gives for all of them."""
    found: dict[str, dict[str, Any]] = {}
    if not keys or not ledger.path.is_file():
        return found
    with ledger._db() as db:
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for r in db.execute(f"SELECT key, sha256, flags, data FROM signals WHERE key IN ({marks})", chunk):
                found[r["key"]] = {"flags": r["flags"].split(), "data": r["data"], "sha256": r["sha256"]}
    return found


__all__ = ["Cursor", "Page", "count", "iter_rows", "known_paths", "models", "page", "signals_for"]
