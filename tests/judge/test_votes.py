"""Votes live in the ledger file in their own table: an idempotent migration, one INSERT per vote,
readable from another process after the first one is gone (a kernel restart)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sora_widgets.errors import InvalidRequestError
from sora_widgets.jobs import Ledger
from sora_widgets.jobs.state import JobState
from sora_widgets.judge import VoteStore
from sora_widgets.models import VideoRequest

REPO = Path(__file__).resolve().parents[2]


def test_votes_survive_a_restart_in_a_new_process(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom sora_widgets.judge import VoteStore\n"
        "s = VoteStore(sys.argv[1])\n"
        "s.add(arena='boats', prompt='p', left_key='k1', right_key='k2', left_contestant='seed=1', "
        "right_contestant='seed=2', choice='right')\n"
        "s.add(arena='boats', prompt='p', left_key='k3', right_key='k1', left_contestant='seed=3', "
        "right_contestant='seed=1', choice='tie')\n"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=REPO, check=True, timeout=60)
    # the writing process is gone; a new one reopens the ledger
    out = subprocess.run([sys.executable, "-c", "import sys\nfrom sora_widgets.judge import VoteStore\n"
                          "print([(v.choice, v.winner) for v in VoteStore(sys.argv[1]).votes('boats')])",
                          str(tmp_path)], cwd=REPO, check=True, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[('right', 'seed=2'), ('tie', None)]"
    assert VoteStore(tmp_path).voted_pairs("boats") == {("k1", "k2"), ("k1", "k3")}


def test_the_migration_is_idempotent_and_leaves_the_jobs_alone(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.record(JobState(request=VideoRequest(prompt="a kite"), backend="local", status="completed"))
    store = VoteStore(ledger)
    for _ in range(3):  # every open runs the migration; nothing changes after the first
        store.add(arena="x", left_key="a", right_key="b", left_contestant="A", right_contestant="B", choice="left")
    with sqlite3.connect(ledger.path) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"jobs", "events", "groups", "votes"} <= tables
    assert len(ledger.rows()) == 1 and len(store.votes("x")) == 3


def test_bad_votes_change_nothing(tmp_path: Path) -> None:
    store = VoteStore(tmp_path)
    with pytest.raises(InvalidRequestError, match="not a vote"):
        store.add(arena="x", left_key="a", right_key="b", left_contestant="A", right_contestant="B", choice="maybe")
    with pytest.raises(InvalidRequestError, match="against itself"):
        store.add(arena="x", left_key="a", right_key="a", left_contestant="A", right_contestant="A", choice="left")
    assert store.votes() == []


def test_csv_export(tmp_path: Path) -> None:
    store = VoteStore(tmp_path)
    store.add(arena="x", prompt="p, with comma", left_key="a", right_key="b", left_contestant="A",
              right_contestant="B", choice="right")
    text = store.to_csv(tmp_path / "votes.csv", arena="x")
    assert (tmp_path / "votes.csv").read_text() == text
    header, row = text.splitlines()
    assert header.endswith(",choice,at,winner") and '"p, with comma"' in row and row.endswith(",B")
