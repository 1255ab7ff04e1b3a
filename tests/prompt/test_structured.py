from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sora_widgets.prompt import PROMPT_FIELDS, Prompt
from sora_widgets.prompt.vocabulary import (
    ANGLES,
    CAMERA_MOVES,
    COLOR_MODIFIERS,
    COLORS,
    LENSES,
    LIGHTING,
    MOODS,
    MOTION,
    QUALITY,
    SHOT_TYPES,
    STYLES,
    TIME_OF_DAY,
)

from .corpus import STRUCTURE_EXAMPLE

SUBJECTS = ("A red fox", "An old fisherman", "A young woman in a green coat", "A paper boat", "Two kids",
            "A lone astronaut", "A knight in silver armor", "An elderly pianist")  # fmt: skip
ACTIONS = ("trots through fresh snow", "walks along the shore", "playing in a sunny meadow, tail wagging",
           "run along the beach", "drifts down a gutter stream", "mist drifting over the water",
           "kneels before an altar", "floats past a porthole")  # fmt: skip
SETTINGS = ("in a birch forest", "on a quiet pier", "inside an old library", "at the edge of a frozen lake")
AUDIO = ("soft wind and distant birdsong", "the hum of a refrigerator", 'Dialogue: "We made it."',
         "audio: rain on a tin roof, a dog barking far away")  # fmt: skip
COLOUR = st.builds(lambda m, c: f"{m} {c}".strip(), st.sampled_from(("", *COLOR_MODIFIERS)), st.sampled_from(COLORS))


def maybe(values: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), st.sampled_from(values))


VOCAB_PROMPTS = st.builds(
    Prompt,
    subject=st.sampled_from(SUBJECTS),
    action=maybe(ACTIONS),
    setting=maybe(SETTINGS),
    lighting=maybe((*LIGHTING, *TIME_OF_DAY)),
    style=maybe((*STYLES, *QUALITY, *MOTION)),
    palette=st.lists(COLOUR, max_size=5, unique=True).map(tuple),
    mood=maybe(MOODS),
    shot=maybe((*SHOT_TYPES, *LENSES)),
    angle=maybe(ANGLES),
    movement=maybe(CAMERA_MOVES),
    audio=maybe(AUDIO),
)


@settings(max_examples=80, deadline=None)
@given(VOCAB_PROMPTS)
def test_fields_text_fields_round_trip(prompt: Prompt) -> None:
    """Fields built from the vocabulary survive render -> parse exactly."""
    assert Prompt.parse(prompt.render()) == prompt


FREE = st.text(alphabet="abcdefgh ", min_size=1, max_size=12).map(str.strip)


@settings(max_examples=60, deadline=None)
@given(
    st.builds(
        Prompt,
        subject=st.sampled_from(SUBJECTS),
        action=st.one_of(FREE, st.sampled_from(ACTIONS)),
        lighting=FREE, style=FREE, mood=FREE, shot=FREE, angle=FREE, movement=FREE, audio=FREE, setting=FREE,
    )
)  # fmt: skip
def test_free_values_keep_a_stable_text(prompt: Prompt) -> None:
    """Values outside the vocabulary get a cue word; after one round trip the text is a fixed point."""
    once = Prompt.parse(prompt.render())
    assert once.render() == Prompt.parse(once.render()).render()
    assert once.subject == prompt.subject


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from((*LIGHTING, *SHOT_TYPES, *MOODS, *ACTIONS, *SETTINGS, "no cars", "8 seconds")),
                min_size=1, max_size=6))  # fmt: skip
def test_parse_is_stable(clauses: list[str]) -> None:
    first = Prompt.parse("A red fox, " + ", ".join(clauses))
    assert Prompt.parse(first.render()).model_copy(update={"avoid": first.avoid}) == first


def test_render_follows_the_guide_order() -> None:
    p = Prompt(
        subject="A red fox", action="trots through fresh snow", setting="in a birch forest",
        lighting="golden hour", style="35mm film", palette=("teal", "amber", "cream"), mood="serene",
        shot="wide shot", angle="low angle", movement="slow dolly in", audio="soft wind sounds", avoid=("cars",),
    )  # fmt: skip
    text = p.render()
    assert text == (
        "A red fox trots through fresh snow, in a birch forest, golden hour, 35mm film, palette of teal, amber "
        "and cream, serene, wide shot, low angle, slow dolly in, soft wind sounds"
    )
    assert str(p) == text
    # subject -> action/scene -> style/technical -> camera
    order = [text.index(v) for v in ("A red fox", "trots", "golden hour", "35mm film", "wide shot", "slow dolly")]
    assert order == sorted(order)
    assert "cars" not in text and p.negative_prompt == "cars"


def test_field_spans_point_into_the_text() -> None:
    p = Prompt(subject="A red fox", action="trots through snow", lighting="warm", shot="wide shot")
    text = p.render()
    spans = p.field_spans()
    assert text[slice(*spans["subject"])] == "A red fox"
    assert text[slice(*spans["action"])] == "trots through snow"
    assert text[slice(*spans["lighting"])] == "warm lighting"
    assert text[slice(*spans["shot"])] == "wide shot"


