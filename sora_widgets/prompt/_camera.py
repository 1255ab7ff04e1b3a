"""Camera movement detection, by kind.

Plain word lists are not enough here: "pan" is a camera move but also cookware, "crane" is a bird,
"pulls back the curtain" is an actor's action. Each kind is a few regexes that need camera context
(a direction, "camera", an adverb such as "slow") before they count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._match import mask_quotes

_ADV = r"(?:camera|slow|slowly|smooth|smoothly|gentle|gently|quick|quickly|steady|steadily|slight|lateral)"
_OBJ = r"(?:the|a|an|his|her|their|its|my|your|our)"

#: kind -> patterns, in matching order: static first so "no camera movement" is not a movement
_KIND_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "static",
        (
            r"\bstatic[\s-]+(?:camera|shot|frame|tripod)\b",
            r"\blocked[\s-]+off(?:[\s-]+(?:camera|shot|frame))?\b",
            r"\b(?:fixed|stationary|still|tripod)[\s-]+(?:camera|shot)\b",
            r"\bcamera\s+(?:remains|stays|holds|is\s+held)\s+(?:completely\s+)?(?:still|static|steady|fixed)\b",
            r"\bcamera\s+(?:does\s+not|doesn't|never)\s+move\b",
            r"\bno\s+camera\s+(?:movement|motion|moves)\b",
            r"\bon\s+a\s+tripod\b",
        ),
    ),
    ("dolly zoom", (r"\bdolly[\s-]*zoom\b", r"\bvertigo\s+(?:effect|shot)\b", r"\bzolly\b")),
    (
        "pan",
        (
            rf"\b(?:{_ADV}|whip|panoramic)[\s-]+pan(?:s|ning|ned)?\b",
            r"\bpan(?:s|ning|ned)?\s+(?:left|right|across|up|down)\b",
            r"\bpanning\s+(?:over|to|from|along|around|following|shot)\b",
        ),
    ),
    (
        "tilt",
        (
            r"\btilt(?:s|ing|ed)?\s+(?:up|down|upward|downward|upwards|downwards)\b(?!-)",
            r"\b(?:camera|slow|slowly|smooth|smoothly|gentle|gently)[\s-]+tilt(?:s|ing)?\b(?!-)",
            r"\btilt\s+shot\b",
        ),
    ),
    (
        "dolly",
        (
            r"\bdoll(?:y|ying|ies)(?:[\s-]+(?:in|out|forward|back|backward|shot|move))?\b",
            rf"\bpush(?:es|ing)?[\s-]+in\b(?!\s+(?:{_OBJ}|of|through)\b)",
            rf"\bpull(?:s|ing)?[\s-]+(?:back|out)\b(?!\s+(?:{_OBJ}|of|into)\b)",
        ),
    ),
    (
        "tracking",
        (
            r"\btracking(?:[\s-]+shot)?\b",
            r"\btruck(?:s|ing)?\s+(?:left|right)\b",
            r"\bfollow(?:ing)?[\s-]+shot\b",
            r"\bcamera\s+(?:follows|tracks|is\s+following|following)\b",
        ),
    ),
    (
        "crane",
        (
            r"\bcrane[\s-]+(?:shot|up|down|move)\b",
            r"\bcranes?\s+(?:up|down)\b",
            r"\bjib\b",
            r"\bboom[\s-]+(?:up|down|shot)\b",
            r"\bcamera\s+(?:rises|lifts|descends|cranes)\b",
        ),
    ),
    (
        "orbit",
        (r"\borbit(?:s|ing|al)?\b", r"\barc[\s-]+shot\b", r"\b360[\s-]*degrees?\b", r"\bcamera\s+circles\b"),
    ),
    (
        "zoom",
        (
            r"\b(?:crash|slow|smooth|quick|snap|slight)[\s-]+zoom\b",
            r"\bzoom(?:s|ing)?[\s-]+(?:in|out)\b",
            r"\bzoom\s+shot\b",
        ),
    ),
    ("drone", (r"\bdrone[\s-]+(?:shot|flyover|fly-?over|footage)\b", r"\bfly-?(?:over|through)\b", r"\bflythrough\b")),
    (
        "generic",
        (
            r"\bcamera\s+(?:movement|move|moves|motion|glides|drifts|floats|moving|slowly|sweeps|swoops)\b",
            r"\bmoving\s+camera\b",
            r"\b(?:handheld|steadicam)\b",
        ),
    ),
)

#: kinds that are one distinct camera move each (static and generic are not counted as moves)
MOVE_KINDS = ("dolly zoom", "pan", "tilt", "dolly", "tracking", "crane", "orbit", "zoom", "drone")


@dataclass(frozen=True)
class CameraHit:
    kind: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    return tuple((kind, tuple(re.compile(p, re.IGNORECASE) for p in pats)) for kind, pats in _KIND_PATTERNS)


def camera_hits(text: str) -> list[CameraHit]:
    """Non-overlapping camera-move mentions in `text` (quoted speech ignored), by position."""
    masked = mask_quotes(text)
    hits: list[CameraHit] = []
    for kind, patterns in _compiled():
        for pattern in patterns:
            for m in pattern.finditer(masked):
                if not any(h.start < m.end() and m.start() < h.end for h in hits):
                    hits.append(CameraHit(kind, m.start(), m.end()))
    return sorted(hits, key=lambda h: h.start)
