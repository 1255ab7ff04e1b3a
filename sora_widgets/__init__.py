"""sora_widgets: AI video generation as a first-class notebook experience.

Everything is imported lazily (PEP 562 `__getattr__`), so `import sora_widgets` and
`%load_ext sora_widgets` stay fast; ipywidgets, PyAV and the server load when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._lazy import lazy_exports

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "APIConnectionError": "errors",
    "APIStatusError": "errors",
    "APITimeoutError": "errors",
    "Arena": "widgets",
    "AuthenticationError": "errors",
    "BadRequestError": "errors",
    "BudgetExceededError": "errors",
    "Compare": "widgets",
    "ConfigurationError": "errors",
    "ConflictError": "errors",
    "DownloadError": "errors",
    "GenerationFailedError": "errors",
    "InternalServerError": "errors",
    "InvalidRequestError": "errors",
    "NotFoundError": "errors",
    "PaymentRequiredError": "errors",
    "PermissionDeniedError": "errors",
    "PollInterrupted": "errors",
    "PollTimeoutError": "errors",
    "RateLimitError": "errors",
    "SoraError": "errors",
    "StorageDownloadError": "errors",
    "UnprocessableEntityError": "errors",
    "UnsupportedFeatureError": "errors",
    "AsyncSoraClient": "client",
    "BackendCapabilities": "capabilities",
    "BatchPanel": "widgets",
    "Composer": "widgets",
    "Gallery": "widgets",
    "GenerationResult": "results",
    "GenerationResults": "results",
    "JobCard": "widgets",
    "ModelCapabilities": "capabilities",
    "Parameters": "widgets",
    "Player": "widgets",
    "Prompt": "prompt",
    "Settings": "config",
    "Signals": "quality",
    "SoraClient": "client",
    "Storyboard": "storyboard",
    "Studio": "widgets",
    "Video": "models",
    "VideoFailure": "models",
    "VideoRequest": "models",
    "compare": "widgets",
    "estimate_cost": "capabilities",
    "export": "share.export",
    "lint": "prompt",
    "resume": "jobs",
    "signals": "quality",
}

#: old names that still work and warn (not in `__all__`, so `import *` stays quiet)
_DEPRECATED: dict[str, str] = {"GenerationFailed": "errors", "PollTimeout": "errors", "VideoError": "models"}

__all__ = sorted([*_EXPORTS, "__version__", "load_ipython_extension", "unload_ipython_extension"])


__getattr__, _dir = lazy_exports(__name__, {**_EXPORTS, **_DEPRECATED})


def __dir__() -> list[str]:
    return __all__


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext sora_widgets`: register the `%%sora` / `%sora` magics."""
    from .magics import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from .magics import unload_ipython_extension as _unload

    _unload(ipython)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .capabilities import BackendCapabilities, ModelCapabilities, estimate_cost
    from .client import AsyncSoraClient, SoraClient
    from .config import Settings
    from .errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        BudgetExceededError,
        ConfigurationError,
        ConflictError,
        DownloadError,
        GenerationFailedError,
        InternalServerError,
        InvalidRequestError,
        NotFoundError,
        PaymentRequiredError,
        PermissionDeniedError,
        PollInterrupted,
        PollTimeoutError,
        RateLimitError,
        SoraError,
        StorageDownloadError,
        UnprocessableEntityError,
        UnsupportedFeatureError,
    )
    from .models import Video, VideoFailure, VideoRequest
    from .prompt import Prompt, lint
    from .quality import Signals, signals
    from .results import GenerationResult, GenerationResults
    from .share.export import export
