"""The Studio from code against the embedded server: compose, set parameters, generate, watch the
card, play the MP4 that was asked for; variations, refusals, and the follow-up actions."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from sora_widgets.errors import NotFoundError
from sora_widgets.jobs import JobRunner
from sora_widgets.prompt.structured import Prompt
from sora_widgets.widgets import JobCard, Player, Studio

from .helpers import make_runner, video_info


def studio_for(runner: JobRunner, seconds: int = 2, size: str = "320x180") -> Studio:
    studio = Studio(runner=runner, model="animatic")
    studio.parameters.duration.value = seconds
    studio.parameters.size_picker.value = size
    return studio


def test_generate_plays_the_requested_mp4(runner: JobRunner) -> None:
    studio = studio_for(runner, seconds=3, size="320x180")
    studio.composer.prompt = Prompt(subject="a paper boat", action="drifts down a rain-soaked street",
                                    lighting="neon glow", movement="slow tracking shot")
    jobs = studio.generate()
    assert len(jobs) == 1 and studio.jobs == jobs
    [state] = studio.wait(30)
    assert state.ok, state.error
    card = studio.cards[jobs[0].key]
    assert isinstance(card.player, Player)
    assert video_info(card.player.value) == (320, 180, pytest.approx(3.0))
    assert card.player.value == Path(state.path).read_bytes()
    assert "done" in card.status.value and "took" in card.timing.value
    assert card.cancel_button.layout.display == "none"
    labels = [getattr(b, "description", "") for b in card.actions.buttons.children]
    assert labels[1:] == ["Remix", "Edit", "Extend", "Last frame → reference", "%%sora", "Delete"]
    link = card.actions.buttons.children[0]
    assert "download=" in link.outputs[0]["data"]["text/html"]
    assert state.request.prompt == "a paper boat drifts down a rain-soaked street, neon glow, slow tracking shot"


def test_variations_run_side_by_side_with_different_seeds(runner: JobRunner) -> None:
    studio = studio_for(runner, seconds=1)
    studio.composer.value = "a red kite over green hills, wide shot"
    studio.parameters.variation_picker.value = 2
    jobs = studio.generate()
    assert len(jobs) == 2
    assert [c.job for c in studio.jobs_box.children] == jobs  # side by side in the jobs flow
    states = studio.wait(30)
    assert all(s.ok for s in states)
    assert states[0].request.seed != states[1].request.seed


def test_moderation_failure_is_one_line_with_details(runner: JobRunner) -> None:
    studio = studio_for(runner, seconds=1)
    studio.composer.value = "a forbidden ritual in a cave"
    [job] = studio.generate()
    [state] = studio.wait(30)
    assert state.status == "failed" and state.error_code == "moderation_blocked"
    card = studio.cards[job.key]
    [line] = card.body.children
    assert "Blocked by moderation" in line.value and "sora-error" in line.value and "\n" not in line.value
    assert card.details.layout.display != "none"
    assert "moderation_blocked" in card.details.children[0].value
    assert card.player is None and card.actions.layout.display == "none"


def test_cancel_stops_a_running_job(slow_runner: JobRunner) -> None:
    studio = studio_for(slow_runner, seconds=1)
    studio.composer.value = "a slow sunrise over the sea"
    [job] = studio.generate()
    card = studio.cards[job.key]
    assert card.cancel_button.layout.display != "none"
    card.cancel_button.click()
    state = job.wait(20)
    assert state.status == "cancelled"
    assert "cancelled" in card.status.value and "Cancelled" in card.body.children[0].value
    assert card.cancel_button.layout.display == "none"


def test_refusals_are_one_line_in_the_studio(runner: JobRunner, fast_server, tmp_path: Path) -> None:
    studio = studio_for(runner)
    assert studio.generate() == [] and "Write a prompt first" in studio.message.value
    studio.composer.value = "x" * 40_000
    assert studio.generate() == []
    assert "sora-error" in studio.message.value and "\n" not in studio.message.value
    # issue 17: one translated line (what, why, what to do), not pydantic's dump with its URL
    assert "40,000 characters long, over the limit of 32,000 — shorten it by 8,000" in studio.message.value
    assert not any(x in studio.message.value for x in ("pydantic", "Input should", "validation error"))
    budget = Studio(runner=make_runner(fast_server, tmp_path / "b", budget_session=0.0), model="animatic")
    budget.composer.value = "a heron"
    budget.parameters.size_picker.value = "320x180"
    jobs = budget.generate()  # local is free: a zero budget still allows it
    assert len(jobs) == 1 and budget.wait(30)[0].ok


def test_follow_ups_remix_last_frame_cell_and_delete(runner: JobRunner) -> None:
    studio = studio_for(runner, seconds=1)
    studio.composer.value = "a lighthouse in a storm, aerial view"
    [job] = studio.generate()
    [state] = studio.wait(30)
    card = studio.cards[job.key]
    actions = card.actions
    # remix: asks for the new prompt inline, the new card joins the Studio's list
    actions.follow_up_buttons["remix"].click()
    [row] = actions.panel.children
    text, go = row.children[0], row.children[1]
    assert text.value == "a lighthouse in a storm, aerial view"  # issue 17: prefilled with the source prompt
    text.value = "a lighthouse in a snowstorm, aerial view"
    go.click()
    assert len(studio.jobs) == 2 and studio.jobs[1].state.op == "remix"
    title = studio.cards[studio.jobs[1].key].title.value
    assert "Remix: a lighthouse in a snowstorm" in title and "video_" not in title  # titled by its prompt
    assert studio.jobs[1].state.parent_id == state.video_id
    assert studio.jobs_box.children[0].job is studio.jobs[1]  # newest first
    remixed = studio.jobs[1].wait(30)
    assert remixed.ok and remixed.request.prompt.startswith("a lighthouse in a snowstorm")
    # last frame -> the Studio's reference picker
    actions.frame_button.click()
    png = Path(state.path).with_name(Path(state.path).stem + ".last.png")
    assert png.is_file() and studio.parameters.reference == png.resolve()
    assert "reference" in studio.message.value
    # copy as a %%sora cell
    actions.cell_button.click()
    assert actions.cell.value.startswith("%%sora -m animatic -s 1 --size 320x180")
    assert actions.cell.value.endswith("\na lighthouse in a storm, aerial view")
    # delete asks first, then removes the server copy and the files
    actions.delete_button.click()
    assert Path(state.path).is_file() and "Really" in actions.delete_button.description
    actions.delete_button.click()
    assert not Path(state.path).exists() and not png.exists()
    assert "deleted" in card.status.value and card.player is None
    with pytest.raises(NotFoundError):
        runner.client.retrieve(state.video_id)


def test_extend_takes_seconds(runner: JobRunner) -> None:
    studio = studio_for(runner, seconds=1)
    studio.composer.value = "a paper plane glides across a classroom"
    [job] = studio.generate()
    studio.wait(30)
    card = studio.cards[job.key]
    card.actions.ask("extend")
    [row] = card.actions.panel.children
    text, seconds = row.children[0], row.children[1]
    assert text.value == "a paper plane glides across a classroom"
    seconds.value = 2
    [new] = card.actions.follow_up("extend", "it lands on a desk", seconds.value)
    state = new.wait(30)
    assert state.ok and state.op == "extend"
    assert video_info(Path(state.path).read_bytes())[2] == pytest.approx(3.0)
    # issue 17: the clip's real length (and what was added), not "2s · extend" on a 3-second video
    assert "3s (+2s added) · extend" in studio.cards[new.key].meta.value
    from sora_widgets.widgets import Gallery

    gallery = Gallery(runner)
    [item] = [i for i in gallery.items if i.video_id == state.video_id]
    assert item.length == "3s (+2s added)"
    captions = [tile.children[1].value for tile in gallery.grid.children]
    assert any("3s (+2s added)" in c for c in captions) and not any("· 2s ·" in c for c in captions)


async def test_jobs_run_on_the_running_loop(runner: JobRunner) -> None:
    """In a kernel, Generate runs the job as a task on the kernel's loop: the caller is not blocked."""
    studio = studio_for(runner, seconds=1)
    studio.composer.value = "a snail crossing a leaf, macro lens"
    [job] = studio.generate()
    assert job._task is not None and not job.done  # a task on this loop, still running
    with pytest.raises(RuntimeError, match="wait_async"):
        studio.wait(1)  # would deadlock: refused with a hint
    [state] = await studio.wait_async()
    assert state.ok and studio.cards[job.key].player is not None


