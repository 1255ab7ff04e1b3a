"""The ledger exported for analysis: JSON Lines and Parquet, every column, oldest first, streamed
(flat memory), atomic, and one clear line for a bad file name or a missing pyarrow."""

from __future__ import annotations

import json
import sqlite3
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from sora_widgets.errors import ConfigurationError
from sora_widgets.jobs import JobState, Ledger
from sora_widgets.jobs.export import export_ledger
from sora_widgets.models import VideoRequest


def _ledger(folder: Path, n: int = 3) -> Ledger:
    led = Ledger(folder)
    for i in range(n):
        req = VideoRequest(prompt=f"a red kite #{i}", model="sora-2", seconds=4, size="1280x720")
        led.record(JobState(request=req, backend="local", key=f"k{i}", status="completed", created_at=1000.0 + i,
                            estimated_cost=0.4, video_id=f"video_{i}"))
    return led


def _multiply(led: Ledger, copies: int) -> None:
    """Grow the ledger fast with SQL: `copies` rows cloned from k0 with new keys and times."""
    with sqlite3.connect(led.path) as db:
        cols = [r[1] for r in db.execute("PRAGMA table_info(jobs)")]
        picked = ", ".join("'c' || i" if c == "key" else "2000.0 + i" if c == "created_at" else c for c in cols)
        db.execute(f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {copies}) "
                   f"INSERT INTO jobs ({', '.join(cols)}) SELECT {picked} FROM n, jobs WHERE jobs.key = 'k0'")


def test_jsonl_has_every_job_and_column_oldest_first(tmp_path: Path) -> None:
    led = _ledger(tmp_path)
    assert export_ledger(led, tmp_path / "out" / "jobs.jsonl") == 3
    rows = [json.loads(line) for line in (tmp_path / "out" / "jobs.jsonl").read_text().splitlines()]
    assert [r["key"] for r in rows] == ["k0", "k1", "k2"]
    assert rows[0]["request"]["prompt"] == "a red kite #0" and rows[0]["estimated_cost"] == 0.4
    with sqlite3.connect(led.path) as db:
        assert set(rows[0]) == {r[1] for r in db.execute("PRAGMA table_info(jobs)")}
    assert not list((tmp_path / "out").glob(".*part"))


def test_parquet_keeps_types_and_reads_back(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")  # the optional `parquet` extra (installed by the test extra)
    led = _ledger(tmp_path)
    assert export_ledger(led, tmp_path / "jobs.parquet") == 3
    table = pq.read_table(tmp_path / "jobs.parquet")
    assert table.num_rows == 3 and table.column("key").to_pylist() == ["k0", "k1", "k2"]
    assert str(table.schema.field("estimated_cost").type) == "double"
    assert str(table.schema.field("progress").type) == "int64"
    assert json.loads(table.column("request")[0].as_py())["model"] == "sora-2"


def test_a_long_history_streams_in_flat_memory(tmp_path: Path) -> None:
    led = _ledger(tmp_path, 1)
    _multiply(led, 30_000)
    tracemalloc.start()
    started = time.perf_counter()
    assert export_ledger(led, tmp_path / "jobs.jsonl") == 30_001
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 12 * 2**20, peak  # a batch of rows, not 30,000 (the file itself is ~20 MB)
    assert time.perf_counter() - started < 30


def test_bad_names_and_missing_pyarrow_are_one_line_and_write_nothing(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    led = _ledger(tmp_path)
    with pytest.raises(ConfigurationError, match="cannot export the ledger as 'csv'") as bad:
        export_ledger(led, tmp_path / "jobs.csv")
    assert ".jsonl or .parquet" in (bad.value.hint or "")
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if the extra were not installed
    with pytest.raises(ConfigurationError, match="needs pyarrow") as missing:
        export_ledger(led, tmp_path / "jobs.parquet")
    assert "sora_widgets[parquet]" in (missing.value.hint or "")
    with pytest.raises(ConfigurationError, match="no ledger"):
        export_ledger(Ledger(tmp_path / "elsewhere"), tmp_path / "x.jsonl")
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("ledger.sqlite")] == []
