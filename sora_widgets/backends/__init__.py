"""Backend adapters, one per protocol family, and the registry that picks one from settings.

Kinds (the `kind` of a profile, `SORA_BACKEND`, or `SORA_DIALECT` for an OpenAI-compatible server):

    local       the embedded offline server (default)
    openai      the frozen OpenAI Videos contract; also the dialect of any unknown /v1/videos server
    vllm-omni   vLLM-Omni (multipart only, served model name enforced, failed jobs under an error status)
    sglang      SGLang diffusion; `fastvideo` is the same dialect (integer seconds, variant = output index)
    litellm     a LiteLLM proxy (x-litellm-api-key, provider-encoded ids, no list/delete, MP4 only)

`dialect_table()` says what each really does (the README's table is generated from it).
    openrouter  OpenRouter's own video API (catalog with durations and prices, no list/delete)
"""

from __future__ import annotations

from ..capabilities import FEATURES
from ..config import Settings
from ..errors import ConfigurationError
from .base import OPERATIONS, Backend, PreparedReference, WireRequest
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


from .describe import (  # noqa: E402 - describe reads the registry above
    backends_table,
    capability_rows,
    capability_table,
    describe_backends,
    dialect_rows,
    dialect_table,
    render_table,
)

__all__ = [
    "ALIASES",
    "BACKENDS",
    "Backend",
    "LiteLLMBackend",
    "LocalBackend",
    "OpenAIBackend",
    "OpenRouterBackend",
    "PreparedReference",
    "SGLangBackend",
    "VllmOmniBackend",
    "WireRequest",
    "backend_for",
    "backends_offering",
    "backends_table",
    "canonical_kind",
    "capability_rows",
    "capability_table",
    "describe_backends",
    "dialect_rows",
    "dialect_table",
    "make_backend",
    "register",
    "render_table",
]