async def test_card_hops_onto_its_loop_from_other_threads(runner: JobRunner) -> None:
    """A job on the runner's background thread updates the card through `call_soon_threadsafe`."""
    import threading

    seen: list[int] = []
    [job] = runner.submit_many(["a fox in snow"], background=True)
    card = JobCard(job, runner)
    real = card._render
    card._render = lambda state: (seen.append(threading.get_ident()), real(state))  # type: ignore[method-assign]
    state = await job
    for _ in range(50):  # let the scheduled updates run
        if card.player is not None:
            break
        import asyncio

        await asyncio.sleep(0.02)
    assert state.ok and card.player is not None
    assert seen and set(seen) == {threading.get_ident()}


def test_jobcard_constructor_is_stable_and_reprs_are_small(runner: JobRunner) -> None:
    params = list(inspect.signature(JobCard).parameters.values())
    assert [(p.name, p.default) for p in params] == [("job", inspect.Parameter.empty), ("runner", None)]
    studio = studio_for(runner)
    bundle = studio._repr_mimebundle_()
    assert bundle["text/plain"] == "Studio(backend='local', model='animatic', jobs=0)"
    studio.composer.value = "a kite"
    [job] = studio.generate()
    studio.wait(30)
    card = studio.cards[job.key]
    assert card._repr_mimebundle_()["text/plain"].startswith("JobCard(video_")


def test_switching_backend_switches_runner_and_checks_the_key(runner: JobRunner) -> None:
    studio = studio_for(runner)
    studio.parameters.backend_picker.value = "openai"
    assert studio.runner is not runner and studio.runner.backend == "openai"
    assert studio.parameters.model == "sora-2" and "backend <b>openai</b>" in studio.header.value
    assert "$0.40" in studio.parameters.cost_label.value  # 4 s x $0.10/s
    studio.composer.value = "a heron"
    assert studio.generate() == []
    assert "no API key" in studio.message.value and "\n" not in studio.message.value
    studio.parameters.backend_picker.value = "local"
    assert studio.runner is runner  # switching back finds the same runner


def test_the_prompt_reaches_the_card_html_escaped(runner: JobRunner) -> None:
    """A job card puts the prompt (title and tooltip) and the error into its HTML: escaped."""
    from sora_widgets.jobs import Job, JobState
    from sora_widgets.models import VideoRequest

    evil = 'a kite <b>bold</b> "quoted" <script>alert(1)</script> & more'
    state = JobState(request=VideoRequest(prompt=evil), backend="local", label=evil, status="failed",
                     error=f"refused: {evil}")
    job = Job(state)
    job.publish(state)
    card = JobCard(job, runner)
    pages = [card.title.value, *(c.value for c in card.body.children if hasattr(c, "value"))]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in p for p in pages)
    assert any('title="a kite &lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;' in p for p in pages)
    for page in pages:
        assert "<script" not in page and "<b>" not in page and '"quoted"' not in page
