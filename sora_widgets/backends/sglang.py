"""The `sglang` dialect: SGLang diffusion (`sglang serve`) and FastVideo, which shares its router.

Read from the servers' source (sgl-project/sglang tag v0.5.23,
`python/sglang/multimodal_gen/runtime/entrypoints/openai/video_api.py`; hao-ai-lab/FastVideo at
2f3d4074, `fastvideo/entrypoints/openai/video_api.py`). How it differs from the OpenAI contract:

- `seconds` is an **integer** (the response echoes it as a string).
- JSON or multipart. Older SGLang's multipart path *requires* an `input_reference` file, so
  multipart is used only when there is one; a reference URL travels as JSON `reference_url`.
  FastVideo's multipart create reads `seed`, `negative_prompt`, `guidance_scale` and
  `num_inference_steps` **only as top-level form fields** (its `extra_body` supplies just fps and
  num_frames), and current SGLang reads every declared field top level too: so every scalar
  travels as its own form field, and only nested values ride in `extra_body` JSON.
- `variant` on `GET /content` is an **output index** (`None`/`"0"`, `"1"`, ... when `n` > 1):
  `variant=video` answers 404 "Video variant video not found". There is no thumbnail or
  spritesheet, so those are refused before sending; index 0 sends no `variant` at all.
- Content answers 404 "Generation is still in-progress" before completion, and 400 naming the
  cloud URL when the output was uploaded to object storage (the job then carries `url`).
- Older SGLang and FastVideo report `queued` until `completed`; SGLang 0.5.2x also reports
  `in_progress` with a progress capped at 99. Failures: `status: failed`, `error: {message}`.
- DELETE pops the record and answers the Video with `status: "deleted"`; it does **not** stop the
  render ("TODO: support aborting a job"), so the job keeps the GPU busy until it finishes.
- Errors are FastAPI's `{"detail": ...}`; `GET /v1/models` names the served model.
- No remix, edits, extensions or characters.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import APIStatusError
from ..models import DeletedVideo, VideoRequest
from .base import PreparedReference, WireRequest, _form
from .compat import CompatBackend, open_capabilities

SGLANG_CAPABILITIES = open_capabilities("sglang", seed=True, negative_prompt=True, input_reference=True)


class SGLangBackend(CompatBackend):
    kind = "sglang"
    operations = frozenset({"create", "retrieve", "list", "delete", "content"})
    default_capabilities = SGLANG_CAPABILITIES
    delete_stops_render = False
    failure_report = "status failed + error {message}"

    def seconds_value(self, seconds: int) -> Any:
        return int(seconds)

    def create(self, req: VideoRequest, ref: PreparedReference | None = None) -> WireRequest:
        fields = self.create_fields(req)
        if ref is not None and ref.data is not None:
            return WireRequest(
                "POST", "/videos", data=_multipart(fields),
                files={"input_reference": (ref.filename, ref.data, ref.mime)}, creates=True,
            )
        if ref is not None:
            fields["reference_url"] = ref.data_url()
        return WireRequest("POST", "/videos", json=fields, creates=True)

    def content(self, video_id: str, variant: str = "video", index: int = 0) -> WireRequest:
        """`variant` on the wire is the output index; the first output goes without it."""
        self.require_operation("content")
        self.require_variant(variant)
        if index < 0:
            from ..errors import InvalidRequestError

            raise InvalidRequestError("the output index must be 0 or more", param="index")
        wire = super().content(video_id, variant)
        return WireRequest(wire.method, wire.path, params={"variant": str(index)} if index else None,
                           headers=wire.headers)

    def parse_error(
        self, status: int, body: bytes, headers: dict[str, str], *, secrets: tuple[str | None, ...] = ()
    ) -> APIStatusError:
        err = super().parse_error(status, body, headers, secrets=secrets)
        if status == 400 and "cloud storage" in err.message:
            # The server kept no copy: the URL in the message (also `Video.url`) is the only way to it.
            err.hint = "download it from that URL (it is also the job's `url`); the server keeps no copy"
        return err

    def parse_deleted(self, data: Any, video_id: str) -> DeletedVideo:
        gone = super().parse_deleted(data, video_id)
        # The record is gone but a render in flight goes on: only a finished job is really over.
        finished = isinstance(data, dict) and bool(data.get("completed_at") or data.get("error"))
        return gone.model_copy(update={"stopped": finished})


def _multipart(fields: dict[str, Any]) -> dict[str, str]:
    """Form fields for the multipart create: scalars top level, nested values in `extra_body`."""
    extra = dict(fields["extra_body"]) if isinstance(fields.get("extra_body"), dict) else {}
    plain: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "extra_body":
            continue
        if isinstance(value, (dict, list)):
            extra[key] = value
        else:
            plain[key] = value
    out = _form(plain)
    if extra:
        out["extra_body"] = json.dumps(extra)
    elif isinstance(fields.get("extra_body"), str):
        out["extra_body"] = fields["extra_body"]
    return out