def test_unrecognised_values_get_a_cue_word() -> None:
    p = Prompt(subject="A cat", lighting="warm", mood="wistful", shot="medium-long", angle="low",
               movement="slow drift", style="ukiyo-e", audio="wind", setting="a meadow")  # fmt: skip
    text = p.render()
    for cued in ("warm lighting", "wistful mood", "medium-long shot", "low angle", "slow drift camera movement",
                 "ukiyo-e style", "audio: wind", "in a meadow"):  # fmt: skip
        assert cued in text
    back = Prompt.parse(text)
    assert back.lighting == "warm lighting" and back.angle == "low angle" and back.audio == "audio: wind"


def test_parse_the_structure_example() -> None:
    p = Prompt.parse(STRUCTURE_EXAMPLE)
    assert p.subject == "A young woman with long flowing hair wearing a red dress"
    assert p.action == "walks through a sunlit forest"
    assert p.lighting == "golden hour lighting filters through ancient trees"
    assert p.style.startswith("cinematic style reminiscent of Studio Ghibli")
    assert p.movement == "smooth camera pan following her movement"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Close-up of a hummingbird feeding, soft light",
         {"shot": "Close-up", "subject": "a hummingbird", "action": "feeding"}),
        ("A quiet street at dawn with no cars, wide shot", {"avoid": ("cars",), "shot": "wide shot"}),
        ("An empty beach, without people or umbrellas", {"avoid": ("people", "umbrellas")}),
        ("A lake, a palette of deep teal, amber and cream, calm mood",
         {"palette": ("deep teal", "amber", "cream"), "mood": "calm mood"}),
        ("A lake, teal and amber palette", {"palette": ("teal", "amber")}),
        ("A fox, low angle, Audio: wind, distant gulls", {"angle": "low angle", "audio": "Audio: wind, distant gulls"}),
        ("A puppy playing in a meadow, playful energy", {"subject": "A puppy", "action": "playing in a meadow",
                                                        "mood": "playful energy"}),
        ("Walking through rain, neon glow", {"action": "Walking through rain", "lighting": "neon glow"}),
        ('A man says "No, never again", medium shot', {"avoid": (), "audio": ""}),
    ],
)  # fmt: skip
def test_parse_examples(text: str, expected: dict[str, object]) -> None:
    p = Prompt.parse(text)
    for field, value in expected.items():
        assert getattr(p, field) == value, field


def test_parse_reads_labelled_lines() -> None:
    text = (
        "Style: hand-painted 2D animation.\nA lighthouse keeper climbs the stairs, lantern in hand.\n"
        "Camera: medium shot, slow push in.\nLighting: lantern glow.\nPalette: amber, navy and cream.\n"
        "Avoid: text, logos.\nAudio: wind howling, footsteps on iron."
    )
    p = Prompt.parse(text)
    assert (p.subject, p.action) == ("A lighthouse keeper", "climbs the stairs, lantern in hand")
    assert (p.style, p.shot, p.movement, p.lighting) == ("hand-painted 2D animation", "medium shot", "slow push in",
                                                         "lantern glow")  # fmt: skip
    assert p.palette == ("amber", "navy", "cream") and p.avoid == ("text", "logos")
    assert p.audio == "Audio: wind howling, footsteps on iron"


def test_parse_keeps_everything_it_does_not_recognise() -> None:
    p = Prompt.parse("A fox, some thing, another thing")
    assert p.subject == "A fox" and p.action == "some thing, another thing"


def test_model_is_frozen_and_validated() -> None:
    p = Prompt(subject="  A cat. ", palette="teal, amber and cream", avoid=["cars", " ", "people"])
    assert p.subject == "A cat" and p.palette == ("teal", "amber", "cream") and p.avoid == ("cars", "people")
    with pytest.raises(ValidationError):
        p.subject = "A dog"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Prompt(colour="red")  # type: ignore[call-arg]
    assert p.with_(subject="A dog").subject == "A dog"
    assert Prompt().is_empty and Prompt().render() == ""
    assert set(Prompt.model_fields) == set(PROMPT_FIELDS)


def test_to_request_sends_avoid_as_negative_prompt() -> None:
    p = Prompt(subject="A cat", action="sleeps on a windowsill", avoid=("dogs", "text"))
    request = p.to_request(seconds=4)
    assert request.prompt == p.render() and request.negative_prompt == "dogs, text" and request.seconds == 4
    assert Prompt(subject="A cat").to_request().negative_prompt is None


def test_add_a_chip() -> None:
    p = Prompt(subject="A fox").add("lighting", "golden hour").add("lighting", "rim light").add("palette", "teal")
    assert p.lighting == "golden hour, rim light" and p.palette == ("teal",)
    assert p.add("lighting", "Golden Hour") is p and p.add("palette", "TEAL") is p
    with pytest.raises(ValueError, match="no prompt field"):
        p.add("colour", "red")
