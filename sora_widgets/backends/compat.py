"""Shared pieces of the OpenAI-compatible dialects (`vllm-omni`, `sglang`, `litellm`).

These servers speak the `/v1/videos` shape but serve whatever model they were started with (or route
to), so their capabilities are *open*: any model id may be sent, and nothing about durations or
sizes is known in advance. What differs between them — body encoding, `seconds` as str or int,
extension fields, delete semantics — lives in each dialect's module.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..capabilities import BackendCapabilities, ModelCapabilities
from ..models import DeletedVideo, Video, VideoRequest
from .base import Backend, WireRequest
from .openrouter_catalog import CatalogCache

#: the model id that stands for "whatever the server was started with"; never sent on the wire
SERVER_MODEL = "server-default"


def open_capabilities(backend: str, **features: Any) -> BackendCapabilities:
    """Capabilities of a server that serves arbitrary models: no fixed durations or sizes.

    `features` are the `ModelCapabilities` flags the *protocol* allows (seed, negative_prompt, ...);
    whether the loaded model honours them is up to the server.
    """
    model = ModelCapabilities(
        id=SERVER_MODEL,
        label="the model the server was started with",
        durations=(),
        sizes=(),
        default_seconds=4,
        **features,
    )
    return BackendCapabilities(backend=backend, default_model=SERVER_MODEL, open_models=True,
                               models={SERVER_MODEL: model})


def served_names(data: Any) -> list[str]:
    """Model ids from an OpenAI-style `GET /v1/models` answer (`{data: [{id: ...}]}`), in order."""
    entries = data.get("data") if isinstance(data, dict) else None
    names = [str(e["id"]) for e in entries or () if isinstance(e, dict) and isinstance(e.get("id"), str) and e["id"]]
    return list(dict.fromkeys(names))


#: served model names by base URL, so every new client of one server does not ask again
SERVED = CatalogCache(ttl=300.0)


class CompatBackend(Backend):
    """Base for OpenAI-compatible servers: tolerant parsing, and the server's model by default.

    The served model names come from `GET /v1/models` (vLLM, SGLang, FastVideo and LiteLLM all
    have it), fetched once per server, so widgets offer the real names. A server without the route
    keeps the open capabilities: the request then goes without a `model` field.
    """

    key_envs: ClassVar[tuple[str, ...]] = ()
    # Self-hosted servers usually run without a key (vLLM's --api-key is optional).
    requires_key = False
    variants: ClassVar[tuple[str, ...]] = ("video",)
    dynamic_capabilities = True
    model_names = "GET /v1/models"
    #: True when the server takes only its served name in `model` (vLLM-Omni answers 400 "Model
    #: mismatch"); other names are then refused before sending
    strict_model: ClassVar[bool] = False

    # -- served models ----------------------------------------------------------------------
    def _served_key(self) -> str:
        return f"{self.kind} {(self.base_url or '').rstrip('/')}"

    def models_request(self) -> WireRequest | None:
        cached = SERVED.get(self._served_key())
        if cached is not None:
            self.set_capabilities(cached)
            return None
        return WireRequest("GET", "/models", optional=True)

    def model_ids(self, data: Any) -> list[str]:
        """The names from a `GET /v1/models` answer that can make videos."""
        return served_names(data)

    def parse_models(self, data: Any) -> BackendCapabilities:
        names = self.model_ids(data)
        caps = self.served_capabilities(names) if names else self.default_capabilities
        if data is not None:  # a failed fetch (None) is tried again by the next client
            SERVED.put(self._served_key(), caps)
        return caps

    def served_capabilities(self, names: list[str]) -> BackendCapabilities:
        """The open capabilities with one entry per served name (the first is the default), so the
        widgets offer real names instead of "server-default"."""
        base = self.default_capabilities
        template = base.models[SERVER_MODEL]
        models = {name: template.model_copy(update={"id": name, "label": name}) for name in names}
        return base.model_copy(update={
            "models": models,
            "default_model": names[0],
            "open_models": not self.strict_model,
        })

    def create_fields(self, req: VideoRequest) -> dict[str, Any]:
        fields = super().create_fields(req)
        if fields.get("model") == SERVER_MODEL:
            # Let the server use its own model: vLLM-style servers reject a name they do not serve.
            del fields["model"]
        return fields

    def parse_video(self, data: Any) -> Video:
        video = super().parse_video(data)
        if video.status == "completed" and video.progress == 0:
            # Servers that do not report progress (vLLM-Omni's create answer, SGLang's store)
            # would otherwise show a finished job at 0 %.
            video = video.model_copy(update={"progress": 100})
        return video

    def parse_deleted(self, data: Any, video_id: str) -> DeletedVideo:
        """Accept OpenAI's `{id, object: "video.deleted", deleted}` and servers that answer with the
        Video itself (`status: "deleted"` on SGLang, `cancelled` after an abort on vLLM-Omni)."""
        stopped = self.delete_stops_render
        if not isinstance(data, dict):
            return DeletedVideo(id=video_id, stopped=stopped)
        if data.get("object") == "video.deleted" or "deleted" in data:
            return DeletedVideo.model_validate({"id": video_id, "stopped": stopped, **data})
        status = self.normalise_status(data.get("status"))
        return DeletedVideo(
            id=str(data.get("id") or video_id),
            deleted=status in (None, "deleted", "cancelled", "completed", "failed"),
            status=status,
            stopped=stopped,
        )
