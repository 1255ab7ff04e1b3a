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

from .base import OPERATIONS, Backend, PreparedReference, WireRequest
from .describe import (
    backends_table,
    capability_rows,
    capability_table,
    describe_backends,
    dialect_rows,
    dialect_table,
    render_table,
)
from .litellm import LiteLLMBackend
from .local import LocalBackend
from .openai import OpenAIBackend
from .openrouter import OpenRouterBackend
from .registry import (
    ALIASES,
    BACKENDS,
    backend_for,
    backends_offering,
    canonical_kind,
    make_backend,
    register,
    require_feature,
)
from .sglang import SGLangBackend
from .vllm_omni import VllmOmniBackend

__all__ = [
    "ALIASES",
    "BACKENDS",
    "OPERATIONS",
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
    "require_feature",
]
