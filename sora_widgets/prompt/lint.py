"""The prompt linter: `lint` for one prompt, `lint_shots` for a storyboard, `apply_fixes` to take
every automatic fix.

Each rule is a function of a `LintContext` returning findings; `RULES` documents the codes. Rules
favour silence over noise: a clean, well-written prompt should get no warning at all (the test
corpus in `tests/prompt/test_corpus.py` holds the linter to that).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..errors import InvalidRequestError
from ._context import LintContext
from ._rules_params import check_prose_params
from ._rules_request import check_length, check_negations, check_palette, check_reference
from ._rules_scene import check_complexity, check_contradictions, check_missing, check_positions
from .findings import Finding, apply_fix, sort_findings
from .structured import Prompt

if TYPE_CHECKING:
    from ..capabilities import ModelCapabilities
    from ..models import VideoRequest

#: every finding code -> what it means
RULES = MappingProxyType(
    {
        "prose-params": "duration, size, frame rate or aspect ratio written in the prompt (prose sets none of them)",
        "scene-complexity": "too many subjects or moving elements for one shot",
        "ambiguous-position": "'next to', 'beside', 'near' ... without left/right or foreground/background",
        "contradiction": "day vs night, slow motion vs time-lapse, static vs moving camera",
        "camera-moves": "more than one camera move in one shot",
        "character-name": "a recurring character spelled differently across shots",
        "character-reference": "a recurring character called 'the girl' instead of by name in a shot",
        "negation": "'no X' / 'without X' in the prompt; belongs in the negative prompt or a positive phrasing",
        "no-camera": "no shot type, angle or camera move described (hint)",
        "no-lighting": "no lighting or time of day described (hint)",
        "reference-aspect": "the reference image's aspect ratio differs from the video's",
        "reference-size": "the reference image's size differs from the video's and fit='none'",
        "prompt-length": "longer than the backend accepts",
        "palette-size": "a structured palette of fewer than 3 or more than 5 colours (hint)",
    }
)

Rule = Callable[[LintContext], list[Finding]]
_CHECKS: tuple[Rule, ...] = (
    check_prose_params,
    check_complexity,
    check_positions,
    check_contradictions,
    check_negations,
    check_missing,
    check_reference,
    check_length,
    check_palette,
)


def lint(
    prompt: str | Prompt,
    request: VideoRequest | None = None,
    capabilities: ModelCapabilities | None = None,
) -> list[Finding]:
    """Findings for `prompt` (errors first), with spans into its rendered text.

    `request` lets the rules weigh the prompt against the parameters (a reference image, seconds
    already set); `capabilities` against what the model offers (durations, sizes, negative prompt,
    prompt length). Both are optional. Nothing is sent anywhere; only a local reference image is read.
    """
    structured = prompt if isinstance(prompt, Prompt) else None
    text = prompt.render() if isinstance(prompt, Prompt) else str(prompt)
    ctx = LintContext(text, request, capabilities, structured)
    findings: list[Finding] = []
    for check in _CHECKS:
        findings.extend(check(ctx))
    return sort_findings(findings)


def lint_shots(
    prompts: Sequence[str | Prompt],
    names: dict[str, str] | None = None,
    requests: Sequence[VideoRequest | None] | None = None,
    capabilities: ModelCapabilities | None = None,
) -> list[list[Finding]]:
    """Findings per shot of a storyboard: each shot's own, plus character naming across shots.

    `names` is the story bible, {name: description}, e.g. {"Mara": "a young girl in a yellow
    raincoat"}. Without it, names and descriptions are inferred from the shots ("Mara, a young
    girl ..."), and the first spelling seen is the canonical one.
    """
    from .shots import character_findings

    texts = [p.render() if isinstance(p, Prompt) else str(p) for p in prompts]
    reqs: list[VideoRequest | None] = list(requests) if requests is not None else [None] * len(texts)
    reqs += [None] * (len(texts) - len(reqs))
    result = [lint(p, r, capabilities) for p, r in zip(prompts, reqs, strict=False)]
    for index, finding in character_findings(texts, names):
        result[index].append(finding)
    return [sort_findings(findings) for findings in result]


def apply_fixes(
    prompt: str | Prompt,
    request: VideoRequest | None = None,
    capabilities: ModelCapabilities | None = None,
    codes: Collection[str] | None = None,
) -> tuple[str, VideoRequest | None]:
    """Apply every automatic fix (of `codes`, or all), re-linting after each; (text, request).

    A fix that would change nothing, or leave the prompt empty, is skipped rather than retried.
    """
    text = prompt.render() if isinstance(prompt, Prompt) else str(prompt)
    skipped: set[str] = set()
    for _ in range(100):  # each fix removes its finding; the bound only guards against a rule bug
        pending = [
            f for f in lint(text, request, capabilities)
            if f.fix is not None and (codes is None or f.code in codes) and str(f) not in skipped
        ]  # fmt: skip
        if not pending:
            break
        finding = pending[0]
        try:
            new_text, new_request = apply_fix(text, request, finding)
        except InvalidRequestError:  # it would empty the prompt
            skipped.add(str(finding))
            continue
        if new_text == text and new_request == (request or _bare(text)):
            skipped.add(str(finding))
            continue
        text, request = new_text, new_request
    return text, request


def _bare(text: str) -> VideoRequest:
    from ..models import VideoRequest

    return VideoRequest(prompt=text)
