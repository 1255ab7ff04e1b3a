"""Issue 17, defect 2: Delete in the Studio left the ledger behind, so `%sora resume` tried the
deleted video (a 404) and `%sora status` listed it as "expired" and another job twice."""

from __future__ import annotations

from pathlib import Path

from sora_widgets.jobs import JobRunner
from sora_widgets.magics.commands import Commands
from sora_widgets.widgets import Studio


def test_a_deleted_job_is_recorded_and_skipped_by_resume_and_status(runner: JobRunner) -> None:
    studio = Studio(runner=runner, model="animatic")
    studio.parameters.duration.value = 1
    studio.parameters.size_picker.value = "320x180"
    studio.composer.value = "a lighthouse in a storm, aerial view"
    [gone] = studio.generate()
    studio.composer.value = "a heron lands on a pond, soft light"
    [kept] = studio.generate()
    studio.wait(30)
    actions = studio.cards[gone.key].actions
    actions.delete_button.click()
    actions.delete_button.click()  # confirmed
    assert not Path(str(gone.state.path or "x")).exists()
    row = runner.ledger.get(gone.key)
    assert row is not None and row["status"] == "deleted"
    assert runner.resume() == []  # nothing to re-attach: no 404 on the deleted video
    commands = Commands(lambda: runner, {}, in_kernel=False)
    assert "nothing to resume" in commands("resume").text
    table = commands("status").text()
    assert gone.state.video_id not in table and "expired" not in table
    assert table.count(str(kept.state.video_id)) == 1
    # a new kernel: Studio() resumes nothing, and the ledger row stays a record of what was made
    fresh = Studio(runner=JobRunner(runner.settings), model="animatic")
    assert fresh.jobs == []
    assert "deleted" in Commands(lambda: runner, {}, in_kernel=False)(f"status {gone.state.video_id}").text


def test_a_resumed_job_replaces_its_old_entry(runner: JobRunner) -> None:
    """A finished job whose file went missing is downloaded again by resume, and listed once."""
    from sora_widgets.models import VideoRequest

    job = runner.submit(VideoRequest(prompt="a paper boat on a pond", model="animatic", seconds=1, size="320x180"),
                        background=True)
    state = job.wait(30)
    assert state.path is not None
    Path(state.path).unlink()
    [again] = runner.resume()
    assert again.wait(30).ok and Path(str(again.state.path)).is_file()
    assert [j.key for j in runner.jobs] == [job.key]
    table = Commands(lambda: runner, {}, in_kernel=False)("status").text()
    assert table.count(str(state.video_id)) == 1
