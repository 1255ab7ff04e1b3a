"""One block per rule: it fires on the problem, stays quiet on the near-miss, and its fix works."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from sora_widgets.capabilities import ModelCapabilities
from sora_widgets.errors import InvalidRequestError
from sora_widgets.models import VideoRequest
from sora_widgets.prompt import RULES, Finding, Prompt, apply_fix, apply_fixes, format_findings, lint

NEG = ModelCapabilities(id="neg-model", durations=(5, 10), sizes=("1280x720", "720x1280"), negative_prompt=True)
NO_NEG = ModelCapabilities(id="plain-model", durations=(4, 8, 12), sizes=("1280x720", "720x1280"))
RES = ModelCapabilities(id="res-model", durations=(5, 10), resolutions=("480p", "720p", "1080p"),
                        aspect_ratios=("16:9", "9:16"))  # fmt: skip
GOOD = "A red fox trots through fresh snow, soft overcast light, wide shot"


def codes(text: str | Prompt, request: VideoRequest | None = None, caps: ModelCapabilities | None = None) -> list[str]:
    return [f.code for f in lint(text, request, caps) if f.severity != "hint"]


def only(text: str, code: str, request: VideoRequest | None = None, caps: ModelCapabilities | None = None) -> Finding:
    found = [f for f in lint(text, request, caps) if f.code == code]
    assert len(found) == 1, format_findings(found)
    return found[0]


def fixed(text: str, finding: Finding, request: VideoRequest | None = None,
          caps: ModelCapabilities | None = None) -> tuple[str, VideoRequest]:  # fmt: skip
    new_text, new_request = apply_fix(text, request, finding)
    assert finding.code not in [f.code for f in lint(new_text, new_request, caps)]
    return new_text, new_request


# --- prose-params --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tail", "caps", "changes"),
    [
        ("6 seconds", NEG, {"seconds": 5}), ("six seconds", NO_NEG, {"seconds": 4}), ("7 sec", NO_NEG, {"seconds": 8}),
        ("duration: 10s", None, {"seconds": 10}), ("1080p", RES, {"resolution": "1080p"}),
        ("720p", NO_NEG, {"size": "1280x720"}), ("1280x720", NO_NEG, {"size": "1280x720"}),
        ("in full HD", None, {"size": "1920x1080"}), ("9:16", NO_NEG, {"size": "720x1280"}),
        ("16:9 aspect ratio", RES, {"aspect_ratio": "16:9"}), ("24fps", None, {}), ("4K resolution", NO_NEG, {}),
    ],
)  # fmt: skip
def test_prose_params_moves_values_into_the_request(tail: str, caps: ModelCapabilities | None,
                                                     changes: dict[str, object]) -> None:  # fmt: skip
    text = f"{GOOD}, {tail}"
    finding = only(text, "prose-params", caps=caps)
    assert finding.excerpt(text) == tail and finding.severity == "warning" and finding.fix is not None
    new_text, request_changes = finding.fix.apply(text, None)
    assert new_text == GOOD and request_changes == changes
    fixed(text, finding, caps=caps)


def test_prose_params_respects_what_the_request_already_says() -> None:
    text = f"{GOOD}, 6 seconds, 1080p"
    request = VideoRequest(prompt=text, seconds=8, size="1080x1920")
    found = [f for f in lint(text, request, None) if f.code == "prose-params"]
    assert [f.fix.apply(text, request)[1] for f in found if f.fix] == [{}, {}]  # 1080p portrait = 1080x1920
    assert all("already" in f.message for f in found)
    portrait = VideoRequest(prompt=text, size="720x1280")
    _, new_request = apply_fixes(text, portrait, None)
    assert new_request is not None and new_request.size == "1080x1920" and new_request.seconds == 6


def test_prose_params_sizes_the_clip_but_not_timing_inside_it() -> None:
    text = "A 10-second clip of a fox trotting through snow, soft light, wide shot"
    assert only(text, "prose-params").excerpt(text) == "10-second"
    for clean in ("A diver holds her breath for three seconds, then surfaces, soft light, wide shot",
                  "A 1990s arcade glows at night, wide shot", "A clock shows 4:30, soft light, close-up"):  # fmt: skip
        assert "prose-params" not in codes(clean)


def test_prose_params_clears_a_resolution_when_it_sets_a_size() -> None:
    request = VideoRequest(prompt="x", resolution="720p")
    _, new_request = apply_fixes(f"{GOOD}, 1920x1080", request)
    assert new_request is not None and (new_request.size, new_request.resolution) == ("1920x1080", None)


# --- scene-complexity ----------------------------------------------------------------------------
def test_scene_complexity() -> None:
    busy = ("A knight draws his sword, charges across the field, leaps over a wall and swings at a dragon "
            "while villagers flee, wide shot, soft light")  # fmt: skip
    finding = only(busy, "scene-complexity")
    assert finding.severity == "warning" and "moving elements" in finding.message
    crowd = "Vendors, cyclists, a dog and a horse fill a market street, golden hour, wide shot"
    assert "6 subjects (vendors, cyclists, dog, horse)" in only(crowd, "scene-complexity").message
    assert "scene-complexity" not in codes("A woman walks her dog along the beach, soft light, wide shot")


@pytest.mark.parametrize(("text", "said"), [
    # tutorial 03's "overly complex scene": plurals, counts and groups are subjects too (issue 17)
    ("Five children, three dogs, a marching band and fireworks race through a crowded market, drone shot",
     "12 subjects (five children, three dogs, band, fireworks)"),
    ("4 cyclists and a dog cross a bridge, wide shot, soft light", "5 subjects (cyclists, dog)"),
    ("A dozen dancers spin on a stage, wide shot, stage lighting", "12 subjects (dozen dancers)"),
])
def test_scene_complexity_counts_plurals_and_groups(text: str, said: str) -> None:
    assert said in only(text, "scene-complexity").message


@pytest.mark.parametrize("text", [
    "Two dogs play in a park, wide shot, golden hour",
    "A herd of sheep crosses a road at dawn, aerial view",
    "Three friends laugh around a campfire, warm firelight, medium shot",
    "A quiet beach with no people and no boats, golden hour, slow pan",  # excluded, not in the shot
])
def test_scene_complexity_leaves_small_groups_alone(text: str) -> None:
    assert "scene-complexity" not in codes(text)


# --- ambiguous-position --------------------------------------------------------------------------
@pytest.mark.parametrize("relation", ["next to", "beside", "alongside"])
def test_ambiguous_position(relation: str) -> None:
    text = f"A cat sits {relation} a dog on a sofa, warm lamp light, medium shot"
    assert only(text, "ambiguous-position").excerpt(text) == relation
    placed = f"A cat sits {relation} a dog on a sofa, the cat on the left, warm lamp light, medium shot"
    assert "ambiguous-position" not in [f.code for f in lint(placed)]


def test_vague_places_and_near_are_only_hints() -> None:
    assert only("A cabin near a lake, soft light, wide shot", "ambiguous-position").severity == "hint"
    assert only("A cat sleeps beside the fireplace, firelight, wide shot", "ambiguous-position").severity == "hint"
    assert "ambiguous-position" not in codes("A cyclist, tracking shot alongside her, soft light")


# --- contradiction and camera-moves --------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "needle"),
    [("A city street at noon under a starry night sky, wide shot", "night"),
     ("A surfer rides a wave in slow motion, time-lapse clouds, wide shot, golden hour", "time-lapse"),
     ("A static camera watches a dancer, slow dolly in, stage light", "dolly in")],
)  # fmt: skip
def test_contradictions(text: str, needle: str) -> None:
    finding = only(text, "contradiction")
    assert finding.severity == "warning" and finding.excerpt(text) == needle


def test_no_contradiction_for_transitions_or_words_inside_words() -> None:
    assert codes("A skyline time-lapse from day to night, static camera, wide shot") == []
    assert codes("A knight rides at noon, harsh midday sun, wide shot") == []


def test_two_camera_moves() -> None:
    text = "A dancer twirls on stage, slow pan left then dolly in, stage light, wide shot"
    finding = only(text, "camera-moves")
    assert finding.excerpt(text) == "dolly in" and "pan" in finding.message
    assert codes("A corridor, dolly zoom on the hero, stage light") == []  # one move, two words
    assert codes("A chef stirs a pan of sauce, frying pan sizzling, close-up, slow dolly in, warm light") == []


# --- negation ------------------------------------------------------------------------------------
def test_negation_moves_to_negative_prompt() -> None:
    text = "A quiet street at dawn with no cars, soft light, wide shot"
    finding = only(text, "negation", caps=NEG)
    assert finding.excerpt(text) == "with no cars" and finding.fix is not None
    request = VideoRequest(prompt=text, negative_prompt="text, Cars")
    new_text, new_request = fixed(text, finding, request, NEG)
    assert new_text == "A quiet street at dawn, soft light, wide shot"
    assert new_request.negative_prompt == "text, Cars"  # merged without a duplicate
    new_text, new_request = apply_fix(text, None, finding)
    assert new_request.negative_prompt == "cars"


def test_negation_lists_every_item() -> None:
    text = "An empty beach, no people or umbrellas, soft light, wide shot"
    new_text, request = apply_fixes(text, None, NEG)
    assert new_text == "An empty beach, soft light, wide shot" and request is not None
    assert request.negative_prompt == "people, umbrellas"


def test_negation_without_negative_prompt_suggests_rephrasing() -> None:
    finding = only("A quiet street with no cars, soft light, wide shot", "negation", caps=NO_NEG)
    assert finding.fix is None and "rephrase positively" in finding.message and "plain-model" in finding.message
    hint = [f for f in lint(Prompt(subject="A street", avoid=("cars",)), None, NO_NEG) if f.code == "negation"]
    assert [f.severity for f in hint] == ["hint"]


@pytest.mark.parametrize(
    "text",
    ["A pianist plays a grand piano, spotlight, close-up",
     "A dancer spins without looking back, stage light, wide shot",
     "A child no longer waves, soft light, wide shot", 'She says "No, not now", soft light, close-up',
     "Birds avoid the hawk, soft light, wide shot", "A casino at night, neon glow, wide shot",
     "No camera movement, a cat sleeps, soft light, wide shot"],
)  # fmt: skip
def test_negation_near_misses(text: str) -> None:
    assert "negation" not in codes(text)


# --- no-camera / no-lighting ---------------------------------------------------------------------
def test_missing_camera_and_lighting_are_hints() -> None:
    found = lint("A red fox trots through fresh snow")
    assert [(f.code, f.severity) for f in found] == [("no-camera", "hint"), ("no-lighting", "hint")]
    assert lint(GOOD) == []


# --- reference-aspect / reference-size -----------------------------------------------------------
def _png(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "teal").save(buf, format="PNG")
    return buf.getvalue()


def test_reference_aspect_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "portrait.png"
    path.write_bytes(_png((72, 128)))
    request = VideoRequest(prompt=GOOD, size="1280x720", input_reference=path)
    finding = only(GOOD, "reference-aspect", request, NO_NEG)
    assert finding.severity == "warning" and "crop" in finding.message
    _, new_request = fixed(GOOD, finding, request, NO_NEG)
    assert new_request.size == "720x1280" and new_request.input_reference == request.input_reference
    strict = request.with_(fit="none")
    assert only(GOOD, "reference-aspect", strict, NO_NEG).severity == "error"


def test_reference_aspect_from_bytes_and_model_default() -> None:
    request = VideoRequest(prompt=GOOD, input_reference=_png((100, 100)))
    assert "reference-aspect" in codes(GOOD, request, NO_NEG)  # compared with the default 1280x720
    assert "reference-aspect" not in codes(GOOD, request, None)  # no size to compare with
    matching = VideoRequest(prompt=GOOD, size="1280x720", input_reference=_png((128, 72)))
    assert codes(GOOD, matching, NO_NEG) == []


def test_reference_size_with_fit_none() -> None:
    request = VideoRequest(prompt=GOOD, size="1280x720", fit="none", input_reference=_png((128, 72)))
    finding = only(GOOD, "reference-size", request)
    assert finding.severity == "error"
    _, new_request = fixed(GOOD, finding, request)
    assert new_request.fit == "cover"


def test_reference_url_is_not_fetched() -> None:
    request = VideoRequest(prompt=GOOD, size="1280x720", input_reference="https://example.com/a.png")
    assert codes(GOOD, request) == []


# --- prompt-length -------------------------------------------------------------------------------
def test_prompt_length() -> None:
    caps = ModelCapabilities(id="tiny", max_prompt_chars=40)
    finding = only(GOOD, "prompt-length", caps=caps)
    assert finding.severity == "error" and finding.span == (40, len(GOOD)) and "tiny" in finding.message
    assert "prompt-length" not in codes(GOOD)


# --- structured prompts ---------------------------------------------------------------------------
def test_lint_a_structured_prompt() -> None:
    p = Prompt(subject="A red fox", action="trots through snow", lighting="golden hour", shot="wide shot",
               palette=("teal", "amber"), style="8 seconds")  # fmt: skip
    found = {f.code: f for f in lint(p)}
    assert set(found) == {"prose-params", "palette-size"}
    assert found["palette-size"].excerpt(p.render()) == "palette of teal and amber"
    assert found["prose-params"].excerpt(p.render()) == "8 seconds"


# --- the API around findings ---------------------------------------------------------------------
def test_findings_format_one_line_each() -> None:
    found = lint(f"{GOOD}, 6 seconds, with no cars\nand more")
    text = format_findings(found)
    assert len(text.splitlines()) == len(found) and "[fix: remove '6 seconds'" in text
    assert format_findings([]) == "no findings"
    assert format_findings([[], found[:1]]).startswith("shot 2: warning: ")
    as_dict = found[0].as_dict()
    assert as_dict["code"] == "prose-params" and as_dict["fix"].startswith("remove") and as_dict["span"]


def test_every_code_is_documented() -> None:
    assert all(code == code.lower() and " " not in code for code in RULES)


def test_apply_fix_without_a_fix_or_to_an_empty_prompt() -> None:
    complexity = Finding("scene-complexity", "warning", None, "busy")
    with pytest.raises(InvalidRequestError):
        apply_fix(GOOD, None, complexity)
    only_params = "6 seconds"
    with pytest.raises(InvalidRequestError, match="empty"):
        apply_fix(only_params, None, only(only_params, "prose-params"))


@settings(max_examples=120, deadline=None)
@given(st.text(max_size=200))
def test_lint_never_crashes_and_spans_stay_inside(text: str) -> None:
    for finding in lint(text):
        assert "\n" not in str(finding)
        if finding.span:
            assert 0 <= finding.span[0] <= finding.span[1] <= len(text)
        if finding.fix is not None:
            finding.fix.apply(text, None)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["no cars", "6 seconds", "1080p", "a red fox", "next to a tree", "24fps",
                                 "slow pan left", "dolly in", "at night", "at noon", "without people"]),
                min_size=1, max_size=8))  # fmt: skip
def test_apply_fixes_terminates_and_clears_fixable_codes(parts: list[str]) -> None:
    text = ", ".join(parts)
    new_text, request = apply_fixes(text, None, NEG)
    left = [f for f in lint(new_text, request, NEG) if f.fix is not None]
    # a fix that would empty the prompt is skipped: then only that one finding may remain
    assert not left or (len(left) == 1 and new_text == left[0].excerpt(new_text))
