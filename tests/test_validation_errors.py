"""The one translation of pydantic validation errors into the toolkit's one-line form."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from sora_widgets.errors import InvalidRequestError, from_validation_error
from sora_widgets.models import VideoRequest


def problem(**fields: Any) -> InvalidRequestError:
    with pytest.raises(ValidationError) as info:
        VideoRequest.model_validate({"prompt": "a kite", **fields})
    return from_validation_error(info.value)


@pytest.mark.parametrize(("fields", "text"), [
    ({"prompt": "x" * 35_000}, "prompt is 35,000 characters long, over the limit of 32,000 — shorten it by 3,000"),
    ({"prompt": ""}, "prompt is empty — describe the video"),
    ({"seconds": 0}, "seconds 0: must be at least 1 — "),
    ({"seconds": "abc"}, "seconds 'abc': must be a whole number — "),
    ({"fit": "stretch"}, "fit 'stretch': must be one of 'cover', 'contain' or 'none' — "),
    ({"colour": "red"}, "colour is not a known field — check the spelling"),
    ({"seed": -1, "seconds": 0}, "(and 1 more problem)"),
])
def test_one_line_what_why_what_to_do(fields: dict[str, Any], text: str) -> None:
    err = problem(**fields)
    line = str(err)
    assert text in line
    assert "\n" not in line and " — " in line  # what: why — what to do
    assert not any(x in line for x in ("pydantic", "Input should", "validation error", "https://"))
    assert isinstance(err, ValueError)


def test_param_names_and_hints_come_from_the_caller() -> None:
    with pytest.raises(ValidationError) as info:
        VideoRequest.model_validate({"prompt": "a kite", "seconds": 0})
    err = from_validation_error(info.value, names={"seconds": "--seconds"}, hints={"seconds": "try -s 4"})
    assert str(err) == "--seconds 0: must be at least 1 — try -s 4"
    assert err.param == "seconds"


def test_a_huge_input_is_never_echoed() -> None:
    line = str(problem(seconds="9" * 500))
    assert len(line) < 200 and "…" in line
