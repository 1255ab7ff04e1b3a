"""A batch in one panel: overall progress and counts; one failure never hides the others."""

from __future__ import annotations

from pathlib import Path

from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner, reset_session_spend
from sora_widgets.models import VideoRequest
from sora_widgets.widgets import BatchPanel

from ..fakes import FakeVideos, error_response


def test_batch_panel_counts_and_isolates_failures(fake: FakeVideos, tmp_path: Path) -> None:
    reset_session_spend()
    s = Settings(_env_file=None, backend="openai", base_url="http://fake.test/v1", api_key=fake.key,
                 output_dir=tmp_path / "out", concurrency=2)
    runner = JobRunner(s, transport=fake.transport(), sync_transport=fake.transport())
    fake.script.append(("/videos", error_response(400, "Invalid value for 'prompt'")))
    grid = runner.grid(VideoRequest(prompt="a lantern on a lake, slow pan"), seconds=[4, 8])
    jobs = runner.submit_many([r for _, r in grid] + [VideoRequest(prompt="a third")], background=True)
    panel = BatchPanel(jobs, runner, title="A/B")
    for job in jobs:
        job.wait(10)
    panel._refresh()
    assert panel.summary().startswith("3 jobs: 2 done, 1 failed, 0 running · $")
    assert panel.bar.value == 100 and len(panel.cards) == 3
    assert "2 done, 1 failed" in panel.counts.value


def test_a_large_sweep_is_one_panel_without_a_card_per_job(fake: FakeVideos, tmp_path: Path) -> None:
    from ipywidgets.widgets.widget import _instances

    reset_session_spend()
    s = Settings(_env_file=None, backend="openai", base_url="http://fake.test/v1", api_key=fake.key,
                 output_dir=tmp_path / "out", concurrency=8)
    runner = JobRunner(s, transport=fake.transport(), sync_transport=fake.transport())
    fake.script.append(("/videos", error_response(400, "Invalid value for 'prompt'")))
    requests = [VideoRequest(prompt=f"a lantern on a lake, take {i}") for i in range(40)]
    before = len(_instances)
    jobs = runner.submit_many(requests, background=True)
    panel = BatchPanel(jobs, runner, title="sweep")
    created = len(_instances) - before
    for job in jobs:
        job.wait(30)
    panel._refresh()
    assert panel.cards == [] and created < 20  # a bar, counts and failures: not 40 cards
    assert panel.summary().startswith("40 jobs: 39 done, 1 failed, 0 running")
    assert panel.bar.value == 100 and panel.bar.bar_style == "danger"
    assert "latest failures" in panel.failures.value and "Invalid value" in panel.failures.value
