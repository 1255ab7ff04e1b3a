"""Answers lost after the server acted, and processes killed at the worst moment, over real
loopback HTTP against the embedded server with its fault injection (`late`, `cut`).

- SIGKILL after the server made three same-prompt variations, before any answer arrived: resume
  attaches each ledger row to its own video, downloads three files; the server made three jobs.
- A create whose answer comes after the read timeout: the retry reuses the Idempotency-Key, the
  server answers with the job it already made; nothing is made twice or marked unknown.
- A body cut mid-download: retried, no partial file left, the file's sha256 is the server's.
- SIGKILL while downloading: resume finishes the download.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sora_widgets import SoraClient
from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner, reset_session_spend, resume
from sora_widgets.models import VideoRequest
from sora_widgets.server.config import FaultConfig, ServerConfig
from sora_widgets.server.embedded import EmbeddedServer, start_server
from tests._serve import REPO, server_jobs

pytestmark = pytest.mark.reliability

KEY = "kill-resume-secret-0123456789"
TINY = {"model": "animatic", "seconds": 1, "size": "320x180"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    reset_session_spend()
    srv = start_server(ServerConfig(data_dir=tmp_path / "srv", api_key=KEY, generation_time=0.2, poll_after_ms=50))
    try:
        yield srv
    finally:
        srv.stop()
    assert srv.stats.unexpected_errors == 0


def _options(server: EmbeddedServer, out: Path, **more: object) -> dict[str, object]:
    return {"backend": "local", "base_url": server.base_url, "api_key": KEY, "output_dir": out, **more}


def _settings(server: EmbeddedServer, out: Path, **more: object) -> Settings:
    return Settings(_env_file=None, **_options(server, out, poll_interval=0.05, **more))  # type: ignore[arg-type]


def _rows(out: Path) -> list[dict[str, object]]:
    with sqlite3.connect(out / "ledger.sqlite") as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM jobs ORDER BY created_at")]


def _rows_soon(out: Path) -> list[dict[str, object]]:
    """The rows, or none while the ledger file is still being created by the other process."""
    try:
        return _rows(out) if (out / "ledger.sqlite").exists() else []
    except sqlite3.OperationalError:
        return []


def _child(server: EmbeddedServer, out: Path, code: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SORA_BACKEND": "local", "SORA_BASE_URL": server.base_url, "SORA_API_KEY": KEY,
           "SORA_OUTPUT_DIR": str(out), "SORA_POLL_INTERVAL": "0.05"}
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=REPO)


def _wait_for(what: str, check: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _server_sha(server: EmbeddedServer, video_id: str) -> str:
    return hashlib.sha256((server.data_dir / "videos" / video_id / "video.mp4").read_bytes()).hexdigest()


@pytest.mark.timeout(180)
def test_sigkill_after_three_variations_were_made_resume_attaches_each_its_own(
        server: EmbeddedServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    # every create is answered 60 s late: the server makes the jobs, the client never hears back
    server.set_faults(FaultConfig(rates={"late": 1.0}, operations={"late": frozenset({"create"})},
                                  slow_seconds=60))
    code = ("import time\n"
            "from sora_widgets.jobs import default_runner\n"
            "from sora_widgets.models import VideoRequest\n"
            "r = default_runner()\n"
            f"req = VideoRequest(prompt='three paper boats on a pond', **{TINY!r})\n"
            "r.submit_many(r.variations(req, 3), labels=['v1', 'v2', 'v3'], background=True)\n"
            "time.sleep(600)\n")
    child = _child(server, out, code)
    try:
        _wait_for("three jobs on the server", lambda: len(server_jobs(server.data_dir)) == 3)
        time.sleep(0.3)
        assert child.poll() is None
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    rows = _rows(out)
    assert len(rows) == 3 and all(r["video_id"] is None and r["status"] == "submitting" for r in rows)
    seeds = sorted(json.loads(str(r["request"]))["seed"] for r in rows)
    assert len(set(seeds)) == 3  # three variations: three different requests
    server.set_faults(FaultConfig())
    states = resume(**_options(server, out))  # type: ignore[arg-type]
    assert [s.status for s in states] == ["completed"] * 3
    made = sorted(p.name for p in server_jobs(server.data_dir))
    assert sorted(s.video_id for s in states) == made  # each row its own video; exactly three made
    for state in states:
        assert state.path is not None and hashlib.sha256(state.path.read_bytes()).hexdigest() == state.sha256
        assert state.sha256 == _server_sha(server, str(state.video_id))
        job = json.loads((server.data_dir / "videos" / str(state.video_id) / "job.json").read_text())
        assert job["spec"]["seed"] == state.request.seed  # the row's own variation, not a sibling's
    assert len({s.path for s in states}) == 3


@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", ["runner", "client"])
def test_create_answered_after_the_read_timeout_is_found_not_made_again(
        server: EmbeddedServer, tmp_path: Path, path: str) -> None:
    out = tmp_path / "out"
    # seed 1: the first create is answered late (after the 0.5 s read timeout), its retry is not
    server.set_faults(FaultConfig(rates={"late": 0.5}, operations={"late": frozenset({"create"})}, seed=1,
                                  slow_seconds=2.0))
    settings = _settings(server, out, timeout=0.5, max_retries=2)
    request = VideoRequest(prompt="a lighthouse at night", **TINY)  # type: ignore[arg-type]
    if path == "runner":
        state = JobRunner(settings).run(request)
        status, video_id, file = state.status, state.video_id, state.path
    else:
        with SoraClient(settings=settings) as client:
            result = client.generate(request)
        status, video_id, file = "completed", result.video.id, result.path
    assert status == "completed" and file is not None and file.is_file()
    assert server.stats.faults >= 1  # the late answer did strike
    made = [p.name for p in server_jobs(server.data_dir)]
    assert made == [video_id]  # found, not made again
    [row] = _rows(out)
    assert row["video_id"] == video_id and row["status"] == "completed"
    keys = list((server.data_dir / "idempotency").iterdir())
    assert len(keys) == 1  # one Idempotency-Key for the create and its retry


@pytest.mark.timeout(120)
def test_body_cut_mid_download_is_retried_and_verified(server: EmbeddedServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with SoraClient(settings=_settings(server, out)) as client:
        video = client.create_and_poll(prompt="waves on rocks, slow pan", **TINY)
        assert video.ok
        # seed 1: the first content request is cut halfway, the retry is whole
        server.set_faults(FaultConfig(rates={"cut": 0.5}, operations={"cut": frozenset({"content"})}, seed=1))
        faults_before = server.stats.faults
        path = client.download(video.id)
    assert server.stats.faults == faults_before + 1  # a cut happened, and the download survived it
    assert hashlib.sha256(path.read_bytes()).hexdigest() == _server_sha(server, video.id)
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]
    [row] = _rows(out)
    assert row["sha256"] == _server_sha(server, video.id) and row["path"] == str(path)


@pytest.mark.timeout(180)
def test_sigkill_while_downloading_then_resume_finishes_the_download(server: EmbeddedServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    # the content answer is held back: the client sits in its download when it is killed
    server.set_faults(FaultConfig(rates={"late": 1.0}, operations={"late": frozenset({"content"})},
                                  slow_seconds=60))
    code = ("import time\n"
            "from sora_widgets.jobs import default_runner\n"
            "from sora_widgets.models import VideoRequest\n"
            f"default_runner().submit(VideoRequest(prompt='a kite at dawn', **{TINY!r}), background=True)\n"
            "time.sleep(600)\n")
    child = _child(server, out, code)
    try:
        _wait_for("the download to start", lambda: [r["status"] for r in _rows_soon(out)] == ["downloading"])
        time.sleep(0.3)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    [row] = _rows(out)
    assert row["status"] == "downloading" and row["path"] is None
    server.set_faults(FaultConfig())
    [state] = resume(**_options(server, out))  # type: ignore[arg-type]
    assert state.status == "completed" and state.video_id == row["video_id"]
    assert state.path is not None and state.sha256 == _server_sha(server, str(state.video_id))
    assert [p.name for p in server_jobs(server.data_dir)] == [row["video_id"]]
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


@pytest.mark.timeout(120)
def test_a_plain_client_script_killed_mid_job_is_resumed(server: EmbeddedServer, tmp_path: Path) -> None:
    """No runner, no notebook: `SoraClient().generate()` in a script records its job in the ledger,
    so `sora_widgets.resume()` finishes it after the script is killed."""
    out = tmp_path / "out"
    server.config.generation_time = 3.0
    code = ("from sora_widgets import SoraClient\n"
            f"SoraClient().generate('a heron in the reeds', **{TINY!r})\n")
    child = _child(server, out, code)
    try:
        _wait_for("the job's id in the ledger", lambda: any(r["video_id"] for r in _rows_soon(out)))
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    [row] = _rows(out)
    assert row["status"] in ("queued", "in_progress") and row["op"] == "create"
    from sora_widgets import resume as resume_top

    [state] = resume_top(**_options(server, out))  # type: ignore[arg-type]
    assert state.status == "completed" and state.video_id == row["video_id"]
    assert state.sha256 == _server_sha(server, str(state.video_id))
    assert [p.name for p in server_jobs(server.data_dir)] == [row["video_id"]]


@pytest.mark.timeout(120)
def test_resume_leaves_another_live_kernels_jobs_alone(server: EmbeddedServer, tmp_path: Path) -> None:
    """Two kernels on one folder: a resume (a new Studio, `%sora resume`) in one must not take over
    the jobs the other is still running; once that kernel is dead, it may."""
    out = tmp_path / "out"
    server.config.generation_time = 3.0
    code = ("import time\n"
            "from sora_widgets.jobs import default_runner\n"
            "from sora_widgets.models import VideoRequest\n"
            f"default_runner().submit(VideoRequest(prompt='a slow dolly shot', **{TINY!r}), background=True)\n"
            "time.sleep(600)\n")
    child = _child(server, out, code)
    try:
        _wait_for("the job's id in the ledger", lambda: any(r["video_id"] for r in _rows_soon(out)))
        assert resume(**_options(server, out)) == []  # type: ignore[arg-type]  # the other kernel works on it
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    [state] = resume(**_options(server, out))  # type: ignore[arg-type]
    assert state.status == "completed"
    [row] = _rows(out)
    assert row["owner_pid"] == os.getpid()  # adopted by the resuming process
    assert len(server_jobs(server.data_dir)) == 1


@pytest.mark.timeout(180)
def test_fingerprint_resume_against_the_real_server_listing(server: EmbeddedServer, tmp_path: Path) -> None:
    """On a backend that does not replay keys (`openai` dialect), lost creates are found in the
    server's real listing by their whole request: each its own video; look-alikes wait for a choice."""
    out = tmp_path / "out"
    server.set_faults(FaultConfig(rates={"late": 1.0}, operations={"late": frozenset({"create"})},
                                  slow_seconds=5))
    settings = Settings(_env_file=None, backend="openai", base_url=server.base_url, api_key=KEY,  # type: ignore[call-arg]
                        output_dir=out, timeout=0.5, max_retries=0, poll_interval=0.05)
    runner = JobRunner(settings)
    own = [VideoRequest(prompt="two lengths of one shot", model="sora-2", size="720x1280", seconds=s) for s in (4, 8)]
    twins = [VideoRequest(prompt="twin shots", model="sora-2", size="720x1280", seconds=4)] * 2
    states = [runner.wait(j) for j in runner.submit_many([*own, *twins], background=True)]
    assert [s.status for s in states] == ["interrupted"] * 4 and all(s.video_id is None for s in states)
    _wait_for("four jobs on the server", lambda: len(server_jobs(server.data_dir)) == 4)
    server.set_faults(FaultConfig())
    resumed = {s.key: s for s in JobRunner(settings.with_(timeout=10)).resume_blocking()}
    first, second, twin_a, twin_b = (resumed[s.key] for s in states)
    assert first.status == second.status == "completed"
    for state in (first, second):
        job = json.loads((server.data_dir / "videos" / str(state.video_id) / "job.json").read_text())
        assert int(job["video"]["seconds"]) == state.request.seconds  # its own length, not its sibling's
    assert twin_a.status == twin_b.status == "needs_choice"
    assert sorted(twin_a.candidates) == sorted(twin_b.candidates) and len(twin_a.candidates) == 2
    assert len(server_jobs(server.data_dir)) == 4  # nothing made twice
