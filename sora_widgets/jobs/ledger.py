"""The job ledger: one SQLite file (WAL) in the output folder that outlives every kernel.

The intent of a job (with its idempotency key) is written *before* the create request is sent;
then its id, every status change, its files with sha256, costs, timings and lineage. Resume reads
it back. A short-lived connection per operation keeps it safe across threads and processes.

Money: a job's row *is* its budget reservation. `reserve` inserts the rows of a submit inside one
`BEGIN IMMEDIATE` transaction after reading what is already committed (see `committed`), so two
processes on one folder can never both pass the same budget; a row's final status settles it.
Which rows count, and why a dead process's reservation stops counting, is explained in `_held`.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .state import NEEDS_CHOICE, JobState

LEDGER_NAME = "ledger.sqlite"
RESUMABLE = ("submitting", "queued", "in_progress", "downloading", "interrupted")
#: a completed job whose file vanished is downloaded again by resume only while the server can still
#: serve it: until its `expires_at`, or, when the server gave none, this long after it finished.
#: Older ones are history, not work: checking every file of a 100,000-job ledger would make each
#: resume stat the whole output folder.
RECHECK_WINDOW = 24 * 3600.0
#: statuses whose money is released: the server made nothing we pay for (or we never sent it)
RELEASED = ("failed", "cancelled", "expired", "unknown")
#: how long a reservation without a server id outlives its dead owner (see `_held`)
RESERVATION_HOLD = 3600.0

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
CREATE INDEX IF NOT EXISTS jobs_session ON jobs(session, status);
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


#: money and resume columns (issue 14), added to older ledgers by `_migrate`
_MONEY_COLUMNS = {
    "owner_pid": "INTEGER",   # the process that reserved the money (with host and start time: pids are reused)
    "owner_host": "TEXT",
    "owner_start": "TEXT",
    "session": "TEXT",        # the reserving process's session token (the per-kernel budget)
    "candidates": "TEXT",     # JSON list of server ids a resume could not choose between
}


def _migrate(conn: sqlite3.Connection) -> None:
    """Add the money columns to a ledger written by an older version (idempotent)."""
    have = {r[1] for r in conn.execute("PRAGMA table_info(jobs)")}
    for name, kind in _MONEY_COLUMNS.items():
        if name not in have:
            try:
                conn.execute(f"ALTER TABLE jobs ADD COLUMN {name} {kind}")
            except sqlite3.OperationalError as exc:  # another process added it a moment ago
                if "duplicate column" not in str(exc):
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
            conn = self._open()
            try:
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA recursive_triggers=ON")  # an INSERT OR REPLACE must fire the spend triggers
                yield conn
            finally:
                conn.close()

    def _open(self) -> sqlite3.Connection:
        """A connection; the first one creates the folder and the schema. An unwritable folder is
        one clear line, not a bare sqlite3 error."""
        for attempt in range(300):
            conn: sqlite3.Connection | None = None
            try:
                if not self._ready:
                    self.folder.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                conn.row_factory = sqlite3.Row
                if not self._ready:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.executescript(_SCHEMA)
                    _migrate(conn)
                    conn.executescript(SCALE_INDEXES)
                    _ensure_spend_aggregate(conn)
                    self._ready = True
                return conn
            except (OSError, sqlite3.Error) as exc:
                if conn is not None:
                    conn.close()
                # another process holds the file while it creates the schema or switches to WAL (that
                # switch does not wait on the busy timeout): wait for it, up to half a minute
                if ("locked" in str(exc) or "busy" in str(exc)) and attempt < 299:
                    time.sleep(0.1)
                    continue
                from ..errors import ConfigurationError

                raise ConfigurationError(f"cannot open the job ledger {self.path}: {exc}",
                                         hint="set SORA_OUTPUT_DIR to a folder you can write") from None
        raise AssertionError("unreachable")

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

    def reserve(
        self, states: Sequence[JobState], *, session: str, check: Callable[[float, float], None],
        base_url: str | None = None, group_id: str | None = None,
    ) -> None:
        """Write the rows of `states` as reservations, atomically with the budget check.

        One `BEGIN IMMEDIATE` transaction: read what this folder has committed and what `session`
        has committed here, call `check(folder_committed, session_committed)` (it raises to refuse,
        and then nothing is written), insert the rows. SQLite lets one writer in at a time, so
        two processes (or threads) reserving together are serialised: the second sees the first.
        """
        pid, host, start = owner_identity()
        now = time.time()
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                check(_committed(db, now), _committed(db, now, session=session))
                for state in states:
                    row = {**_row(state, now), "base_url": base_url, "group_id": group_id, "owner_pid": pid,
                           "owner_host": host, "owner_start": start, "session": session}
                    db.execute(f"INSERT INTO jobs ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                               tuple(row.values()))
                    db.execute("INSERT INTO events VALUES (?, ?, ?, ?)", (state.key, now, state.status, state.progress))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def committed(self, *, session: str | None = None) -> float:
        """USD spent or in flight in this folder (only `session`'s rows when given); see `_held`."""
        with self._db() as db:
            return _committed(db, time.time(), session=session)

    def note(self, video_id: str, **changes: Any) -> None:
        """Update the row of a server id, if the ledger has one (the plain client's poll/download)."""
        if not changes:
            return
        sets = ", ".join(f"{k}=?" for k in changes)
        with self._db() as db:
            db.execute(f"UPDATE jobs SET {sets}, updated_at=? WHERE video_id=?",
                       (*changes.values(), time.time(), video_id))

    def claimed(self, *, besides: str) -> set[str]:
        """Server ids already attached to some row other than `besides` (a resume must skip them)."""
        with self._db() as db:
            rows = db.execute("SELECT video_id FROM jobs WHERE video_id IS NOT NULL AND key != ?", (besides,))
            return {str(r[0]) for r in rows}

    def adopt(self, key: str) -> None:
        """This process takes over the job (a resume): it is the one whose liveness counts now.
        The session the money was reserved in does not change."""
        pid, host, start = owner_identity()
        with self._db() as db:
            db.execute("UPDATE jobs SET owner_pid=?, owner_host=?, owner_start=?, updated_at=? WHERE key=?",
                       (pid, host, start, time.time(), key))

    def claim(self, key: str, video_id: str) -> bool:
        """Attach `video_id` to the row `key` unless another row holds it (atomic across processes)."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                taken = db.execute("SELECT 1 FROM jobs WHERE video_id=? AND key!=?", (video_id, key)).fetchone()
                if taken is None:
                    db.execute("UPDATE jobs SET video_id=?, candidates=NULL, updated_at=? WHERE key=?",
                               (video_id, time.time(), key))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return taken is None

    def set_candidates(self, key: str, candidates: Sequence[str]) -> None:
        with self._db() as db:
            db.execute("UPDATE jobs SET candidates=?, updated_at=? WHERE key=?",
                       (json.dumps(list(candidates)), time.time(), key))

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
        "request": json.dumps(state.request.summary(), default=_jsonable),
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


def _jsonable(value: Any) -> Any:
    """What a request's backend extras (image bytes, paths) look like in the ledger."""
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    return str(value)


def _decode(row: sqlite3.Row) -> dict[str, Any]:
    out = dict(row)
    out["request"] = json.loads(out["request"])
    out["candidates"] = json.loads(out["candidates"]) if out.get("candidates") else []
    return out


def _committed(db: sqlite3.Connection, now: float, *, session: str | None = None) -> float:
    """The money of every row that counts (see `_held`), optionally of one session only.

    Bounded, because every submit asks (inside its reservation transaction): completed jobs' money
    is the spend aggregate the triggers keep (a few hundred day rows), the rest is a scan of only
    the rows in a status that still counts and is not completed (a few, found through the status
    index); one session's rows come through the session index."""
    counting = [s for s in _statuses(db) if s not in RELEASED and s != "completed"]
    if session is not None:
        sure = float(db.execute("SELECT COALESCE(SUM(COALESCE(actual_cost, estimated_cost)), 0) FROM jobs "
                                "WHERE session=? AND status='completed'", (session,)).fetchone()[0])
    else:
        sure = float(db.execute("SELECT COALESCE(SUM(usd), 0) FROM spend_daily").fetchone()[0])
    if not counting:
        return sure
    marks = ", ".join("?" for _ in counting)
    where, args = f"status IN ({marks})", tuple(counting)
    if session is not None:
        where, args = where + " AND session=?", (*args, session)
    rows = db.execute("SELECT estimated_cost, actual_cost, video_id, owner_pid, owner_host, owner_start, updated_at, "
                      f"status FROM jobs WHERE {where}", args).fetchall()
    for r in rows:
        if r[2] is not None or r[7] == NEEDS_CHOICE:  # the server knows it: it counts until it ends
            sure += float(r[1] if r[1] is not None else r[0])
        elif _held(r[3], r[4], r[5], r[6], now, r[7]):
            sure += float(r[0])
    return sure


def _statuses(db: sqlite3.Connection) -> list[str]:
    """The distinct statuses in the ledger, one index seek each (not a scan of the status index)."""
    rows = db.execute("WITH RECURSIVE s(v) AS (SELECT MIN(status) FROM jobs UNION ALL "
                      "SELECT (SELECT MIN(status) FROM jobs WHERE status > s.v) FROM s WHERE s.v IS NOT NULL) "
                      "SELECT v FROM s WHERE v IS NOT NULL").fetchall()
    return [str(r[0]) for r in rows]


def _held(pid: int | None, host: str | None, start: str | None, updated_at: float, now: float,
          status: str = "submitting") -> bool:
    """Does a reservation without a server id still count?

    Which rows count: completed jobs count their cost; failed, cancelled, expired and unknown
    jobs count nothing (no video was made, or we never sent it); a job the server knows (it has a
    video id) counts until it ends, whoever owns it and however old it is, because that money is
    being spent. A reservation *without* a video id (intent written, create not answered) counts
    while the process that made it lives: it may be sending right now. When that process is dead,
    a `pending` row (queued, never sent) is released at once; a `submitting` or `interrupted` one
    still counts for `RESERVATION_HOLD` seconds after its last update, because its create may
    have reached the server: long enough to restart a kernel and resume (which resolves it to a
    video id or to unknown), short enough that a crash does not lock the folder's budget for good.
    """
    if owner_alive(pid, host, start):
        return True
    if status == "pending":  # queued in its dead process, never sent: nothing can have been made
        return False
    return now - float(updated_at) < RESERVATION_HOLD


def owner_identity() -> tuple[int, str, str]:
    """(pid, host, start time) of this process: a pid alone can be reused by a new process."""
    pid = os.getpid()
    return pid, socket.gethostname(), _start_time(pid)


def owner_alive(pid: int | None, host: str | None, start: str | None) -> bool:
    """True when the reserving process is provably still running (same host, same pid and start)."""
    if pid is None or host != socket.gethostname():
        return False  # cannot tell for another machine: the hold window decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's live process
    except OSError:
        return False
    fields = _stat(pid)
    if fields and fields[0] in ("Z", "X"):  # killed, not yet reaped by its parent
        return False
    return not start or not fields or (len(fields) > 19 and fields[19] == start)


def _stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name (Linux; empty elsewhere)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return stat.rsplit(")", 1)[-1].split()


def _start_time(pid: int) -> str:
    fields = _stat(pid)
    return fields[19] if len(fields) > 19 else ""


def _file_ok(row: dict[str, Any]) -> bool:
    return bool(row.get("path")) and Path(row["path"]).is_file()

