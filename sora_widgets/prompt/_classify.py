"""What kind of clause is this? One answer per clause, shared by `Prompt.parse` and `Prompt.render`.

`render` uses `ensure_cue` to add a cue word ("... lighting", "... mood", "audio: ...") to a field
value the classifier would not recognise, so the text it writes parses back into the same field.
"""

from __future__ import annotations

import re

from ._camera import camera_hits
from ._match import has_term, mask_quotes
from .vocabulary import (
    ANGLES,
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

_I = re.IGNORECASE
_AUDIO_LEAD = re.compile(r"^(?:audio|sound|sounds|sfx|music|dialogue|voiceover|narration)\b\s*:?", _I)
_AUDIO_WORDS = re.compile(
    r"\b(?:sounds?|audio|music|soundtrack|dialogue|voice-?over|narration|ambience|birdsong|silence|sfx|foley|"
    r"hum|whir|buzz|rustle|rustling|crackle|crackling|chimes?|murmur)\b",
    _I,
)
_SPEECH = re.compile(r"[\"“].*[\"”]|\b(?:says|whispers|asks|shouts|replies|murmurs|calls out)\b", _I)
_SHOT_SUFFIX = re.compile(r"\b(?:shots?|framing)$", _I)
_ANGLE_SUFFIX = re.compile(r"\b(?:angles?|view|perspective|pov)$|\bpov\b", _I)
_LIGHT_WORDS = re.compile(
    r"(?<![\w])(?:[a-z]+-)?(?:lit|lighting|glow|glowing|shadows?|illuminated)\b"
    r"|\b[a-z]+light(?:s|ing)?\b|\blights\b|\b(?:sun|moon|candle|star)lit\b"
    rf"|\blight\b(?!\s+(?:{'|'.join(COLORS)})\b)",
    _I,
)
_STYLE_WORDS = re.compile(
    r"\b(?:style|styled|aesthetic|inspired by|reminiscent of|in the manner of|rendered|render|animation|"
    r"animated|illustration|painting|photography|cinematography|shot on|film stock|artistic)\b"
    r"|\b(?:look|colou?rs|tones|hues)$"
    r"|\b\d{2,3}\s?fps\b|\b\d{3,4}p\b|\b\d\s?k\b|\b\d+(?:[\s-]seconds?|\s?secs?)\b|\baspect ratio\b",
    _I,
)
_MOOD_SUFFIX = re.compile(r"\b(?:mood|atmosphere|energy|feel|feeling|vibes?|tone|ambiance)$", _I)
_MOOD_FILLER = frozenset({"and", "a", "an", "very", "deeply", "quietly", "slightly", "gently", "softly"})
_SETTING_LEAD = re.compile(
    r"^(?:in|at|on|inside|outside|across|along|under|beneath|above|atop|among|amid|within|near|by|over|"
    r"through|beside|behind|underwater|somewhere)\b",
    _I,
)
_MOVE_TERMS = ("handheld", "steadicam")


def is_movement(clause: str) -> bool:
    return bool(camera_hits(clause)) or has_term(clause, _MOVE_TERMS)


def classify(clause: str) -> str:
    """The `Prompt` field a clause belongs to: a field name, or "action" when nothing fits."""
    c = clause.strip()
    if _AUDIO_LEAD.match(c) or _AUDIO_WORDS.search(mask_quotes(c)) or _SPEECH.search(c):
        return "audio"
    c = mask_quotes(c)
    if is_movement(c):
        return "movement"
    if has_term(c, SHOT_TYPES) or has_term(c, LENSES):
        return "shot"
    if has_term(c, ANGLES):
        return "angle"
    if _SHOT_SUFFIX.search(c):
        return "shot"
    if _ANGLE_SUFFIX.search(c):
        return "angle"
    if has_term(c, LIGHTING) or has_term(c, TIME_OF_DAY) or _LIGHT_WORDS.search(c):
        return "lighting"
    if has_term(c, STYLES) or has_term(c, QUALITY) or has_term(c, MOTION) or _STYLE_WORDS.search(c):
        return "style"
    if _MOOD_SUFFIX.search(c) or _only_moods(c):
        return "mood"
    if _SETTING_LEAD.match(c):
        return "setting"
    return "action"


def _only_moods(clause: str) -> bool:
    tokens = [t for t in re.split(r"[\s,]+", clause.lower()) if t and t not in _MOOD_FILLER]
    return bool(tokens) and all(t in MOODS for t in tokens)


#: how to make an unrecognised value recognisable: (prefix, suffix)
_CUES = {
    "setting": ("in ", ""),
    "lighting": ("", " lighting"),
    "style": ("", " style"),
    "mood": ("", " mood"),
    "shot": ("", " shot"),
    "angle": ("", " angle"),
    "movement": ("", " camera movement"),
    "audio": ("audio: ", ""),
}


def ensure_cue(field: str, value: str) -> str:
    """`value` as it should appear in prose so that each of its clauses parses back into `field`."""
    from ._match import clause_spans

    prefix, suffix = _CUES[field]
    pieces = [value[s:e] for s, e in clause_spans(value)] or [value]
    if field == "audio":
        # one cue for the whole value: "audio: wind, gulls" reads better than two cues
        ok = bool(_AUDIO_LEAD.match(value)) or all(classify(p) == "audio" for p in pieces)
        return value if ok else prefix + value
    out = []
    for piece in pieces:
        if classify(piece) != field:
            cued = prefix + piece + suffix
            piece = cued if classify(cued) == field else piece
        out.append(piece)
    return ", ".join(out)
