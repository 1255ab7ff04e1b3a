"""A long history read a page at a time: keyset pages, counts, filters, resume's bounded scan, the
spend report, and the indexes added to ledgers written before they existed."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from sora_widgets.jobs import JobState, Ledger, history
from sora_widgets.jobs.ledger import RECHECK_WINDOW
from sora_widgets.models import VideoRequest


def _state(i: int, *, status: str = "completed", model: str = "sora-2", created: float, prompt: str = "",
           path: Path | None = None, cost: float = 0.4, finished: float | None = None) -> JobState:
    req = VideoRequest(prompt=prompt or f"a paper boat #{i}", model=model, seconds=4, size="1280x720")
    return JobState(request=req, backend="local", key=f"k{i:04d}", status=status, video_id=f"video_{i:04d}",
                    created_at=created, finished_at=finished if finished is not None else created + 5,
                    estimated_cost=cost, path=path)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    led = Ledger(tmp_path)
    base = time.time() - 1000
    for i in range(30):
        model = "sora-2-pro" if i % 3 == 0 else "sora-2"
        led.record(_state(i, model=model, created=base + i, prompt="a 100% real_fox" if i == 7 else ""))
    return led


def test_pages_walk_the_history_newest_first_without_repeats(ledger: Ledger) -> None:
    first = history.page(ledger, limit=8)
    assert [r["key"] for r in first.rows] == [f"k{i:04d}" for i in range(29, 21, -1)]
    keys, cursor = [r["key"] for r in first.rows], first.next
    while cursor is not None:
        got = history.page(ledger, limit=8, before=cursor)
        keys += [r["key"] for r in got.rows]
        cursor = got.next
    assert keys == [f"k{i:04d}" for i in range(29, -1, -1)]
    assert [r["key"] for r in history.iter_rows(ledger, batch=7)] == keys
    assert history.page(ledger, limit=30).next is None and history.page(ledger, limit=0).rows == []


def test_filters_count_and_models(ledger: Ledger) -> None:
    assert history.count(ledger) == 30 and history.count(ledger, status=("completed",)) == 30
    assert history.count(ledger, model="sora-2-pro") == 10
    assert history.models(ledger) == ["sora-2", "sora-2-pro"]
    # LIKE wildcards in the search text are literal characters
    assert [r["key"] for r in history.page(ledger, text="100% REAL_fox").rows] == ["k0007"]
    assert history.count(ledger, text="100%") == 1 and history.count(ledger, text="1_0") == 0
    assert [r["key"] for r in history.page(ledger, text="VIDEO_0012").rows] == ["k0012"]


def test_looking_creates_nothing(tmp_path: Path) -> None:
    empty = Ledger(tmp_path / "none")
    assert history.count(empty) == 0 and history.models(empty) == []
    assert not (tmp_path / "none").exists()


def test_resume_scan_reads_only_unfinished_and_recent_missing_files(tmp_path: Path) -> None:
    led = Ledger(tmp_path)
    now = time.time()
    kept = tmp_path / "kept.mp4"
    kept.write_bytes(b"x")
    led.record(_state(1, status="in_progress", created=now - 10))
    led.record(_state(2, created=now - 20, path=kept))  # file present: nothing to do
    led.record(_state(3, created=now - 30, path=tmp_path / "gone.mp4"))  # recent, file gone: re-download
    old = now - RECHECK_WINDOW - 3600
    led.record(_state(4, created=old, finished=old, path=tmp_path / "old.mp4"))  # history, not work
    led.record(_state(5, status="failed", created=now - 40))
    assert [r["key"] for r in led.unfinished()] == ["k0003", "k0001"]
    # a server that said when the file expires: after that, downloading again cannot work
    with sqlite3.connect(led.path) as db:
        db.execute("UPDATE jobs SET expires_at=? WHERE key='k0003'", (now - 1,))
    assert [r["key"] for r in led.unfinished()] == ["k0001"]


def test_spend_report_groups_by_day_backend_and_model(tmp_path: Path) -> None:
    led = Ledger(tmp_path)
    day1 = time.mktime((2026, 3, 1, 12, 0, 0, 0, 0, -1))
    day2 = day1 + 86400
    led.record(_state(1, created=day1, model="sora-2", cost=0.4))
    led.record(_state(2, created=day1 + 60, model="sora-2-pro", cost=1.2))
    led.record(_state(3, created=day2, model="sora-2", cost=0.8))
    led.record(_state(4, created=day2, model="sora-2", cost=5.0, status="failed"))  # not spent
    report = led.spend_report()
    assert report == {"day": {"2026-03-01": 1.6, "2026-03-02": 0.8}, "backend": {"local": 2.4},
                      "model": {"sora-2": 1.2, "sora-2-pro": 1.2}}
    assert led.spend() == pytest.approx(2.4)


def test_an_older_ledger_gets_the_indexes_when_opened(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "ledger.sqlite") as db:  # the schema before the scale indexes
        db.execute("CREATE TABLE jobs (key TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL, backend TEXT NOT NULL,"
                   " base_url TEXT, op TEXT NOT NULL, parent_id TEXT, label TEXT, model TEXT, prompt TEXT NOT NULL,"
                   " request TEXT NOT NULL, video_id TEXT, status TEXT NOT NULL, progress INTEGER NOT NULL DEFAULT 0,"
                   " error TEXT, error_code TEXT, estimated_cost REAL NOT NULL DEFAULT 0, actual_cost REAL,"
                   " created_at REAL NOT NULL, submitted_at REAL, finished_at REAL, expires_at REAL, path TEXT,"
                   " sha256 TEXT, thumbnail TEXT, group_id TEXT, updated_at REAL NOT NULL)")
        db.execute("INSERT INTO jobs (key, idempotency_key, backend, op, prompt, request, status, created_at, "
                   "updated_at) VALUES ('old', 'i', 'local', 'create', 'p', '{}', 'completed', 1, 1)")
    led = Ledger(tmp_path)
    assert history.count(led) == 1
    Ledger(tmp_path).get("old")  # a second open: the migration is idempotent
    with sqlite3.connect(led.path) as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        plan = " ".join(str(r) for r in db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM jobs WHERE status='completed' ORDER BY created_at DESC LIMIT 5"))
    assert {"jobs_status_created", "jobs_spend", "jobs_path", "events_key"} <= names
    assert "jobs_status_created" in plan and "TEMP B-TREE" not in plan  # the page is read off the index


def _recomputed(led: Ledger) -> dict[str, dict[str, float]]:
    """The spend report computed the slow way, from every completed row."""
    out: dict[str, dict[str, float]] = {"day": {}, "backend": {}, "model": {}}
    with sqlite3.connect(led.path) as db:
        rows = db.execute("SELECT date(created_at, 'unixepoch', 'localtime'), backend, model, "
                          "COALESCE(actual_cost, estimated_cost) FROM jobs WHERE status = 'completed'").fetchall()
    for day, backend, model, usd in rows:
        for name, key in (("day", day), ("backend", backend), ("model", model)):
            out[name][str(key)] = out[name].get(str(key), 0.0) + usd
    return {n: {k: round(v, 4) for k, v in sorted(b.items())} for n, b in out.items()}


def test_the_spend_aggregate_follows_every_change_to_the_jobs(tmp_path: Path) -> None:
    import random

    led = Ledger(tmp_path)
    rng = random.Random(5)
    day = time.mktime((2026, 3, 1, 12, 0, 0, 0, 0, -1))
    states = {}
    for step in range(300):
        i = rng.randrange(25)
        old = states.get(i)
        status = rng.choice(["queued", "in_progress", "completed", "completed", "failed", "deleted"])
        state = (old or _state(i, created=day + 86400 * rng.randrange(4), model=rng.choice(["sora-2", "sora-2-pro"]),
                              cost=rng.choice([0.4, 1.2]))).evolve(status=status)
        if rng.random() < 0.3:
            state = state.evolve(actual_cost=rng.choice([None, 0.0, 0.9]))
        led.record(state)
        states[i] = state
        if step % 50 == 49:
            assert led.spend_report() == _recomputed(led)
    with sqlite3.connect(led.path) as db:  # rows replaced or deleted by hand: the triggers still follow
        db.execute("PRAGMA recursive_triggers=ON")
        db.execute("DELETE FROM jobs WHERE key IN ('k0001', 'k0002')")
        db.execute("INSERT OR REPLACE INTO jobs SELECT * FROM jobs WHERE key = 'k0003'")
    assert led.spend_report() == _recomputed(led)
    assert led.spend() == pytest.approx(sum(_recomputed(led)["backend"].values()))


def test_a_ledger_from_before_the_aggregate_is_filled_from_its_jobs(tmp_path: Path) -> None:
    led = Ledger(tmp_path)
    led.record(_state(1, created=time.time(), cost=0.4))
    with sqlite3.connect(led.path) as db:  # as an older version left it: no aggregate, no triggers
        for name in ("spend_insert", "spend_update_old", "spend_update_new", "spend_delete"):
            db.execute(f"DROP TRIGGER {name}")
        db.execute("DROP TABLE spend_daily")
        db.execute("UPDATE jobs SET estimated_cost = 2.5")
    again = Ledger(tmp_path)
    assert again.spend() == pytest.approx(2.5) and again.spend_report() == _recomputed(again)
    again.record(_state(2, created=time.time(), cost=1.0))
    assert again.spend() == pytest.approx(3.5)
