"""Shared pieces of the OpenAI-compatible dialects (`vllm-omni`, `sglang`, `litellm`).

These servers speak the `/v1/videos` shape but serve whatever model they were started with (or route
to), so their capabilities are *open*: any model id may be sent, and nothing about durations or
sizes is known in advance. What differs between them — body encoding, `seconds` as str or int,
extension fields, delete semantics — lives in each dialect's module.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..capabilities import BackendCapabilities, ModelCapabilities
from ..errors import UnsupportedFeatureError
from ..models import DeletedVideo, Video, VideoRequest
from .base import Backend, WireRequest

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


class CompatBackend(Backend):
    """Base for OpenAI-compatible servers: tolerant parsing, and the server's model by default."""

    key_envs: ClassVar[tuple[str, ...]] = ()
    # Self-hosted servers usually run without a key (vLLM's --api-key is optional).
    requires_key = False
    #: content variants the server can return; open-model servers only keep the MP4
    variants: ClassVar[tuple[str, ...]] = ("video",)

    def content(self, video_id: str, variant: str = "video", index: int = 0) -> WireRequest:
        if variant not in self.variants:
            # Such servers ignore `variant` and send the MP4, which would land in a .webp file.
            raise UnsupportedFeatureError(
                f"the {self.kind} backend has no {variant} for a video, only: {', '.join(self.variants)}",
                param="variant",
                hint="download the video; sora_widgets.media.first_frame() makes a still from it",
            )
        return super().content(video_id, variant, index)

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
        if not isinstance(data, dict):
            return DeletedVideo(id=video_id)
        if data.get("object") == "video.deleted" or "deleted" in data:
            return DeletedVideo.model_validate({"id": video_id, **data})
        status = self.normalise_status(data.get("status"))
        return DeletedVideo(
            id=str(data.get("id") or video_id),
            deleted=status in (None, "deleted", "cancelled", "completed", "failed"),
            status=status,
        )
