"""Issue 17: failed jobs showed an estimated cost in `%sora status`/`list`; they show what was
charged (nothing, unless the backend reported a cost)."""

from __future__ import annotations

from sora_widgets.jobs import JobRunner
from sora_widgets.magics.commands import Commands
from sora_widgets.models import VideoRequest

from .helpers import BLOCKED


def test_a_failed_job_shows_what_was_charged(runner: JobRunner) -> None:
    request = VideoRequest(prompt=f"a {BLOCKED} scene", model="sora-2", seconds=4, size="1280x720")
    job = runner.submit(request, background=True)
    state = job.wait(30)
    assert state.status == "failed"
    # the local backend is free: record the estimate a paid backend would have made for this job
    state = state.evolve(estimated_cost=0.4)
    runner.ledger.record(state)
    job.state = state
    commands = Commands(lambda: runner, {}, in_kernel=False)
    for table in (commands("status").text(), commands("list").text()):
        line = next(x for x in table.splitlines() if str(state.video_id) in x)
        assert "$0.00" in line and f"{state.estimated_cost:.2f}" not in line, line
