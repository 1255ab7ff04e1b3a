"""The budget guard in one process: the session spans every runner, client and folder; reservations
of dead processes stop counting after the hold window; settings survive a backend switch."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sora_widgets import SoraClient
from sora_widgets.config import Settings
from sora_widgets.errors import BudgetExceededError
from sora_widgets.jobs import JobRunner, JobState, Ledger, reset_default_runner, reset_session_spend
from sora_widgets.jobs.ledger import RESERVATION_HOLD
from sora_widgets.models import VideoRequest

from ..fakes import FakeVideos


@pytest.fixture(autouse=True)
def _fresh() -> None:
    reset_session_spend()
    reset_default_runner()


def _settings(fake: FakeVideos, out: Path, **more: object) -> Settings:
    return Settings(_env_file=None, backend="openai", base_url="http://fake.test/v1", api_key=fake.key,  # type: ignore[call-arg]
                    output_dir=out, **more)


def test_session_budget_counts_every_runner_client_and_folder(fake: FakeVideos, tmp_path: Path) -> None:
    a = JobRunner(_settings(fake, tmp_path / "a", budget_session=1.0), transport=fake.transport(),
                  sync_transport=fake.transport())
    b = JobRunner(_settings(fake, tmp_path / "b", budget_session=1.0), transport=fake.transport(),
                  sync_transport=fake.transport())
    assert a.run(VideoRequest(prompt="one", seconds=8)).ok  # $0.80 in folder a
    with pytest.raises(BudgetExceededError, match=r"this session has \$0.80 of its \$1.00"):
        b.submit(VideoRequest(prompt="two", seconds=4))  # another runner, another folder: same session
    client = SoraClient(settings=_settings(fake, tmp_path / "c", budget_session=1.0), transport=fake.transport())
    with pytest.raises(BudgetExceededError, match="this session"):
        client.create(prompt="three", seconds="4")
    assert fake.creates == 1
    assert Ledger(tmp_path / "b").rows() == [] and Ledger(tmp_path / "c").rows() == []


def test_a_failed_job_releases_its_money(fake: FakeVideos, tmp_path: Path) -> None:
    fake.fail_with = "moderation_blocked"
    runner = JobRunner(_settings(fake, tmp_path, budget_total=1.0), transport=fake.transport(),
                       sync_transport=fake.transport())
    assert runner.run(VideoRequest(prompt="blocked", seconds=8)).status == "failed"
    fake.fail_with = None
    assert runner.run(VideoRequest(prompt="allowed", seconds=8)).ok  # the failed $0.80 is not counted
    assert runner.ledger.committed() == pytest.approx(0.8)


def test_plain_client_records_its_jobs_and_settles_them(fake: FakeVideos, tmp_path: Path) -> None:
    client = SoraClient(settings=_settings(fake, tmp_path, budget_total=1.0), transport=fake.transport())
    result = client.generate("a heron", seconds=4)
    row = Ledger(tmp_path).get(result.video.id)
    assert row is not None and row["status"] == "completed" and row["path"] == str(result.path)
    assert row["sha256"] == result.sha256 and row["estimated_cost"] == pytest.approx(0.4)
    assert row["owner_pid"] is not None and row["idempotency_key"] == fake.requests[0].headers["idempotency-key"]
    with pytest.raises(BudgetExceededError, match=r"\$0.40 of the \$1.00 total budget"):
        client.create(prompt="too much", seconds="8")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _reservation(ledger: Ledger, *, pid: int, age: float, video_id: str | None = None,
                 status: str = "submitting") -> None:
    state = JobState(request=VideoRequest(prompt="held", model="sora-2", seconds=8), backend="openai",
                     estimated_cost=0.8, status=status, video_id=video_id)
    ledger.reserve([state], session="other", check=lambda *_: None)
    with sqlite3.connect(ledger.path) as db:
        db.execute("UPDATE jobs SET owner_pid=?, updated_at=? WHERE key=?", (pid, time.time() - age, state.key))


def test_reservations_of_dead_processes_expire_after_the_hold(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    dead = _dead_pid()
    _reservation(ledger, pid=dead, age=RESERVATION_HOLD + 60)  # a crash long ago: no longer blocks
    assert ledger.committed() == 0
    _reservation(ledger, pid=dead, age=60)  # a crash a minute ago: its create may have reached the server
    assert ledger.committed() == pytest.approx(0.8)
    _reservation(ledger, pid=dead, age=RESERVATION_HOLD + 60, video_id="video_x", status="interrupted")
    assert ledger.committed() == pytest.approx(1.6)  # the server has that job: its money is real, always
    _reservation(ledger, pid=dead, age=1, status="pending")  # queued in the dead process, never sent
    assert ledger.committed() == pytest.approx(1.6)
    import os

    _reservation(ledger, pid=os.getpid(), age=RESERVATION_HOLD + 60)  # a live owner holds it however old
    assert ledger.committed() == pytest.approx(2.4)


def test_old_ledgers_get_the_money_columns(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "ledger.sqlite") as db:
        db.execute("CREATE TABLE jobs (key TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL, backend TEXT NOT NULL, "
                   "base_url TEXT, op TEXT NOT NULL, parent_id TEXT, label TEXT, model TEXT, prompt TEXT NOT NULL, "
                   "request TEXT NOT NULL, video_id TEXT, status TEXT NOT NULL, progress INTEGER NOT NULL DEFAULT 0, "
                   "error TEXT, error_code TEXT, estimated_cost REAL NOT NULL DEFAULT 0, actual_cost REAL, "
                   "created_at REAL NOT NULL, submitted_at REAL, finished_at REAL, expires_at REAL, path TEXT, "
                   "sha256 TEXT, thumbnail TEXT, group_id TEXT, updated_at REAL NOT NULL)")
        db.execute("INSERT INTO jobs (key, idempotency_key, backend, op, prompt, request, status, estimated_cost, "
                   "created_at, updated_at) VALUES ('k', 'i', 'openai', 'create', 'p', '{\"prompt\": \"p\"}', "
                   "'completed', 0.4, 1, 1)")
    for _ in range(2):  # idempotent
        ledger = Ledger(tmp_path)
        assert ledger.committed() == pytest.approx(0.4)
        assert ledger.get("k")["candidates"] == []


def test_settings_survive_a_backend_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`%sora config budget_session=1` applies to the runner the Studio and the magics build for
    another backend (it used to be rebuilt from the environment alone)."""
    from sora_widgets import jobs
    from sora_widgets.magics import SoraMagics
    from sora_widgets.magics.settings import apply_config

    monkeypatch.setenv("SORA_OUTPUT_DIR", str(tmp_path / "out"))
    apply_config({"budget_session": "1", "seconds": "8"})
    base = jobs.default_runner()
    other = jobs.runner_for("openai")
    assert other is not base and other is jobs.runner_for("openai")  # one runner per backend, shared
    assert other.settings.budget_session == 1.0 and other.settings.seconds == 8
    assert other.settings.output_dir == base.settings.output_dir and other.settings.base_url is None
    assert SoraMagics().runner_for("openai") is other
    pytest.importorskip("ipywidgets")
    from sora_widgets.widgets.studio import Studio, runner_for

    assert runner_for("openai") is other
    studio = Studio(resume=False)
    assert studio._runner("openai").settings.budget_session == 1.0


