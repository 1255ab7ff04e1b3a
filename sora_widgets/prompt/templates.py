"""Prompt templates: the guide's four example prompts as structured `Prompt`s, and the user's own,
saved in `config_dir()/templates.json`.

The guide's examples carry their parameters in prose ("6 seconds, 1080p"); here the prose is
clean and those values live in `Template.params`, which `Template.to_request` snaps to what a model
offers. What no request field can carry (24fps) is kept as a note.

File format (`templates.json`):

    {"version": 1, "templates": {"my-fox": {"description": "...", "prompt": {"subject": "..."},
                                            "params": {"seconds": 8}}}}

A broken file is a one-line `ConfigurationError` from `load_templates`; `list_templates` never
raises (it warns and lists the guide's templates).
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..config import config_dir
from ..errors import ConfigurationError, InvalidRequestError
from . import _params as P
from .structured import Prompt

if TYPE_CHECKING:
    from ..capabilities import ModelCapabilities
    from ..models import VideoRequest

FILE_NAME = "templates.json"
_PARAM_KEYS = ("model", "seconds", "size", "resolution", "aspect_ratio", "seed", "negative_prompt", "audio")


class Template(BaseModel):
    """A named, structured prompt plus the request parameters it was written for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    prompt: Prompt
    params: dict[str, Any] = Field(default_factory=dict)
    description: str = ""
    notes: tuple[str, ...] = ()
    source: str = "user"

    def to_request(self, capabilities: ModelCapabilities | None = None, **overrides: Any) -> VideoRequest:
        """A request from this template; seconds and resolution snapped to what the model offers."""
        params = dict(self.params)
        if "seconds" in params:
            params["seconds"] = P.snap_seconds(float(params["seconds"]), capabilities)
        resolution = str(params.get("resolution") or "")
        if resolution.lower().endswith("p") and resolution[:-1].isdigit():
            change = P.change_for_height(int(resolution[:-1]), None, capabilities)
            params.pop("resolution")
            params.update({k: v for k, v in (change or {}).items() if v is not None})
        params.update(overrides)
        return self.prompt.to_request(**params)


def _guide(name: str, description: str, params: dict[str, Any], notes: tuple[str, ...] = (), **fields: Any) -> Template:
    return Template(name=name, prompt=Prompt(**fields), params=params, description=description, notes=notes,
                    source="guide")  # fmt: skip


#: the four example prompts of the seed guide, with their prose parameters moved into `params`
GUIDE_TEMPLATES: MappingProxyType[str, Template] = MappingProxyType(
    {
        t.name: t
        for t in (
            _guide(
                "basic-scene", "The guide's basic scene: one subject, one action, bright daylight.",
                {"seconds": 6, "resolution": "1080p"},
                subject="A fluffy golden retriever puppy",
                action="playing in a sunny meadow, bright green grass, blue sky with white clouds",
                mood="playful energy", shot="close-up shots",
            ),
            _guide(
                "cinematic-scene", "The guide's cinematic landscape: wide shot, slow reveal.",
                {"seconds": 8, "resolution": "1080p"}, ("24fps: no request field sets the frame rate",),
                subject="Epic mountain landscape at sunset",
                action="mist rolling through valleys, dramatic orange and purple sky",
                style="professional photography", shot="cinematic wide shot",
                movement="slow camera movement revealing the vista",
            ),
            _guide(
                "character-animation", "The guide's character walk: a tracking shot following one person.",
                {"seconds": 5, "resolution": "1080p"},
                subject="Young professional woman in business attire",
                action="walking confidently through modern office space, glass walls, determined expression",
                lighting="natural lighting", movement="smooth tracking shot following her",
            ),
            _guide(
                "artistic-style", "The guide's artistic piece: a surreal dreamscape in pastel colours.",
                {"seconds": 7, "resolution": "1080p"},
                subject="Surreal dreamscape with floating geometric shapes",
                style="pastel colors, inspired by Salvador Dali, artistic", mood="ethereal atmosphere",
                movement="smooth floating camera movement",
            ),
        )
    }
)  # fmt: skip


