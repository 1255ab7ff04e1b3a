"""The shared job path against the in-memory server: ledger, budget, batch, resume."""

from __future__ import annotations

import _thread
import asyncio
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sora_widgets.config import Settings
from sora_widgets.errors import BudgetExceededError, InvalidRequestError, PollInterrupted
from sora_widgets.jobs import JobRunner, Ledger, reset_session_spend
from sora_widgets.models import VideoRequest

from ..fakes import FakeVideos, connection_drop, error_response


@pytest.fixture(autouse=True)
def _fresh_budget() -> None:
    reset_session_spend()


def make_runner(fake: FakeVideos, tmp_path: Path, **settings) -> JobRunner:
    s = Settings(_env_file=None, backend="openai", base_url="http://fake.test/v1", api_key=fake.key,
                 output_dir=tmp_path / "out", **settings)
    return JobRunner(s, transport=fake.transport(), sync_transport=fake.transport())


def test_run_blocking_records_everything(fake: FakeVideos, tmp_path: Path) -> None:
    runner = make_runner(fake, tmp_path)
    seen: list[str] = []
    state = runner.run(VideoRequest(prompt="a kite", seconds=4), on_update=lambda s: seen.append(s.status))
    assert state.ok and state.path and state.path.read_bytes() == fake.content
    assert state.estimated_cost == pytest.approx(0.4)
    assert seen[-1] == "completed" and "downloading" in seen
    row = runner.ledger.get(state.key)
    assert row["video_id"] == state.video_id and row["status"] == "completed"
    assert row["sha256"] and row["path"] == str(state.path)
    assert row["request"]["prompt"] == "a kite"
    statuses = [s for _, s, _ in runner.ledger.events(state.key)]
    assert statuses[0] == "pending" and statuses[-1] == "completed" and "submitting" in statuses
    assert runner.ledger.spend() == pytest.approx(0.4)
    report = runner.ledger.spend_report()
    assert report["backend"] == {"openai": 0.4} and report["model"] == {"sora-2": 0.4}


def test_intent_is_written_before_the_create(fake: FakeVideos, tmp_path: Path) -> None:
    runner = make_runner(fake, tmp_path)
    rows_at_create: list[int] = []

    def spy(request):
        rows_at_create.append(len(runner.ledger.rows()))
        return connection_drop(request)

    fake.script.extend([("/videos", spy)] * 3)
    state = runner.run("a heron")
    assert rows_at_create and rows_at_create[0] == 1  # the row existed before the first byte was sent
    assert state.status == "interrupted" and "resume" in state.error
    assert runner.ledger.get(state.key)["status"] == "interrupted"


def test_failure_is_one_line_and_final(fake: FakeVideos, tmp_path: Path) -> None:
    fake.fail_with = "moderation_blocked"
    runner = make_runner(fake, tmp_path)
    state = runner.run("blocked words")
    assert state.status == "failed" and state.error_code == "moderation_blocked"
    assert "\n" not in state.error and "moderation" in state.error
    assert runner.ledger.unfinished() == []
    assert runner.ledger.spend() == 0


def test_budget_refuses_before_sending(fake: FakeVideos, tmp_path: Path) -> None:
    runner = make_runner(fake, tmp_path, budget_session=1.0)
    runner.run(VideoRequest(prompt="one", seconds=8))  # $0.80
    with pytest.raises(BudgetExceededError, match=r"about \$0.40.*\$0.80 of its \$1.00") as info:
        runner.submit(VideoRequest(prompt="two", seconds=4))
    assert "nothing was sent" in str(info.value)
    assert fake.creates == 1 and len(runner.ledger.rows()) == 1


def test_total_budget_counts_the_ledger(fake: FakeVideos, tmp_path: Path) -> None:
    make_runner(fake, tmp_path).run(VideoRequest(prompt="one", seconds=8))
    reset_session_spend()  # a new kernel: the session is empty, the ledger is not
    runner = make_runner(fake, tmp_path, budget_total=1.0)
    with pytest.raises(BudgetExceededError, match="total budget"):
        runner.submit_many([VideoRequest(prompt="a", seconds=4)] * 2)  # 0.8 + 0.8 > 1.0
    assert fake.creates == 1


