"""The storyboard data: `Character`, `Bible`, `Shot` and `Storyboard` (pydantic, no I/O).

A storyboard is an ordered list of shots plus a shared *bible* (named characters with fixed
descriptions, a style, a palette) that is woven into every shot's prompt the same way (see
`_weave.py`). Each shot says how the cut *into* it works (`continuity`):

    independent  a fresh generation; independent shots run concurrently
    chain        the previous shot's last frame, fitted to the size, is this shot's reference image
    extend       the backend's extension endpoint continues the previous shot's video

The execution methods (`run`, `resume`, `regenerate`, `stitch`, `status`, `load`) are thin
conveniences that hand over to `storyboard.run.Production`, which holds the runner and does the
I/O; the model itself stays plain, serialisable data. The cell syntax is in `_syntax.py`.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_serializer, field_validator, model_validator

from ..models import Fit, ImageReference, VideoRequest, normal_size
from ..prompt.findings import Finding
from ..prompt.structured import Prompt
from . import _weave
from ._continuity import Continuity

if TYPE_CHECKING:
    from ..capabilities import ModelCapabilities
    from ..jobs import JobRunner
    from ._status import RunHandle, ShotSeam, ShotStatus
    from .run import Production
    from .stitch import StitchResult
    from .widget import StoryboardWidget



def _short_id() -> str:
    return uuid.uuid4().hex[:6]


class Character(BaseModel):
    """A recurring character: the name used in every shot and the description woven in once."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    name: str = Field(min_length=1, description="the one name used for this character in every shot")
    description: str = Field("", description="fixed appearance, woven in after the first mention")

    @field_validator("name")
    @classmethod
    def _plain_name(cls, v: str) -> str:
        if any(ch in v for ch in ":\n[]") or not any(ch.isalnum() for ch in v):
            raise ValueError(f"character name {v!r} must be plain words (no ':', brackets or newlines)")
        return " ".join(v.split())


