"""`Studio()` picks up what an earlier kernel left unfinished (issue 8: resume on Studio start)."""

from __future__ import annotations

from pathlib import Path

from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner, reset_session_spend
from sora_widgets.widgets import Studio

from ..fakes import FakeVideos, connection_drop


def _runner(fake: FakeVideos, tmp_path: Path) -> JobRunner:
    s = Settings(_env_file=None, backend="openai", base_url="http://fake.test/v1", api_key=fake.key,
                 output_dir=tmp_path / "out", max_retries=0)
    return JobRunner(s, transport=fake.transport(), sync_transport=fake.transport())


def test_studio_resumes_unfinished_jobs_on_start(fake: FakeVideos, tmp_path: Path) -> None:
    reset_session_spend()
    old = _runner(fake, tmp_path)
    # the job reached the server, then every poll failed: the old session ends with it unfinished
    fake.script.append(("/videos/video_0001", connection_drop))
    state = old.run("a lighthouse at dusk, slow zoom")
    assert state.status == "interrupted" and state.video_id == "video_0001"
    studio = Studio(runner=_runner(fake, tmp_path))
    assert len(studio.jobs) == 1 and studio.jobs[0].state.video_id == "video_0001"
    final = studio.jobs[0].wait(10)
    assert final.ok and fake.creates == 1
    assert "Resumed 1 unfinished job" in studio.message.value
    assert Studio(runner=_runner(fake, tmp_path)).jobs == []  # nothing left to resume
