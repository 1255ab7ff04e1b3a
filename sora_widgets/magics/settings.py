"""`%sora config KEY=VALUE ...`: defaults until the kernel restarts, validated before anything changes."""

from __future__ import annotations

from ..errors import ConfigurationError, from_validation_error
from .parser import MagicUsageError, suggest


def apply_config(changes: dict[str, str]) -> None:
    """`%sora config k=v ...`: validated first (unknown keys, bad values and unknown backends change
    nothing), then `jobs.configure`. `k=` removes an override."""
    from pydantic import ValidationError

    from .. import jobs
    from ..backends import backend_for
    from ..config import Settings

    fields = list(Settings.model_fields)
    for key in changes:
        if key not in fields:
            near = suggest(key, fields)
            raise MagicUsageError(f"unknown setting {key!r}", param=key,
                                  hint=f"did you mean {near}?" if near else f"settings: {', '.join(fields)}")
    if changes.get("size"):
        from ..models import parse_size

        try:
            parse_size(changes["size"])
        except ValueError as exc:
            raise MagicUsageError(f"bad value for size: {exc}", param="size",
                                  hint="e.g. %sora config size=1280x720") from None
    merged = jobs.overrides()
    for key, value in changes.items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    try:
        settings = Settings().with_(**merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = str(err["loc"][0]) if err.get("loc") else "?"
        msg = from_validation_error(exc).message
        field = Settings.model_fields.get(key)
        about = field.description if field is not None and field.description else _SETTING_HINTS.get(key, "")
        hint = f"{key}: {about}; " if about else ""
        raise MagicUsageError(f"bad value for {msg}", param=key,
                              hint=f"{hint}`%sora config {key}=` removes the override") from None
    try:
        backend_for(settings)
    except ConfigurationError:
        raise unknown_backend(str(merged.get("backend"))) from None
    old = jobs.default_runner()
    if any(v == "" for v in changes.values()):
        jobs.reset_default_runner()
        new = jobs.configure(**merged)
        new.jobs.extend(j for j in old.jobs if j not in new.jobs)
    else:
        jobs.configure(**{k: v for k, v in changes.items()})


def unknown_backend(name: str) -> MagicUsageError:
    """An unknown backend name, with the closest known backend or profile."""
    from ..backends import BACKENDS
    from ..config import load_profiles

    known = sorted({*BACKENDS, *load_profiles()})
    near = suggest(name, known)
    return MagicUsageError(f"unknown backend {name!r}", param="backend",
                           hint=(f"did you mean {near}? " if near else "") + f"backends: {', '.join(known)}")


_SETTING_HINTS = {
    "seconds": "default length in whole seconds",
    "size": "default size, e.g. 1280x720",
    "model": "default model id (%sora models lists them)",
}
