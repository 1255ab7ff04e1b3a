"""Free text -> `Prompt` fields (see `Prompt.parse`).

Order of work: pull out what crosses or hides inside clauses (a palette list, exclusions), split
the rest into clauses, read the first clause as subject + action, and classify every other clause
by vocabulary. Anything unrecognised is scene detail and joins `action`, so nothing is dropped.
"""

from __future__ import annotations

import re
from typing import Any

from ._classify import _AUDIO_LEAD, classify
from ._lexicon import is_action_verb, verb_index
from ._match import clause_spans, cut, words
from ._negation import find_negations
from .vocabulary import COLOR_MODIFIERS, COLORS, category_of

_PALETTE = re.compile(r"\b(?:colou?r\s+)?palette\s*(?:of\b|:)\s*", re.IGNORECASE)
_PALETTE_LEAD_OK = frozenset({"a", "an", "the", "colour", "color", "with"})
_PALETTE_SUFFIX = re.compile(r"\s+(?:colou?r\s+)?palette$", re.IGNORECASE)
_SEGMENT_END = re.compile(r"[;\n]|[.!?](?=\s|$)")
_SHOT_OF = re.compile(r"^(?P<shot>(?:[\w'-]+\s+){0,3}?[\w'-]+)\s+of\s+", re.IGNORECASE)
_LABEL = re.compile(r"^([a-z][a-z ]{1,20}?)\s*:\s*", re.IGNORECASE)
#: labels of the cookbook's multi-line prompts -> field ("camera" is sorted into shot/angle/movement)
_LABEL_FIELDS = {
    "style": "style", "look": "style", "camera": "camera", "cinematography": "camera", "lighting": "lighting",
    "light": "lighting", "mood": "mood", "tone": "mood", "atmosphere": "mood", "palette": "palette",
    "colors": "palette", "colours": "palette", "color palette": "palette", "colour palette": "palette",
    "setting": "setting", "location": "setting", "scene": "action", "subject": "subject",
    "character": "subject", "action": "action", "shot": "shot", "lens": "shot", "angle": "angle",
    "movement": "movement", "camera movement": "movement", "avoid": "avoid", "negative": "avoid",
    "negative prompt": "avoid",
}  # fmt: skip
_FIELDS = ("subject", "action", "setting", "lighting", "style", "mood", "shot", "angle", "movement", "audio")


def parse_fields(text: str) -> dict[str, Any]:
    """Field values for `Prompt(**...)` read from free text."""
    text, palette = _take_palette(text.strip())
    text, avoid = _take_negations(text)
    found: dict[str, list[str]] = {name: [] for name in _FIELDS}
    label: tuple[int, str] | None = None  # (line, field) of a "Lighting: ..." line being read
    first_open, in_audio_block = True, False
    for start, end in clause_spans(text):
        clause, line = text[start:end], text.count("\n", 0, start)
        labelled = _LABEL.match(clause)
        if labelled and labelled.group(1).lower() in _LABEL_FIELDS:
            label, clause = (line, _LABEL_FIELDS[labelled.group(1).lower()]), clause[labelled.end() :]
        if label is not None and label[0] == line:
            _labelled(label[1], clause, found, palette, avoid)
            continue
        if in_audio_block:
            found["audio"].append(clause)
            continue
        if first_open:
            first_open = False
            if _is_subject_clause(clause):
                _first_clause(clause, found)
                continue
        kind = classify(clause)
        if kind == "action" and clause.lower().endswith("palette"):
            palette.extend(_split_items(_PALETTE_SUFFIX.sub("", clause)))
            continue
        # an "Audio:" block runs to the end, the way the cookbook writes audio and dialogue last
        in_audio_block = kind == "audio" and bool(_AUDIO_LEAD.match(clause))
        found[kind].append(clause)
    out: dict[str, Any] = {name: ", ".join(values) for name, values in found.items() if values}
    out["palette"] = tuple(palette)
    out["avoid"] = tuple(dict.fromkeys(avoid))
    return out


def _labelled(field: str, clause: str, found: dict[str, list[str]], palette: list[str], avoid: list[str]) -> None:
    """A clause on a "Label: ..." line (the cookbook's multi-line prompt style)."""
    if not clause.strip():
        return
    if field == "palette":
        palette.extend(_split_items(_PALETTE_SUFFIX.sub("", clause)))
    elif field == "avoid":
        avoid.extend(_split_items(clause))
    elif field == "camera":
        kind = classify(clause)
        found[kind if kind in ("shot", "angle", "movement") else "shot"].append(clause)
    else:
        found[field].append(clause)


def _is_subject_clause(clause: str) -> bool:
    """The first clause is subject + action unless it is plainly something else ("Close-up")."""
    if _AUDIO_LEAD.match(clause) or category_of(clause) is not None:
        return False
    return not clause.lower().startswith(("palette", "colour palette", "color palette"))


def _first_clause(clause: str, found: dict[str, list[str]]) -> None:
    m = _SHOT_OF.match(clause)
    if m and classify(m.group("shot")) in ("shot", "angle"):  # "Close-up of ...", "Aerial view of ..."
        found[classify(m.group("shot"))].append(m.group("shot"))
        clause = clause[m.end() :]
    toks = words(clause)
    tokens = [w for w, _, _ in toks]
    if tokens and verb_index().get(tokens[0], ("", ""))[1] in ("ing", "s"):
        found["action"].append(clause)
        return
    for i in range(1, len(tokens)):
        if is_action_verb(tokens, i):
            found["subject"].append(clause[: toks[i][1]].strip(" ,"))
            found["action"].append(clause[toks[i][1] :])
            return
    found["subject"].append(clause)


def _take_negations(text: str) -> tuple[str, list[str]]:
    items: list[str] = []
    for neg in reversed(find_negations(text)):
        text = cut(text, neg.start, neg.end)
        items[:0] = neg.items
    return text, items


def _take_palette(text: str) -> tuple[str, list[str]]:
    m = _PALETTE.search(text)
    if not m:
        return text, []
    start = _palette_start(text, m.start())
    sentence_end = _SEGMENT_END.search(text, m.end())
    limit = sentence_end.start() if sentence_end else len(text)
    items, end = _palette_items(text, m.end(), limit)
    if not items:
        return text, []
    return cut(text, start, end), items


def _palette_start(text: str, pos: int) -> int:
    """Take "a colour palette of" whole when only articles precede "palette" in its clause."""
    clause_start = max(text.rfind(",", 0, pos), text.rfind(";", 0, pos)) + 1
    lead = text[clause_start:pos].lower().split()
    if all(w in _PALETTE_LEAD_OK for w in lead):
        return clause_start + len(text[clause_start:pos]) - len(text[clause_start:pos].lstrip())
    return pos


def _palette_items(text: str, pos: int, limit: int) -> tuple[list[str], int]:
    """Comma-separated colours after "palette of": the list ends after an "and" or a non-colour."""
    items: list[str] = []
    end = pos
    for i, segment in enumerate(text[pos:limit].split(",")):
        seg = segment.strip()
        parts = _split_items(seg)
        if i > 0 and not (parts and _colour_like(parts[0])):
            break
        items.extend(parts)
        end = pos + len(segment) if i == 0 else end + 1 + len(segment)
        if " and " in f" {seg} ":
            break
    return items, end


def _split_items(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\s*(?:,|\band\b)\s*", text) if p.strip()]


def _colour_like(item: str) -> bool:
    ws = item.lower().split()
    if not 0 < len(ws) <= 3:
        return False
    return ws[-1] in COLORS and all(w in COLORS or w in COLOR_MODIFIERS for w in ws[:-1])
