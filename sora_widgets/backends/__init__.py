"""Backend adapters, one per protocol family, and the registry that picks one from settings."""

from __future__ import annotations

from ..capabilities import FEATURES
from ..config import Settings
from ..errors import ConfigurationError
from .base import Backend, PreparedReference, WireRequest
from .local import LocalBackend
from .openai import OpenAIBackend

#: backend kind -> adapter class
BACKENDS: dict[str, type[Backend]] = {
    "local": LocalBackend,
    "openai": OpenAIBackend,
}


def register(cls: type[Backend]) -> type[Backend]:
    BACKENDS[cls.kind] = cls
    return cls


def make_backend(kind: str) -> Backend:
    try:
        return BACKENDS[kind]()
    except KeyError:
        raise ConfigurationError(
            f"unknown backend {kind!r}",
            hint=f"set SORA_BACKEND to one of: {', '.join(sorted(BACKENDS))} (or a profile name)",
        ) from None


def backend_for(settings: Settings) -> Backend:
    """The adapter for the settings' backend (a kind or a profile), honouring an explicit dialect."""
    kind = settings.dialect or settings.kind()
    return make_backend(kind)


def backends_offering(feature: str) -> list[str]:
    """Backend kinds where at least one known model offers `feature` (remix, edit, extend, ...)."""
    if feature not in FEATURES and feature != "input_reference":
        return []
    out = []
    for kind, cls in sorted(BACKENDS.items()):
        try:
            caps = cls().capabilities
        except Exception:  # pragma: no cover - a broken adapter must not break an error message
            continue
        if caps.offering(feature):
            out.append(kind)
    return out


__all__ = [
    "BACKENDS",
    "Backend",
    "LocalBackend",
    "OpenAIBackend",
    "PreparedReference",
    "WireRequest",
    "backend_for",
    "backends_offering",
    "make_backend",
    "register",
]
