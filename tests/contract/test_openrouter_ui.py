"""Issue 6: the widgets and magics show an OpenRouter model's real choices, read from the catalog
that Prism serves from OpenRouter's spec (`google/veo-3.1`: durations 5 and 8, 720p, 16:9).

The toolkit is pointed at Prism the way a user points it at OpenRouter: `SORA_BACKEND=openrouter`,
`SORA_BASE_URL` and `OPENROUTER_API_KEY` in the environment (or a `Settings` for a runner).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sora_widgets import jobs
from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner, reset_default_runner, reset_session_spend

from .conftest import PrismMock

pytestmark = pytest.mark.contract

MODEL = "google/veo-3.1"
KEY = "fake-or-contract-0123456789"


@pytest.fixture
def openrouter_env(openrouter_mock: PrismMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrismMock]:
    """The environment says: backend openrouter, at Prism; nothing else leaks in (no .env, no profiles)."""
    for name in list(os.environ):
        if name.startswith("SORA_") and name not in ("SORA_PRISM", "SORA_CONTRACT_FULL_SPEC"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SORA_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SORA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SORA_OUTPUT_DIR", str(tmp_path / "sora_outputs"))
    monkeypatch.setenv("SORA_BACKEND", "openrouter")
    monkeypatch.setenv("SORA_BASE_URL", openrouter_mock.url)
    monkeypatch.setenv("SORA_MAX_RETRIES", "0")
    monkeypatch.setenv("OPENROUTER_API_KEY", KEY)
    jobs.reset_default_runner()
    reset_session_spend()
    yield openrouter_mock
    jobs.reset_default_runner()


def _runner(mock: PrismMock, tmp_path: Path) -> JobRunner:
    return JobRunner(Settings(_env_file=None, backend="openrouter", base_url=mock.url,  # type: ignore[call-arg]
                              api_key=KEY, max_retries=0, output_dir=tmp_path / "sora_outputs"))


def _options(dropdown: Any) -> list[Any]:
    """The values a Dropdown offers (its options are `(label, value)` pairs or plain values)."""
    return [o[1] if isinstance(o, tuple) else o for o in dropdown.options]


def _assert_real_choices(params: Any) -> None:
    assert params.backend == "openrouter" and params.model == MODEL
    assert params.capabilities is not None and params.capabilities.durations == (5, 8)
    assert _options(params.duration) == [5, 8], params.duration.options
    assert 6 not in _options(params.duration)
    assert [label for label, _ in params.duration.options] == ["5 s", "8 s"]
    assert params.seconds in (5, 8)
    assert _options(params.resolution_picker) == ["720p"]
    assert _options(params.aspect_picker) == ["16:9"]
    # the model takes resolution + aspect ratio, not exact sizes: those are the controls shown
    assert params.size_picker.layout.display == "none"
    assert params.resolution_picker.layout.display != "none" and params.aspect_picker.layout.display != "none"
    assert (params.size, params.resolution, params.aspect_ratio) == (None, "720p", "16:9")
    req = params.request("a fox")
    assert (req.model, req.seconds, req.resolution, req.aspect_ratio) == (MODEL, params.seconds, "720p", "16:9")
    assert "not fetched" not in params.note.value and "sora-error" not in params.note.value


# -- widgets --------------------------------------------------------------------------------------
def test_parameters_with_a_runner_offer_the_catalog_choices(openrouter_mock: PrismMock, tmp_path: Path) -> None:
    from sora_widgets.widgets.params import Parameters

    runner = _runner(openrouter_mock, tmp_path)
    with openrouter_mock.exchange(requests=1):  # the catalog, once
        params = Parameters("openrouter", MODEL, runner=runner)
    _assert_real_choices(params)
    # picking a duration the model offers works; the widget never holds 6
    params.duration.value = 8
    assert params.seconds == 8 and params.request("a fox").seconds == 8
    assert params.cost == pytest.approx(0.50)  # pricing_skus.generate, one variation


def test_parameters_from_the_environment_offer_the_catalog_choices(openrouter_env: PrismMock) -> None:
    """No runner passed: `Parameters()` follows the environment (SORA_BACKEND / SORA_BASE_URL)."""
    from sora_widgets.widgets.params import Parameters

    with openrouter_env.exchange(requests=1):
        params = Parameters(runner=jobs.default_runner(), model=MODEL)
    _assert_real_choices(params)


def test_bare_parameters_pointed_at_openrouter_offer_the_catalog_choices(openrouter_env: PrismMock) -> None:
    """`Parameters(backend="openrouter", model=...)` with no runner, the environment at Prism."""
    from sora_widgets.widgets.params import Parameters

    params = Parameters(backend="openrouter", model=MODEL)  # regression: used to skip the catalog fetch
    _assert_real_choices(params)


def test_studio_offers_the_catalog_choices(openrouter_env: PrismMock) -> None:
    from sora_widgets.widgets.studio import Studio

    with openrouter_env.exchange(requests=1):
        studio = Studio(backend="openrouter", model=MODEL, resume=False)
    _assert_real_choices(studio.parameters)
    assert studio.runner.settings.base_url == openrouter_env.url
    assert "openrouter" in studio.header.value and MODEL in studio.header.value


# -- magics ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ip() -> Any:
    from IPython.testing import globalipapp

    first = not hasattr(globalipapp.start_ipython, "already_called")
    shell = globalipapp.start_ipython() or globalipapp.get_ipython()
    if first:
        # start_ipython() returns None after its first call; tests/magics/conftest.py's own `ip` fixture
        # relies on getting the shell from it, so let its later call run (it reuses this same instance)
        del globalipapp.start_ipython.already_called
    shell.run_line_magic("load_ext", "sora_widgets")
    return shell


@pytest.fixture
def shell(ip: Any, openrouter_env: PrismMock) -> Iterator[Any]:
    magics = ip.magics_manager.registry["SoraMagics"]
    magics.runner = None
    reset_default_runner()  # also forgets the runners built for other backends
    saved = {k: getattr(sys, k) for k in ("last_type", "last_value", "last_traceback") if hasattr(sys, k)}
    yield ip
    magics.runner = None
    reset_default_runner()  # also forgets the runners built for other backends
    for k in ("last_type", "last_value", "last_traceback"):
        if k in saved:
            setattr(sys, k, saved[k])


def _run(ip: Any, cell: str) -> tuple[Any, str, list[str]]:
    from IPython.utils.capture import capture_output

    with capture_output() as cap:
        res = ip.run_cell(cell, store_history=False)
    return res.result, cap.stdout, [line for line in cap.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("flag", ["--backend openrouter ", ""])
def test_cell_magic_refuses_6_seconds_naming_5_and_8(shell: Any, openrouter_env: PrismMock, flag: str) -> None:
    mark = len(openrouter_env.text())
    result, _, err = _run(shell, f"%%sora {flag}-m {MODEL} -s 6 --dry-run\na fox in the snow")
    lines = openrouter_env.settle(mark, requests=1)
    assert result is None
    assert len(err) == 1, err
    assert "5, 8" in err[0] and "6" in err[0] and MODEL in err[0], err[0]
    # Prism saw the catalog request and nothing else: no create
    seen = [line for line in lines if "[HTTP SERVER]" in line and "ℹ" in line]
    assert any("get /videos/models" in line for line in seen), lines
    assert not any("post /videos" in line for line in lines), lines
    from .conftest import assert_clean

    assert_clean(lines, requests=1)


def test_cell_magic_dry_run_with_an_allowed_duration(shell: Any, openrouter_env: PrismMock) -> None:
    with openrouter_env.exchange(requests=1) as lines:  # the catalog only
        result, out, err = _run(shell, f"%%sora -m {MODEL} -s 8 --dry-run\na fox in the snow")
    assert not err, err
    text = str(result) + out
    assert "nothing sent" in text and "openrouter" in text
    assert not any("post /videos" in line for line in lines)


def test_models_line_magic_lists_the_catalog(shell: Any, openrouter_env: PrismMock) -> None:
    with openrouter_env.exchange(requests=1):
        result, _, err = _run(shell, "%sora models")
    assert not err, err
    text = result.text()
    assert "models on the openrouter backend" in text
    row = dict(zip(result.header, next(row for row in result.rows if row[0].startswith(MODEL)), strict=True))
    assert row["model"] == f"{MODEL} *"  # the same columns as `python -m sora_widgets models`
    assert row["seconds"] == "5, 8"
    assert row["resolutions"] == "720p" and row["aspect ratios"] == "16:9"
    assert "$0.50/video" in row["price"]
