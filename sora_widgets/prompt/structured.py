"""A structured prompt: named fields that render to prose in the guide's order.

The guide's structure is `[subject] + [action/scene] + [style/technical] + [camera]`. `Prompt`
renders its fields in exactly that order (audio/dialogue last) as one comma-separated paragraph,
and `Prompt.parse` reads free text back into fields where the vocabulary can tell what a clause
is. Text -> fields is lossy by nature; fields -> text -> fields keeps every field whose rendering
the parser recognises (see `tests/prompt/test_structured.py`).

`avoid` is never written into the prose: video models tend to show what a prompt names, even after
"no". It goes to the request's `negative_prompt` (`Prompt.to_request`) where a backend has one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from . import _classify as cls_
from ._lexicon import is_action_verb
from ._match import words

if TYPE_CHECKING:
    from ..models import VideoRequest

#: field names in render order
PROMPT_FIELDS = (
    "subject", "action", "setting", "lighting", "style", "palette", "mood", "shot", "angle", "movement",
    "audio", "avoid",
)  # fmt: skip


def _as_items(value: Any) -> Any:
    """Accept "a, b and c" or any iterable of strings for the tuple fields."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.replace(" and ", ", ").split(",")
    return tuple(s for s in (str(v).strip().strip(".;") for v in value) if s)


class Prompt(BaseModel):
    """A video prompt by parts. Every field is optional; empty fields are left out of the text."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    subject: str = Field("", description="who or what: appearance, clothing, distinguishing details")
    action: str = Field("", description="the one action of this shot, and scene details")
    setting: str = Field("", description="where: location, weather ('in a sunny meadow')")
    lighting: str = Field("", description="light and time of day ('golden hour lighting')")
    shot: str = Field("", description="shot type or lens ('wide shot', '35mm lens')")
    angle: str = Field("", description="camera angle ('low angle', 'aerial view')")
    movement: str = Field("", description="one camera movement ('slow dolly in', 'static camera')")
    style: str = Field("", description="artistic style and technical look ('cinematic', '16mm film')")
    palette: tuple[str, ...] = Field((), description="3-5 named colours ('teal', 'amber', 'cream')")
    mood: str = Field("", description="mood or atmosphere ('serene', 'playful energy')")
    audio: str = Field("", description="sound, music or dialogue")
    avoid: tuple[str, ...] = Field((), description="what must not appear; sent as the negative prompt")

    @field_validator("palette", "avoid", mode="before")
    @classmethod
    def _items(cls, v: Any) -> Any:
        return _as_items(v)

    @field_validator(
        "subject", "action", "setting", "lighting", "shot", "angle", "movement", "style", "mood", "audio"
    )
    @classmethod
    def _tidy(cls, v: str) -> str:
        # a trailing comma or full stop would double up with the separators `render` adds
        return v.strip().rstrip(",;.").strip()

    # ------------------------------------------------------------------ rendering
    def render(self) -> str:
        """The prose prompt: subject, action/scene, style/technical, camera, then audio."""
        return ", ".join(text for _, text in self._parts())

    def __str__(self) -> str:
        return self.render()

    def field_spans(self) -> dict[str, tuple[int, int]]:
        """Where each non-empty field sits in `render()` (for highlighting and lint spans)."""
        spans: dict[str, tuple[int, int]] = {}
        pos = 0
        for name, text in self._parts():
            if name == "subject+action":
                cut = len(self.subject)
                spans["subject"] = (pos, pos + cut)
                spans["action"] = (pos + len(text) - len(self.action), pos + len(text))
            else:
                spans[name] = (pos, pos + len(text))
            pos += len(text) + 2
        return spans

    def _parts(self) -> list[tuple[str, str]]:
        parts: list[tuple[str, str]] = []
        if self.subject and self.action:
            parts.append(("subject+action", self.subject + _joiner(self.subject, self.action) + self.action))
        elif self.subject or self.action:
            parts.append(("subject" if self.subject else "action", self.subject or self.action))
        for name in ("setting", "lighting", "style"):
            value = getattr(self, name)
            if value:
                parts.append((name, cls_.ensure_cue(name, value)))
        if self.palette:
            parts.append(("palette", "palette of " + _and_join(self.palette)))
        for name in ("mood", "shot", "angle", "movement", "audio"):
            value = getattr(self, name)
            if value:
                parts.append((name, cls_.ensure_cue(name, value)))
        return parts

    # ------------------------------------------------------------------ parsing and conversion
    @classmethod
    def parse(cls, text: str) -> Prompt:
        """Read free text into fields where the vocabulary can tell; the rest goes to `action`."""
        from ._parse import parse_fields

        return cls(**parse_fields(text))

    @property
    def negative_prompt(self) -> str | None:
        """`avoid` as a negative prompt ("cars, people"), or None."""
        return ", ".join(self.avoid) or None

    def with_(self, **changes: Any) -> Prompt:
        """A validated copy with some fields changed."""
        return Prompt.model_validate({**self.model_dump(), **changes})

    def add(self, field: str, value: str) -> Prompt:
        """A copy with `value` added to `field` (a composer chip click): appended to a list field,
        joined with ", " to a text field; unchanged when the field already holds it."""
        if field not in PROMPT_FIELDS:
            raise ValueError(f"no prompt field {field!r}; fields: {', '.join(PROMPT_FIELDS)}")
        value = value.strip()
        current = getattr(self, field)
        if isinstance(current, tuple):
            present = value.lower() in (v.lower() for v in current)
            return self if present or not value else self.with_(**{field: (*current, value)})
        if not value or value.lower() in (p.strip().lower() for p in current.split(",")):
            return self
        return self.with_(**{field: f"{current}, {value}" if current else value})

    def to_request(self, **params: Any) -> VideoRequest:
        """A `VideoRequest` with this prompt's text and `avoid` as the negative prompt."""
        from ..models import VideoRequest

        params.setdefault("negative_prompt", self.negative_prompt)
        return VideoRequest(prompt=self.render(), **params)

    @property
    def is_empty(self) -> bool:
        return not self.render()


def _and_join(items: tuple[str, ...]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _joiner(subject: str, action: str) -> str:
    """" " when the action reads on from the subject as its verb, else ", " (a separate clause).

    The parser splits the first clause at the first action verb, so the two must agree: the test
    is the same one the parser uses, applied to the joined words.
    """
    sub = [w for w, _, _ in words(subject)]
    act = [w for w, _, _ in words(action)]
    if not sub or not act:
        return ", "
    tokens = sub + act
    if any(is_action_verb(tokens, i) for i in range(len(sub))):
        return ", "  # the subject itself contains a verb: keep the action apart
    return " " if is_action_verb(tokens, len(sub)) else ", "
