"""The one table of request parameters, and what is built from it.

Each `Param` row says, for one `VideoRequest` field: the option name and flags the `%%sora` magic and
the CLI accept, its help text, the capability that limits it, the label it is shown under and how it
is written back as option words. The magic's parser and help, the CLI's arguments, "copy as `%%sora`"
(`option_words`) and the Parameters widget's request are all built from `PARAMS`; adding a parameter
is one row here plus its widget control and its backend mapping (`backends/`).

`RequestOptions` validates option values as typed text (shared by the magic and the CLI) and
`usage_error` turns a pydantic error about them into the toolkit's one-line error.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .capabilities import BackendCapabilities, check_seconds
from .errors import InvalidRequestError, from_validation_error
from .models import VideoRequest, normal_size

Kind = Literal["text", "int", "size", "aspect", "choice", "ref", "bool", "json"]


@dataclass(frozen=True)
class Param:
    #: the `VideoRequest` field
    field: str
    #: the option's name in `%%sora` / the CLI (its `RequestOptions` attribute)
    option: str
    flags: tuple[str, ...]
    #: the value placeholder in help texts; None for an on/off flag
    metavar: str | None
    help: str
    kind: Kind
    #: the `ModelCapabilities` attribute that lists or allows its values (None: not model-dependent)
    capability: str | None
    #: the label under which widgets and cards show it
    label: str
    #: a value for "e.g." hints
    example: str = ""
    #: for on/off parameters: the flag that sets False (the plain flag sets True)
    off_flag: str | None = None

    @property
    def flag(self) -> str:
        """The long flag, as written back into option words and messages."""
        return self.flags[-1]


PARAMS: tuple[Param, ...] = (
    Param("model", "model", ("-m", "--model"), "MODEL", "model id (`%sora models` lists them)", "text",
          None, "Model", "animatic"),
    Param("seconds", "seconds", ("-s", "--seconds"), "N", "length in seconds", "int", "durations", "Duration",
          "4"),
    Param("size", "size", ("--size",), "WxH", "exact size, e.g. 1280x720", "size", "sizes", "Size", "1280x720"),
    Param("resolution", "resolution", ("--resolution",), "RES",
          "resolution class, e.g. 720p (backends that use one)", "text", "resolutions", "Resolution", "720p"),
    Param("aspect_ratio", "aspect", ("--aspect",), "W:H", "aspect ratio, e.g. 16:9", "aspect", "aspect_ratios",
          "Aspect", "16:9"),
    Param("seed", "seed", ("--seed",), "N", "seed, where the model takes one", "int", "seed", "Seed", "7"),
    Param("input_reference", "ref", ("--ref",), "PATH|URL|{var}",
          "reference image; a {var} may hold a path, bytes or a PIL image", "ref", "input_reference",
          "Reference", "frame.png"),
    Param("fit", "fit", ("--fit",), "cover|contain|none", "how the reference is fitted to the size (default cover)",
          "choice", None, "Fit", "contain"),
    Param("negative_prompt", "avoid", ("--avoid",), "TEXT", "what to avoid (negative prompt)", "text",
          "negative_prompt", "Avoid", '"text, watermark"'),
    Param("audio", "audio", ("--audio",), None, "ask for an audio track (--no-audio: ask for none)", "bool",
          "audio", "Audio track", off_flag="--no-audio"),
    Param("extras", "extras", ("--extras",), "JSON", "backend-specific wire fields, as a JSON object", "json",
          None, "Extras", "'{\"camera_fixed\": true}'"),
)
BY_FIELD: dict[str, Param] = {p.field: p for p in PARAMS}
BY_OPTION: dict[str, Param] = {p.option: p for p in PARAMS}
#: request fields and option names -> the flag that sets them (for messages)
FLAG_OF: dict[str, str] = {**{p.option: p.flag for p in PARAMS}, **{p.field: p.flag for p in PARAMS}}

HINTS: dict[str, str] = {
    "seconds": "use a whole number of seconds; `models` lists each model's lengths",
    "seed": f"use a whole number from 0 to {2**32 - 1}",
    "size": "write it as WIDTHxHEIGHT, e.g. 1280x720; `models` lists the sizes",
    "aspect": "e.g. --aspect 16:9",
    "fit": "allowed: cover, contain, none",
    "ref": "give an image file (PNG, JPEG, WebP), an http(s) URL, or {var} holding a path, bytes or a PIL image",
    "prompt": "describe the video you want",
    "resolution": "give either --size or --resolution/--aspect, not both",
    "extras": 'give a JSON object, e.g. --extras \'{"camera_fixed": true}\'',
}
HINTS.update({"aspect_ratio": HINTS["aspect"], "input_reference": HINTS["ref"], "negative_prompt": "",
              "audio": "write --audio or --no-audio"})


E = TypeVar("E", bound=InvalidRequestError)


def whole_number(v: Any) -> Any:
    """An option's text as an int ("8" -> 8); other values pass to the field's own validation."""
    if isinstance(v, str):
        if not re.fullmatch(r"\s*-?\d+\s*", v):
            raise ValueError(f"must be a whole number, got {v!r}")
        return int(v)
    return v


class RequestOptions(BaseModel):
    """The request part of an option line, as typed text or values; one attribute per `PARAMS` row."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    model: str | None = None
    #: no bounds here: the model's own lengths are checked in `build_request`, so `-s 999` names them
    seconds: int | None = None
    size: str | None = None
    resolution: str | None = None
    aspect: str | None = None
    ref: Any = None
    fit: Literal["cover", "contain", "none"] | None = None
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    avoid: str | None = None
    audio: bool | None = None
    extras: dict[str, Any] | None = None

    @field_validator("seconds", "seed", mode="before")
    @classmethod
    def _whole_number(cls, v: Any) -> Any:
        return whole_number(v)

    @field_validator("size")
    @classmethod
    def _size(cls, v: str | None) -> str | None:
        return normal_size(v)

    @field_validator("aspect")
    @classmethod
    def _aspect(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"\d{1,3}:\d{1,3}", v.strip()):
            raise ValueError(f"aspect ratio must look like 16:9, got {v!r}")
        return v.strip() if v else v

    @field_validator("extras", mode="before")
    @classmethod
    def _json_object(cls, v: Any) -> Any:
        if isinstance(v, str):
            try:
                v = json.loads(v)
            except ValueError:
                raise ValueError("is not valid JSON") from None
            if not isinstance(v, dict):
                raise ValueError("must be a JSON object ({...})")
        return v

    @field_validator("model", "resolution")
    @classmethod
    def _not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("must not be empty")
        return v.strip() if v is not None else v

    def request_fields(self) -> dict[str, Any]:
        """`VideoRequest` fields (None values left out so the backend's defaults apply)."""
        out = {p.field: getattr(self, p.option) for p in PARAMS}
        return {k: v for k, v in out.items() if v is not None and v != {}}


