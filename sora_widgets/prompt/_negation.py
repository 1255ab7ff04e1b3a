"""Exclusions written into prose ("no cars", "without people", "avoid lens flares").

Video models tend to draw what a prompt names, "no" or not; exclusions work better in a negative
prompt, or rephrased positively ("an empty street"). This finds them, with care for idioms that are
not exclusions at all: "no longer", "without looking back", "avoiding the puddles" (an action),
"piano" (no word boundary), and anything inside quoted dialogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._match import clause_spans, enclosing, mask_quotes

_I = re.IGNORECASE
_NEG = re.compile(
    r"(?<![\w-])(?:(?:with\s+|there\s+(?:are|is)\s+)?no|without|(?:do\s+not|don't|never)\s+(?:show|include|add|render)"
    r"|free\s+of|avoid)\s+(?=[a-z])",
    _I,
)
#: words that make "no ..." an idiom, not an exclusion
_NO_IDIOMS = frozenset(
    {"one", "longer", "more", "matter", "doubt", "sooner", "less", "further", "way", "wonder", "time",
     "end", "sign", "need", "problem", "camera", "cuts", "cut", "zoom", "movement", "motion", "trace"}
)  # fmt: skip
_WITHOUT_IDIOMS = re.compile(
    r"^(?:a\s+(?:word|sound|trace|care|doubt|hitch|pause|break)|warning|hesitation|effort|fear|haste|end|"
    r"pause|delay|ceasing|camera\b|cuts?\b)",
    _I,
)
#: where a negated phrase ends inside its clause: a new positive phrase begins
_STOP = re.compile(
    r"\s+(?:while|as|but|where|which|that|so|then)\s+|\s+and\s+(?:a|an|the|his|her|their|its)\s+", _I
)
_PREP = re.compile(
    r"\s+(?:on|in|at|under|over|near|behind|along|across|through|from|with|around|beside|inside|outside|"
    r"into|onto|against|past|by|above|below)\s+",
    _I,
)
_TRAILING = re.compile(
    r"\s+(?:visible|in\s+sight|in\s+(?:the\s+)?(?:frame|shot|scene)|anywhere|at\s+all|around|present|"
    r"allowed|whatsoever)$",
    _I,
)
_EXCEPT = re.compile(r"\b(?:except|other\s+than|apart\s+from|save\s+for|besides|but)\b", _I)
_ARTICLE = re.compile(r"^(?:no|any|a|an|the|some)\s+", _I)


@dataclass(frozen=True)
class Negation:
    """An exclusion phrase: its span in the text (what a fix removes) and the excluded items."""

    start: int
    end: int
    items: tuple[str, ...]


def find_negations(text: str) -> list[Negation]:
    """Exclusions in `text`, in order; idioms, camera instructions and dialogue are skipped."""
    masked = mask_quotes(text)
    clauses = clause_spans(text)
    found: list[Negation] = []
    for m in _NEG.finditer(masked):
        if found and m.start() < found[-1].end:
            continue
        clause = enclosing(clauses, m.start())
        if clause is None:
            continue
        neg = _negation_at(masked, m, clause)
        if neg is not None:
            found.append(neg)
    return found


def _negation_at(masked: str, m: re.Match[str], clause: tuple[int, int]) -> Negation | None:
    word = m.group(0).split()[-1].lower() if m.group(0).split() else ""
    if m.group(0).lower().startswith("avoid") and masked[clause[0] : m.start()].strip():
        return None  # "avoid" only as an instruction at the start of a clause, not "birds avoid"
    obj_end = clause[1]
    stop = _STOP.search(masked, m.end(), clause[1])
    if stop:
        obj_end = stop.start()
    obj = masked[m.end() : obj_end].strip()
    if not obj:
        return None
    if _EXCEPT.search(obj):
        return None  # "no sound except the clink of cutlery" says what *is* there
    first = obj.split()[0].lower()
    if word == "no" and first in _NO_IDIOMS:
        return None
    if word == "without" and (first.endswith("ing") or _WITHOUT_IDIOMS.match(obj)):
        return None
    items = _items(obj)
    if not items:
        return None
    return Negation(m.start(), obj_end, items)


def _items(obj: str) -> tuple[str, ...]:
    out: list[str] = []
    for raw in re.split(r"\s*(?:,|/|\bor\b|\band\b|\bnor\b)\s*", obj, flags=_I):
        item = _ARTICLE.sub("", raw.strip())
        item = _ARTICLE.sub("", item)  # "and no people": both "no" and an article may lead
        prep = _PREP.search(" " + item)
        if prep:
            item = item[: max(prep.start() - 1, 0)]
        item = _TRAILING.sub("", item).strip(" .;:")
        if item and item.lower() not in (i.lower() for i in out):
            out.append(item)
    return tuple(out)
