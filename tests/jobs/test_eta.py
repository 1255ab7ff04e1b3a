"""Issue 17: ETAs were far off ("~8 s left" 1 s into a 5 s job). They come from how long the backend
took for similar jobs in the ledger, and say "estimating…" (None) until there is a basis."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sora_widgets.jobs import eta
from sora_widgets.jobs.ledger import Ledger
from sora_widgets.jobs.state import JobState
from sora_widgets.models import VideoRequest


def running(seconds: int = 4, progress: int = 5, elapsed: float = 1.0, model: str = "sora-2") -> JobState:
    request = VideoRequest(prompt="a kite", model=model, seconds=seconds, size="1280x720")
    return JobState(request=request, backend="openai", status="in_progress", progress=progress,
                    submitted_at=time.time() - elapsed)


def finished(ledger: Ledger, seconds: int, took: float, model: str = "sora-2") -> None:
    state = running(seconds, 100, took, model)
    ledger.record(state.evolve(status="completed", finished_at=state.submitted_at + took))  # type: ignore[operator]


@pytest.fixture(autouse=True)
def _no_cache() -> None:
    eta.forget()


def test_no_history_and_little_progress_is_estimating() -> None:
    assert eta.time_left(running(progress=5, elapsed=1.0), None) is None
    assert running(progress=5, elapsed=1.0).eta is None  # the old "~19 s left" after 1 s at 5 %
    left = eta.time_left(running(progress=50, elapsed=3.0), None)
    assert left is not None and left == pytest.approx(3.0, abs=0.1)


def test_history_of_the_same_length_wins(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    for took in (40.0, 44.0, 42.0):
        finished(ledger, 4, took)
    finished(ledger, 8, 90.0)
    finished(ledger, 4, 5.0, model="other-model")  # another model: not comparable
    left = eta.time_left(running(seconds=4, progress=2, elapsed=2.0), ledger)
    assert left == pytest.approx(40.0, abs=0.5)  # median 42 s minus the 2 s spent


def test_history_of_other_lengths_is_scaled(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    finished(ledger, 4, 40.0)
    finished(ledger, 8, 80.0)
    assert eta.typical_duration(ledger, "openai", "sora-2", 12) == pytest.approx(120.0)


def test_card_says_estimating_without_history(tmp_path: Path) -> None:
    from sora_widgets.config import Settings
    from sora_widgets.jobs import JobRunner
    from sora_widgets.jobs.state import Job
    from sora_widgets.widgets import JobCard

    runner = JobRunner(Settings(_env_file=None, backend="local", output_dir=tmp_path))  # type: ignore[call-arg]
    card = JobCard(Job(running(progress=3, elapsed=1.0)), runner)
    assert "estimating…" in card.timing.value and "left" not in card.timing.value
