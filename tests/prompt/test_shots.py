from __future__ import annotations

from sora_widgets.prompt import Finding, Prompt, apply_fix, format_findings, lint, lint_shots

STORY = [
    "Mara, a young girl in a yellow raincoat, walks to school in the rain, overcast light, wide shot",
    "Maria jumps over a puddle, splashing water, low angle, overcast light",
    "The girl waves at a bus, medium shot, overcast light",
    "Mara's umbrella flips inside out, close-up, overcast light",
]
BIBLE = {"Mara": "a young girl in a yellow raincoat"}


def by_shot(result: list[list[Finding]]) -> dict[int, list[str]]:
    return {i: [f.code for f in fs] for i, fs in enumerate(result) if fs}


def test_inferred_names_catch_a_misspelling_and_a_generic_reference() -> None:
    result = lint_shots(STORY)
    assert by_shot(result) == {1: ["character-name"], 2: ["character-reference"]}
    name = result[1][0]
    assert name.excerpt(STORY[1]) == "Maria" and "shot 1" in name.message and name.severity == "warning"
    assert "a young girl in a yellow raincoat" in result[2][0].message


def test_bible_names_and_fixes() -> None:
    result = lint_shots(STORY, names=BIBLE)
    assert by_shot(result) == {1: ["character-name"], 2: ["character-reference"]}
    assert "story bible" in result[1][0].message
    fixed = list(STORY)
    for index in (1, 2):
        fixed[index], _ = apply_fix(STORY[index], None, result[index][0])
    assert fixed[1].startswith("Mara jumps") and fixed[2].startswith("Mara waves")
    assert by_shot(lint_shots(fixed, names=BIBLE)) == {}


def test_a_bible_name_is_never_a_misspelling_of_another() -> None:
    shots = ["Anna walks a dog, wide shot, soft light", "Anne reads a book, soft light, close-up"]
    assert by_shot(lint_shots(shots)) == {1: ["character-name"]}
    assert by_shot(lint_shots(shots, names={"Anna": "a woman", "Anne": "her sister"})) == {}


def test_style_credits_places_and_shared_nouns_are_left_alone() -> None:
    shots = [
        "A clock melts on a branch, inspired by Salvador Dali, soft light, wide shot",
        "Inspired by Salvadore Dali, a clock drips, soft light, wide shot",
        "A train crosses Japan at dawn, wide shot",
        "A train leaves Japan at dusk, wide shot",
    ]
    assert by_shot(lint_shots(shots)) == {}
    two_girls = {"Mara": "a girl in yellow", "Lena": "a girl in blue"}
    assert by_shot(lint_shots(["The girl waves, soft light, wide shot"], names=two_girls)) == {}


def test_each_shot_gets_its_own_lint_too() -> None:
    shots: list[str | Prompt] = [
        Prompt(subject="Mara", action="walks home", lighting="dusk", shot="wide shot"),
        "Mara waits, 6 seconds",
    ]
    result = lint_shots(shots)
    assert [f.code for f in result[1] if f.severity != "hint"] == ["prose-params"]
    assert result[0] == lint(shots[0])
    assert format_findings(result).startswith("shot 2: ")