def test_invalid_request_raises_at_submit(fake: FakeVideos, tmp_path: Path) -> None:
    runner = make_runner(fake, tmp_path)
    with pytest.raises(InvalidRequestError, match="allowed seconds"):
        runner.submit(VideoRequest(prompt="x", seconds=7))
    assert fake.requests == [] and runner.ledger.rows() == []


def test_batch_bounded_concurrency_and_isolated_failures(fake: FakeVideos, tmp_path: Path) -> None:
    fake.steps = 3
    runner = make_runner(fake, tmp_path, concurrency=2)
    peak = [0]
    lock = threading.Lock()
    fake.script.append(("/videos", error_response(400, "Invalid value for 'prompt'")))
    reqs = [VideoRequest(prompt=f"shot {i}") for i in range(6)]
    jobs = runner.submit_many(reqs, background=True, labels=[f"v{i}" for i in range(6)])

    def track(state):
        with lock:
            active = sum(1 for j in jobs if j.state.status in ("submitting", "queued", "in_progress", "downloading"))
            peak[0] = max(peak[0], active)

    for j in jobs:
        j.observe(track)
    states = [runner.wait(j) for j in jobs]
    assert sum(s.ok for s in states) == 5
    assert [s.status for s in states].count("failed") == 1
    assert peak[0] <= 2
    assert len(runner.ledger.rows()) == 6


def test_variations_differ_by_seed(fake: FakeVideos, tmp_path: Path) -> None:
    # a model that takes a seed (the local animatic): n requests, n consecutive distinct seeds
    local = JobRunner(Settings(_env_file=None, backend="local", output_dir=tmp_path / "l"),  # type: ignore[call-arg]
                      transport=fake.transport(), sync_transport=fake.transport())
    req = VideoRequest(prompt="a kite", model="animatic")
    seeds = [r.seed for r in local.variations(req, 3)]
    assert len(set(seeds)) == 3 and seeds == [seeds[0], seeds[0] + 1, seeds[0] + 2]
    assert [r.seed for r in local.variations(req, 3)] == seeds  # stable: the same prompt, the same seeds
    assert [r.prompt for r in local.variations(req, 3)] == ["a kite"] * 3
    assert [r.seed for r in local.variations(req.with_(seed=10), 2)] == [10, 11]
    # sora-2 on openai takes no seed: identical copies, no seed invented
    runner = make_runner(fake, tmp_path)
    copies = runner.variations(VideoRequest(prompt="x", seed=10), 3)
    assert len(copies) == 3 and all(c == copies[0] for c in copies)
    with pytest.raises(InvalidRequestError):
        runner.variations(VideoRequest(prompt="x"), 5)
    labels = [label for label, _ in JobRunner.grid(VideoRequest(prompt="x"), seconds=[4, 8], size=["1280x720"])]
    assert labels == ["seconds=4, size=1280x720", "seconds=8, size=1280x720"]


def test_interrupt_keeps_job_resumable_then_resume_finishes(fake: FakeVideos, tmp_path: Path) -> None:
    fake.steps = 10_000
    runner = make_runner(fake, tmp_path)
    job = runner.submit("a long one", background=True)

    def ctrl_c_once_polling() -> None:  # a real Ctrl-C: KeyboardInterrupt in the main thread's wait
        while not (job.state.video_id and fake.jobs[job.state.video_id]["polls"] >= 2):
            time.sleep(0.01)
        _thread.interrupt_main()

    threading.Thread(target=ctrl_c_once_polling, daemon=True).start()
    with pytest.raises(PollInterrupted) as info:
        runner.wait(job)
    assert info.value.video_id == job.state.video_id
    final = job.wait(5)
    assert final.status == "interrupted"
    assert runner.ledger.get(job.key)["status"] == "interrupted"
    # a new "kernel": a new runner on the same output folder
    fake.steps = 1
    fresh = make_runner(fake, tmp_path)
    states = fresh.resume_blocking()
    assert [s.status for s in states] == ["completed"] and states[0].video_id == job.state.video_id
    assert fake.creates == 1


