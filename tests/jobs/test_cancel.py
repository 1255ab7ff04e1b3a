"""Cancel says "stop" only where the server stops the work (jobs/cancel.py), per dialect.

Where DELETE stops the render (vLLM-Omni, the embedded server) a cancel deletes the job on the
server and it ends `cancelled`; where it does not (SGLang) or nobody documents it (OpenAI, LiteLLM,
OpenRouter) the card, `%sora cancel` and the CLI say the server keeps rendering, nothing is sent,
and the job ends resumable. The fakes replay each server's DELETE as read from its source.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from sora_widgets.backends.registry import BACKENDS
from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner, reset_default_runner, reset_session_spend
from sora_widgets.jobs.cancel import STOPPED_ON_SERVER, cancel_effect
from sora_widgets.jobs.control import cancel as cli_cancel
from sora_widgets.jobs.state import Job, JobState
from sora_widgets.magics.commands import Commands
from sora_widgets.models import VideoRequest

from ..backends.peers import SGLangFake, VllmOmniFake

KEY = "cancel-test-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def _fresh() -> None:
    reset_session_spend()
    reset_default_runner()


@pytest.mark.parametrize("kind", sorted(BACKENDS))
def test_wording_follows_the_backends_delete(kind: str) -> None:
    cls = BACKENDS[kind]
    effect = cancel_effect(kind)
    assert effect.stops == (cls.delete_stops_render is True and "delete" in cls.operations)
    if effect.stops:
        assert (effect.label, effect.status) == ("Cancel", "cancelled")
        assert effect.tooltip.startswith("Stop this job")
    else:
        assert (effect.label, effect.status) == ("Stop waiting", "interrupted")
        for text in (effect.label, effect.tooltip, effect.done_line):
            assert "stop this job" not in text.lower() and "stopped rendering" not in text
        assert "keeps rendering" in effect.tooltip and "keeps rendering" in effect.done_line


def test_the_dialects_we_read_are_worded_as_their_servers_behave() -> None:
    assert cancel_effect("local").stops and cancel_effect("vllm-omni").stops
    sglang = cancel_effect("sglang")
    assert not sglang.stops and "render goes on" in sglang.tooltip
    assert not cancel_effect("openai").stops and "no way to stop" in cancel_effect("openai").tooltip


@pytest.mark.parametrize("kind", sorted(BACKENDS))
def test_card_button_is_worded_per_dialect(kind: str) -> None:
    from sora_widgets.widgets import JobCard

    card = JobCard(Job(JobState(request=VideoRequest(prompt="x"), backend=kind)))
    effect = cancel_effect(kind)
    assert card.cancel_button.description == effect.label
    assert card.cancel_button.tooltip == effect.tooltip
    card.close()


def _runner(kind: str, fake: Any, out: Path) -> JobRunner:
    settings = Settings(_env_file=None, backend=kind, base_url=f"http://{kind}.test/v1", api_key=KEY,  # type: ignore[call-arg]
                        output_dir=out, max_retries=0, poll_interval=0.02)
    return JobRunner(settings, transport=fake.transport(), sync_transport=fake.transport())


def _started(runner: JobRunner) -> Job:
    job = runner.submit("a koi pond at dawn", background=True)
    deadline = time.monotonic() + 10
    while not job.state.video_id and time.monotonic() < deadline:
        time.sleep(0.02)
    assert job.state.video_id and not job.done
    return job


def test_card_cancel_on_vllm_omni_deletes_and_ends_cancelled(tmp_path: Path) -> None:
    from sora_widgets.widgets import JobCard

    fake = VllmOmniFake(steps=100_000)
    runner = _runner("vllm-omni", fake, tmp_path / "out")
    job = _started(runner)
    card = JobCard(job, runner)
    assert card.cancel_button.description == "Cancel"
    card.cancel()
    state = runner.wait(job)
    assert state.status == "cancelled" and state.error == STOPPED_ON_SERVER
    assert [r.url.path for r in fake.sent("DELETE", "/videos")] == [f"/v1/videos/{state.video_id}"]
    assert state.video_id not in fake.rendering  # the server really stopped
    card.close()


def test_card_stop_waiting_on_sglang_sends_nothing_and_stays_resumable(tmp_path: Path) -> None:
    from sora_widgets.widgets import JobCard

    fake = SGLangFake(steps=100_000)
    runner = _runner("sglang", fake, tmp_path / "out")
    job = _started(runner)
    card = JobCard(job, runner)
    assert card.cancel_button.description == "Stop waiting"
    card.cancel()
    state = runner.wait(job)
    assert state.status == "interrupted"  # not "cancelled": the GPU is still busy with it
    assert fake.sent("DELETE", "/videos") == [] and state.video_id in fake.rendering
    assert [r["key"] for r in runner.ledger.unfinished()] == [state.key]  # resume picks it up; money held
    card._render(state)
    assert "keeps rendering" in card.body.children[0].value and "Cancelled" not in card.body.children[0].value
    card.close()


@pytest.mark.parametrize("dialect", ["vllm", "sglang"])
def test_magic_cancel_says_what_happened(tmp_path: Path, dialect: str) -> None:
    fake: Any = VllmOmniFake(steps=100_000) if dialect == "vllm" else SGLangFake(steps=100_000)
    runner = _runner("vllm-omni" if dialect == "vllm" else "sglang", fake, tmp_path / "out")
    job = _started(runner)
    text = str(Commands(lambda: runner, {}, in_kernel=False)(f"cancel {job.state.video_id}"))
    state = runner.wait(job)
    if dialect == "vllm":
        assert "asked to stop rendering" in text and state.status == "cancelled"
        assert len(fake.sent("DELETE", "/videos")) == 1
    else:
        assert "keeps rendering" in text and "stopped waiting" in text and state.status == "interrupted"
        assert fake.sent("DELETE", "/videos") == []


@pytest.mark.parametrize("dialect", ["vllm", "sglang"])
def test_cli_cancel_of_a_recorded_job(tmp_path: Path, dialect: str) -> None:
    """Another process (the CLI) cancels a job recorded in the ledger: DELETE only where it stops."""
    fake: Any = VllmOmniFake(steps=100_000) if dialect == "vllm" else SGLangFake(steps=100_000)
    kind = "vllm-omni" if dialect == "vllm" else "sglang"
    first = _runner(kind, fake, tmp_path / "out")
    job = _started(first)
    first.wait(_interrupt(job))  # the first session stops waiting; the row stays resumable
    state = cli_cancel(_runner(kind, fake, tmp_path / "out"), job.state.video_id or "")
    assert state.status == "cancelled"
    if dialect == "vllm":
        assert state.error == STOPPED_ON_SERVER and len(fake.sent("DELETE", "/videos")) == 1
    else:
        assert state.error is not None and "keeps rendering" in state.error
        assert fake.sent("DELETE", "/videos") == [] and job.state.video_id in fake.rendering


def _interrupt(job: Job) -> Job:
    job.interrupted = True
    job.cancel()
    return job