def templates_path() -> Path:
    return config_dir() / FILE_NAME


def _read(path: Path) -> dict[str, Any]:
    """The raw file as a dict ({} when absent); a one-line ConfigurationError when unreadable."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}", hint="fix or remove the file") from None
    if not isinstance(data, dict) or not isinstance(data.get("templates", {}), dict):
        raise ConfigurationError(f"{path} is not a templates file", hint='expected {"templates": {...}}')
    return data


def load_templates(path: Path | None = None) -> dict[str, Template]:
    """The user's saved templates by name (not the guide's; see `GUIDE_TEMPLATES`)."""
    path = path or templates_path()
    out: dict[str, Template] = {}
    for name, entry in _read(path).get("templates", {}).items():
        try:
            out[str(name)] = Template.model_validate({**dict(entry), "name": str(name), "source": "user"})
        except (ValidationError, TypeError, ValueError) as exc:
            first = str(exc).splitlines()[0]
            raise ConfigurationError(f"{path}: template {name!r} is invalid ({first})",
                                     hint="fix or remove that entry") from None  # fmt: skip
    return out


def list_templates(path: Path | None = None) -> list[str]:
    """Names of the guide's templates, then the user's. Never raises: a broken file is a warning."""
    names = list(GUIDE_TEMPLATES)
    try:
        names += [n for n in load_templates(path) if n not in GUIDE_TEMPLATES]
    except ConfigurationError as exc:
        warnings.warn(str(exc), stacklevel=2)
    return names


def get_template(name: str, path: Path | None = None) -> Template:
    """A guide or user template by name; unknown names raise InvalidRequestError listing the known."""
    if name in GUIDE_TEMPLATES:
        return GUIDE_TEMPLATES[name]
    user = load_templates(path)
    if name not in user:
        known = ", ".join([*GUIDE_TEMPLATES, *user])
        raise InvalidRequestError(f"no template named {name!r}", param="template", hint=f"known: {known}")
    return user[name]


def save_template(
    name: str,
    prompt: Prompt | str,
    params: dict[str, Any] | None = None,
    description: str = "",
    path: Path | None = None,
) -> Template:
    """Save (or replace) a user template; a string prompt is parsed into fields first."""
    name = name.strip()
    if not name or len(name) > 80 or "\n" in name:
        raise InvalidRequestError("a template name must be one line of 1-80 characters", param="name")
    if name in GUIDE_TEMPLATES:
        raise InvalidRequestError(f"{name!r} is one of the guide's templates", param="name",
                                  hint="choose another name")  # fmt: skip
    structured = prompt if isinstance(prompt, Prompt) else Prompt.parse(prompt)
    params = _check_params(dict(params or {}))
    template = Template(name=name, prompt=structured, params=params, description=description)
    path = path or templates_path()
    data = _read(path)  # refuse to overwrite a file we cannot read: it may hold the user's work
    entries = dict(data.get("templates", {}))
    entries[name] = template.model_dump(mode="json", exclude={"name", "source"})
    _write(path, {**data, "version": 1, "templates": entries})
    return template


def delete_template(name: str, path: Path | None = None) -> bool:
    """Remove a user template; False when there was none by that name."""
    path = path or templates_path()
    data = _read(path)
    entries = dict(data.get("templates", {}))
    if entries.pop(name, None) is None:
        return False
    _write(path, {**data, "templates": entries})
    return True


def _check_params(params: dict[str, Any]) -> dict[str, Any]:
    from ..models import VideoRequest

    unknown = sorted(set(params) - set(_PARAM_KEYS))
    if unknown:
        raise InvalidRequestError(f"unknown template parameters: {', '.join(unknown)}", param="params",
                                  hint=f"allowed: {', '.join(_PARAM_KEYS)}")  # fmt: skip
    try:
        VideoRequest(prompt="check", **params)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidRequestError(f"template parameter {first['loc'][0]}: {first['msg']}", param="params") from None
    return params


def _write(path: Path, data: dict[str, Any]) -> None:
    """Write atomically, so a crash mid-write never leaves a half file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".templates-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
