"""The `litellm` dialect: a LiteLLM proxy (gateway) routing `/v1/videos` to providers.

Read from BerriAI/litellm tag v1.108.7 (the PyPI release; `litellm/proxy/video_endpoints/endpoints.py`,
`litellm/types/videos/utils.py`) and tested against that proxy running on loopback in front of
the embedded server (tests/backends/test_litellm_proxy.py). How it differs from the OpenAI contract:

- Auth: the proxy reads `x-litellm-api-key` as well as `Authorization: Bearer`; both are sent.
- `model` is a name from the proxy's config (`GET /v1/models` lists them); with one configured
  name that is the default, otherwise it must be given.
- Video ids encode the route: `video_` + base64 of `litellm:custom_llm_provider:<p>;model_id:<m>;
  video_id:<upstream id>` followed by optional `;served_model:`, `;deployment_id:`,
  `;requested_model:` parts. `parse_video` decodes them by their `key:` prefix into
  `Video.provider`, `Video.provider_model_id` and `Video.provider_video_id`.
- Content: the proxy drops the `variant` query and always answers the MP4 as `video/mp4`, so only
  the video variant exists (a thumbnail request would otherwise save MP4 bytes as a .webp).
- A reference image travels as a multipart file: a JSON `input_reference: {"image_url": ...}`
  breaks inside the proxy (500, or 400 wrapping an InternalServerError), so a reference given
  only as an http(s) URL is refused.
- A key other than the master key, on a proxy without a key database, gets 400 "No connected db.":
  reported as an authentication error saying so.
- Routes: create, retrieve, content, remix, edits, extensions, characters. **No delete** (405)
  and **no list** for a custom `api_base` (400 "LLM Provider NOT provided"): both are refused
  before sending. Whether remix/edit/extend work depends on the provider behind the model.
- Errors: `{"error": {message, type, param, code: "400"}}`, the upstream's words in the message.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..capabilities import BackendCapabilities
from ..errors import APIStatusError, AuthenticationError, InvalidRequestError, UnsupportedFeatureError
from ..models import Video, VideoRequest
from .base import PreparedReference, WireRequest
from .compat import SERVER_MODEL, CompatBackend, open_capabilities, served_names

_PREFIX = "video_"
#: the parts of a decoded id, by the key that starts each (LiteLLM's own names)
_ID_KEYS = {
    "litellm:custom_llm_provider:": "provider",
    "model_id:": "model_id",
    "video_id:": "video_id",
    "served_model:": "served_model",
    "deployment_id:": "deployment_id",
    "requested_model:": "requested_model",
}

#: seed and negative_prompt are forwarded upstream as they are (whether they count is the provider's)
LITELLM_CAPABILITIES = open_capabilities(
    "litellm", input_reference=True, remix=True, edit=True, extend=True, characters=True, seed=True,
    negative_prompt=True,
)


def decode_video_id(video_id: str) -> dict[str, str] | None:
    """LiteLLM's provider-encoded id -> {provider, model_id, video_id, ...}, or None for a plain id.

    Parts are recognised by their `key:` prefix, so the optional tail parts (`deployment_id:`...)
    never end up inside another value.
    """
    if not video_id.startswith(_PREFIX):
        return None
    raw = video_id[len(_PREFIX):]
    try:
        text = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None  # an ordinary OpenAI id such as video_68d7512d...
    if not text.startswith("litellm:custom_llm_provider:"):
        return None
    out: dict[str, str] = {}
    for part in text.split(";"):
        for prefix, name in _ID_KEYS.items():
            if part.startswith(prefix):
                out.setdefault(name, part[len(prefix):])
                break
    return out if "video_id" in out else None


class LiteLLMBackend(CompatBackend):
    kind = "litellm"
    key_envs = ("LITELLM_API_KEY",)
    requires_key = True
    operations = frozenset({"create", "retrieve", "content", "remix", "edit", "extend", "characters"})
    default_capabilities = LITELLM_CAPABILITIES
    failure_report = "the upstream's failed status, relayed"

    def auth_headers(self, api_key: str | None) -> dict[str, str]:
        if not api_key:
            return {}
        return {"Authorization": f"Bearer {api_key}", "x-litellm-api-key": api_key}

    def parse_error(
        self, status: int, body: bytes, headers: dict[str, str], *, secrets: tuple[str | None, ...] = ()
    ) -> APIStatusError:
        err = super().parse_error(status, body, headers, secrets=secrets)
        if err.type == "no_db_connection":
            # A key that is not the master key sends the proxy to its virtual-key database, which a
            # proxy started without one answers with a bare "No connected db."
            return AuthenticationError(
                "the LiteLLM proxy did not accept the API key (it is not the proxy's master key, and the "
                "proxy has no database of virtual keys)",
                status_code=status, code=err.code, type=err.type, request_id=err.request_id,
                hint="set LITELLM_API_KEY (or the profile's key_env) to the proxy's master key",
            )
        return err

    def model_ids(self, data: Any) -> list[str]:
        """The proxy lists every configured name; `mode: video_generation` marks the video ones."""
        entries = data.get("data") if isinstance(data, dict) else None
        video = [e for e in entries or () if isinstance(e, dict) and e.get("mode") == "video_generation"]
        return served_names({"data": video}) if video else served_names(data)

    def served_capabilities(self, names: list[str]) -> BackendCapabilities:
        caps = super().served_capabilities(names)
        if len(names) == 1:
            return caps
        # Several video models behind one proxy: no name is a safe guess, so the caller picks.
        template = self.default_capabilities.models[SERVER_MODEL]
        return caps.model_copy(update={"models": {**caps.models, SERVER_MODEL: template},
                                       "default_model": SERVER_MODEL})

    def create(self, req: VideoRequest, ref: PreparedReference | None = None) -> WireRequest:
        if not req.model or req.model == SERVER_MODEL:
            raise InvalidRequestError(
                "the LiteLLM proxy needs a model name from its config",
                param="model",
                hint="pass model=... (e.g. openai/sora-2) or set `model` in the profile or SORA_MODEL",
            )
        if ref is not None and ref.data is None:
            raise UnsupportedFeatureError(
                "the LiteLLM proxy cannot take a reference image by URL (it answers HTTP 500)",
                param="input_reference",
                hint="pass the image as a file path or bytes; it is then sent as a multipart file",
            )
        return super().create(req, ref)

    def parse_video(self, data: Any) -> Video:
        video = super().parse_video(data)
        decoded = decode_video_id(video.id)
        if decoded is None:
            return video
        return video.model_validate({
            **video.model_dump(),
            "provider": decoded.get("provider"),
            "provider_model_id": decoded.get("model_id") or None,
            "provider_video_id": decoded["video_id"],
        })
