"""Acceptance: the guide's examples get the findings a careful reader expects, clean prompts get no
warning or error, and every automatic fix leaves text that re-lints clean of its code."""

from __future__ import annotations

import pytest

from sora_widgets.backends.local import LOCAL_CAPABILITIES
from sora_widgets.backends.openai import OPENAI_CAPABILITIES
from sora_widgets.prompt import Prompt, apply_fix, apply_fixes, lint

from .corpus import BASIC_SCENE, CLEAN, GUIDE_EXAMPLES, STRUCTURE_EXAMPLE

SORA2 = LOCAL_CAPABILITIES.models["sora-2"]
SORA2_PRO_LOCAL = LOCAL_CAPABILITIES.models["sora-2-pro"]
OPENAI_SORA2 = OPENAI_CAPABILITIES.models["sora-2"]
ALL_CAPS = [None, SORA2, SORA2_PRO_LOCAL, OPENAI_SORA2]


def test_corpus_sizes() -> None:
    assert len(GUIDE_EXAMPLES) == 5 and len(CLEAN) >= 15 and len(set(CLEAN)) == len(CLEAN)


@pytest.mark.parametrize("caps", ALL_CAPS, ids=lambda c: getattr(c, "id", "no-caps"))
@pytest.mark.parametrize("text", list(GUIDE_EXAMPLES), ids=range(len(GUIDE_EXAMPLES)))
def test_guide_examples_flag_their_prose_parameters(text: str, caps: object) -> None:
    findings = lint(text, None, caps)  # type: ignore[arg-type]
    flagged = tuple(f.excerpt(text) for f in findings if f.code == "prose-params")
    assert flagged == GUIDE_EXAMPLES[text]
    assert all(f.severity == "warning" and f.fix is not None for f in findings if f.code == "prose-params")
    # nothing else a careful reader would call a warning: one subject, one move, no contradictions
    assert {f.code for f in findings if f.severity != "hint"} == {"prose-params"}


@pytest.mark.parametrize("caps", ALL_CAPS, ids=lambda c: getattr(c, "id", "no-caps"))
@pytest.mark.parametrize("text", CLEAN, ids=range(len(CLEAN)))
def test_clean_prompts_have_no_warnings(text: str, caps: object) -> None:
    findings = lint(text, None, caps)  # type: ignore[arg-type]
    assert [str(f) for f in findings if f.severity != "hint"] == []


@pytest.mark.parametrize("text", CLEAN, ids=range(len(CLEAN)))
def test_clean_prompts_survive_parsing(text: str) -> None:
    rendered = Prompt.parse(text).render()
    assert [str(f) for f in lint(rendered) if f.severity != "hint"] == []


def test_basic_scene_fixes_move_parameters_into_the_request() -> None:
    text, request = apply_fixes(BASIC_SCENE, None, SORA2)
    assert text == BASIC_SCENE.removesuffix(", 6 seconds, 1080p")
    assert request is not None and request.seconds == 4  # 6 snaps to the nearest of 4/8/12 (the shorter)
    assert request.size is None  # sora-2 offers no 1080p: the words go, nothing is set
    text, request = apply_fixes(BASIC_SCENE)
    assert request is not None and (request.seconds, request.size) == (6, "1920x1080")


def test_structure_example_explains_what_the_backend_cannot_do() -> None:
    findings = {f.excerpt(STRUCTURE_EXAMPLE): f for f in lint(STRUCTURE_EXAMPLE, None, SORA2)}
    assert "does not offer 4K" in findings["4K resolution"].message
    assert "no request field" in findings["24fps"].message
    text, request = apply_fix(STRUCTURE_EXAMPLE, None, findings["24fps"])
    assert text == STRUCTURE_EXAMPLE.removesuffix(", 24fps") and request.summary().keys() == {"prompt", "fit"}


@pytest.mark.parametrize("caps", ALL_CAPS, ids=lambda c: getattr(c, "id", "no-caps"))
@pytest.mark.parametrize("text", list(GUIDE_EXAMPLES), ids=range(len(GUIDE_EXAMPLES)))
def test_each_fix_relints_clean_of_its_code(text: str, caps: object) -> None:
    for finding in lint(text, None, caps):  # type: ignore[arg-type]
        if finding.fix is None:
            continue
        new_text, one = apply_fix(text, None, finding)
        after = [f.excerpt(new_text) for f in lint(new_text, one, caps) if f.code == finding.code]  # type: ignore[arg-type]
        assert finding.excerpt(text) not in after
    fixed, request = apply_fixes(text, None, caps)  # type: ignore[arg-type]
    assert not [f for f in lint(fixed, request, caps) if f.code == "prose-params"]  # type: ignore[arg-type]
    assert request is not None and request.prompt == fixed


TAILS = ("6 seconds", "1080p", "24fps", "4K resolution", "16:9", "720p", "8-second clip", "at 30 fps")


@pytest.mark.parametrize("caps", [None, SORA2_PRO_LOCAL], ids=["no-caps", "sora-2-pro"])
@pytest.mark.parametrize("text", CLEAN[:8], ids=range(8))
def test_fixing_prose_parameters_restores_the_clean_prompt(text: str, caps: object) -> None:
    dirty = text + ", " + ", ".join(TAILS)
    fixed, request = apply_fixes(dirty, None, caps, codes={"prose-params"})  # type: ignore[arg-type]
    assert fixed == text
    assert request is not None and request.seconds is not None
