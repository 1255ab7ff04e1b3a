"""What the linter reports: `Finding`s, their optional `Fix`es, and plain-text formatting.

A fix is a function of the *current* prompt text and request, not of the text the finding was made
from: it re-locates its target (by span if the text there is unchanged, else by searching), so
fixes can be applied one after another as a user clicks through them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from ..errors import InvalidRequestError
from ._match import cut

if TYPE_CHECKING:
    from ..models import VideoRequest
    from .structured import Prompt

Severity = Literal["error", "warning", "hint"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "hint")
FixFunc = Callable[[str, "VideoRequest | None"], "tuple[str, dict[str, Any]]"]


@dataclass(frozen=True)
class Fix:
    """A suggested change: `apply(text, request)` returns the new text and request field changes."""

    description: str
    func: FixFunc = field(repr=False, compare=False)

    def apply(self, prompt_text: str, request: VideoRequest | None = None) -> tuple[str, dict[str, Any]]:
        """(new prompt text, request changes such as {"seconds": 8} or {"negative_prompt": "cars"})."""
        return self.func(prompt_text, request)


@dataclass(frozen=True)
class Finding:
    """One problem: a stable `code`, a severity, where (into the rendered prompt), what to do."""

    code: str
    severity: Severity
    span: tuple[int, int] | None
    message: str
    fix: Fix | None = None

    def __str__(self) -> str:
        where = f" @{self.span[0]}-{self.span[1]}" if self.span else ""
        fix = f" [fix: {self.fix.description}]" if self.fix else ""
        return f"{self.severity}: {self.code}{where}: {_one_line(self.message)}{fix}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form for dry runs, output metadata and the widgets."""
        return {
            "code": self.code,
            "severity": self.severity,
            "span": list(self.span) if self.span else None,
            "message": _one_line(self.message),
            "fix": self.fix.description if self.fix else None,
        }

    def excerpt(self, text: str) -> str:
        """The part of `text` this finding points at ("" when it is about the whole prompt)."""
        return text[self.span[0] : self.span[1]] if self.span else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def locate(text: str, span: tuple[int, int], target: str) -> tuple[int, int] | None:
    """Where `target` is now: at `span` if unchanged there, else its first occurrence, else None."""
    start, end = span
    if text[start:end] == target:
        return span
    index = text.find(target)
    return (index, index + len(target)) if index >= 0 else None


def removal_fix(
    description: str,
    span: tuple[int, int],
    target: str,
    changes: Callable[[VideoRequest | None], dict[str, Any]] | None = None,
) -> Fix:
    """A fix that cuts `target` out of the text and optionally changes request fields."""

    def run(text: str, request: VideoRequest | None) -> tuple[str, dict[str, Any]]:
        where = locate(text, span, target)
        if where is None:
            return text, {}
        return cut(text, *where), (changes(request) if changes else {})

    return Fix(description, run)


def request_fix(description: str, changes: dict[str, Any]) -> Fix:
    """A fix that leaves the text alone and changes request fields."""
    return Fix(description, lambda text, request: (text, dict(changes)))


def apply_fix(
    prompt: str | Prompt, request: VideoRequest | None, finding: Finding
) -> tuple[str, VideoRequest]:
    """Apply `finding.fix`: the new prompt text and the request updated with it (built if None)."""
    from ..models import VideoRequest

    if finding.fix is None:
        raise InvalidRequestError(f"{finding.code} has no automatic fix", hint=_one_line(finding.message))
    text = prompt if isinstance(prompt, str) else prompt.render()
    new_text, changes = finding.fix.apply(text, request)
    if not new_text.strip():
        raise InvalidRequestError("this fix would leave the prompt empty", hint="describe the video you want")
    if request is None:
        clean = {k: v for k, v in changes.items() if v is not None}
        return new_text, VideoRequest(prompt=new_text, **clean)
    return new_text, request.with_(prompt=new_text, **changes)


FindingsArg = Sequence[Finding] | Sequence[Sequence[Finding]]


def format_findings(findings: FindingsArg) -> str:
    """Plain text, one line per finding; a list of lists (from `lint_shots`) is labelled by shot."""
    lines: list[str] = []
    items = cast("Sequence[Finding | Sequence[Finding]]", findings)
    for index, item in enumerate(items):
        if isinstance(item, Finding):
            lines.append(str(item))
        else:
            lines.extend(f"shot {index + 1}: {f}" for f in item)
    return "\n".join(lines) if lines else "no findings"


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then hints; by position within each."""
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.span[0] if f.span else -1))
