from __future__ import annotations

import pytest

from sora_widgets.prompt import CATEGORY_FIELDS, GUIDE_KEYWORDS, PROMPT_FIELDS, SHOT_GRAMMAR, VOCABULARY, Prompt
from sora_widgets.prompt._match import clause_spans, cut, find_terms, mask_quotes
from sora_widgets.prompt.vocabulary import category_of


def test_guide_keywords_verbatim() -> None:
    assert GUIDE_KEYWORDS["lighting"] == ("golden hour", "dramatic shadows", "neon glow", "natural daylight")
    assert GUIDE_KEYWORDS["movement"] == ("slow motion", "time-lapse", "dynamic action", "gentle breeze")
    assert GUIDE_KEYWORDS["quality"] == ("ultra-detailed", "photorealistic", "stylized", "painterly")
    assert GUIDE_KEYWORDS["camera"] == ("wide shot", "close-up", "aerial view", "tracking shot", "dolly zoom")


def test_plain_data() -> None:
    for group in (VOCABULARY, GUIDE_KEYWORDS, SHOT_GRAMMAR):
        for name, terms in group.items():
            assert isinstance(name, str) and isinstance(terms, tuple) and terms
            assert all(isinstance(t, str) and t == t.strip().lower() for t in terms)
            assert len(set(terms)) == len(terms), name
    assert set(SHOT_GRAMMAR) == {"shot_types", "angles", "camera_moves", "lenses"}


def test_every_guide_keyword_is_listed() -> None:
    listed = {t for terms in VOCABULARY.values() for t in terms}
    assert {t for terms in GUIDE_KEYWORDS.values() for t in terms} <= listed


def test_category_fields_are_prompt_fields() -> None:
    assert set(CATEGORY_FIELDS) == set(VOCABULARY)
    assert set(CATEGORY_FIELDS.values()) <= set(PROMPT_FIELDS)
    assert category_of("Golden Hour") == "lighting"
    assert category_of("not a term") is None


@pytest.mark.parametrize(
    ("category", "term"),
    [(c, t) for c, terms in VOCABULARY.items() if c not in ("colors",) for t in terms],
)
def test_a_chip_parses_back_into_its_field(category: str, term: str) -> None:
    """A chip the composer puts into a field must come back in that field after a round trip."""
    field = CATEGORY_FIELDS[category]
    prompt = Prompt(subject="A red fox", **{field: term})
    assert getattr(Prompt.parse(prompt.render()), field) == term


@pytest.mark.parametrize(
    ("text", "term"),
    [("a knight at dawn", "night"), ("a grand piano", "no"), ("a train in Japan", "pan"),
     ("tilt-shift lens", "tilt"), ("a nightclub", "night")],
)  # fmt: skip
def test_word_boundaries(text: str, term: str) -> None:
    assert find_terms(text, [term]) == []


def test_term_matching_is_flexible_about_hyphens_and_plurals() -> None:
    assert [h.term for h in find_terms("two close up shots, a closeup", ["close-up"])] == ["close-up", "close-up"]
    assert find_terms("Wide shots of the bay", ["wide shot"])[0].span == (0, 10)


def test_longest_term_wins() -> None:
    hits = find_terms("an extreme close-up", ["close-up", "extreme close-up"])
    assert [h.term for h in hits] == ["extreme close-up"]


def test_quotes_are_masked_and_clauses_skip_them() -> None:
    text = 'He says "No, stay here." and leaves, wide shot'
    assert mask_quotes(text).count("No") == 0 and len(mask_quotes(text)) == len(text)
    assert [text[s:e] for s, e in clause_spans(text)] == ['He says "No, stay here." and leaves', "wide shot"]
    numbers = "1,000 lanterns, wide shot"
    assert [numbers[s:e] for s, e in clause_spans(numbers)] == ["1,000 lanterns", "wide shot"]


@pytest.mark.parametrize(
    ("text", "target", "expected"),
    [("a, b, c", "b", "a, c"), ("a, b, c", "a", "b, c"), ("a, b, c", "c", "a, b"), ("a, b.", "b", "a."),
     ("a street with no cars, soft", "with no cars", "a street, soft"), ("a 10-second clip", "10-second", "a clip"),
     ("Avoid flares, a tree", "Avoid flares", "A tree")],
)  # fmt: skip
def test_cut_tidies_separators(text: str, target: str, expected: str) -> None:
    start = text.index(target)
    assert cut(text, start, start + len(target)) == expected
