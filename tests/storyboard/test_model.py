"""The storyboard model and its cell syntax: parsing, weaving the bible, lint, strands (no I/O)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sora_widgets.errors import InvalidRequestError
from sora_widgets.prompt import Prompt
from sora_widgets.storyboard import Bible, Character, Shot, Storyboard
from sora_widgets.storyboard._weave import weave

CELL = """\
# a comment
title: Harbour morning
model: animatic
size: 320x180
seconds: 2
continuity: chain
character Mara: a tall woman in a yellow raincoat
character Old Tom: a fisherman with a grey beard
style: hand-drawn animation
palette: teal, amber and cream
---
[4s] Mara walks along the harbour at dawn
---
Close-up: Mara looks up at the gulls
--- 3s extend
title: The storm
Mara runs as the rain begins,
while the wind rises
---
[independent #boat]
subject: Old Tom
action: hauls a net onto the boat
shot: wide shot
"""


def test_parse_bible_defaults_and_shot_options() -> None:
    board = Storyboard.parse(CELL)
    assert board.title == "Harbour morning" and board.model == "animatic" and board.size == "320x180"
    assert [c.name for c in board.bible.characters] == ["Mara", "Old Tom"]
    assert board.bible.palette == ("teal", "amber", "cream")
    assert [s.seconds for s in board.shots] == [4, 2, 3, 2]
    assert [board.continuity(i) for i in range(4)] == ["independent", "chain", "extend", "independent"]
    assert [s.id for s in board.shots] == ["s1", "s2", "s3", "boat"]
    assert board.shots[1].prompt == "Close-up: Mara looks up at the gulls"  # "Close-up:" is not a setting
    assert board.shots[2].title == "The storm"
    assert board.shots[2].prompt == "Mara runs as the rain begins, while the wind rises"
    structured = board.shots[3].prompt
    assert isinstance(structured, Prompt) and structured.subject == "Old Tom" and structured.shot == "wide shot"
    assert board.strands() == [[0, 1, 2], [3]]
    assert board.seconds == 11


def test_same_text_same_group_and_id_pins_it() -> None:
    assert Storyboard.parse(CELL).id == Storyboard.parse(CELL + "\n").id
    assert Storyboard.parse(CELL).id != Storyboard.parse(CELL.replace("dawn", "dusk")).id
    pinned = Storyboard.parse("id: harbour-01\n---\na boat")
    assert pinned.id == "harbour-01"


def test_without_a_bible() -> None:
    one = Storyboard.parse("A kite over a beach")
    assert len(one.shots) == 1 and one.bible.is_empty
    two = Storyboard.parse("---\nstyle: noir\n---\n[chain] a cat")
    assert len(two.shots) == 2 and two.shots[0].prompt == Prompt(style="noir")
    free_first = Storyboard.parse("A kite over a beach\n---\n[chain] the kite falls")
    assert [s.text for s in free_first.shots] == ["A kite over a beach", "the kite falls"]


def test_reference_option(tmp_path: Path) -> None:
    from PIL import Image

    png = tmp_path / "boat.png"
    Image.new("RGB", (32, 18), (10, 20, 30)).save(png)
    board = Storyboard.parse(f"a harbour\n---\n[2s ref={png}] a boat")
    ref = board.shots[1].reference
    assert ref is not None and ref.path == png.resolve()
    assert board.request(1).input_reference == ref


@pytest.mark.parametrize(("text", "match"), [
    ("a\n---\n[4s sideways] b", r"line 3: unknown shot option 'sideways'"),
    ("character Mara: a woman\nstyel: noir\n---\nMara", r"line 2: 'styel: noir' is not a bible setting"),
    ("title: x\n---\n", "no shots"),
    ("a\n---\n[chain ref=/nonexistent.png] b", "line 3"),
    ("a\n---\nseconds: four\nb", r"line 3: length 'four'"),
    ("a\n---\n[2s]", "shot 2 has no prompt"),
    ("continuity: sideways\n---\na", "unknown continuity"),
    ("size: big\n---\na", "size must look like '1280x720'"),
])
def test_parse_errors_are_one_line_with_the_line_number(text: str, match: str) -> None:
    with pytest.raises(InvalidRequestError, match=match) as info:
        Storyboard.parse(text)
    assert "\n" not in str(info.value)


def test_round_trip_through_the_cell_syntax() -> None:
    board = Storyboard.parse(CELL)
    board.move(3, 0)
    again = Storyboard.parse(board.to_text())
    assert again.id == board.id and again.bible == board.bible and again.title == board.title
    assert [s.model_dump() for s in again.shots] == [s.model_dump() for s in board.shots]


def test_json_round_trip_keeps_structured_prompts_and_image_bytes() -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(buf, format="PNG")
    board = Storyboard(shots=["a boat", Shot(prompt=Prompt(subject="a gull", action="lands")),
                              Shot(prompt="a crab", reference=buf.getvalue())])
    from sora_widgets.media import load_reference_bytes

    back = Storyboard.model_validate(board.model_dump(mode="json"))
    assert back.id == board.id and back.shots[:2] == board.shots[:2]
    ref = back.shots[2].reference
    assert ref is not None and ref.kind == "url"  # a data URL: the same image, no file needed
    assert load_reference_bytes(ref) == buf.getvalue()


def test_weave_first_mention_gets_the_description_once() -> None:
    bible = Bible(characters={"Mara": "a tall woman in a yellow raincoat", "Old Tom": "a fisherman"},
                  style="hand-drawn animation", palette=["teal", "amber"])
    text = weave("Mara waves at Old Tom. Mara laughs", bible)
    assert text == ("Mara, a tall woman in a yellow raincoat, waves at Old Tom, a fisherman. Mara laughs, "
                    "hand-drawn animation, palette of teal and amber")
    assert weave("Marathon runners pass", bible).startswith("Marathon runners pass,")  # whole words only
    assert weave("Mara's umbrella flies away", bible).startswith(
        "Mara is a tall woman in a yellow raincoat. Mara's umbrella")
    already = "Mara, a tall woman in a yellow raincoat, sits. Hand-drawn animation, teal and amber"
    assert weave(already, bible) == already  # nothing is said twice
    assert weave("Mara.", bible).startswith("Mara, a tall woman in a yellow raincoat.")


def test_every_shot_says_the_same_thing_about_a_character() -> None:
    board = Storyboard.parse(CELL)
    prompts = board.prompts()
    assert all("Mara, a tall woman in a yellow raincoat" in p for p in prompts[:3])
    assert prompts[3].startswith("Old Tom, a fisherman with a grey beard")
    assert all(p.count("hand-drawn animation") == 1 for p in prompts)
    # a structured shot gets style and palette as fields
    assert "palette of teal, amber and cream" in prompts[3]


def test_lint_flags_names_written_differently() -> None:
    board = Storyboard(
        bible=Bible(characters=[Character(name="Mara", description="a young girl in a yellow raincoat"),
                                Character(name="Ishmael", description="a sailor")]),
        shots=["Mara walks to the pier", "Maria waves from the boat", "then mara runs home"],
    )
    found = board.lint()
    codes = [[f.code for f in shot] for shot in found]
    assert "character-name" in codes[1]  # the prompt linter's near-miss rule, with the bible's names
    assert "storyboard-name-case" in codes[2]
    assert "storyboard-unused-character" in codes[0]  # Ishmael never appears
    variant = next(f for f in found[1] if f.code == "character-name")
    assert variant.excerpt(board.prompt(1)) == "Maria"


def test_shot_validation() -> None:
    with pytest.raises(ValueError, match="cannot also have a reference image"):
        Shot(prompt="x", continuity="chain", reference="data:image/png;base64,AAAA")
    with pytest.raises(ValueError, match="prompt is empty"):
        Shot(prompt="  ")
    with pytest.raises(ValueError, match="unique"):
        Storyboard(shots=[Shot(prompt="a", id="x"), Shot(prompt="b", id="x")])
    board = Storyboard(shots=["a"])
    board.add("b", continuity="chain")
    board.add("c")
    assert [s.id for s in board.shots][1:] == ["s2", "s3"] and board.strands() == [[0, 1], [2]]
    board.move(1, 0)  # a chained shot moved first starts fresh
    assert board.continuity(0) == "independent" and board.strands() == [[0], [1], [2]]
