"""Signals of finished jobs: computed in the background after the download, stored in the ledger
with the job, found again by a new process, computed again when the file changes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner, Ledger
from sora_widgets.jobs.quality import QualityChecks
from sora_widgets.models import VideoRequest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner(tmp_path: Path) -> JobRunner:
    return JobRunner(Settings(_env_file=None, backend="local", output_dir=tmp_path / "out"))


def test_a_finished_job_gets_its_signals_stored_without_waiting(runner: JobRunner, tmp_path: Path) -> None:
    state = runner.run(VideoRequest(prompt="a kite over a beach [defect: frozen]", model="animatic", seconds=2,
                                    size="320x180"))
    assert state.ok
    found = runner.quality.check(state).result(timeout=60)
    assert found is not None and found.flags == {"frozen"} and found.label == state.video_id
    stored = runner.ledger.signals()[state.key]
    assert stored["flags"] == ["frozen"] and stored["sha256"] == state.sha256
    # another process reading the same folder sees them, without decoding anything
    code = ("import sys; from sora_widgets.jobs import Ledger; from sora_widgets.jobs.quality import QualityChecks;"
            f"print(QualityChecks(Ledger(sys.argv[1])).stored()[{state.key!r}])")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out")], capture_output=True, text=True,
                         check=True, cwd=REPO)
    assert out.stdout.strip().startswith(f"{state.video_id}: frozen")


def test_a_replaced_file_is_checked_again(runner: JobRunner) -> None:
    state = runner.run(VideoRequest(prompt="a kite over a beach", model="animatic", seconds=2, size="320x180"))
    first = runner.quality.check(state).result(timeout=60)
    assert first is not None and first.ok
    row = runner.ledger.get(state.key)
    assert runner.quality.check_now(row) == first  # stored: no decode
    assert runner.quality.check_now({**row, "sha256": "0" * 64}) is not None  # other content: computed again
    gone = {**row, "path": str(Path(row["path"]).with_name("missing.mp4")), "sha256": "1" * 64}
    assert runner.quality.check_now(gone) is None


def test_the_signals_table_is_added_to_an_existing_ledger(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.rows()  # creates the file with today's schema
    with sqlite3.connect(ledger.path) as db:  # an older ledger: no signals table
        db.execute("DROP TABLE signals")
    for _ in range(2):  # opening again adds it, and adding twice is harmless
        again = Ledger(tmp_path)
        again.save_signals("k1", ["black"], "{}", None)
        assert again.signals()["k1"]["flags"] == ["black"]
    assert QualityChecks(Ledger(tmp_path)).stored() == {}  # unreadable data is ignored, not an error


def test_known_signals_never_decode(runner: JobRunner, tmp_path: Path) -> None:
    from sora_widgets.jobs.quality import known_signals

    state = runner.run(VideoRequest(prompt="a kite [defect: black]", model="animatic", seconds=2, size="320x180"))
    runner.quality.check(state).result(timeout=60)
    copy = tmp_path / "elsewhere.mp4"
    copy.write_bytes(Path(state.path).read_bytes())
    assert known_signals(copy, runner.ledger) is None  # never analysed, not in the ledger: not decoded now
    found = known_signals(state.result(), runner.ledger)
    assert found is not None and found.flags == {"black"}
    # a new process knows it from the ledger alone
    code = ("import sys; from sora_widgets.jobs import Ledger; from sora_widgets.jobs.quality import known_signals;"
            "print(known_signals(sys.argv[2], Ledger(sys.argv[1])))")
    out = subprocess.run([sys.executable, "-c", code, str(runner.ledger.folder), str(state.path)],
                         capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip().startswith(f"{state.video_id}: black")
