"""Rules about what the shot shows: complexity, vague positions, contradictions, camera moves, and
the hints for a missing camera or missing light (the guide's "Common Pitfalls to Avoid").
"""

from __future__ import annotations

import re

from ._camera import MOVE_KINDS, camera_hits
from ._classify import _LIGHT_WORDS
from ._context import LintContext
from ._lexicon import PLACE_NOUNS, STILL_VERBS, is_action_verb, plural, subject_nouns
from ._match import enclosing, find_terms, has_term, sentence_spans, words
from ._negation import find_negations
from .findings import Finding
from .vocabulary import ANGLES, LENSES, LIGHTING, SHOT_TYPES, TIME_OF_DAY

_I = re.IGNORECASE
MAX_MOVING = 3
MAX_SUBJECTS = 3


def check_complexity(ctx: LintContext) -> list[Finding]:
    """Too many subjects or moving elements for one shot (the guide: "start simple"). A plural or a
    counted noun is several subjects ("five children" is five), a group ("a marching band") two."""
    camera = [(h.start, h.end) for h in camera_hits(ctx.text)]
    toks = [t for t in words(ctx.masked) if not any(s <= t[1] < e for s, e in camera)]
    tokens = [w for w, _, _ in toks]
    moving = {v for i in range(len(tokens)) if (v := is_action_verb(tokens, i)) and v not in STILL_VERBS}
    negated = [(n.start, n.end) for n in find_negations(ctx.text)]  # "no people" puts nobody in the shot
    counts = subject_counts(ctx.masked, [t for t in toks if not any(s <= t[1] < e for s, e in negated)])
    total = sum(n for n, _ in counts.values())
    if len(moving) <= MAX_MOVING and total <= MAX_SUBJECTS:
        return []
    parts = []
    if len(moving) > MAX_MOVING:
        parts.append(f"{len(moving)} moving elements ({', '.join(sorted(moving))})")
    if total > MAX_SUBJECTS:
        parts.append(f"{total} subjects ({', '.join(said for _, said in counts.values())})")
    message = (
        f"{' and '.join(parts)} in one shot: busy scenes lose coherence; keep one subject and one clear "
        "action here and give the rest their own shots"
    )
    return [Finding("scene-complexity", "warning", None, message)]


_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "dozens": 24, "hundreds": 100,
                "several": 3, "many": 3, "few": 3, "pair": 2, "couple": 2}
#: nouns that are several moving subjects at once
GROUP_NOUNS = frozenset({"band", "crowd", "orchestra", "choir", "herd", "flock", "pack", "army", "parade",
                         "troupe", "swarm", "team", "family", "gang", "mob", "fireworks"})
_DIGITS_BEFORE = re.compile(r"\b(\d{1,4})\s+(?:[\w-]+\s+){0,2}$")


def subject_counts(text: str, toks: list[tuple[str, int, int]]) -> dict[str, tuple[int, str]]:
    """singular noun -> (how many, the words as written) for people, animals, vehicles and groups."""
    nouns = subject_nouns()
    out: dict[str, tuple[int, str]] = {}
    for i, (word, _, _) in enumerate(toks):
        if word in GROUP_NOUNS:
            if i + 1 < len(toks) and toks[i + 1][0] == "of":  # "a herd of sheep": the sheep count
                continue
            noun, n = word, 2
        elif word in nouns:
            noun = nouns[word]
            n = 1 if word == noun and word != plural(noun) else _count_before(text, toks, i)
        else:
            continue
        first = max(0, i - 2)
        said = " ".join(w for w, _, _ in toks[first:i] if w in _COUNT_WORDS) + " " + word
        if n > out.get(noun, (0, ""))[0]:
            out[noun] = (n, said.strip())
    return out


def _count_before(text: str, toks: list[tuple[str, int, int]], i: int) -> int:
    """The count written before a plural noun ("five", "3", "a dozen"), else 2 (a plural is several)."""
    for word, _, _ in reversed(toks[max(0, i - 2):i]):
        if word in _COUNT_WORDS:
            return _COUNT_WORDS[word]
    digits = _DIGITS_BEFORE.search(text[max(0, toks[i][1] - 30):toks[i][1]])
    return max(2, int(digits.group(1))) if digits else 2


_RELATION = re.compile(r"\b(?P<rel>next\s+to|beside|alongside|side\s+by\s+side|adjacent\s+to)\b", _I)
_NEAR = re.compile(r"\b(?P<rel>near|nearby|close\s+to)\b(?!\s+(?:the\s+)?(?:camera|lens)\b)", _I)
_PLACED = re.compile(
    r"\b(?:left|right|foreground|background|midground|in\s+front\s+of|behind|above|below|on\s+top\s+of|"
    r"underneath|beneath|center|centre|middle)\b",
    _I,
)
_OBJECT = re.compile(r"\s+(?:(?:the|a|an|his|her|their|its|two|some)\s+)?(?:[\w-]+\s+){0,2}?(?P<noun>[\w-]+)")


def check_positions(ctx: LintContext) -> list[Finding]:
    """Relations such as "next to" without a side or depth (the guide: "specify left/right")."""
    found: list[Finding] = []
    for start, end in sentence_spans(ctx.text):
        sentence = ctx.masked[start:end]
        if _PLACED.search(sentence):
            continue
        for m in _RELATION.finditer(sentence):
            if _about_camera(ctx, start + m.start()):
                continue  # "tracking alongside the train" places the camera, not the subjects
            severity = "hint" if _object_is_place(sentence, m.end()) else "warning"
            found.append(_position(ctx, start + m.start(), start + m.end(), severity))
        for m in _NEAR.finditer(sentence):
            found.append(_position(ctx, start + m.start(), start + m.end(), "hint"))
    return found


