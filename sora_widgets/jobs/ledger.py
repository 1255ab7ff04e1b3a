"""The job ledger: one SQLite file (WAL) in the output folder that outlives every kernel.

The intent of a job (with its idempotency key) is written *before* the create request is sent;
then its id, every status change, its files with sha256, costs, timings and lineage. Resume reads
it back. A short-lived connection per operation keeps it safe across threads and processes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .state import JobState

LEDGER_NAME = "ledger.sqlite"
RESUMABLE = ("submitting", "queued", "in_progress", "downloading", "interrupted")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    key TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL,
    backend TEXT NOT NULL,
    base_url TEXT,
    op TEXT NOT NULL,
    parent_id TEXT,
    label TEXT,
    model TEXT,
    prompt TEXT NOT NULL,
    request TEXT NOT NULL,
    video_id TEXT,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    error_code TEXT,
    estimated_cost REAL NOT NULL DEFAULT 0,
    actual_cost REAL,
    created_at REAL NOT NULL,
    submitted_at REAL,
    finished_at REAL,
    expires_at REAL,
    path TEXT,
    sha256 TEXT,
    thumbnail TEXT,
    group_id TEXT,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
CREATE INDEX IF NOT EXISTS jobs_video ON jobs(video_id);
CREATE TABLE IF NOT EXISTS events (
    key TEXT NOT NULL,
    at REAL NOT NULL,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS groups (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    path TEXT,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS signals (
    key TEXT PRIMARY KEY,
    sha256 TEXT,
    flags TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at REAL NOT NULL
);
"""


