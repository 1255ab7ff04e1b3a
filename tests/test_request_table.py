"""The one parameter table: every `VideoRequest` field survives `%%sora` text, the CLI's arguments,
"copy as %%sora" and the Parameters widget (property-based, with hypothesis).

Limits that are part of the design, not of this test: option values are single-line text (the
`%%sora` option line is one line); a reference travels as a path or an http(s) URL (bytes have no
text form); the prompt of a cell is stripped (the magic strips the body); the widget offers what its
model offers (so its requests are drawn from the model's capabilities) and keeps `fit` only with a
reference.
"""

from __future__ import annotations

import shlex
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sora_widgets.capabilities import BackendCapabilities, ModelCapabilities
from sora_widgets.models import VideoRequest
from sora_widgets.request_table import PARAMS, RequestOptions, option_words

TEXT = st.text(alphabet=string.ascii_letters + string.digits + " {}'\"\\,.:;!?-_/é", min_size=1, max_size=30)
LINE = TEXT.map(str.strip).filter(bool)  # option values: one line, no surrounding blanks
PROMPT = st.text(alphabet=string.ascii_letters + " {}'\"\\,.\n-é", min_size=1, max_size=80).map(str.strip).filter(bool)
JSON_VALUE = st.one_of(st.integers(-10**6, 10**6), st.booleans(), LINE)


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from PIL import Image

    folder = tmp_path_factory.mktemp("refs with space")
    paths = [folder / "a.png", folder / "it's {b}.png"]
    for i, path in enumerate(paths):
        Image.new("RGB", (16, 9), (i * 90, 40, 200)).save(path)
    return paths


def requests(images: list[Path]) -> st.SearchStrategy[VideoRequest]:
    size = st.tuples(st.integers(10, 99999), st.integers(10, 99999)).map(lambda wh: f"{wh[0]}x{wh[1]}")
    aspect = st.tuples(st.integers(1, 999), st.integers(1, 999)).map(lambda ab: f"{ab[0]}:{ab[1]}")
    ref = st.one_of(st.none(), st.sampled_from(images),
                    st.text(alphabet=string.ascii_letters, min_size=1, max_size=10).map(
                        lambda s: f"https://example.com/{s}.png"))
    return st.builds(
        _request, prompt=PROMPT, model=st.none() | LINE, seconds=st.none() | st.integers(1, 120),
        shape=st.one_of(st.none(), size.map(lambda s: {"size": s}),
                        st.fixed_dictionaries({"resolution": st.none() | LINE, "aspect_ratio": st.none() | aspect})),
        input_reference=ref, fit=st.sampled_from(["cover", "contain", "none"]),
        seed=st.none() | st.integers(0, 2**32 - 1), negative_prompt=st.none() | LINE,
        audio=st.sampled_from([None, True, False]),
        extras=st.dictionaries(st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=8), JSON_VALUE,
                               max_size=3),
    )


def _request(shape: dict[str, Any] | None, **fields: Any) -> VideoRequest:
    return VideoRequest(**fields, **(shape or {}))


def test_the_table_covers_every_request_field() -> None:
    assert {p.field for p in PARAMS} == set(VideoRequest.model_fields) - {"prompt"}
    assert {p.option for p in PARAMS} == set(RequestOptions.model_fields)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_copy_as_sora_cell_and_the_magic_parser(images: list[Path], data: st.DataObject) -> None:
    from sora_widgets.magics.parser import parse_cell_line
    from sora_widgets.widgets._actions import sora_cell

    request = data.draw(requests(images))
    head, _, body = sora_cell(request).partition("\n")
    assert head.startswith("%%sora")
    args = parse_cell_line(head.removeprefix("%%sora"), {"b": "WRONG"})  # a variable named like a brace
    from sora_widgets.magics.interpolation import interpolate

    again = VideoRequest(prompt=interpolate(body, {"b": "WRONG"}).strip(), **args.request_fields())
    assert again == request


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cli_arguments(images: list[Path], data: st.DataObject) -> None:
    from sora_widgets.__main__ import build_parser
    from sora_widgets.cli_common import request_options

    request = data.draw(requests(images))
    argv = ["generate", *shlex.split(" ".join(option_words(request))), "--", request.prompt]
    args = build_parser().parse_args(argv)
    fields = RequestOptions.model_validate(request_options(args)).request_fields()
    assert VideoRequest(prompt=args.prompt, **fields) == request


WIDGET_CAPS = BackendCapabilities(backend="fake", default_model="sized", models={
    "sized": ModelCapabilities(id="sized", durations=(2, 4, 8), sizes=("1280x720", "720x1280", "640x360"),
                               seed=True, audio=True, negative_prompt=True),
    "classes": ModelCapabilities(id="classes", durations=(5, 10), resolutions=("480p", "720p"),
                                 aspect_ratios=("16:9", "9:16", "1:1"), seed=False, audio=False),
})


@st.composite
def widget_requests(draw: Any, images: list[Path]) -> VideoRequest:
    mc = WIDGET_CAPS.models[draw(st.sampled_from(sorted(WIDGET_CAPS.models)))]
    shape = ({"size": draw(st.sampled_from(mc.sizes))} if mc.sizes else
             {"resolution": draw(st.sampled_from(mc.resolutions)),
              "aspect_ratio": draw(st.sampled_from(mc.aspect_ratios))})
    ref = draw(st.none() | st.sampled_from(images))
    return VideoRequest(
        prompt=draw(PROMPT), model=mc.id, seconds=draw(st.sampled_from(mc.durations)), **shape,
        input_reference=ref, fit=draw(st.sampled_from(["cover", "contain"])) if ref else "cover",
        seed=draw(st.none() | st.integers(0, 2**32 - 1)) if mc.seed else None,
        negative_prompt=draw(st.none() | LINE), audio=draw(st.booleans()) if mc.audio else None,
        extras=draw(st.dictionaries(st.sampled_from(["a", "b_c"]), JSON_VALUE, max_size=2)),
    )


@pytest.fixture(scope="module")
def parameters() -> Any:
    from sora_widgets.widgets.params import Parameters

    return Parameters(backend="fake", capabilities_for=lambda backend: WIDGET_CAPS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_parameters_widget(images: list[Path], parameters: Any, data: st.DataObject) -> None:
    request = data.draw(widget_requests(images))
    assert parameters.apply(request) == []
    assert parameters.request(request.prompt) == request