def _about_camera(ctx: LintContext, pos: int) -> bool:
    clause = enclosing(ctx.clauses, pos)
    if clause is None:
        return False
    text = ctx.text[clause[0] : clause[1]]
    return bool(camera_hits(text)) or re.search(r"\bcamera\b", text, _I) is not None


def _object_is_place(sentence: str, pos: int) -> bool:
    nouns = [w for w, _, _ in words(sentence[pos : pos + 40])][:4]
    return any(n in PLACE_NOUNS for n in nouns) and not any(n in subject_nouns() for n in nouns)


def _position(ctx: LintContext, start: int, end: int, severity: str) -> Finding:
    rel = ctx.text[start:end]
    message = (
        f"'{rel}' does not say which side: the model may mirror or swap what it relates; say what is on "
        "the left/right or in the foreground/background"
    )
    return Finding("ambiguous-position", severity, (start, end), message)  # type: ignore[arg-type]


_DAY = ("daytime", "midday", "noon", "broad daylight", "daylight", "morning", "afternoon", "golden hour",
        "bright sunshine", "harsh midday sun")  # fmt: skip
_NIGHT = ("night", "nighttime", "midnight", "moonlit", "moonlight", "starry sky", "starlit", "after dark")
_SLOW = ("slow motion", "slow-mo", "slowmo")
_FAST = ("time-lapse", "hyperlapse", "fast motion", "sped up", "fast-forward")
_TRANSITION = re.compile(
    r"\b(?:time-?\s?lapse|hyperlapse|transitions?|transitioning|turns?\s+(?:to|into)|fades?\s+(?:to|into)|"
    r"until|becomes?|gives\s+way|into\s+(?:the\s+)?night|to\s+night|to\s+day|from\s+day|from\s+night)\b",
    _I,
)


def check_contradictions(ctx: LintContext) -> list[Finding]:
    """Day vs night, slow motion vs time-lapse, static vs moving camera, two camera moves."""
    found: list[Finding] = []
    if not _TRANSITION.search(ctx.masked):
        found += _pair(ctx, _DAY, _NIGHT, "day and night", "pick one time of day per shot")
    found += _pair(ctx, _SLOW, _FAST, "slow motion and time-lapse", "they pull the speed opposite ways; pick one")
    hits = camera_hits(ctx.text)
    static = [h for h in hits if h.kind == "static"]
    moving = [h for h in hits if h.kind != "static"]
    if static and moving:
        h = moving[0]
        message = (
            f"a static camera and a moving one ('{ctx.text[h.start : h.end]}') in the same shot; "
            "choose a locked-off frame or the move"
        )
        found.append(Finding("contradiction", "warning", (h.start, h.end), message))
    kinds: dict[str, tuple[int, int]] = {}
    for h in hits:
        if h.kind in MOVE_KINDS:
            kinds.setdefault(h.kind, (h.start, h.end))
    if len(kinds) > 1:
        first, second = list(kinds)[:2]
        span = kinds[second]
        message = (
            f"{len(kinds)} camera moves in one shot ({', '.join(kinds)}): one move per shot reads clearly; "
            f"keep the {first} and give the {second} its own shot"
        )
        found.append(Finding("camera-moves", "warning", span, message))
    return found


def _pair(ctx: LintContext, a: tuple[str, ...], b: tuple[str, ...], what: str, advice: str) -> list[Finding]:
    hits_a, hits_b = find_terms(ctx.masked, a), find_terms(ctx.masked, b)
    if not hits_a or not hits_b:
        return []
    later = max(hits_a[0], hits_b[0], key=lambda h: h.start)
    first = min(hits_a[0], hits_b[0], key=lambda h: h.start)
    message = (
        f"'{ctx.text[first.start : first.end]}' and '{ctx.text[later.start : later.end]}' contradict "
        f"({what} in one shot); {advice}"
    )
    return [Finding("contradiction", "warning", later.span, message)]


_CAMERA_WORDS = re.compile(r"\b(?:camera|shots?|angle|pov|framing|framed|lens|close-?ups?|frame)\b", _I)
_LIGHT_EXTRA = re.compile(
    r"\b(?:sun|sunny|sunshine|sunlight|daylight|moon|neon|candles?|lamps?|lanterns?|dark|darkness|dim|bright|"
    r"overcast|fog|foggy|mist|misty|haze|hazy|noon|midnight|starlit|fire|firelight|shade|shadow|cloudy|"
    r"sunbeams?|rays|glare)\b"
    r"|\b\w*lights?\b|\b\w+-lit\b",
    _I,
)


def check_missing(ctx: LintContext) -> list[Finding]:
    """Hints: no camera direction, or no light, described (the guide: "be specific")."""
    found: list[Finding] = []
    text = ctx.masked
    has_camera = (
        camera_hits(ctx.text)
        or has_term(text, (*SHOT_TYPES, *ANGLES, *LENSES, "handheld", "steadicam"))
        or _CAMERA_WORDS.search(text)
    )
    if not has_camera:
        message = (
            "no camera direction: the model picks a framing at random; add a shot type and one move, "
            "e.g. 'medium shot, slow dolly in'"
        )
        found.append(Finding("no-camera", "hint", None, message))
    has_light = has_term(text, (*LIGHTING, *TIME_OF_DAY)) or _LIGHT_WORDS.search(text) or _LIGHT_EXTRA.search(text)
    if not has_light:
        message = (
            "no lighting described: light sets the look more than any other word; add one, "
            "e.g. 'soft golden hour light'"
        )
        found.append(Finding("no-lighting", "hint", None, message))
    return found