def build_request(
    prompt: str, fields: dict[str, Any], caps: BackendCapabilities | None, cls: type[E], **how: Any
) -> VideoRequest:
    """A validated `VideoRequest` from option values, or one line of `cls`: lengths are checked against
    the model first, so an impossible one is reported with the model's own range."""
    if caps is not None and isinstance(fields.get("seconds"), int):
        try:
            check_seconds(fields["seconds"], caps.model(fields.get("model")), caps.backend)
        except InvalidRequestError as exc:
            raise cls(exc.message, param="seconds", hint=exc.hint) from None
    try:
        return VideoRequest.model_validate({"prompt": prompt, **fields})
    except ValidationError as exc:
        raise usage_error(exc, cls, **how) from None


def option_words(request: VideoRequest, *, magic: bool = False) -> list[str]:
    """The option words that reproduce `request` (shell-quoted; the prompt is not among them).

    References travel as paths or http(s) URLs; bytes and data URLs cannot be written as text and
    are left out. `magic=True` doubles braces, which `%%sora` reads as `{variable}` otherwise."""
    words: list[str] = []
    for p in PARAMS:
        for word in _words(p, request):
            words.append(escape_braces(word) if magic else word)
    return words


def relative_path(path: Any) -> str:
    """A path relative to the working folder (in a kernel: the notebook's) when it lies inside it,
    so a copied cell or command works for whoever opens the notebook; else as given."""
    import os

    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if rel.startswith("..") else rel.replace(os.sep, "/")


def escape_braces(text: str) -> str:
    """Text that `%%sora`'s `{name}` interpolation gives back unchanged."""
    return text.replace("{", "{{").replace("}", "}}")


def _words(p: Param, request: VideoRequest) -> Iterator[str]:
    value = getattr(request, p.field)
    if value is None or value == {}:
        return
    if p.kind == "bool":
        if value or p.off_flag:
            yield p.flag if value else str(p.off_flag)
    elif p.kind == "ref":
        if value.kind == "path" and value.path is not None:
            yield from _pair(p, relative_path(value.path))
        elif value.kind == "url" and value.url and not value.url.startswith("data:"):
            yield from _pair(p, value.url)
    elif p.field == "fit":
        if value != "cover":
            yield from _pair(p, value)
    elif p.kind == "json":
        yield from _pair(p, json.dumps(value, separators=(",", ":"), sort_keys=True))
    else:
        yield from _pair(p, str(value))


def _pair(p: Param, value: str) -> list[str]:
    """`-s 8`; a value that starts with "-" is joined to its flag (`--avoid=-x`) so no parser takes
    it for an option."""
    if value.startswith("-"):
        return [f"{p.flag}={shlex.quote(value)}"]
    return [p.flags[0] if len(p.flags[0]) == 2 else p.flag, shlex.quote(value)]


def usage_error(exc: ValidationError, cls: type[E], *, hints: dict[str, str] | None = None,
                flag_of: dict[str, str] | None = None, default_hint: str | None = None) -> E:
    """The first problem of a pydantic error about options or a request, as one line naming the
    option (`--seconds 0: must be at least 1`) with a hint: the toolkit's one translation
    (`errors.from_validation_error`) with the option table's flags and hints."""
    err = from_validation_error(exc, names={**FLAG_OF, **(flag_of or {})}, hints={**HINTS, **(hints or {})},
                                cls=cls, fallback=default_hint)
    assert isinstance(err, cls)
    return err
