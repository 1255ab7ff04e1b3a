"""The budget check (`_committed`) reads a few rows, and counts exactly what the whole-table rule counts."""

from __future__ import annotations

import random
import socket
import time
from pathlib import Path
from typing import Any

from sora_widgets.jobs import JobState, Ledger
from sora_widgets.jobs.ledger import RELEASED, RESERVATION_HOLD, _committed, _held, _row, owner_identity
from sora_widgets.jobs.state import NEEDS_CHOICE
from sora_widgets.models import VideoRequest

STATUSES = ["pending", "submitting", "queued", "in_progress", "interrupted", NEEDS_CHOICE, "completed", "failed",
            "cancelled", "expired", "unknown"]


def _whole_table(ledger: Ledger, now: float, session: str | None = None) -> float:
    """The rule as stated in `_held`'s docstring, applied to every row (the reference)."""
    total = 0.0
    for r in ledger.rows():
        if r["status"] in RELEASED or (session is not None and r.get("session") != session):
            continue
        cost = r["actual_cost"] if r["actual_cost"] is not None else r["estimated_cost"]
        if r["status"] == "completed" or r["video_id"] is not None or r["status"] == NEEDS_CHOICE:
            total += cost
        elif _held(r["owner_pid"], r["owner_host"], r["owner_start"], r["updated_at"], now, r["status"]):
            total += r["estimated_cost"]
    return total


def _ledger(folder: Path, n: int = 400) -> Ledger:
    rng = random.Random(7)
    ledger = Ledger(folder)
    template = JobState(request=VideoRequest(prompt="p", model="sora-2", seconds=4), backend="local")
    now = time.time()
    pid, host, start = owner_identity()
    rows: list[dict[str, Any]] = []
    for i in range(n):
        r = _row(template, now)
        status = rng.choice(STATUSES)
        alive = rng.random() < 0.5
        r.update(key=f"k{i}", idempotency_key=f"i{i}", status=status, session=rng.choice(["a", "b", None]),
                 video_id=f"v{i}" if rng.random() < 0.5 else None, estimated_cost=rng.choice([0.4, 1.2, 0.1]),
                 actual_cost=rng.choice([None, 0.3]), created_at=now - rng.random() * 30 * 86400,
                 updated_at=now - rng.choice([1.0, RESERVATION_HOLD * 2]),
                 owner_pid=pid if alive else 999_999_999, owner_host=host if alive else socket.gethostname(),
                 owner_start=start)
        rows.append(r)
    cols = list(rows[0])
    with ledger._db() as db:
        db.executemany(f"INSERT INTO jobs ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                       [tuple(r[c] for c in cols) for r in rows])
        # later changes go through the spend triggers too: a completed job gets its actual cost, one is deleted
        db.execute("UPDATE jobs SET actual_cost=0.25 WHERE status='completed' AND key IN ('k1','k2','k3','k4','k5')")
        db.execute("UPDATE jobs SET status='completed' WHERE status='in_progress' AND rowid % 3 = 0")
        db.execute("DELETE FROM jobs WHERE status='completed' AND rowid % 7 = 0")
    return ledger


def test_bounded_committed_counts_what_the_whole_table_counts(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path)
    now = time.time()
    for session in (None, "a", "b", "nobody"):
        want = _whole_table(ledger, now, session)
        with ledger._db() as db:
            got = _committed(db, now, session=session)
        assert abs(got - want) < 1e-9, (session, got, want)
    assert _whole_table(ledger, now) > _whole_table(ledger, now, "a") > 0  # the mix really has both kinds


def test_the_budget_check_never_scans_the_jobs_table(tmp_path: Path) -> None:
    ledger = _ledger(tmp_path, 50)
    plans: list[str] = []
    with ledger._db() as db:
        original = db.execute

        def explain(sql: str, args: Any = ()) -> Any:
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                plans.extend(str(r[3]) for r in original("EXPLAIN QUERY PLAN " + sql, args).fetchall())
            return original(sql, args)

        class Spy:
            execute = staticmethod(explain)

        _committed(Spy(), time.time())  # type: ignore[arg-type]
        _committed(Spy(), time.time(), session="a")  # type: ignore[arg-type]
    assert plans
    assert not [p for p in plans if p.startswith("SCAN jobs") or p == "SCAN TABLE jobs"], plans
