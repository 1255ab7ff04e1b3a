"""The frozen OpenAI Sora contract (`openai` dialect): string seconds 4/8/12, four sizes, remix,
edit, extend and characters, with OpenAI's published per-second prices.

OpenAI switched the service off on 2026-09-24; the dialect stays because servers and gateways
still speak it, and because the embedded `local` server emulates it.
"""

from __future__ import annotations

from ..capabilities import BackendCapabilities, ModelCapabilities
from .base import Backend

_SIZES_720 = ("720x1280", "1280x720")
_SIZES_PRO = ("720x1280", "1280x720", "1024x1792", "1792x1024")
_FEATURES = dict(remix=True, edit=True, extend=True, characters=True)
_SORA2_PRICE = {"720x1280": 0.10, "1280x720": 0.10}
_PRO_PRICE = {"720x1280": 0.30, "1280x720": 0.30, "1024x1792": 0.50, "1792x1024": 0.50}


# The toolkit asks for landscape by default on every backend (the API itself would pick 720x1280
# when no size is sent, but the toolkit always sends one).
def _sora2(model_id: str) -> ModelCapabilities:
    return ModelCapabilities(
        id=model_id, durations=(4, 8, 12), sizes=_SIZES_720, default_size="1280x720",
        price_per_second=_SORA2_PRICE, **_FEATURES,
    )


def _pro(model_id: str) -> ModelCapabilities:
    return ModelCapabilities(
        id=model_id, durations=(4, 8, 12), sizes=_SIZES_PRO, default_size="1280x720",
        price_per_second=_PRO_PRICE, **_FEATURES,
    )


OPENAI_CAPABILITIES = BackendCapabilities(
    backend="openai",
    default_model="sora-2",
    open_models=True,  # compatible servers serve other model ids under the same contract
    models={
        "sora-2": _sora2("sora-2"),
        "sora-2-2025-10-06": _sora2("sora-2-2025-10-06"),
        "sora-2-2025-12-08": _sora2("sora-2-2025-12-08"),
        "sora-2-pro": _pro("sora-2-pro"),
        "sora-2-pro-2025-10-06": _pro("sora-2-pro-2025-10-06"),
    },
)


class OpenAIBackend(Backend):
    kind = "openai"
    key_envs = ("OPENAI_API_KEY",)
    default_base_url = "https://api.openai.com/v1"
    default_capabilities = OPENAI_CAPABILITIES
