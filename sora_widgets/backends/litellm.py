"""The `litellm` dialect: a LiteLLM proxy (gateway) routing `/v1/videos` to providers.

Sources: https://docs.litellm.ai/docs/videos; BerriAI/litellm `litellm/proxy/video_endpoints/
endpoints.py` and `litellm/videos/utils.py` (`encode_video_id_with_provider`).

How it differs from the OpenAI contract:
- Auth: the proxy reads `x-litellm-api-key` as well as `Authorization: Bearer`; both are sent.
- `model` is a name from the proxy's config (an alias such as `openai/sora-2` or `veo`), so it is
  required: there is no sensible default to guess.
- Video ids encode the provider: `video_` + base64(`litellm:custom_llm_provider:<p>;model_id:<m>;
  video_id:<upstream id>`). The proxy routes retrieve/content/remix by it; `parse_video` decodes
  it into `Video.provider`, `Video.provider_model_id` and `Video.provider_video_id`.
- Routes: create, list, retrieve, content, remix, edits, extensions, characters; **no delete**.
  Whether remix/edit/extend work depends on the provider behind the model; its refusal comes back
  as the provider's error.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..errors import InvalidRequestError
from ..models import Video, VideoRequest
from .base import PreparedReference, WireRequest
from .compat import SERVER_MODEL, CompatBackend, open_capabilities

_PREFIX = "video_"

LITELLM_CAPABILITIES = open_capabilities(
    "litellm", input_reference=True, remix=True, edit=True, extend=True, characters=True,
)


def decode_video_id(video_id: str) -> dict[str, str] | None:
    """LiteLLM's provider-encoded id -> {provider, model_id, video_id}, or None for a plain id."""
    if not video_id.startswith(_PREFIX):
        return None
    raw = video_id[len(_PREFIX):]
    try:
        text = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None  # an ordinary OpenAI id such as video_68d7512d...
    parts = text.split(";")
    if len(parts) < 3 or not parts[0].startswith("litellm:custom_llm_provider:"):
        return None
    return {
        "provider": parts[0].removeprefix("litellm:custom_llm_provider:"),
        "model_id": parts[1].removeprefix("model_id:"),
        "video_id": ";".join(parts[2:]).removeprefix("video_id:"),
    }


class LiteLLMBackend(CompatBackend):
    kind = "litellm"
    key_envs = ("LITELLM_API_KEY",)
    requires_key = True
    operations = frozenset({"create", "retrieve", "list", "content", "remix", "edit", "extend", "characters"})
    variants = ("video", "thumbnail", "spritesheet")  # passed through to OpenAI-shaped providers
    default_capabilities = LITELLM_CAPABILITIES

    def auth_headers(self, api_key: str | None) -> dict[str, str]:
        if not api_key:
            return {}
        return {"Authorization": f"Bearer {api_key}", "x-litellm-api-key": api_key}

    def create(self, req: VideoRequest, ref: PreparedReference | None = None) -> WireRequest:
        if not req.model or req.model == SERVER_MODEL:
            raise InvalidRequestError(
                "the LiteLLM proxy needs a model name from its config",
                param="model",
                hint="pass model=... (e.g. openai/sora-2) or set `model` in the profile or SORA_MODEL",
            )
        return super().create(req, ref)

    def parse_video(self, data: Any) -> Video:
        video = super().parse_video(data)
        decoded = decode_video_id(video.id)
        if decoded is None:
            return video
        return video.model_validate({
            **video.model_dump(),
            "provider": decoded["provider"],
            "provider_model_id": decoded["model_id"] or None,
            "provider_video_id": decoded["video_id"],
        })
