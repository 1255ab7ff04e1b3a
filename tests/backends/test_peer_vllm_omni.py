"""The vllm-omni dialect against a fake replaying vLLM-Omni 0.30.0 (tests/backends/peers/vllm_omni.py)."""

from __future__ import annotations

import pytest

from sora_widgets.errors import GenerationFailedError, InvalidRequestError, UnprocessableEntityError
from sora_widgets.jobs import JobRunner

from ..conftest import call, collect
from ..fakes import MP4
from .peers import VllmOmniFake

SERVED = "Wan-AI/Wan2.2-T2V-A14B-Diffusers"


async def test_generate_sends_the_served_model_name(on_peer) -> None:
    fake = VllmOmniFake(served_model=SERVED, api_key="vllm-fake-key-0123456789")
    client = on_peer("vllm-omni", fake, api_key="vllm-fake-key-0123456789")
    assert next(iter((await call(client, "models")).models)) == SERVED  # what the widgets offer
    result = await call(client, "generate", "a mountain lake at sunrise", seconds=5, size="1280x720")
    assert result.path.read_bytes() == MP4 and result.video.id.startswith("video_gen_")
    create = fake.sent("POST", "/videos")[0]
    assert b'name="model"\r\n\r\n' + SERVED.encode() in create.content


async def test_a_foreign_model_name_is_refused_before_sending(on_peer) -> None:
    """The server would answer 400 "Model mismatch"; the served name is known, so say it first."""
    fake = VllmOmniFake(served_model=SERVED)
    client = on_peer("vllm-omni", fake)
    with pytest.raises(InvalidRequestError, match=f"choose one of: {SERVED}"):
        await call(client, "create", prompt="x", model="Wan-AI/Wan2.1-T2V-1.3B-Diffusers")
    assert fake.sent("POST", "/videos") == []


async def test_model_mismatch_from_an_older_server_is_one_line(on_peer) -> None:
    """A server without GET /v1/models: the name goes out and the server's own 400 comes back."""
    fake = VllmOmniFake(served_model=SERVED)
    fake.route = _without_models(fake.route)  # type: ignore[method-assign]
    client = on_peer("vllm-omni", fake)
    with pytest.raises(Exception, match="Model mismatch: request specifies 'other/model'") as info:
        await call(client, "create", prompt="x", model="other/model")
    assert "\n" not in str(info.value) and getattr(info.value, "status_code", None) == 400


@pytest.mark.parametrize("status", [500, 400])
async def test_failed_job_ends_failed_with_its_message(on_peer, status: int) -> None:
    """The failed Video arrives under an error status with an integer error.code: not retried, not raised."""
    fake = VllmOmniFake(served_model=SERVED, steps=2, failure_status=status,
                        fail_next="CUDA out of memory.\nTried to allocate 20.00 GiB")
    client = on_peer("vllm-omni", fake, max_retries=2)
    video = await call(client, "create", prompt="x")
    done = await call(client, "poll", video.id, interval=0)
    assert done.status == "failed" and done.error is not None and done.error.code == str(status)
    assert len(fake.sent("GET", video.id)) == 2  # no retries of the failed answer
    fake.fail_next = "decoder crashed"
    with pytest.raises(GenerationFailedError, match="decoder crashed") as info:
        await call(client, "generate", "y")
    assert "\n" not in str(info.value)


async def test_list_with_a_failed_job_in_it(on_peer) -> None:
    fake = VllmOmniFake(served_model=SERVED, steps=1, fail_next="engine error")
    client = on_peer("vllm-omni", fake)
    bad = await call(client, "create", prompt="bad")
    await call(client, "poll", bad.id, interval=0)
    good = await call(client, "create", prompt="good")
    await call(client, "poll", good.id, interval=0)
    videos = await collect(client.list())
    by_id = {v.id: v for v in videos}
    assert by_id[bad.id].status == "failed" and by_id[bad.id].error.code == "500"  # type: ignore[union-attr]
    assert by_id[good.id].status == "completed"


async def test_failed_content_is_422_and_running_content_404(on_peer) -> None:
    fake = VllmOmniFake(served_model=SERVED, steps=3)
    client = on_peer("vllm-omni", fake)
    video = await call(client, "create", prompt="x")
    with pytest.raises(Exception, match="HTTP 404: Generation is still in-progress"):
        await call(client, "download_content", video.id)
    fake.fail_next = "boom"
    failed = await call(client, "create", prompt="y")
    await call(client, "poll", failed.id, interval=0)
    with pytest.raises(UnprocessableEntityError, match="Video generation failed"):
        await call(client, "download_content", failed.id)


async def test_delete_aborts_the_render(on_peer) -> None:
    fake = VllmOmniFake(served_model=SERVED, steps=5)
    client = on_peer("vllm-omni", fake)
    video = await call(client, "create", prompt="x")
    gone = await call(client, "delete", video.id)
    assert gone.deleted and gone.stopped is True and video.id not in fake.rendering


def test_runner_records_the_failure_in_one_line(tmp_path) -> None:
    """Through the job layer: the job ends `failed`, its message on one line, in the ledger too."""
    from sora_widgets.config import Settings

    fake = VllmOmniFake(served_model=SERVED, steps=1, fail_next="CUDA out of memory.\nTried to allocate 20 GiB")
    settings = Settings(_env_file=None, backend="vllm-omni", base_url="http://vllm.test/v1",  # type: ignore[call-arg]
                        output_dir=tmp_path, poll_interval=0.01)
    runner = JobRunner(settings, transport=fake.transport(), sync_transport=fake.transport())
    state = runner.run("a lake")
    assert state.status == "failed" and state.error is not None
    assert "CUDA out of memory" in state.error and "\n" not in state.error


def _without_models(route):  # type: ignore[no-untyped-def]
    import httpx

    def wrapped(request, parts):  # type: ignore[no-untyped-def]
        if parts == ["models"]:
            return httpx.Response(404, json={"detail": "Not Found"})
        return route(request, parts)

    return wrapped


def test_the_parameters_widget_offers_the_served_name(tmp_path) -> None:
    """Widgets read the runner's capabilities, which come from the server's GET /v1/models."""
    from sora_widgets.config import Settings
    from sora_widgets.widgets import Parameters

    fake = VllmOmniFake(served_model=SERVED)
    settings = Settings(_env_file=None, backend="vllm-omni", base_url="http://vllm.test/v1",  # type: ignore[call-arg]
                        output_dir=tmp_path)
    runner = JobRunner(settings, transport=fake.transport(), sync_transport=fake.transport())
    params = Parameters(runner=runner)
    assert [value for _, value in params.model_picker.options] == [SERVED] and params.model == SERVED
