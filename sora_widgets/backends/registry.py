"""The backend registry: kinds and aliases -> adapter classes, the adapter for some settings, and
which backends offer a feature (for hints in errors).

It has a module of its own so that the adapters and `capabilities` never import the package that
lists them (DESIGN rule 10); `Backend.require_operation` reaches `backends_offering` through the
lookup this module installs in `base`.
"""

from __future__ import annotations

from ..capabilities import FEATURES, BackendCapabilities, ModelCapabilities
from ..config import Settings
from ..errors import ConfigurationError, UnsupportedFeatureError
from .base import OPERATIONS, Backend, install_offering_lookup
from .litellm import LiteLLMBackend
from .local import LocalBackend
from .openai import OpenAIBackend
from .openrouter import OpenRouterBackend
from .sglang import SGLangBackend
from .vllm_omni import VllmOmniBackend

#: backend kind -> adapter class, in the order backends are suggested to users
BACKENDS: dict[str, type[Backend]] = {
    "local": LocalBackend,
    "openai": OpenAIBackend,
}

#: other names for a kind: servers that share a dialect, and spellings people use
ALIASES: dict[str, str] = {
    "fastvideo": "sglang",
    "sglang-diffusion": "sglang",
    "vllm": "vllm-omni",
    "vllm_omni": "vllm-omni",
    "litellm-proxy": "litellm",
    "openai-compatible": "openai",
    "compatible": "openai",
    "generic": "openai",
}

#: `ModelCapabilities` flags that `backends_offering` can answer for, besides the operations
_MODEL_FLAGS = frozenset({*FEATURES, "input_reference", "seed", "negative_prompt", "audio"})


def register(cls: type[Backend]) -> type[Backend]:
    BACKENDS[cls.kind] = cls
    return cls


for _cls in (VllmOmniBackend, SGLangBackend, LiteLLMBackend, OpenRouterBackend):
    register(_cls)


def canonical_kind(kind: str) -> str:
    """The registered kind for `kind` or one of its aliases (unknown names come back unchanged)."""
    name = kind.strip().lower()
    return name if name in BACKENDS else ALIASES.get(name, kind)


def make_backend(kind: str) -> Backend:
    try:
        return BACKENDS[canonical_kind(kind)]()
    except KeyError:
        raise ConfigurationError(
            f"unknown backend {kind!r}",
            hint=f"set SORA_BACKEND to one of: {', '.join(BACKENDS)} (or a profile name)",
        ) from None


def backend_for(settings: Settings) -> Backend:
    """The adapter for the settings' backend (a kind or a profile), honouring an explicit dialect.

    A profile without `kind` or `dialect` describes some `/v1/videos` server we know nothing about:
    it gets the `openai` dialect, whose parsing tolerates unknown fields and statuses.
    """
    profile = settings.profile()
    kind = settings.dialect or profile.get("dialect") or profile.get("kind")
    if kind is None:
        kind = "openai" if profile else settings.backend
    backend = make_backend(str(kind))
    backend.base_url = settings.base_url or profile.get("base_url") or backend.default_base_url
    return backend


def backends_offering(feature: str) -> list[str]:
    """Backend kinds that offer `feature`: an operation (list, delete, ...) the server has, or a
    model feature (remix, edit, extend, seed, ...) at least one known model offers."""
    if feature not in _MODEL_FLAGS and feature not in OPERATIONS:
        return []
    out = []
    for kind, cls in BACKENDS.items():
        if feature in OPERATIONS and feature not in cls.operations:
            continue
        if feature in _MODEL_FLAGS:
            try:
                caps = cls().capabilities
            except Exception:  # pragma: no cover - a broken adapter must not break an error message
                continue
            if not caps.offering(feature):
                continue
        out.append(kind)
    return out


def require_feature(caps: BackendCapabilities, model: str | None, feature: str) -> ModelCapabilities:
    """Refuse remix/edit/extend/characters before sending when the model lacks it, naming the
    backends that have it."""
    mc = caps.model(model)
    if not mc.supports(feature):
        others = backends_offering(feature)
        raise UnsupportedFeatureError(
            f"{feature} is not available for {mc.id} on the {caps.backend} backend",
            param=feature,
            hint=f"backends that offer {feature}: {', '.join(others) or 'none'}",
        )
    return mc


install_offering_lookup(backends_offering)
