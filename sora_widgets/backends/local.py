"""The `local` backend: the embedded Videos API server in this package (OpenAI dialect, free).

It declares its own capabilities. The server validates requests against the same table, so the
widgets, the client and the server agree on what is allowed.
"""

from __future__ import annotations

from ..capabilities import BackendCapabilities, ModelCapabilities
from .base import Backend

SORA_PORTRAIT_LANDSCAPE = ("1280x720", "720x1280")
SORA_PRO_SIZES = ("1280x720", "720x1280", "1792x1024", "1024x1792", "1920x1080", "1080x1920")
#: small sizes of the fast `animatic` model, for tests, tutorials and quick drafts
ANIMATIC_SIZES = ("640x360", "360x640", "480x480", "1280x720", "720x1280", "320x180", "180x320")

_COMMON: dict[str, bool] = dict(remix=True, edit=True, extend=True, characters=True, seed=True, negative_prompt=True)

LOCAL_CAPABILITIES = BackendCapabilities(
    backend="local",
    default_model="sora-2",
    models={
        "sora-2": ModelCapabilities(
            id="sora-2",
            label="sora-2 (offline preview)",
            durations=(4, 8, 12),
            sizes=SORA_PORTRAIT_LANDSCAPE,
            default_size="1280x720",
            **_COMMON,
        ),
        "sora-2-pro": ModelCapabilities(
            id="sora-2-pro",
            label="sora-2-pro (offline preview)",
            durations=(4, 8, 12),
            sizes=SORA_PRO_SIZES,
            default_size="1280x720",
            **_COMMON,
        ),
        "animatic": ModelCapabilities(
            id="animatic",
            label="animatic (fast offline draft, any length 1-20 s)",
            durations=tuple(range(1, 21)),
            sizes=ANIMATIC_SIZES,
            default_seconds=2,
            default_size="640x360",
            **_COMMON,
        ),
    },
)


class LocalBackend(Backend):
    """OpenAI dialect against the embedded server; no key needed (the server makes its own)."""

    kind = "local"
    key_envs = ()
    requires_key = False
    honours_idempotency = True
    default_capabilities = LOCAL_CAPABILITIES
    delete_stops_render = True  # the render sees its cancel event at the next frame
