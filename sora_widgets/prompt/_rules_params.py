"""Rule `prose-params`: duration, size, frame rate or aspect ratio written into the prompt text.

Prose sets none of them (OpenAI's cookbook: "prose cannot set duration or size"); the request
does. Every example in the seed guide ends with such a tail ("6 seconds, 1080p", "4K resolution,
24fps"). The fix cuts the words out and moves the value into the request where the model offers
it, snapped to what it offers; otherwise it says what the backend cannot do.

A duration is only a parameter when it stands alone ("..., 6 seconds, ...") or sizes the clip
("a 10-second clip"): "she holds her breath for three seconds" is timing inside the shot.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import _params as P
from ._context import LintContext
from ._lexicon import NUMBER_WORDS
from ._match import enclosing
from .findings import Finding, removal_fix

_I = re.IGNORECASE
_NUM = r"(?:\d{1,3}(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + ")"
_LEAD = r"(?:\b(?:in|at|shot\s+in|rendered\s+in)\s+)?"
_RES_TAIL = r"(?:\s+(?:resolution|res|quality|video|footage|uhd|hdr))?"
_FPS = re.compile(
    rf"{_LEAD}(?<![\w.])(?P<fps>\d{{2,3}}(?:\.\d+)?)\s?(?:fps|frames?\s+per\s+second|frames?/s(?:ec)?)\b", _I
)
_SIZE = re.compile(rf"{_LEAD}(?<![\w.])(?P<w>\d{{3,4}})\s?[x×]\s?(?P<h>\d{{3,4}})(?![\w.]){_RES_TAIL}", _I)
_PIXELS = re.compile(rf"{_LEAD}(?<![\w.])(?P<p>\d{{3,4}})\s?p\b{_RES_TAIL}", _I)
_K = re.compile(rf"{_LEAD}(?<![\w.])(?P<k>[248])\s?k\b{_RES_TAIL}", _I)
_HD = re.compile(rf"{_LEAD}\b(?P<hd>full\s+hd|fhd|ultra\s+hd|uhd|hd)\b{_RES_TAIL}", _I)
_RATIOS = ("16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "9:21", "4:5", "5:4", "3:2", "2:3", "2.39:1", "2.35:1",
           "1.85:1")  # fmt: skip
_ASPECT = re.compile(
    rf"(?:\baspect\s+ratio\s*(?:of\s*|:\s*)?)?(?<![\w.:])(?P<ar>{'|'.join(re.escape(r) for r in _RATIOS)})"
    r"(?![\w:])(?:\s+(?:aspect(?:\s+ratio)?|format|ratio|frame))?",
    _I,
)
_DURATION = re.compile(
    rf"(?:\b(?:duration|length|runtime)\s*[:=]?\s*)?(?<![\w.])(?P<n>{_NUM})(?:\s*-\s*|\s+)?"
    r"(?:seconds?|secs?)\b(?:\s+long)?",
    _I,
)
_DURATION_LABEL = re.compile(r"\b(?:duration|length|runtime)\s*[:=]?\s*(?P<n>\d{1,3})\s*s\b", _I)
_CLIP_NOUN = re.compile(r"^\s*(?:video|clip|shot|film|animation|loop|sequence|movie|reel|short)\b", _I)
_FILLER = frozenset(
    {"video", "clip", "long", "duration", "length", "runtime", "total", "lasting", "of", "a", "an", "the",
     "in", "approximately", "about", "around", "approx", "roughly", "exactly", "shot", "film", "animation",
     "loop", "seamless", "at", "for", "with", "and", "max", "maximum", "only", "just", "~"}
)  # fmt: skip
_HD_HEIGHT = {"hd": 720, "fhd": 1080, "full hd": 1080, "uhd": 2160, "ultra hd": 2160}
_K_HEIGHT = {"2": 1440, "4": 2160, "8": 4320}


def check_prose_params(ctx: LintContext) -> list[Finding]:
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []
    matchers: tuple[tuple[re.Pattern[str], Callable[[LintContext, re.Match[str], tuple[int, int]], Finding]], ...]
    matchers = ((_FPS, _fps), (_SIZE, _size), (_PIXELS, _pixels), (_K, _pixels), (_HD, _pixels),
                (_ASPECT, _aspect), (_DURATION_LABEL, _duration), (_DURATION, _duration))  # fmt: skip
    for pattern, make in matchers:
        for m in pattern.finditer(ctx.masked):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            span = _param_span(ctx, m, pattern in (_DURATION, _DURATION_LABEL))
            if span is None:
                continue
            taken.append(span)
            found.append(make(ctx, m, span))
    return found


def _param_span(ctx: LintContext, m: re.Match[str], is_duration: bool) -> tuple[int, int] | None:
    """The span to report and cut: the whole clause when the rest of it is filler words."""
    clause = enclosing(ctx.clauses, m.start()) or (m.start(), m.end())
    rest = (ctx.masked[clause[0] : m.start()] + " " + ctx.masked[m.end() : clause[1]]).lower().split()
    if all(w in _FILLER for w in rest):
        return clause
    if not is_duration:
        return (m.start(), m.end())
    if _CLIP_NOUN.match(ctx.masked[m.end() :]) or m.group(0).lower().startswith(("duration", "length", "runtime")):
        return (m.start(), m.end())
    return None  # timing inside the action ("pauses for two seconds"), not a parameter


def _finding(ctx: LintContext, span: tuple[int, int], what: str, changes: dict[str, Any] | None,
             cannot: str | None = None) -> Finding:  # fmt: skip
    target = ctx.text[span[0] : span[1]]
    if changes is None:
        message = f"'{target}' in the prompt does not set the {what}; {cannot}, so remove it"
        description = f"remove '{target}'"
        return Finding("prose-params", "warning", span, message, removal_fix(description, span, target))
    changes = P.strip_noop(changes, ctx.request)
    setting = ", ".join(f"{k}={v}" for k, v in changes.items() if v is not None)
    if setting:
        message = f"'{target}' in the prompt does not set the {what}; the request does, so move it there ({setting})"
        description = f"remove '{target}' and set {setting}"
    else:
        message = f"'{target}' in the prompt does not set the {what} (the request already does), so remove it"
        description = f"remove '{target}'"
    fix = removal_fix(description, span, target, lambda request: P.strip_noop(changes, request))
    return Finding("prose-params", "warning", span, message, fix)


def _duration(ctx: LintContext, m: re.Match[str], span: tuple[int, int]) -> Finding:
    raw = m.group("n").lower()
    seconds = float(NUMBER_WORDS.get(raw, 0) or raw)
    if ctx.request is not None and ctx.request.seconds is not None:
        return _finding(ctx, span, "length", {})
    return _finding(ctx, span, "length", {"seconds": P.snap_seconds(seconds, ctx.caps)})


def _fps(ctx: LintContext, m: re.Match[str], span: tuple[int, int]) -> Finding:
    return _finding(ctx, span, "frame rate", None, "no request field does (the backend picks the frame rate)")


def _size(ctx: LintContext, m: re.Match[str], span: tuple[int, int]) -> Finding:
    size = f"{m.group('w')}x{m.group('h')}"
    changes = P.change_for_size(size, ctx.caps)
    return _finding(ctx, span, "size", changes, _not_offered(ctx, size))


def _pixels(ctx: LintContext, m: re.Match[str], span: tuple[int, int]) -> Finding:
    groups = m.groupdict()
    if groups.get("p"):
        height, label = int(groups["p"]), f"{groups['p']}p"
    elif groups.get("k"):
        height, label = _K_HEIGHT[groups["k"]], f"{groups['k']}K"
    else:
        hd = " ".join(groups["hd"].lower().split())
        height, label = _HD_HEIGHT[hd], groups["hd"]
    changes = P.change_for_height(height, ctx.request, ctx.caps)
    return _finding(ctx, span, "size", changes, _not_offered(ctx, label))


def _aspect(ctx: LintContext, m: re.Match[str], span: tuple[int, int]) -> Finding:
    aspect = m.group("ar")
    changes = P.change_for_aspect(aspect, ctx.request, ctx.caps)
    return _finding(ctx, span, "aspect ratio", changes, _not_offered(ctx, aspect))


def _not_offered(ctx: LintContext, label: str) -> str:
    caps = ctx.caps
    offered = ", ".join(caps.sizes or caps.resolutions) if caps is not None else ""
    return f"{ctx.model_name} does not offer {label}" + (f" (it offers {offered})" if offered else "")
