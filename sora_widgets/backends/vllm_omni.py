"""The `vllm-omni` dialect: `vllm serve <model> --omni` (docs/serving/videos_api.md in vllm-omni).

How it differs from the OpenAI contract:
- `POST /v1/videos` takes **multipart only**, even without a file.
- Extension fields: `width`, `height`, `num_frames`, `fps`, `num_inference_steps`, `guidance_scale`,
  `seed`, `negative_prompt`, `generate_sound`, JSON-encoded `image_reference` / `video_reference` /
  `audio_reference` (`{"image_url": ...}`; `file_id` is not implemented), `lora`, `extra_params`.
  Put any of them in `VideoRequest.extras`; dicts are sent as JSON strings, as the server expects.
- Create answers only `{id, status: "queued", created_at}`; later polls fill in the rest.
- `DELETE` aborts a running job. One server runs one model; no remix, edits, extensions or
  characters.
"""

from __future__ import annotations

import json
from typing import Any

from ..models import VideoRequest, parse_size
from .base import PreparedReference, WireRequest, text_parts
from .compat import CompatBackend, open_capabilities

#: extension fields the server reads as JSON text inside the multipart form
_JSON_FIELDS = frozenset({"image_reference", "video_reference", "audio_reference", "lora", "extra_params"})

VLLM_OMNI_CAPABILITIES = open_capabilities(
    "vllm-omni", seed=True, negative_prompt=True, audio=True, input_reference=True,
)


class VllmOmniBackend(CompatBackend):
    kind = "vllm-omni"
    key_envs = ("VLLM_API_KEY",)
    operations = frozenset({"create", "retrieve", "list", "delete", "content"})
    default_capabilities = VLLM_OMNI_CAPABILITIES

    def create_fields(self, req: VideoRequest) -> dict[str, Any]:
        fields = super().create_fields(req)
        if req.size and not ({"width", "height"} & req.extras.keys()):
            # The server documents both `size` and width/height; the examples use width/height,
            # so send them too (consistent values, so it does not matter which one it reads).
            fields["width"], fields["height"] = parse_size(req.size)
        if req.audio is not None:
            fields["generate_sound"] = req.audio
        return fields

    def create(self, req: VideoRequest, ref: PreparedReference | None = None) -> WireRequest:
        fields = self.create_fields(req)
        if ref is not None and ref.data is not None:
            files: dict[str, tuple[str | None, bytes, str | None]] = {
                "input_reference": (ref.filename, ref.data, ref.mime)
            }
            return WireRequest("POST", "/videos", data=_form_fields(fields), files=files, creates=True)
        if ref is not None and "image_reference" not in fields:
            fields["image_reference"] = {"image_url": ref.data_url()}
        # No file: still multipart (the server takes nothing else), so every field is a text part.
        return WireRequest("POST", "/videos", files=text_parts(_form_fields(fields)), creates=True)


def _form_fields(fields: dict[str, Any]) -> dict[str, str]:
    """Multipart text fields: JSON-typed fields (and any dict or list) travel as JSON text."""
    out: dict[str, str] = {}
    for key, value in fields.items():
        if value is None:
            continue
        if key in _JSON_FIELDS or isinstance(value, (dict, list)):
            out[key] = value if isinstance(value, str) else json.dumps(value)
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        else:
            out[key] = str(value)
    return out
