"""Rules that weigh the prompt against the request and the backend: exclusions that belong in the
negative prompt, a reference image of the wrong shape, a prompt longer than the backend takes, and
(for structured prompts) a palette outside 3-5 colours.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from ..models import MAX_PROMPT_CHARS, ImageReference, parse_size
from . import _params as P
from ._context import LintContext
from ._negation import find_negations
from .findings import Finding, removal_fix, request_fix

if TYPE_CHECKING:
    from ..models import VideoRequest


def _merge_negative(existing: str | None, items: tuple[str, ...]) -> str:
    parts = [p.strip() for p in (existing or "").split(",") if p.strip()]
    seen = {p.lower() for p in parts}
    parts += [i for i in items if i.lower() not in seen]
    return ", ".join(parts)


def check_negations(ctx: LintContext) -> list[Finding]:
    """Rule `negation`: "no cars" in prose; the fix moves it to `negative_prompt`."""
    supported = ctx.caps is None or ctx.caps.negative_prompt
    found: list[Finding] = []
    for neg in find_negations(ctx.text):
        span = (neg.start, neg.end)
        phrase = ctx.text[neg.start : neg.end]
        listed = ", ".join(neg.items)
        if not supported:
            message = (
                f"'{phrase}' names what should not appear, and models tend to draw what a prompt names; "
                f"{ctx.model_name} has no negative prompt, so rephrase positively (say what is there instead)"
            )
            found.append(Finding("negation", "warning", span, message))
            continue

        def changes(request: VideoRequest | None, items: tuple[str, ...] = neg.items) -> dict[str, Any]:
            return {"negative_prompt": _merge_negative(request.negative_prompt if request else None, items)}

        message = (
            f"'{phrase}' names what should not appear, and models tend to draw what a prompt names; "
            f"move it to the negative prompt ({listed})"
        )
        fix = removal_fix(f"remove '{phrase}' and add '{listed}' to negative_prompt", span, phrase, changes)
        found.append(Finding("negation", "warning", span, message, fix))
    if ctx.prompt is not None and ctx.prompt.avoid and not supported:
        message = (
            f"the avoid list ({', '.join(ctx.prompt.avoid)}) cannot be sent: {ctx.model_name} has no negative "
            "prompt; describe what should be there instead"
        )
        found.append(Finding("negation", "hint", None, message))
    return found


def check_length(ctx: LintContext) -> list[Finding]:
    """Rule `prompt-length`: longer than the backend accepts (the request would be refused)."""
    limit = ctx.caps.max_prompt_chars if ctx.caps is not None else MAX_PROMPT_CHARS
    if len(ctx.text) <= limit:
        return []
    message = (
        f"the prompt is {len(ctx.text)} characters and {ctx.model_name} accepts at most {limit}; shorten it "
        "(keep one subject, one action, one camera move; drop repeated adjectives)"
    )
    return [Finding("prompt-length", "error", (limit, len(ctx.text)), message)]


def check_palette(ctx: LintContext) -> list[Finding]:
    """Hint `palette-size`: a structured palette of fewer than 3 or more than 5 colours."""
    if ctx.prompt is None or not ctx.prompt.palette or 3 <= len(ctx.prompt.palette) <= 5:
        return []
    spans = ctx.prompt.field_spans()
    message = (
        f"the palette names {len(ctx.prompt.palette)} colours; 3-5 named colours hold a look best across a clip"
    )
    return [Finding("palette-size", "hint", spans.get("palette"), message)]


def image_size(ref: ImageReference) -> tuple[int, int] | None:
    """Pixel size of a path or bytes reference (Pillow reads the header only); None if unknown."""
    if ref.kind not in ("path", "bytes"):
        return None
    from PIL import Image  # lazily: Pillow is heavy and only needed when a reference is given

    try:
        source: Any = ref.path if ref.kind == "path" else io.BytesIO(ref.data or b"")
        with Image.open(source) as im:
            return (int(im.size[0]), int(im.size[1]))
    except Exception:  # an unreadable image is the client's error to report, not the linter's
        return None


def _target(ctx: LintContext) -> tuple[int, int] | None:
    request = ctx.request
    if request is not None and request.size:
        return parse_size(request.size)
    if request is not None and request.aspect_ratio and (ratio := P.ratio_of(request.aspect_ratio)):
        return (round(ratio * 1000), 1000)
    if ctx.caps is not None and ctx.caps.size_default:
        return parse_size(ctx.caps.size_default)
    return None


def check_reference(ctx: LintContext) -> list[Finding]:
    """Rules `reference-aspect` / `reference-size`: the image must match the requested frame."""
    request = ctx.request
    if request is None or request.input_reference is None:
        return []
    image, target = image_size(request.input_reference), _target(ctx)
    if image is None or target is None:
        return []
    (iw, ih), (tw, th) = image, target
    if abs(iw / ih - tw / th) > 0.01 * (tw / th):
        return [_aspect_finding(ctx, image, target)]
    if request.size and (iw, ih) != (tw, th) and request.fit == "none":
        message = (
            f"the reference image is {iw}x{ih} but the request is {tw}x{th} with fit='none'; the API refuses "
            "a reference that does not match the size exactly; let the client resize it (fit='cover')"
        )
        return [Finding("reference-size", "error", None, message, request_fix("set fit='cover'", {"fit": "cover"}))]
    return []


def _aspect_finding(ctx: LintContext, image: tuple[int, int], target: tuple[int, int]) -> Finding:
    (iw, ih), (tw, th) = image, target
    request = ctx.request
    fit = request.fit if request is not None else "cover"
    size = _size_like(ctx, iw / ih)
    what = f"the reference image is {iw}x{ih} ({_ratio(iw, ih)}) but the video is {tw}x{th} ({_ratio(tw, th)})"
    if fit == "none":
        consequence, severity = "the API refuses a reference of another shape", "error"
    else:
        consequence = f"fit='{fit}' will {'crop' if fit == 'cover' else 'pad'} it and may cut the subject"
        severity = "warning"
    advice = f"request size {size} to match it" if size else "crop the image to the video's shape"
    fix = request_fix(f"set size={size}", {"size": size, "resolution": None, "aspect_ratio": None}) if size else None
    return Finding("reference-aspect", severity, None, f"{what}; {consequence}; {advice}", fix)  # type: ignore[arg-type]


def _size_like(ctx: LintContext, ratio: float) -> str | None:
    """A size with the image's aspect: from the model's sizes, or the request's size turned round."""
    candidates: list[str] = list(ctx.caps.sizes) if ctx.caps is not None else []
    if not candidates and ctx.request is not None and ctx.request.size:
        w, h = parse_size(ctx.request.size)
        candidates = [f"{h}x{w}"]
    for size in candidates:
        w, h = parse_size(size)
        if abs(w / h - ratio) <= 0.01 * ratio:
            return size
    return None


def _ratio(w: int, h: int) -> str:
    for name in ("16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "7:4", "4:7"):
        ratio = P.ratio_of(name)
        if ratio is not None and abs(w / h - ratio) < 0.02:
            return name
    return f"{w / h:.2f}:1"
