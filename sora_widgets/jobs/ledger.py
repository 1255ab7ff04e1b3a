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
#: a completed job whose file vanished is downloaded again by resume only while the server can still
#: serve it: until its `expires_at`, or, when the server gave none, this long after it finished.
#: Older ones are history, not work: checking every file of a 100,000-job ledger would make each
#: resume stat the whole output folder.
RECHECK_WINDOW = 24 * 3600.0

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

#: Indexes that keep a long history cheap (see history.py); IF NOT EXISTS makes them an idempotent
#: migration for ledgers written before they existed. The spend index covers every column the spend
#: queries read, so those never touch the table.
SCALE_INDEXES = """
CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_at, key);
CREATE INDEX IF NOT EXISTS jobs_status_created ON jobs(status, created_at, key);
CREATE INDEX IF NOT EXISTS jobs_status_model ON jobs(status, model);
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs(status, finished_at);
CREATE INDEX IF NOT EXISTS jobs_path ON jobs(path);
CREATE INDEX IF NOT EXISTS jobs_group ON jobs(group_id);
CREATE INDEX IF NOT EXISTS jobs_spend ON jobs(status, created_at, backend, model, actual_cost, estimated_cost);
CREATE INDEX IF NOT EXISTS events_key ON events(key, at);
"""

#: Spend kept as a running aggregate by day (the writer's local date), backend and model, maintained by
#: triggers on `jobs`, so `spend()` and the spend report read a few hundred rows instead of every
#: completed job, whatever code path writes the jobs. "What was spent" stays the jobs table's
#: definition (completed jobs, actual cost else the estimate); the triggers subtract a row's old
#: contribution and add its new one on every change.
_SPEND_DAY = "date({0}.created_at, 'unixepoch', 'localtime'), {0}.backend, COALESCE({0}.model, '')"
_SPEND_ADD = ("INSERT INTO spend_daily VALUES ({day}, COALESCE({r}.actual_cost, {r}.estimated_cost), 1) "
              "ON CONFLICT(day, backend, model) DO UPDATE SET usd = usd + excluded.usd, jobs = jobs + 1;")
_SPEND_SUB = ("UPDATE spend_daily SET usd = usd - COALESCE({r}.actual_cost, {r}.estimated_cost), jobs = jobs - 1 "
              "WHERE (day, backend, model) = ({day});")
SPEND_TRIGGERS = f"""
CREATE TRIGGER IF NOT EXISTS spend_insert AFTER INSERT ON jobs WHEN NEW.status = 'completed' BEGIN
    {_SPEND_ADD.format(day=_SPEND_DAY.format("NEW"), r="NEW")}
END;
CREATE TRIGGER IF NOT EXISTS spend_update_old AFTER UPDATE ON jobs WHEN OLD.status = 'completed' BEGIN
    {_SPEND_SUB.format(day=_SPEND_DAY.format("OLD"), r="OLD")}
END;
CREATE TRIGGER IF NOT EXISTS spend_update_new AFTER UPDATE ON jobs WHEN NEW.status = 'completed' BEGIN
    {_SPEND_ADD.format(day=_SPEND_DAY.format("NEW"), r="NEW")}
END;
CREATE TRIGGER IF NOT EXISTS spend_delete AFTER DELETE ON jobs WHEN OLD.status = 'completed' BEGIN
    {_SPEND_SUB.format(day=_SPEND_DAY.format("OLD"), r="OLD")}
END;
"""


def _ensure_spend_aggregate(conn: sqlite3.Connection) -> None:
    """Create the aggregate and its triggers once, filling it from the jobs already recorded; one
    IMMEDIATE transaction, so a writer in another process waits instead of slipping in between."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'spend_daily'").fetchone() is None:
            conn.execute("CREATE TABLE spend_daily (day TEXT NOT NULL, backend TEXT NOT NULL, model TEXT NOT NULL, "
                         "usd REAL NOT NULL, jobs INTEGER NOT NULL, PRIMARY KEY (day, backend, model))")
            conn.execute(f"INSERT INTO spend_daily SELECT {_SPEND_DAY.format('jobs')}, "
                         "SUM(COALESCE(actual_cost, estimated_cost)), COUNT(*) FROM jobs WHERE status = 'completed' "
                         "GROUP BY 1, 2, 3")
        for statement in SPEND_TRIGGERS.split("END;")[:-1]:
            conn.execute(statement + "END;")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


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
                    conn.executescript(SCALE_INDEXES)
                    _ensure_spend_aggregate(conn)
                    self._ready = True
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA recursive_triggers=ON")  # an INSERT OR REPLACE must fire the spend triggers
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

    def unfinished(self, *, now: float | None = None) -> list[dict[str, Any]]:
        """Jobs a resume should pick up: anything not final, and recently completed jobs whose file
        is gone (RECHECK_WINDOW). Only those rows are read: the scan costs what the unfinished work
        does, not what the history does."""
        now = time.time() if now is None else now
        marks = ", ".join("?" for _ in RESUMABLE)
        with self._db() as db:
            live = db.execute(f"SELECT * FROM jobs WHERE status IN ({marks})", RESUMABLE).fetchall()
            # (key, path) of the recent completed jobs; the full row only for the few whose file is gone
            recent = db.execute(
                "SELECT key, path FROM jobs WHERE status = 'completed' AND finished_at >= ? "
                "AND (expires_at IS NULL OR expires_at > ?)", (now - RECHECK_WINDOW, now))
            gone = [r["key"] for r in recent if not _file_ok(dict(r))]  # streamed, not fetched whole
            lost = [db.execute("SELECT * FROM jobs WHERE key = ?", (key,)).fetchone() for key in gone]
        rows = [_decode(r) for r in (*live, *lost) if r is not None]
        return sorted(rows, key=lambda r: r["created_at"])

    def events(self, key: str) -> list[tuple[float, str, int]]:
        with self._db() as db:
            rows = db.execute("SELECT at, status, progress FROM events WHERE key=? ORDER BY at", (key,))
            return [tuple(r) for r in rows]

    def spend(self, *, since: float | None = None) -> float:
        """USD spent: actual cost where the backend reported one, else the estimate (completed jobs).
        Without `since`, read from the running aggregate (the budget guard asks before every submit)."""
        if since is None:
            with self._db() as db:
                return float(db.execute("SELECT COALESCE(SUM(usd), 0) FROM spend_daily").fetchone()[0])
        sql = ("SELECT COALESCE(SUM(COALESCE(actual_cost, estimated_cost)), 0) FROM jobs "
               "WHERE status='completed' AND created_at >= ?")
        with self._db() as db:
            return float(db.execute(sql, (since,)).fetchone()[0])

    def spend_report(self) -> dict[str, dict[str, float]]:
        """Spend grouped by day, backend and model (completed jobs), folded from the aggregate."""
        totals: dict[str, dict[str, float]] = {"day": {}, "backend": {}, "model": {}}
        with self._db() as db:
            rows = db.execute("SELECT day, backend, model, usd FROM spend_daily WHERE jobs > 0").fetchall()
        for day, backend, model, amount in rows:
            for name, key in (("day", day), ("backend", backend), ("model", model or None)):
                totals[name][str(key)] = totals[name].get(str(key), 0.0) + float(amount or 0)
        return {name: {k: round(v, 4) for k, v in sorted(bucket.items())} for name, bucket in totals.items()}


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

