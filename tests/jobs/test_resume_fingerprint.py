"""Resume on a backend that does not de-duplicate by Idempotency-Key (`openai`): a lost job is
found by its full request fingerprint, never by its prompt alone, never on a video another row
holds, and never by guessing between look-alikes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from sora_widgets.config import Settings
from sora_widgets.errors import InvalidRequestError
from sora_widgets.jobs import JobRunner, reset_session_spend
from sora_widgets.models import VideoRequest

from ..fakes import FakeVideos, connection_drop


@pytest.fixture(autouse=True)
def _fresh() -> None:
    reset_session_spend()


def _runner(fake: FakeVideos, tmp_path: Path) -> JobRunner:
    s = Settings(_env_file=None, backend="openai", base_url="http://fake.test/v1", api_key=fake.key,  # type: ignore[call-arg]
                 output_dir=tmp_path / "out", max_retries=0, poll_interval=0.01)
    return JobRunner(s, transport=fake.transport(), sync_transport=fake.transport())


def _lose_answers(fake: FakeVideos, n: int) -> None:
    """The next `n` creates reach the server, but their answers are lost."""
    def lost(request: httpx.Request) -> httpx.Response:
        fake._route(request, "/videos")
        return connection_drop(request)

    fake.script.extend([("/videos", lost)] * n)


def test_each_lost_job_gets_the_video_matching_its_whole_request(fake: FakeVideos, tmp_path: Path) -> None:
    runner = _runner(fake, tmp_path)
    _lose_answers(fake, 3)
    reqs = [VideoRequest(prompt="one prompt, three lengths", seconds=s) for s in (4, 8, 12)]
    states = [runner.wait(j) for j in runner.submit_many(reqs, background=True)]
    assert [s.status for s in states] == ["interrupted"] * 3 and fake.creates == 3
    resumed = {s.key: s for s in _runner(fake, tmp_path).resume_blocking()}
    assert [resumed[s.key].status for s in states] == ["completed"] * 3
    for state in states:
        video = fake.jobs[str(resumed[state.key].video_id)]["video"]
        assert video["seconds"] == str(state.request.seconds)  # its own length, not a sibling's
    assert len({s.video_id for s in resumed.values()}) == 3 and fake.creates == 3


def test_look_alikes_wait_for_the_users_choice(fake: FakeVideos, tmp_path: Path) -> None:
    runner = _runner(fake, tmp_path)
    _lose_answers(fake, 2)
    jobs = runner.submit_many([VideoRequest(prompt="twin boats", seconds=4)] * 2, background=True)
    assert [runner.wait(j).status for j in jobs] == ["interrupted"] * 2
    fresh = _runner(fake, tmp_path)
    states = fresh.resume_blocking()
    made = sorted(fake.jobs)
    assert [s.status for s in states] == ["needs_choice"] * 2  # never attached silently
    assert all(sorted(s.candidates) == made and "your choice" in (s.error or "") for s in states)
    rows = fresh.ledger.rows(status=("needs_choice",))
    assert [sorted(r["candidates"]) for r in rows] == [made, made] and all(r["video_id"] is None for r in rows)
    assert fresh.resume_blocking() == []  # waiting for the user, not retried behind their back
    first = fresh.wait(fresh.choose(states[0].key, made[0], background=True))
    assert first.status == "completed" and first.video_id == made[0]
    with pytest.raises(InvalidRequestError, match="already belongs to another job"):
        fresh.choose(states[1].key, made[0])
    second = fresh.wait(fresh.choose(states[1].key, made[1], background=True))
    assert second.status == "completed" and fake.creates == 2


def test_a_video_claimed_by_another_row_is_skipped(fake: FakeVideos, tmp_path: Path) -> None:
    runner = _runner(fake, tmp_path)
    done = runner.run(VideoRequest(prompt="the same shot", seconds=4))  # answered: its row holds the video
    _lose_answers(fake, 1)
    lost = runner.run(VideoRequest(prompt="the same shot", seconds=4))  # the same request again, answer lost
    assert done.ok and lost.status == "interrupted" and fake.creates == 2
    [state] = _runner(fake, tmp_path).resume_blocking()
    assert state.status == "completed" and state.video_id != done.video_id and fake.creates == 2


def test_a_job_from_outside_the_time_window_is_not_taken(fake: FakeVideos, tmp_path: Path) -> None:
    old = fake._video("video_old", "an old shot", "sora-2", "4", "720x1280")
    old["created_at"] -= 3600  # the same request, made an hour before this job's intent
    fake.jobs["video_old"]["video"]["status"] = "completed"
    runner = _runner(fake, tmp_path)
    fake.script.append(("/videos", connection_drop))  # this time the create never arrives
    assert runner.run(VideoRequest(prompt="an old shot", seconds=4)).status == "interrupted"
    [state] = _runner(fake, tmp_path).resume_blocking()
    assert state.status == "unknown" and state.video_id is None


def test_choices_are_listed_in_status_and_settled_by_resume_or_the_card(fake: FakeVideos, tmp_path: Path) -> None:
    from sora_widgets.magics.commands import Commands

    runner = _runner(fake, tmp_path)
    _lose_answers(fake, 2)
    jobs = runner.submit_many([VideoRequest(prompt="twin kites", seconds=4)] * 2, background=True)
    [runner.wait(j) for j in jobs]
    waiting = _runner(fake, tmp_path).resume_blocking()
    made = sorted(fake.jobs)
    fresh = _runner(fake, tmp_path)  # a new kernel: `%sora status` reads the choices from the ledger
    commands = Commands(lambda: fresh, {}, in_kernel=False)
    shown = commands("status").text()
    assert "2 job(s) wait for your choice" in shown and "%sora resume JOB VIDEO_ID" in shown
    assert all(s.key in shown for s in waiting) and all(v in shown for v in made)
    result = commands(f"resume {waiting[0].key} {made[1]}")
    assert result.video.id == made[1] and result.path.is_file()
    # the Studio's card of the other job offers the remaining candidates as buttons
    pytest.importorskip("ipywidgets")
    from sora_widgets.jobs import Job
    from sora_widgets.widgets.card import JobCard

    job = Job(waiting[1])
    card = JobCard(job, fresh)
    job.publish(waiting[1])
    started: list[Job] = []
    card.on_new_jobs(started.extend)
    buttons = {b.description: b for b in card.body.children[1].children}
    assert sorted(buttons) == made
    buttons[made[1]].click()  # already taken by the first job: refused, one line, nothing attached
    assert "already belongs to another job" in card.body.children[-1].value and started == []
    buttons[made[0]].click()
    assert fresh.wait(started[0]).video_id == made[0] and fake.creates == 2


def test_a_new_studio_shows_the_jobs_waiting_for_a_choice(fake: FakeVideos, tmp_path: Path) -> None:
    pytest.importorskip("ipywidgets")
    from sora_widgets.widgets.studio import Studio

    runner = _runner(fake, tmp_path)
    _lose_answers(fake, 2)
    [runner.wait(j) for j in runner.submit_many([VideoRequest(prompt="twin herons", seconds=4)] * 2,
                                                 background=True)]
    waiting = _runner(fake, tmp_path).resume_blocking()
    assert [s.status for s in waiting] == ["needs_choice"] * 2
    studio = Studio(runner=_runner(fake, tmp_path))  # a kernel restart later
    assert "2 job(s) wait for you to pick their video" in studio.message.value
    cards = list(studio.cards.values())
    assert sorted(c.job.key for c in cards) == sorted(s.key for s in waiting)
    for card in cards:
        assert sorted(b.description for b in card.body.children[1].children) == sorted(fake.jobs)
    assert fake.creates == 2
