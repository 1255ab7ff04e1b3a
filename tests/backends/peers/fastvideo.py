"""A fake FastVideo server (`fastvideo serve`), replaying its `/v1/videos` router.

Source: hao-ai-lab/FastVideo at commit 2f3d4074064e4d86f99dc784ebbaa296e6f5925f,
`fastvideo/entrypoints/openai/video_api.py`, `protocol.py` and `common_api.py`.

Replayed (where it differs from SGLang's router, which it shares):
- multipart create: prompt required (400 "prompt is required"), no file required; `seed`
  (default 1024), `negative_prompt`, `guidance_scale`, `num_inference_steps`, `enable_teacache`,
  `reference_url`, `fps`, `num_frames` are read as **top-level form fields only**; `extra_body`
  JSON supplies fps and num_frames and nothing else, so other fields sent there are dropped.
- JSON create: `extra_body`/`extra_json` merged into the top level (overriding), `reference_url`
  saved as the image.
- the Video's `model` is the request's or the served model path; queued -> completed or failed
  (`error: {message}`), no in_progress.
- content ignores `variant`; 404 "Video still being generated" while running; 500 "Video
  generation failed" for a failed job.
- list `{data, object}`; DELETE pops the record (`status: "deleted"`) and the render goes on.
- `GET /v1/models` -> `{object: list, data: [{id: model path, owned_by: "fastvideo"}]}`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from .base import form_fields, is_multipart, json_body
from .sglang import SGLangFake, _detail

_MULTIPART = ("prompt", "model", "seconds", "size", "fps", "num_frames", "seed", "negative_prompt",
              "guidance_scale", "num_inference_steps", "enable_teacache", "reference_url")
_FLOATS = {"guidance_scale"}


@dataclass
class FastVideoFake(SGLangFake):
    served_model: str = "FastVideo/FastWan2.1-T2V-1.3B-Diffusers"

    def route(self, request: httpx.Request, parts: list[str]) -> httpx.Response:
        if parts == ["models"] and request.method == "GET":
            return httpx.Response(200, json={"object": "list", "data": [{
                "id": self.served_model, "object": "model", "created": self.now(), "owned_by": "fastvideo",
                "root": self.served_model}]})
        return super().route(request, parts)

    def create(self, request: httpx.Request) -> httpx.Response:
        if is_multipart(request):
            fields, files = form_fields(request)
            if not fields.get("prompt"):
                return _detail(400, "prompt is required")
            extra = json.loads(fields["extra_body"]) if fields.get("extra_body") else {}
            payload: dict[str, Any] = {k: v for k, v in fields.items() if k in _MULTIPART}
            for key in ("fps", "num_frames"):
                if key not in payload and extra.get(key) is not None:
                    payload[key] = extra[key]
            payload.setdefault("seed", 1024)
            image = "input_reference" in files or bool(payload.get("reference_url"))
        else:
            payload = json_body(request)
            for key in ("extra_body", "extra_json"):
                extra = payload.pop(key, None)
                if isinstance(extra, dict):
                    payload.update(extra)
            if not isinstance(payload.get("prompt"), str):
                return _detail(400, "Invalid request body: prompt: Field required")
            image = bool(payload.get("reference_url"))
        received = {k: (float(v) if k in _FLOATS else int(v) if k in ("seconds", "fps", "num_frames", "seed",
                                                                      "num_inference_steps") else v)
                    for k, v in payload.items() if v is not None}
        return self._queue(received, image)

    def progress(self, job: dict[str, Any], polls: int) -> None:
        pass  # FastVideo's store says queued until the generator returns

    def finish(self, job: dict[str, Any], failure: str | None) -> None:
        if failure is not None:
            job.update(status="failed", error={"message": failure})
            job["file_path"] = None
            return
        job.update(status="completed", progress=100, completed_at=self.now())

    def _queue(self, received: dict[str, Any], image: bool) -> httpx.Response:
        response = super()._queue(received, image)
        job = self.jobs[response.json()["id"]]
        if not received.get("model"):
            job["model"] = self.served_model
        return httpx.Response(200, json=job)

    def list(self, request: httpx.Request) -> httpx.Response:
        jobs = sorted(self.jobs.values(), key=lambda j: j["created_at"], reverse=True)
        return httpx.Response(200, json={"data": jobs, "object": "list"})

    def download(self, vid: str, variant: str | None) -> httpx.Response:
        job = self.jobs.get(vid)
        if job is None:
            return _detail(404, "Video not found")
        if job["status"] != "completed":
            if job["status"] == "failed":
                return _detail(500, "Video generation failed")
            return _detail(404, "Video still being generated")
        return httpx.Response(200, content=self.content, headers={"content-type": "video/mp4"})
