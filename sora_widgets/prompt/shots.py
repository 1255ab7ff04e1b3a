"""Character naming across the shots of a storyboard (the guide: "use consistent naming for
recurring characters").

Every shot is generated on its own, so a character the model should keep must be named the same
way in every shot. Two slips are caught: a near-miss spelling ("Maria" for "Mara": rule
`character-name`) and a shot that calls a named character "the girl" without naming her (rule
`character-reference`). Both fixes substitute the canonical name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ._lexicon import ANIMALS, NOT_NAMES, PEOPLE
from ._match import mask_quotes, words
from .findings import Finding, Fix, FixFunc

_NAME = re.compile(r"(?<![\w'’-])[A-Z][a-z]{2,}(?:'s|’s)?(?![\w-])")
_STYLE_REF = re.compile(
    r"\b(?i:inspired\s+by|style\s+of|reminiscent\s+of|manner\s+of|in\s+the\s+vein\s+of|by|like)\s+"
    r"(?:[A-Z][\w.-]*\s*){1,3}"
)
_INTRO_APPOSITIVE = re.compile(r"\b(?P<name>[A-Z][a-z]{2,}),\s+(?P<desc>(?:a|an|the)\s+[^,.;]+)")
_INTRO_NAMED = re.compile(r"\b(?P<desc>(?:a|an)\s+[^,.;]*?)\s+(?:named|called)\s+(?P<name>[A-Z][a-z]{2,})\b")
_CHARACTER_NOUNS = frozenset((*PEOPLE, *ANIMALS))


def _names_in(text: str) -> list[tuple[str, int, int]]:
    """Capitalised words that read as names: not sentence-initial common words, not style credits."""
    masked = mask_quotes(text)
    credits = [(m.start(), m.end()) for m in _STYLE_REF.finditer(masked)]
    out = []
    for m in _NAME.finditer(masked):
        word = m.group(0).removesuffix("'s").removesuffix("’s")
        if word.lower() in NOT_NAMES or any(s <= m.start() < e for s, e in credits):
            continue
        out.append((word, m.start(), m.start() + len(word)))
    return out


def _noun_of(description: str) -> str | None:
    """The character noun of a description ("a young girl in a raincoat" -> "girl")."""
    nouns = [w for w, _, _ in words(description) if w in _CHARACTER_NOUNS]
    return nouns[0] if nouns else None


def _similar(a: str, b: str) -> bool:
    """Near-miss spellings: same initial, edit distance 1 (2 for names of 7+ letters)."""
    a, b = a.lower(), b.lower()
    if a == b or a[0] != b[0] or abs(len(a) - len(b)) > 2:
        return False
    limit = 2 if min(len(a), len(b)) >= 7 else 1
    return _distance(a, b) <= limit


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    d = [[max(i, j) if 0 in (i, j) else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def _infer_bible(texts: Sequence[str]) -> dict[str, str]:
    bible: dict[str, str] = {}
    for text in texts:
        for pattern in (_INTRO_APPOSITIVE, _INTRO_NAMED):
            for m in pattern.finditer(mask_quotes(text)):
                if m.group("name").lower() not in NOT_NAMES and _noun_of(m.group("desc")):
                    bible.setdefault(m.group("name"), m.group("desc"))
    return bible


def _rename_fix(variant: str, name: str) -> Fix:
    pattern = re.compile(rf"(?<![\w-]){re.escape(variant)}(?![\w-])")

    def run(text: str, _request: object) -> tuple[str, dict[str, Any]]:
        return pattern.sub(name, text), {}

    return Fix(f"write '{name}' instead of '{variant}'", run)


def _misspellings(texts: Sequence[str], bible: dict[str, str], fixed: bool) -> list[tuple[int, Finding]]:
    # name -> shot index where first seen (-1: the bible); an inferred bible is only a guess, so
    # its names become canonical where they first appear, like any other
    canonical: dict[str, int] = {n: -1 for n in bible} if fixed else {}
    out: list[tuple[int, Finding]] = []
    for index, text in enumerate(texts):
        reported: set[str] = set()
        for word, start, end in _names_in(text):
            if word in canonical or word in reported:
                continue
            match = next((n for n in canonical if canonical[n] < index and _similar(word, n)), None)
            if match is None:
                if not fixed:
                    canonical[word] = index
                continue
            reported.add(word)
            where = "the story bible" if canonical[match] < 0 else f"shot {canonical[match] + 1}"
            message = (
                f"'{word}' looks like '{match}' from {where}: each shot is generated on its own, so a second "
                f"spelling may become a second person; write '{match}'"
            )
            out.append((index, Finding("character-name", "warning", (start, end), message, _rename_fix(word, match))))
    return out


def _generic_references(texts: Sequence[str], bible: dict[str, str]) -> list[tuple[int, Finding]]:
    nouns = {name: _noun_of(desc) for name, desc in bible.items()}
    counts: dict[str, int] = {}
    for noun in nouns.values():
        if noun:
            counts[noun] = counts.get(noun, 0) + 1
    out: list[tuple[int, Finding]] = []
    for index, text in enumerate(texts):
        masked = mask_quotes(text)
        present = {w for w, _, _ in _names_in(text)}
        for name, noun in nouns.items():
            if not noun or counts[noun] > 1 or any(n == name or _similar(n, name) for n in present):
                continue
            m = re.search(rf"\b(?:the|a|an)\s+(?:[a-z-]+\s+){{0,2}}?{noun}\b", masked, re.IGNORECASE)
            if m is None:
                continue
            phrase = text[m.start() : m.end()]
            message = (
                f"'{phrase}' does not name {name}: each shot is generated on its own, so the model may invent "
                f"a different {noun}; write '{name}' and repeat the description ({bible[name]})"
            )
            fix = Fix(f"write '{name}' instead of '{phrase}'", _replace_once(m.start(), phrase, name))
            out.append((index, Finding("character-reference", "warning", (m.start(), m.end()), message, fix)))
    return out


def _replace_once(start: int, phrase: str, name: str) -> FixFunc:
    def run(text: str, _request: object) -> tuple[str, dict[str, Any]]:
        at = start if text[start : start + len(phrase)] == phrase else text.find(phrase)
        if at < 0:
            return text, {}
        return text[:at] + name + text[at + len(phrase) :], {}

    return run


def character_findings(texts: Sequence[str], names: dict[str, str] | None) -> list[tuple[int, Finding]]:
    """(shot index, finding) for naming slips across `texts`; `names` is {name: description}."""
    bible = dict(names) if names else _infer_bible(texts)
    found = _misspellings(texts, bible, fixed=names is not None)
    found += _generic_references(texts, bible)
    return found