def test_resume_without_id_looks_up_instead_of_recreating(fake: FakeVideos, tmp_path: Path) -> None:
    runner = make_runner(fake, tmp_path)
    # The create reaches the server, but the response is lost and retries are exhausted.
    def lost_after_create(request):
        fake._route(request, "/videos")
        return connection_drop(request)

    fake.script.extend([("/videos", lost_after_create)] + [("/videos", connection_drop)] * 2)
    state = runner.run("the lost response")
    assert state.status == "interrupted" and state.video_id is None
    assert fake.creates == 1
    fresh = make_runner(fake, tmp_path)
    states = fresh.resume_blocking()
    assert [s.status for s in states] == ["completed"] and fake.creates == 1


def test_resume_gives_up_honestly_when_not_found(fake: FakeVideos, tmp_path: Path) -> None:
    runner = make_runner(fake, tmp_path)
    fake.script.extend([("/videos", connection_drop)] * 3)
    state = runner.run("never arrived")
    assert state.status == "interrupted"
    states = make_runner(fake, tmp_path).resume_blocking()
    assert states[0].status == "unknown" and "not created again" in states[0].error
    assert fake.creates == 0


async def test_jobs_run_on_the_current_loop(fake: FakeVideos, tmp_path: Path) -> None:
    runner = make_runner(fake, tmp_path)
    job = runner.submit("on the loop")
    assert job.loop is asyncio.get_running_loop()
    state = await job
    assert state.ok


async def test_cancel_ends_cancelled(fake: FakeVideos, tmp_path: Path) -> None:
    fake.steps = 10_000
    runner = make_runner(fake, tmp_path)
    job = runner.submit("cancel me")
    while job.state.video_id is None:
        await asyncio.sleep(0.01)
    job.cancel()
    state = await job
    assert state.status == "cancelled" and runner.ledger.unfinished() == []


def test_ledger_survives_reopen(fake: FakeVideos, tmp_path: Path) -> None:
    state = make_runner(fake, tmp_path).run(VideoRequest(prompt="kept", seconds=4))
    # another process opens the file afresh: the row, its file and its history are all there
    code = ("import json, sys; from sora_widgets.jobs import Ledger; l = Ledger(sys.argv[1]); r = l.get(sys.argv[2]); "
            "print(json.dumps([r['video_id'], r['status'], r['path'], r['sha256'], r['request']['prompt'], "
            "[e[1] for e in l.events(sys.argv[2])]]))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out"), state.key], capture_output=True,
                          text=True, check=True)
    video_id, status, path, sha, prompt, events = json.loads(done.stdout)
    assert (video_id, status, path, sha, prompt) == (state.video_id, "completed", str(state.path), state.sha256, "kept")
    assert events[0] == "pending" and events[-1] == "completed"
    assert Ledger(tmp_path / "out").unfinished() == []


def test_resume_of_a_job_already_finished_on_the_server_downloads_it(fake: FakeVideos, tmp_path: Path) -> None:
    # regression: a lookup that found a completed job published "completed" before the download
    runner = make_runner(fake, tmp_path)

    def lost_after_create(request):
        fake._route(request, "/videos")
        return connection_drop(request)

    fake.script.extend([("/videos", lost_after_create)] + [("/videos", connection_drop)] * 2)
    assert runner.run("finished while we were away").status == "interrupted"
    vid = next(iter(fake.jobs))
    for _ in range(fake.steps):
        fake._poll(vid)
    assert fake.jobs[vid]["video"]["status"] == "completed"
    states = make_runner(fake, tmp_path).resume_blocking()
    assert states[0].ok and states[0].path.read_bytes() == fake.content


def test_cancel_before_the_background_task_exists_is_honoured(fake: FakeVideos, tmp_path: Path) -> None:
    from sora_widgets.jobs.state import Job, JobState

    job = Job(JobState(request=VideoRequest(prompt="x"), backend="openai"))
    job.cancel()  # nothing to cancel yet: remembered

    async def never() -> JobState:
        await asyncio.sleep(30)
        return job.state

    loop = asyncio.new_event_loop()
    try:
        task = loop.create_task(never())
        job.attach(task, loop)
        with pytest.raises(asyncio.CancelledError):
            loop.run_until_complete(task)
    finally:
        loop.close()
