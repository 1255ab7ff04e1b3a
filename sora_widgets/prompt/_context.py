"""The inputs every lint rule sees, computed once per `lint` call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._match import clause_spans, mask_quotes

if TYPE_CHECKING:
    from ..capabilities import ModelCapabilities
    from ..models import VideoRequest
    from .structured import Prompt


@dataclass(frozen=True)
class LintContext:
    text: str
    request: VideoRequest | None = None
    caps: ModelCapabilities | None = None
    #: the structured prompt when `lint` was given one (some rules read its fields)
    prompt: Prompt | None = None
    #: `text` with quoted dialogue blanked out (same length): rules match here, slice `text`
    masked: str = field(init=False)
    clauses: list[tuple[int, int]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "masked", mask_quotes(self.text))
        object.__setattr__(self, "clauses", clause_spans(self.text))

    @property
    def model_name(self) -> str:
        """How messages name the model ("sora-2", or "this model" without capabilities)."""
        if self.caps is not None:
            return self.caps.id
        if self.request is not None and self.request.model:
            return self.request.model
        return "this model"
