"""Parameters offer only what the chosen backend/model supports; the cost follows the choices."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from sora_widgets.capabilities import BackendCapabilities, ModelCapabilities
from sora_widgets.jobs import JobRunner
from sora_widgets.models import VideoRequest
from sora_widgets.widgets import Parameters

from .helpers import png_bytes


def values(dropdown) -> list:
    return [v for _, v in dropdown.options]


def test_local_backend_declares_its_own_models() -> None:
    p = Parameters(backend="local")
    assert values(p.model_picker) == ["sora-2", "sora-2-pro", "animatic"]
    assert p.model == "sora-2" and p.seconds == 4 and p.size == "1280x720"
    p.set_model("animatic")
    assert values(p.duration) == list(range(1, 21))
    assert "320x180" in values(p.size_picker) and p.seconds == 4  # 4 s is still valid: kept


def test_choosing_sora_2_makes_invalid_combinations_impossible() -> None:
    p = Parameters(backend="local", model="sora-2-pro")
    p.duration.value = 12
    p.size_picker.value = "1792x1024"
    p.set_model("animatic")
    p.duration.value = 5
    assert p.seconds == 5
    p.model_picker.value = "sora-2"  # the user picks it in the dropdown
    assert p.model == "sora-2"
    assert 5 not in values(p.duration) and values(p.duration) == [4, 8, 12]
    assert "1792x1024" not in values(p.size_picker) and values(p.size_picker) == ["1280x720", "720x1280"]
    assert p.seconds == 4 and p.size == "1280x720"  # invalid values were replaced by defaults
    with pytest.raises(Exception):  # noqa: B017 - ipywidgets raises TraitError for a value not offered
        p.duration.value = 5
    assert p.request("x") == VideoRequest(prompt="x", model="sora-2", seconds=4, size="1280x720")


def test_backend_switch_reloads_models_and_prices() -> None:
    p = Parameters(backend="local")
    assert "free" in p.cost_label.value
    p.backend_picker.value = "openai"
    assert p.backend == "openai" and "sora-2-pro" in values(p.model_picker)
    p.set_model("sora-2-pro")
    p.duration.value = 8
    p.size_picker.value = "1792x1024"
    assert p.cost == pytest.approx(4.0) and "$4.00" in p.cost_label.value
    p.variation_picker.value = 2
    assert p.cost == pytest.approx(8.0) and "2 videos" in p.cost_label.value


def _caps() -> BackendCapabilities:
    res = ModelCapabilities(id="res-model", durations=(5, 10), resolutions=("480p", "720p"),
                            aspect_ratios=("16:9", "9:16"), audio=True, seed=False, max_variations=2,
                            input_reference=False, price_per_second={"720p": 0.05, "480p": 0.02})
    return BackendCapabilities(backend="demo", default_model="res-model", models={"res-model": res})


def test_resolution_models_get_resolution_and_aspect_pickers() -> None:
    p = Parameters(backend="demo", capabilities_for=lambda backend: _caps())
    assert p.size_picker.layout.display == "none"
    assert p.resolution_picker.layout.display != "none" and p.aspect_picker.layout.display != "none"
    assert p.seed_row.layout.display == "none" and p.audio_box.layout.display != "none"
    assert p.reference_picker.layout.display == "none"
    assert list(p.variation_picker.options) == [1, 2]
    p.resolution_picker.value = "720p"
    p.aspect_picker.value = "9:16"
    p.audio_box.value = True
    req = p.request("a fox")
    assert (req.resolution, req.aspect_ratio, req.size, req.audio, req.seconds) == ("720p", "9:16", None, True, 5)
    assert p.cost == pytest.approx(0.25)


def test_seed_and_observable_traits() -> None:
    p = Parameters(backend="local", model="animatic")
    seen: list[int] = []
    p.observe(lambda ch: seen.append(ch["new"]), names="seconds")
    p.duration.value = 7
    assert seen == [7]
    assert p.seed is None and p.seed_value.disabled
    p.seed_fixed.value = True
    p.seed_value.value = 1234
    assert p.seed == 1234 and p.request("x").seed == 1234


def test_reference_from_a_path_and_an_upload(tmp_path: Path) -> None:
    p = Parameters(backend="local", model="animatic")
    image = tmp_path / "start.png"
    image.write_bytes(png_bytes(320, 180))
    p.reference_picker.path.value = str(image)
    assert p.reference == image.resolve() and bytes(p.reference_picker.thumb.value).startswith(b"\x89PNG")
    req = p.request("x")
    assert req.input_reference is not None and req.input_reference.path == image.resolve()
    p.reference_picker.fit_picker.value = "contain"
    assert p.request("x").fit == "contain"
    upload = {"name": "up.png", "type": "image/png", "size": 10, "content": memoryview(png_bytes(10, 10)),
              "last_modified": datetime.now(timezone.utc)}
    p.reference_picker.upload.value = (upload,)
    assert isinstance(p.reference, bytes) and "up.png" in p.reference_picker.info.value
    assert p.reference_picker.upload.value == ()  # the upload is not kept twice in the widget state
    p.reference_picker.clear_button.click()
    assert p.reference is None and p.request("x").input_reference is None


def test_a_bad_reference_is_one_line_not_an_exception(tmp_path: Path) -> None:
    p = Parameters(backend="local")
    p.reference_picker.path.value = str(tmp_path / "missing.png")
    assert p.reference is None
    assert "not found" in p.reference_picker.info.value and "sora-error" in p.reference_picker.info.value


def test_request_is_accepted_by_the_runner(runner: JobRunner) -> None:
    p = Parameters(runner=runner, model="animatic")
    p.duration.value = 2
    p.size_picker.value = "320x180"
    req, cost = runner.prepare(p.request("a kite"))
    assert (req.model, req.seconds, req.size, cost) == ("animatic", 2, "320x180", 0.0)
    assert repr(p) == "Parameters(backend='local', model='animatic', 2s, 320x180)"


def test_openrouter_without_a_key_says_what_is_needed(runner: JobRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17: "catalog not fetched yet" under a header naming a model; say what is needed."""
    from sora_widgets.widgets import Studio

    for name in ("OPENROUTER_API_KEY", "SORA_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    studio = Studio(runner=runner, model="animatic")
    studio.parameters.backend_picker.value = "openrouter"
    note = studio.parameters.note.value
    assert "No model list for openrouter" in note and "OPENROUTER_API_KEY" in note
    assert "catalog not fetched" not in str(studio.parameters.model_picker.options)
    assert "no model list" in studio.header.value and "google/" not in studio.header.value
    studio.composer.value = "a kite over a beach"
    assert studio.generate() == [] and "OPENROUTER_API_KEY" in studio.message.value