class Bible(BaseModel):
    """What stays the same in every shot: characters, style and palette."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    characters: tuple[Character, ...] = ()
    style: str = ""
    palette: tuple[str, ...] = ()

    @field_validator("characters", mode="before")
    @classmethod
    def _characters(cls, v: Any) -> Any:
        if isinstance(v, dict):  # {"Mara": "a tall woman ..."}
            return tuple(Character(name=k, description=d) for k, d in v.items())
        return v

    @field_validator("palette", mode="before")
    @classmethod
    def _palette(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = v.replace(" and ", ", ").split(",")
        return tuple(s for s in (str(x).strip().strip(".;") for x in v or ()) if s)

    @model_validator(mode="after")
    def _unique_names(self) -> Bible:
        seen: set[str] = set()
        for c in self.characters:
            if c.name.casefold() in seen:
                raise ValueError(f"character {c.name!r} is defined twice in the bible")
            seen.add(c.name.casefold())
        return self

    def character(self, name: str) -> Character | None:
        return next((c for c in self.characters if c.name.casefold() == name.casefold()), None)

    def weave(self, prompt: str | Prompt) -> str:
        """The prompt text with this bible woven in (structured prompts get style/palette as fields)."""
        if isinstance(prompt, Prompt):
            filled = prompt.with_(style=prompt.style or self.style, palette=prompt.palette or self.palette)
            return _weave.weave_characters(filled.render(), self)
        return _weave.weave(prompt, self)

    @property
    def is_empty(self) -> bool:
        return not (self.characters or self.style or self.palette)


class Shot(BaseModel):
    """One shot: its prompt, length, optional reference image and the cut into it."""

    model_config = ConfigDict(validate_assignment=True)

    prompt: str | Prompt = Field(description="free text or a structured Prompt (without the bible)")
    seconds: int | None = Field(None, ge=1, le=120, description="length; None = the model's default")
    reference: ImageReference | None = Field(None, description="a starting image (not with chain/extend)")
    continuity: Continuity = Field("independent", description="how the cut into this shot works")
    title: str = ""
    id: str = Field(default_factory=_short_id, description="stable across reordering; names its ledger jobs")

    @field_validator("prompt")
    @classmethod
    def _not_blank(cls, v: str | Prompt) -> str | Prompt:
        text = v if isinstance(v, str) else v.render()
        if not text.strip():
            raise ValueError("a shot's prompt is empty; describe what happens in it")
        return v.strip() if isinstance(v, str) else v

    @field_validator("reference", mode="before")
    @classmethod
    def _coerce_reference(cls, v: Any) -> Any:
        return None if v is None or v == "" else ImageReference.coerce(v)

    @field_serializer("reference")
    def _reference_text(self, v: ImageReference | None) -> str | None:
        """A path or URL as text; image bytes as a data URL (the runner saves them to files first)."""
        if v is None:
            return None
        if v.kind == "path":
            return str(v.path)
        if v.kind == "url":
            return v.url
        import base64

        return f"data:{v.mime};base64,{base64.b64encode(v.data or b'').decode()}"

    @model_validator(mode="after")
    def _reference_or_continuity(self) -> Shot:
        if self.reference is not None and self.continuity != "independent":
            raise ValueError(
                f"a shot with continuity {self.continuity!r} takes its start from the previous shot; "
                "it cannot also have a reference image (use continuity 'independent')"
            )
        return self

    @property
    def text(self) -> str:
        """The prompt as written (no bible)."""
        return self.prompt if isinstance(self.prompt, str) else self.prompt.render()


class Storyboard(BaseModel):
    """An ordered list of `Shot`s and a shared `Bible`; see the module docstring."""

    model_config = ConfigDict(validate_assignment=True)

    id: str = Field(default_factory=lambda: f"sb-{uuid.uuid4().hex[:10]}",
                    description="the ledger group id; the same id resumes the same storyboard")
    title: str = ""
    bible: Bible = Field(default_factory=Bible)
    shots: list[Shot] = Field(default_factory=list)
    model: str | None = None
    size: str | None = None
    fit: Fit = "cover"

    _production: Any = PrivateAttr(default=None)

    @field_validator("shots", mode="before")
    @classmethod
    def _shot_items(cls, v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            return [Shot(prompt=s) if isinstance(s, (str, Prompt)) else s for s in v]
        return v

    @field_validator("size")
    @classmethod
    def _size_shape(cls, v: str | None) -> str | None:
        return normal_size(v) if v and v.strip() else None

    @model_validator(mode="after")
    def _unique_ids(self) -> Storyboard:
        ids = [s.id for s in self.shots]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"shot ids must be unique; repeated: {', '.join(dupes)}")
        return self

    # -- building -----------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Storyboard:
        """Read the cell syntax (`%%sora --storyboard`); full rules in `sora_widgets.storyboard._syntax`.

            character Mara: a tall woman in a yellow raincoat     <- the bible block (optional):
            style: hand-drawn animation                              character, style, palette,
            palette: teal, amber                                     title, id, model, size,
            seconds: 2                                               seconds, continuity, fit
            ---
            [4s] Mara walks along the harbour at dawn              <- one block per shot
            ---
            [2s chain] Close-up: Mara looks up at the gulls        <- chain | extend | independent
            --- 2s extend                                          <- options may follow the dashes
            Mara runs as the rain begins

        Per shot also `ref=PATH` / `reference:`, `title:`, `#ID`, and structured-prompt field lines
        (`subject:`, `action:`, `shot:`, ...). Errors are one line naming the line number.
        """
        from ._syntax import Kinds, parse

        return parse(text, Kinds(board=cls, shot=Shot, bible=Bible))

    def to_text(self) -> str:
        """This storyboard in the cell syntax (`parse(board.to_text())` gives it back)."""
        from ._syntax import format_board

        return format_board(self)

    def add(self, prompt: str | Prompt, *, seconds: int | None = None, continuity: Continuity = "independent",
            reference: Any = None, title: str = "") -> Shot:
        """Append a shot (with an id unused in this board) and return it."""
        ids = {s.id for s in self.shots}
        n = len(self.shots) + 1
        while f"s{n}" in ids:
            n += 1
        shot = Shot(prompt=prompt, seconds=seconds, continuity=continuity, reference=reference, title=title,
                    id=f"s{n}")
        self.shots = [*self.shots, shot]
        return shot

    def move(self, index: int, to: int) -> None:
        """Move shot `index` to position `to` (the widget's ◀ ▶). Chained shots whose predecessor
        changes are reported stale by `status()`; nothing is regenerated by moving."""
        shots = list(self.shots)
        if not (0 <= index < len(shots) and 0 <= to < len(shots)):
            raise IndexError(f"shot positions are 0-{len(shots) - 1}")
        shots.insert(to, shots.pop(index))
        self.shots = shots

    # -- derived (pure) ----------------------------------------------------------------------
    def continuity(self, index: int) -> Continuity:
        """The effective cut into shot `index` (the first shot always starts fresh)."""
        return "independent" if index == 0 else self.shots[index].continuity

    def strands(self) -> list[list[int]]:
        """Shot indices grouped into runs that must be generated in order (chain/extend links);
        different strands are independent and run concurrently."""
        out: list[list[int]] = []
        for i in range(len(self.shots)):
            if out and self.continuity(i) != "independent":
                out[-1].append(i)
            else:
                out.append([i])
        return out

    def prompt(self, index: int) -> str:
        """Shot `index`'s prompt with the bible woven in: exactly what is sent."""
        return self.bible.weave(self.shots[index].prompt)

    def prompts(self) -> list[str]:
        return [self.prompt(i) for i in range(len(self.shots))]

    def request(self, index: int, **changes: Any) -> VideoRequest:
        """The request for shot `index` (a chained shot's reference is added at run time)."""
        shot = self.shots[index]
        negative = shot.prompt.negative_prompt if isinstance(shot.prompt, Prompt) else None
        fields: dict[str, Any] = dict(prompt=self.prompt(index), model=self.model, size=self.size,
                                      seconds=shot.seconds, input_reference=shot.reference, fit=self.fit,
                                      negative_prompt=negative)
        fields.update(changes)
        return VideoRequest.model_validate(fields)

    @property
    def seconds(self) -> int | None:
        """Total length when every shot's length is known."""
        values = [s.seconds for s in self.shots]
        return None if any(v is None for v in values) else sum(v or 0 for v in values)

    def lint(self, capabilities: ModelCapabilities | None = None) -> list[list[Finding]]:
        """Findings per shot, for the prompts as sent (`prompt(i)`; spans point into them): the prompt
        linter's `lint_shots` with the bible's names (near-miss spellings, "the girl" for a named
        character, each shot's own checks), plus miscased bible names ("mara" for "Mara")."""
        texts = self.prompts()
        out = _shot_lint(self, texts, capabilities)
        for i, text in enumerate(texts):
            out[i].extend(_weave.name_findings(text, self.bible))
        missing = _weave.absent_characters(texts, self.bible)
        if missing and out:
            out[0].append(Finding(
                code="storyboard-unused-character", severity="hint", span=None,
                message=f"no shot mentions {', '.join(missing)} by name, so the bible's description is never used",
            ))
        return out

    # -- execution (delegated to run.Production) -------------------------------------------
    def production(self, runner: JobRunner | None = None) -> Production:
        """The object that runs this storyboard (kept between calls; a new runner makes a new one)."""
        from .run import Production

        current: Production | None = self._production
        if current is None or (runner is not None and current.runner is not runner):
            current = Production(self, runner)
            self._production = current
        return current

    def run(self, runner: JobRunner | None = None, *, cascade: bool = False) -> list[ShotStatus]:
        """Generate what is missing or was edited and block until done; every finished, unedited shot
        is kept. `cascade=True` also re-chains shots whose predecessor has a newer take."""
        return self.production(runner).run(cascade=cascade)

    def start(self, runner: JobRunner | None = None, *, cascade: bool = False) -> RunHandle:
        """`run` in the background (widgets): returns a handle with `wait()`, `done()`, `interrupt()`."""
        return self.production(runner).start(cascade=cascade)

    def resume(self, runner: JobRunner | None = None) -> list[ShotStatus]:
        """After a kernel restart: re-attach unfinished shots, create missing ones, keep the rest."""
        return self.production(runner).run()

    def regenerate(self, shot: int | str, *, downstream: bool = False, wait: bool = True) -> list[ShotStatus]:
        """A new take (with a new seed, so it really differs) of shot `shot` — its number as every
        printed line shows it (1 is the first shot) or its id ("s2") — plus shots that extend it
        (their video contains it); with `downstream=True` also the chained shots after it."""
        return self.production().regenerate(self.shot_index(shot), downstream=downstream, wait=wait)

    def shot_index(self, shot: int | str) -> int:
        """The position (0-based) of shot number `shot` (1-based, as printed) or of the shot id."""
        n = len(self.shots)
        if isinstance(shot, str) and not shot.isdigit():
            for i, s in enumerate(self.shots):
                if s.id == shot:
                    return i
            raise IndexError(f"no shot with id {shot!r}; ids: {', '.join(s.id for s in self.shots)}")
        number = int(shot)
        if not 1 <= number <= n:
            raise IndexError(f"no shot {number}; shots are numbered 1-{n}")
        return number - 1

    def stitch(self, path: Any = None, *, crossfade: int = 0) -> StitchResult:
        """One MP4 of all shots, beside the shots' files, recorded in the ledger group."""
        return self.production().stitch(path, crossfade=crossfade)

    def status(self) -> list[ShotStatus]:
        return self.production().status()

    def seams(self) -> list[ShotSeam]:
        """The cut into every shot from the one before (quality signals): `flagged` where a `chain`
        shot visibly jumps from its predecessor's last frame."""
        return self.production().seams()

    @classmethod
    def load(cls, group_id: str, runner: JobRunner | None = None) -> Storyboard:
        """The storyboard saved in the ledger group `group_id` (e.g. in a new kernel), bound to `runner`."""
        from .run import load

        return load(cls, group_id, runner)

    def widget(self, runner: JobRunner | None = None) -> StoryboardWidget:
        from .widget import StoryboardWidget

        return StoryboardWidget(self, runner)

    # -- display ------------------------------------------------------------------------------
    def summary(self) -> str:
        head = f"Storyboard {self.title or self.id}: {len(self.shots)} shots"
        if self.seconds is not None:
            head += f", {self.seconds}s"
        lines = [head]
        for i, shot in enumerate(self.shots):
            secs = f"{shot.seconds}s" if shot.seconds else "default length"
            text = " ".join(shot.text.split())
            lines.append(f"  {i + 1}. [{secs}, {self.continuity(i)}] {text[:80]}{'…' if len(text) > 80 else ''}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Storyboard(id={self.id!r}, shots={len(self.shots)})"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        return {"text/plain": self.summary()}


def _shot_lint(board: Storyboard, texts: list[str], capabilities: ModelCapabilities | None) -> list[list[Finding]]:
    """`sora_widgets.prompt.lint_shots` with the bible as its names."""
    from ..prompt import lint_shots

    names = {c.name: c.description for c in board.bible.characters} or None
    requests: list[VideoRequest | None] = []
    for i in range(len(texts)):
        try:
            requests.append(board.request(i))
        except ValueError:
            requests.append(None)
    return [list(found) for found in lint_shots(texts, names, requests, capabilities)]
