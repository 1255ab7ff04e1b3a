"""The waiting loop on its own (no shell, no server)."""

from __future__ import annotations

from sora_widgets.jobs.state import JobState
from sora_widgets.magics.cell import wait
from sora_widgets.models import VideoRequest


class FinishesBetweenLooks:
    """A job that is running at the first look and done at the second (a real race)."""

    def __init__(self) -> None:
        self.looks = 0
        self.state = JobState(request=VideoRequest(prompt="x"), backend="local", status="completed")

    @property
    def done(self) -> bool:
        self.looks += 1
        return self.looks > 1

    def wait(self, timeout: float | None = None) -> JobState:
        return self.state


def test_a_job_finishing_between_two_looks_is_not_an_error() -> None:
    # regression: `next(j for j in jobs if not j.done)` raised StopIteration in a real kernel
    job = FinishesBetweenLooks()
    assert wait([job], in_kernel=False) == [job.state]  # type: ignore[list-item]
