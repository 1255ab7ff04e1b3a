"""Read a prompt the way the preview renderer needs it: palette, camera move, motifs, caption.

Plain keyword matching, deliberately: the preview has to *visibly follow* the prompt (golden hour
looks warm, night looks dark blue, "pan left" pans left) and be deterministic, not be clever.
No heavy imports here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    name: str
    sky_top: RGB
    sky_horizon: RGB
    ground_far: RGB
    ground_near: RGB
    silhouette: RGB
    accent: RGB
    light: RGB | None  # sun or moon colour; None = no disc
    stars: bool = False


PALETTES: dict[str, Palette] = {
    "day": Palette("day", (58, 124, 222), (176, 214, 248), (112, 168, 84), (58, 116, 52),
                   (44, 62, 48), (232, 96, 64), (255, 250, 226)),
    "golden": Palette("golden", (226, 116, 52), (255, 204, 118), (176, 110, 58), (104, 58, 32),
                      (64, 34, 24), (255, 170, 60), (255, 236, 170)),
    "sunset": Palette("sunset", (92, 52, 128), (252, 134, 84), (104, 58, 82), (52, 30, 50),
                      (34, 20, 36), (255, 120, 90), (255, 210, 150)),
    "dawn": Palette("dawn", (150, 160, 210), (252, 196, 188), (140, 150, 120), (86, 96, 82),
                    (60, 60, 72), (250, 150, 170), (255, 232, 214)),
    "night": Palette("night", (6, 10, 34), (28, 38, 92), (18, 22, 44), (8, 10, 22),
                     (4, 6, 14), (120, 140, 230), (222, 228, 255), stars=True),
    "neon": Palette("neon", (10, 6, 40), (96, 18, 132), (26, 14, 52), (12, 8, 26),
                    (6, 4, 16), (255, 48, 214), (0, 236, 255), stars=True),
    "overcast": Palette("overcast", (128, 136, 148), (188, 192, 198), (104, 116, 104), (70, 80, 72),
                        (50, 54, 58), (170, 176, 186), None),
    "snow": Palette("snow", (150, 186, 226), (226, 238, 250), (236, 242, 250), (206, 218, 234),
                    (76, 88, 110), (120, 170, 230), (255, 255, 246)),
    "underwater": Palette("underwater", (6, 48, 84), (24, 132, 156), (18, 96, 110), (8, 52, 70),
                          (6, 30, 44), (255, 150, 80), None),
    "desert": Palette("desert", (96, 160, 230), (240, 222, 180), (226, 186, 120), (196, 146, 86),
                      (120, 80, 48), (200, 90, 50), (255, 246, 214)),
    "fire": Palette("fire", (40, 10, 8), (180, 50, 16), (80, 24, 12), (30, 10, 6),
                    (16, 6, 4), (255, 140, 30), (255, 190, 80)),
}

# First match wins, so specific phrases come before general words.
_PALETTE_WORDS: tuple[tuple[str, str], ...] = (
    (r"golden[ -]hour|magic hour|amber|warm light|late afternoon", "golden"),
    (r"neon|cyberpunk|synthwave|vaporwave|nightclub|blade ?runner", "neon"),
    (r"sunset|dusk|twilight|evening", "sunset"),
    (r"sunrise|dawn|daybreak|early morning|pastel", "dawn"),
    (r"night|midnight|moonlit|moonlight|starry|stars|nocturnal|after dark", "night"),
    (r"under ?water|ocean floor|coral|reef|deep sea|aquarium", "underwater"),
    (r"snow|winter|blizzard|frozen|icy|arctic|glacier", "snow"),
    (r"overcast|rain|rainy|storm|fog|foggy|mist|misty|cloudy|grey|gray|drizzle", "overcast"),
    (r"desert|dune|sahara|arid|canyon", "desert"),
    (r"fire|flames?|lava|volcan|inferno|embers?|candle", "fire"),
    (r"noon|midday|sunny|daylight|bright|clear sky|blue sky|summer|morning|day", "day"),
)

_CAMERA_WORDS: tuple[tuple[str, str], ...] = (
    (r"handheld|hand-held|shaky|found footage|documentary style", "handheld"),
    (r"orbit|orbiting|circles? around|360", "orbit"),
    (r"aerial|drone|bird'?s[- ]eye|overhead|fly-?over", "aerial"),
    (r"tracking|track(?:s|ing)? (?:alongside|beside|with)|follow(?:s|ing)? (?:shot|cam)|steadicam", "tracking"),
    (r"dolly|push(?:es|ing)? in|pull(?:s|ing)? (?:back|out)|crane", "dolly"),
    (r"zoom", "zoom"),
    (r"tilt", "tilt"),
    (r"pan(?:s|ning|ned)?\b|whip pan|sweep", "pan"),
    (r"static|locked[- ]off|tripod|still frame|fixed camera|wide shot", "static"),
)

# Background motif of the procedural scene, from the setting.
_MOTIF_WORDS: tuple[tuple[str, str], ...] = (
    (r"city|street|skyline|building|downtown|tokyo|new york|urban|alley|rooftop|cyberpunk", "city"),
    (r"ocean|sea|beach|lake|river|wave|harbor|harbour|shore|underwater|coral|boat|ship", "water"),
    (r"forest|tree|woods|jungle|garden|park|orchard", "forest"),
    (r"mountain|peak|valley|alps|cliff|volcan|glacier", "mountains"),
    (r"desert|dune|sahara|canyon", "dunes"),
)

# The hero subject's silhouette.
_HERO_WORDS: tuple[tuple[str, str], ...] = (
    (r"\b(?:car|truck|bus|van|taxi|train|tram|bike|bicycle|motorcycle|jeep|tractor)s?\b", "vehicle"),
    (r"\b(?:boat|ship|sailboat|yacht|canoe|kayak|ferry)s?\b", "boat"),
    (r"\b(?:bird|eagle|owl|crow|gull|seagull|plane|airplane|jet|dragon|butterfly|bat)s?\b", "bird"),
    (r"\b(?:fish|whale|shark|dolphin|turtle|jellyfish|octopus)e?s?\b", "fish"),
    (r"\b(?:robot|android|mech|droid|astronaut)s?\b", "robot"),
    (r"\b(?:cat|kitten|dog|puppy|fox|horse|wolf|deer|bear|lion|tiger|rabbit|cow|sheep|goat|mouse)s?\b",
     "animal"),
    (r"\b(?:man|woman|men|women|person|people|child|children|kid|girl|boy|dancer|chef|runner|knight|"
     r"skater|surfer|musician|pianist|hiker|couple|crowd|figure|character|king|queen)s?\b", "figure"),
)

# How the hero moves through the scene: (horizontal speed, vertical bob) per clip, in canvas widths.
_ACTION_WORDS: tuple[tuple[str, tuple[float, float]], ...] = (
    (r"\b(?:run|runs|running|sprint\w*|race|races|racing|gallop\w*|chas\w+|speed\w*|driv\w+)\b",
     (0.55, 0.02)),
    (r"\b(?:fly|flies|flying|soar\w*|glid\w+|swoop\w*|float\w*|drift\w*)\b", (0.35, 0.08)),
    (r"\b(?:swim\w*|sail\w*|row\w*|paddl\w+)\b", (0.3, 0.03)),
    (r"\b(?:walk\w*|stroll\w*|wander\w*|march\w*|hik\w+|travel\w*|cross\w*|mov\w+)\b", (0.25, 0.015)),
    (r"\b(?:danc\w+|jump\w*|bounc\w+|hop\w*|leap\w*|play\w*|spin\w*|twirl\w*)\b", (0.05, 0.09)),
)

_CAMERA_PHRASE = re.compile(
    r"\b(?:(?:very\s+)?slow(?:ly)?\s+|smooth(?:ly)?\s+|fast\s+|quick\s+)?"
    r"(?:pan|pans|panning|tilt|tilts|tilting|zoom|zooms|zooming|dolly|dollies|push(?:es)?|pull(?:s)?|"
    r"track(?:s|ing)?|crane|camera\s+(?:moves?|pans?|tilts?))"
    r"(?:\s+(?:shot|in|out|back|forward|left|right|up|down|upward|downward|to the left|to the right))*\b",
    re.IGNORECASE,
)
_STYLE_WORDS = re.compile(
    "|".join(rf"\b(?:{p})\w*" for p, _ in _PALETTE_WORDS + _CAMERA_WORDS)
    + r"|\b(?:slow|slowly|cinematic|shot|camera|lens|\d+mm|4k|8k|hdr|film grain|photoreal\w*|"
    r"hyper-?realistic|close-?up|wide angle|lighting|style)\b",
    re.IGNORECASE,
)
_FILLER = (r"(?:a|an|the|of|over|from|at|in|on|with|and|to|as|into|through|under|by|for|near|beside|behind|"
           r"around|across|along|towards?|onto|past|above|below|between|while|during)")
_LEADING_FILLER = re.compile(rf"^(?:{_FILLER}\s+)+", re.IGNORECASE)
_TRAILING_FILLER = re.compile(rf"(?:\s+{_FILLER})+$", re.IGNORECASE)
CAPTION_MAX = 56


@dataclass(frozen=True)
class Style:
    palette: Palette
    camera: str
    direction: int  # +1 right/down/in, -1 left/up/out
    motif: str
    hero: str
    hero_speed: float
    hero_bob: float
    caption: str


def _first(table: tuple[tuple[str, str], ...], text: str, default: str) -> str:
    for pattern, value in table:
        # Anchor at a word start so "train" is not "rain" and "bicycle" not "icy".
        if re.search(rf"\b(?:{pattern})", text):
            return value
    return default


def _direction(text: str, camera: str) -> int:
    if camera in ("zoom", "dolly"):
        return -1 if re.search(r"\b(?:out|back|away|pull\w*|reveal\w*)\b", text) else 1
    if camera == "tilt":
        return -1 if re.search(r"\bup(?:ward)?s?\b", text) else 1
    if camera == "aerial":
        return 1
    return -1 if re.search(r"\bleft\b|right to left", text) else 1


def caption_for(prompt: str) -> str:
    """The subject and action in a few words: the clause that names a subject or an action (else the
    first one), with lighting, camera and style words removed."""
    clauses = []
    for clause in re.split(r"[.;:,\n!?]+|\s[-–—]\s", prompt):
        words = _STYLE_WORDS.sub(" ", _CAMERA_PHRASE.sub(" ", clause))
        words = re.sub(r"\s+", " ", words).strip(" -–—'\"")
        words = _TRAILING_FILLER.sub("", _LEADING_FILLER.sub("", words)).strip()
        if len(words) >= 3:
            clauses.append(words)
    if not clauses:
        return prompt.strip()[:CAPTION_MAX] or "Untitled"
    subject = [p for p, _ in _HERO_WORDS] + [p for p, _ in _ACTION_WORDS]
    named = [c for c in clauses if any(re.search(p, c.lower()) for p in subject)]
    text = named[0] if named else clauses[0]
    text = text[:1].upper() + text[1:]
    if len(text) > CAPTION_MAX:
        text = text[: CAPTION_MAX - 1].rsplit(" ", 1)[0] + "…"
    return text


def style_for(prompt: str) -> Style:
    text = prompt.lower()
    palette = PALETTES[_first(_PALETTE_WORDS, text, "day")]
    camera = _first(_CAMERA_WORDS, text, "")
    if not camera:
        # No camera words: a gentle push-in, so an unspecified shot still feels alive.
        camera, direction = "zoom", 1
    else:
        direction = _direction(text, camera)
    speed, bob = 0.0, 0.0
    for pattern, (s, b) in _ACTION_WORDS:
        if re.search(pattern, text):
            speed, bob = s, b
            break
    if re.search(r"\bleft\b", text) and camera not in ("pan", "tracking"):
        speed = -speed
    return Style(
        palette=palette,
        camera=camera,
        direction=direction,
        motif=_first(_MOTIF_WORDS, text, "hills"),
        hero=_first(_HERO_WORDS, text, "figure"),
        hero_speed=speed * (direction if camera in ("pan", "tracking") else 1),
        hero_bob=bob,
        caption=caption_for(prompt),
    )
