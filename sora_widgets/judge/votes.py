"""Votes in the job ledger's SQLite file, in a table of their own.

The table is created with `CREATE TABLE IF NOT EXISTS` on first use (an idempotent migration: an
old ledger gains it, a new one starts with it; the ledger's own tables are not touched). Each vote
keeps the pair (both clips' job keys and what they stand for), the hidden left/right assignment,
the choice and the time, so ratings can be recomputed and exported at any time, from any process.
A vote is one INSERT in autocommit mode: once `add()` returns it survives a kernel restart.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidRequestError

#: left / right = that side won; tie; skip = no opinion (kept, but not used for ratings)
CHOICES = ("left", "right", "tie", "skip")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    id TEXT PRIMARY KEY,
    arena TEXT NOT NULL,
    prompt TEXT NOT NULL DEFAULT '',
    left_key TEXT NOT NULL,
    right_key TEXT NOT NULL,
    left_contestant TEXT NOT NULL,
    right_contestant TEXT NOT NULL,
    choice TEXT NOT NULL CHECK (choice IN ('left', 'right', 'tie', 'skip')),
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS votes_arena ON votes(arena);
"""


@dataclass(frozen=True)
class Vote:
    id: str
    arena: str
    prompt: str
    left_key: str
    right_key: str
    left_contestant: str
    right_contestant: str
    choice: str
    at: float

    @property
    def pair(self) -> tuple[str, str]:
        """The pair without its hidden order (sorted job keys)."""
        a, b = sorted((self.left_key, self.right_key))
        return a, b

    @property
    def winner(self) -> str | None:
        """The winning contestant, None for a tie or a skip."""
        return {"left": self.left_contestant, "right": self.right_contestant}.get(self.choice)


class VoteStore:
    """`VoteStore(ledger_or_folder)`: add, list and export votes. Safe across threads and processes
    (a short-lived connection per call, WAL journal like the ledger)."""

    def __init__(self, ledger: Any) -> None:
        path = getattr(ledger, "path", None)
        if path is None:
            from ..jobs.ledger import LEDGER_NAME

            path = Path(ledger) / LEDGER_NAME
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"VoteStore({str(self.path)!r})"

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            yield conn
        finally:
            conn.close()

    def add(self, *, arena: str, left_key: str, right_key: str, left_contestant: str, right_contestant: str,
            choice: str, prompt: str = "") -> Vote:
        if choice not in CHOICES:
            raise InvalidRequestError(f"{choice!r} is not a vote", param="choice", hint=f"use one of {CHOICES}")
        if left_key == right_key:
            raise InvalidRequestError("a clip cannot be voted against itself", param="right_key")
        vote = Vote(id=uuid.uuid4().hex, arena=arena, prompt=prompt, left_key=left_key, right_key=right_key,
                    left_contestant=left_contestant, right_contestant=right_contestant, choice=choice,
                    at=time.time())
        row = asdict(vote)
        with self._db() as db:
            db.execute(f"INSERT INTO votes ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                       tuple(row.values()))
        return vote

    def votes(self, arena: str | None = None) -> list[Vote]:
        sql, args = "SELECT * FROM votes", tuple[str, ...]()
        if arena is not None:
            sql, args = sql + " WHERE arena=?", (arena,)
        with self._db() as db:
            return [Vote(**dict(r)) for r in db.execute(sql + " ORDER BY at, id", args).fetchall()]

    def arenas(self) -> list[str]:
        with self._db() as db:
            return [r[0] for r in db.execute("SELECT DISTINCT arena FROM votes ORDER BY arena")]

    def voted_pairs(self, arena: str) -> set[tuple[str, str]]:
        """Pairs already judged in this arena (a resumed session does not ask again)."""
        return {v.pair for v in self.votes(arena)}

    def latest_group(self, kind: str) -> str | None:
        """The newest group of `kind` the ledger recorded (e.g. the last `compare()` grid)."""
        with self._db() as db:
            exists = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='groups'").fetchone()
            if not exists:
                return None
            row = db.execute("SELECT id FROM groups WHERE kind=? ORDER BY updated_at DESC LIMIT 1",
                             (kind,)).fetchone()
        return None if row is None else str(row[0])

    def to_csv(self, path: str | Path | None = None, arena: str | None = None) -> str:
        """The votes as CSV text (written to `path` too when given)."""
        fields = list(Vote.__dataclass_fields__)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([*fields, "winner"])
        for v in self.votes(arena):
            writer.writerow([*(getattr(v, f) for f in fields), v.winner or ""])
        text = buf.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text
