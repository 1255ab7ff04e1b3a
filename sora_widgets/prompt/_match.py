"""Word matching that respects word boundaries, clause splitting, and quote masking.

Every rule in the linter and the parser matches through here, so "night" never fires inside
"knight", "no" never inside "piano", "pan" never inside "Japan". Quoted speech is masked (blanked
with spaces, offsets kept) because dialogue such as "No, stay here!" is not an instruction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')
#: clause separators: commas (not inside numbers), semicolons, sentence ends and newlines
_CLAUSE_SEP = re.compile(r"(?<!\d),|,(?!\d)|;|[.!?](?=\s|$)|\n")
_SENTENCE_SEP = re.compile(r";|[.!?](?=\s|$)|\n")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True)
class Hit:
    """One match of a vocabulary term in a text: the term as listed and where it matched."""

    term: str
    start: int
    end: int

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


def mask_quotes(text: str) -> str:
    """`text` with the inside of each double-quoted passage replaced by spaces (same length)."""

    def blank(m: re.Match[str]) -> str:
        s = m.group(0)
        return s[0] + " " * (len(s) - 2) + s[-1]

    return _QUOTED.sub(blank, text)


@lru_cache(maxsize=4096)
def term_regex(term: str) -> re.Pattern[str]:
    """A case-insensitive regex for a vocabulary term.

    Spaces and hyphens between words are interchangeable ("close-up" matches "close up" and
    "closeup"); a plural "s"/"es" is allowed; the match may not touch a letter, digit or hyphen on
    either side, which is what keeps "night" out of "knight" and "tilt" out of "tilt-shift".
    """
    words = [w for w in re.split(r"[\s-]+", term.strip()) if w]
    body = r"[\s-]*".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![\w-]){body}(?:e?s)?(?![\w-])", re.IGNORECASE)


def find_terms(text: str, terms: Iterable[str]) -> list[Hit]:
    """Non-overlapping hits of `terms` in `text`, longest term first, sorted by position."""
    hits: list[Hit] = []
    for term in sorted(set(terms), key=len, reverse=True):
        for m in term_regex(term).finditer(text):
            if not any(h.start < m.end() and m.start() < h.end for h in hits):
                hits.append(Hit(term, m.start(), m.end()))
    return sorted(hits, key=lambda h: h.start)


def has_term(text: str, terms: Iterable[str]) -> bool:
    return any(term_regex(t).search(text) for t in terms)


def _split(text: str, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    masked = mask_quotes(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for m in sep.finditer(masked):
        _push(text, start, m.start(), spans)
        start = m.end()
    _push(text, start, len(text), spans)
    return spans


def _push(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        out.append((start + lead, start + lead + len(stripped)))


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each comma/semicolon/sentence-separated clause, whitespace trimmed."""
    return _split(text, _CLAUSE_SEP)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    return _split(text, _SENTENCE_SEP)


def words(text: str) -> list[tuple[str, int, int]]:
    """(lowercased word, start, end) for each word of letters (apostrophes and hyphens kept)."""
    return [(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def enclosing(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The span of `spans` that contains `pos`, if any."""
    for start, end in spans:
        if start <= pos < end:
            return (start, end)
    return None


_SEPARATORS = ",;"


def cut(text: str, start: int, end: int) -> str:
    """Remove text[start:end] and tidy the punctuation around the hole.

    A removed whole clause takes one neighbouring comma with it ("a, b, c" minus "b" is "a, c");
    a phrase removed from inside a clause just closes up the spaces.
    """
    before = text[:start].rstrip(" \t")
    after = text[end:].lstrip(" \t")
    if not before.strip() and text[:1].isupper():
        # the prompt's first words went: keep its capital ("Avoid X, a tree" -> "A tree")
        after = after.lstrip(_SEPARATORS + " \t")
        after = after[:1].upper() + after[1:]
    if before.endswith(tuple(_SEPARATORS)) and (not after or after[0] in _SEPARATORS + ".!?\n"):
        before = before[:-1].rstrip(" \t")
    elif not before.strip() and after[:1] in tuple(_SEPARATORS):
        after = after[1:].lstrip(" \t")
    if not before or not after:
        return (before + after).strip()
    if after[0] in _SEPARATORS + ".!?\n" or before.endswith("\n"):
        return before + after
    return before + " " + after