def test_plain_client_releases_a_refused_create_and_holds_a_lost_one(fake: FakeVideos, tmp_path: Path) -> None:
    from sora_widgets.errors import APIConnectionError, APIStatusError

    from ..fakes import connection_drop, error_response

    client = SoraClient(settings=_settings(fake, tmp_path, budget_total=1.0, max_retries=0), transport=fake.transport())
    fake.script.append(("/videos", error_response(400, "Invalid value for 'prompt'")))
    with pytest.raises(APIStatusError):
        client.create(prompt="refused", seconds="8")
    fake.script.append(("/videos", connection_drop))
    with pytest.raises(APIConnectionError):
        client.create(prompt="lost", seconds="8")
    rows = {r["prompt"]: r for r in Ledger(tmp_path).rows()}
    assert rows["refused"]["status"] == "failed" and rows["lost"]["status"] == "interrupted"
    # the refusal made nothing; the lost create may exist on the server: its $0.80 stays reserved
    assert Ledger(tmp_path).committed() == pytest.approx(0.8)
    with pytest.raises(BudgetExceededError, match=r"\$0.80 of the \$1.00 total budget"):
        client.create(prompt="more", seconds="4")


def test_an_unwritable_output_folder_is_one_line_and_sends_nothing(fake: FakeVideos, tmp_path: Path) -> None:
    from sora_widgets.errors import ConfigurationError

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    client = SoraClient(settings=_settings(fake, blocker / "out"), transport=fake.transport())
    with pytest.raises(ConfigurationError, match="cannot open the job ledger") as info:
        client.create(prompt="nowhere to record it", seconds="4")
    assert "\n" not in str(info.value) and "SORA_OUTPUT_DIR" in str(info.value)
    assert fake.creates == 0


def test_a_studio_follows_config_changes_made_after_it_was_built(fake: FakeVideos, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("ipywidgets")
    from sora_widgets.magics.settings import apply_config
    from sora_widgets.widgets.studio import Studio

    monkeypatch.setenv("SORA_OUTPUT_DIR", str(tmp_path / "out"))
    monkeypatch.setenv("OPENAI_API_KEY", fake.key)  # the openai backend's own key variable
    studio = Studio(resume=False)
    apply_config({"budget_session": "0.1"})
    studio.parameters.set_backend("openai")  # a switch after the config change
    assert studio.runner.backend == "openai" and studio.runner.settings.budget_session == 0.1
    assert studio.generate("a kite over the dunes") == []  # refused before anything is sent
    assert "this session" in studio.message.value and "$0.10" in studio.message.value
    studio.parameters.set_backend("local")
    apply_config({"seconds": "2"})  # changed without a switch: the next generate uses it
    studio.generate("a kite")
    assert studio.runner.settings.seconds == 2 and studio.runner.settings.budget_session == 0.1
