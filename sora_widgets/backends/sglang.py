"""The `sglang` dialect: SGLang diffusion (`sglang serve`) and FastVideo, which shares its router.

Sources: sgl-project/sglang `python/sglang/multimodal_gen/runtime/entrypoints/openai/video_api.py`
and `docs/diffusion/api/openai_api.md`; hao-ai-lab/FastVideo `fastvideo/entrypoints/openai/video_api.py`.

How it differs from the OpenAI contract:
- `seconds` is an **integer** (the response echoes it as a string).
- JSON or multipart bodies, but the multipart path *requires* an `input_reference` file, so
  multipart is used only when there is one; a reference URL travels as JSON `reference_url`.
- Extension fields: `fps`, `num_frames`, `seed`, `negative_prompt`, `width`/`height`,
  `num_inference_steps`, `guidance_scale`, `enable_teacache`, `extra_body` (put them in `extras`).
  The multipart path reads only prompt/model/seconds/size/fps/num_frames (fps and num_frames also
  from an `extra_body` JSON field), so other extras go into `extra_body` there and may be ignored.
- Errors are FastAPI's `{"detail": ...}`; content answers 404 while the job runs.
- DELETE answers the Video itself with `status: "deleted"`, not `{object: "video.deleted"}`.
- The Video's `model` defaults to `"sora-2"` whatever the server runs: do not trust it.
- No remix, edits, extensions or characters.
"""

from __future__ import annotations

import json
from typing import Any

from ..models import VideoRequest
from .base import PreparedReference, WireRequest, _form
from .compat import CompatBackend, open_capabilities

#: fields the multipart create reads itself; everything else rides in `extra_body`
_MULTIPART_FIELDS = frozenset({"prompt", "model", "seconds", "size", "fps", "num_frames", "extra_body"})

SGLANG_CAPABILITIES = open_capabilities("sglang", seed=True, negative_prompt=True, input_reference=True)


class SGLangBackend(CompatBackend):
    kind = "sglang"
    operations = frozenset({"create", "retrieve", "list", "delete", "content"})
    default_capabilities = SGLANG_CAPABILITIES

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


def _multipart(fields: dict[str, Any]) -> dict[str, str]:
    """Form fields for the multipart create; unknown ones are folded into `extra_body` JSON."""
    extra = dict(fields.get("extra_body") or {}) if isinstance(fields.get("extra_body"), dict) else {}
    plain: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "extra_body":
            continue
        if key in _MULTIPART_FIELDS:
            plain[key] = value
        else:
            extra[key] = value
    out = _form(plain)
    if extra:
        out["extra_body"] = json.dumps(extra)
    elif isinstance(fields.get("extra_body"), str):
        out["extra_body"] = fields["extra_body"]
    return out
