"""The `vllm-omni` dialect: `vllm serve <model> --omni`.

Read from the server's source (vllm-project/vllm-omni tag v0.30.0: `vllm_omni/entrypoints/openai/
api_server.py`, `.../video/generation/helpers.py`, `.../protocol/videos.py`). How it differs from
the OpenAI contract:

- `POST /v1/videos` takes **multipart only**, even without a file (a JSON body gets 400).
- `model`, when sent, must equal the served name, else 400 "Model mismatch: request specifies
  ... but server is running ...". The served name comes from `GET /v1/models`, so a wrong name is
  refused before sending and the widgets offer the real one.
- Extension fields: `width`, `height`, `num_frames`, `fps`, `num_inference_steps`, `guidance_scale`,
  `seed`, `negative_prompt`, `generate_sound`, JSON-encoded `image_reference` / `video_reference` /
  `audio_reference` (`{"image_url": ...}`), `lora`, `extra_params`. Put any of them in
  `VideoRequest.extras`; dicts are sent as JSON strings, as the server expects.
- Create answers the full Video (`video_gen_...` ids, `quality: "default"`); progress jumps 0 -> 100.
- **A failed job**: `GET /v1/videos/{id}` answers with an HTTP error status equal to the failure's
  code *and* the Video as the body, its `error.code` an integer. That body is the answer, not an
  error to retry (`result_in_error`). Content answers 404 while running, 422 once failed; `variant`
  is ignored (the MP4 always), so only the video variant is offered.
- `DELETE` aborts a queued or running job (409 "Cancellation in progress" while it winds down) and
  removes the output: `{id, object: "video.deleted", deleted: true}`.
- Errors: `{"error": {message, type, param, code: int}}`. One server runs one model; no remix,
  edits, extensions or characters.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..models import VideoRequest, parse_size
from .base import PreparedReference, WireRequest, text_parts
from .compat import CompatBackend, open_capabilities

#: `GET /videos/{id}` (not `/content`, not the list)
_JOB_PATH = re.compile(r"^/videos/[^/]+$")

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
    delete_stops_render = True
    strict_model = True
    body_encoding = "multipart only"
    failure_report = "HTTP 4xx/5xx whose body is the failed Video"

    def result_in_error(self, wire: WireRequest, status: int, body: bytes) -> bool:
        """A retrieve answered with an error status whose body is the failed job itself."""
        if wire.method != "GET" or not _JOB_PATH.match(wire.path):
            return False
        try:
            data = json.loads(body)
        except ValueError:
            return False
        return isinstance(data, dict) and data.get("object") == "video" and "status" in data

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