class Ledger:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LEDGER_NAME
        self._lock = threading.Lock()
        self._ready = False

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r})"

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if not self._ready:
                self.folder.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            try:
                conn.row_factory = sqlite3.Row
                if not self._ready:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.executescript(_SCHEMA)
                    self._ready = True
                conn.execute("PRAGMA synchronous=NORMAL")
                yield conn
            finally:
                conn.close()

    # -- writes -----------------------------------------------------------------------------
    def record(self, state: JobState, *, base_url: str | None = None, group_id: str | None = None) -> None:
        """Insert or update the job's row; log an event when its status or progress changed."""
        now = time.time()
        row = _row(state, now)
        with self._db() as db:
            prev = db.execute("SELECT status, progress FROM jobs WHERE key=?", (state.key,)).fetchone()
            if prev is None:
                row.update(base_url=base_url, group_id=group_id)
                cols = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                db.execute(f"INSERT INTO jobs ({cols}) VALUES ({marks})", tuple(row.values()))
            else:
                sets = ", ".join(f"{k}=?" for k in row)
                db.execute(f"UPDATE jobs SET {sets} WHERE key=?", (*row.values(), state.key))
            if prev is None or prev["status"] != state.status or prev["progress"] != state.progress:
                db.execute("INSERT INTO events VALUES (?, ?, ?, ?)", (state.key, now, state.status, state.progress))

    def save_group(self, group_id: str, kind: str, data: dict[str, Any], path: str | None = None) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO groups VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "data=excluded.data, path=excluded.path, updated_at=excluded.updated_at",
                (group_id, kind, json.dumps(data), path, time.time()),
            )

    def group(self, group_id: str) -> dict[str, Any] | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM groups WHERE id=?", (group_id,)).fetchone()
        return None if row is None else {**dict(row), "data": json.loads(row["data"])}

    def save_signals(self, key: str, flags: list[str], data: str, sha256: str | None) -> None:
        """The quality signals of a job's file (see `jobs.quality`); `data` is their JSON."""
        with self._db() as db:
            db.execute(
                "INSERT INTO signals VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                "sha256=excluded.sha256, flags=excluded.flags, data=excluded.data, updated_at=excluded.updated_at",
                (key, sha256, " ".join(flags), data, time.time()),
            )

    def signals(self) -> dict[str, dict[str, Any]]:
        """Stored signals by job key: {"flags": [...], "data": JSON text, "sha256": ...}."""
        with self._db() as db:
            rows = db.execute("SELECT key, sha256, flags, data FROM signals").fetchall()
        return {r["key"]: {"flags": r["flags"].split(), "data": r["data"], "sha256": r["sha256"]} for r in rows}

    # -- reads ------------------------------------------------------------------------------
    def get(self, key: str) -> dict[str, Any] | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM jobs WHERE key=? OR video_id=?", (key, key)).fetchone()
        return _decode(row) if row else None

    def rows(self, *, status: tuple[str, ...] | None = None, group_id: str | None = None) -> list[dict[str, Any]]:
        sql, args = "SELECT * FROM jobs", list[Any]()
        where = []
        if status:
            where.append(f"status IN ({', '.join('?' for _ in status)})")
            args.extend(status)
        if group_id:
            where.append("group_id=?")
            args.append(group_id)
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._db() as db:
            return [_decode(r) for r in db.execute(sql + " ORDER BY created_at", args).fetchall()]

    def unfinished(self) -> list[dict[str, Any]]:
        """Jobs a resume should pick up: anything not final, and completed jobs without a file."""
        rows = self.rows(status=(*RESUMABLE, "completed"))
        return [r for r in rows if r["status"] != "completed" or not _file_ok(r)]

    def recent_durations(self, backend: str, model: str, limit: int = 20) -> list[tuple[int, float]]:
        """(seconds of video, seconds from submit to file) of the last `limit` completed creates of
        this backend and model, newest first (for ETAs)."""
        sql = ("SELECT request, finished_at - submitted_at AS took FROM jobs WHERE backend=? AND model=? "
               "AND status='completed' AND op='create' AND submitted_at IS NOT NULL AND finished_at IS NOT NULL "
               "ORDER BY finished_at DESC LIMIT ?")
        with self._db() as db:
            rows = db.execute(sql, (backend, model, limit)).fetchall()
        out = []
        for row in rows:
            seconds = json.loads(row["request"]).get("seconds")
            if isinstance(seconds, int) and row["took"] is not None and row["took"] > 0:
                out.append((seconds, float(row["took"])))
        return out

    def events(self, key: str) -> list[tuple[float, str, int]]:
        with self._db() as db:
            rows = db.execute("SELECT at, status, progress FROM events WHERE key=? ORDER BY at", (key,))
            return [tuple(r) for r in rows]

    def spend(self, *, since: float | None = None) -> float:
        """USD spent: actual cost where the backend reported one, else the estimate (completed jobs)."""
        sql = "SELECT COALESCE(SUM(COALESCE(actual_cost, estimated_cost)), 0) FROM jobs WHERE status='completed'"
        args: tuple[Any, ...] = ()
        if since is not None:
            sql += " AND created_at >= ?"
            args = (since,)
        with self._db() as db:
            return float(db.execute(sql, args).fetchone()[0])

    def spend_report(self) -> dict[str, dict[str, float]]:
        """Spend grouped by day, backend and model (completed jobs)."""
        out: dict[str, dict[str, float]] = {}
        exprs = {"day": "date(created_at, 'unixepoch', 'localtime')", "backend": "backend", "model": "model"}
        with self._db() as db:
            for name, expr in exprs.items():
                rows = db.execute(
                    f"SELECT {expr} AS k, SUM(COALESCE(actual_cost, estimated_cost)), COUNT(*) FROM jobs "
                    "WHERE status='completed' GROUP BY k ORDER BY k"
                ).fetchall()
                out[name] = {str(k): round(float(v or 0), 4) for k, v, _ in rows}
        return out


def _row(state: JobState, now: float) -> dict[str, Any]:
    video = state.video
    return {
        "key": state.key,
        "idempotency_key": state.idempotency_key,
        "backend": state.backend,
        "op": state.op,
        "parent_id": state.parent_id,
        "label": state.label,
        "model": state.request.model,
        "prompt": state.request.prompt,
        "request": json.dumps(state.request.summary()),
        "video_id": state.video_id,
        "status": state.status,
        "progress": state.progress,
        "error": state.error,
        "error_code": state.error_code,
        "estimated_cost": state.estimated_cost,
        "actual_cost": state.actual_cost,
        "created_at": state.created_at,
        "submitted_at": state.submitted_at,
        "finished_at": state.finished_at,
        "expires_at": float(video.expires_at) if video and video.expires_at else None,
        "path": str(state.path) if state.path else None,
        "sha256": state.sha256,
        "thumbnail": str(state.thumbnail) if state.thumbnail else None,
        "updated_at": now,
    }


def _decode(row: sqlite3.Row) -> dict[str, Any]:
    out = dict(row)
    out["request"] = json.loads(out["request"])
    return out


def _file_ok(row: dict[str, Any]) -> bool:
    return bool(row.get("path")) and Path(row["path"]).is_file()

