"""A fake SGLang diffusion server, replaying `/v1/videos` as SGLang's own code does.

Source: sgl-project/sglang `python/sglang/multimodal_gen/runtime/entrypoints/openai/video_api.py`,
`protocol.py`, `stores.py`, `common_api.py` and `video_progress.py` at tag v0.5.23 (the sglang
0.5.23 wheel on PyPI, read November 2026; the wheel records no commit id). `older=True` replays the same file at commit
25f03e6ee4d4d099f99b2820ef1e7568cf2c25b4, the version most SGLang deployments of 2025 run.

Replayed:
- create takes JSON (`extra_body`/`extra_json` merged in, `reference_url` saved as the image) or
  multipart. Current: every declared field is read top level, nested extras from `extra_body`.
  Older: multipart *requires* an `input_reference` file (400 "input_reference file is required") and
  reads only prompt/model/seconds/size/fps/num_frames (fps/num_frames also from `extra_body`):
  seed, negative_prompt and the rest are dropped silently.
- the Video: `{id, object, model, status: queued, progress: 0, created_at, size, seconds (str),
  quality: standard, file_path, ...}`; `model` is the request's or the served name (older: "sora-2").
- status: queued -> in_progress (progress up to 99) -> completed, or failed with `error:
  {message}`; older servers go queued -> completed with no in_progress.
- `GET /content?variant=`: `variant` is an output index (None or "0"); anything else answers 404
  "Video variant <v> not found"; 404 "Generation is still in-progress" before completion; 400
  naming the cloud URL when the output went to object storage (`upload_to` set).
- `GET /videos` -> `{data, first_id, last_id, has_more, object}` (older: `{data, object}`).
- DELETE pops the record and answers it with `status: "deleted"`; the render goes on.
- errors `{"detail": ...}`; `GET /v1/models` -> `{object: list, data: [{id: served name, ...}]}`.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from .base import PeerFake, form_fields, is_multipart, json_body

#: fields of SGLang's VideoGenerationsRequest that reach the model (a subset: what tests look at)
_DECLARED = ("prompt", "model", "seconds", "size", "fps", "num_frames", "seed", "negative_prompt",
             "guidance_scale", "num_inference_steps", "width", "height", "n", "num_outputs_per_prompt",
             "enable_teacache", "reference_url")
_OLD_MULTIPART = ("prompt", "model", "seconds", "size", "fps", "num_frames")
_INTS = {"seconds", "fps", "num_frames", "seed", "num_inference_steps", "width", "height", "n",
         "num_outputs_per_prompt"}


def _detail(status: int, detail: str) -> httpx.Response:
    return httpx.Response(status, json={"detail": detail})


@dataclass
class SGLangFake(PeerFake):
    older: bool = False
    #: when set, finished outputs are "uploaded" there (SGLang's cloud storage) instead of kept
    upload_to: str | None = None

    def route(self, request: httpx.Request, parts: list[str]) -> httpx.Response:
        m = request.method
        if parts == ["models"] and m == "GET" and not self.older:
            return httpx.Response(200, json={"object": "list", "data": [{
                "id": self.served_model, "object": "model", "root": self.served_model,
                "task_type": "T2V", "num_gpus": 1}]})
        if parts[:1] != ["videos"]:
            return self.not_found()
        if len(parts) == 1:
            return self.create(request) if m == "POST" else self.list(request) if m == "GET" else self._405()
        vid = parts[1]
        if len(parts) == 2 and m == "GET":
            return self.retrieve(vid)
        if len(parts) == 2 and m == "DELETE":
            return self.delete(vid)
        if parts[2:] == ["content"] and m == "GET":
            return self.download(vid, request.url.params.get("variant"))
        return self.not_found()

    def _405(self) -> httpx.Response:
        return _detail(405, "Method Not Allowed")

    # -- create -----------------------------------------------------------------------------
    def create(self, request: httpx.Request) -> httpx.Response:
        if is_multipart(request):
            fields, files = form_fields(request)
            if not fields.get("prompt"):
                return _detail(400, "prompt is required")
            if self.older and "input_reference" not in files:
                return _detail(400, "input_reference file is required")
            extra = json.loads(fields["extra_body"]) if fields.get("extra_body") else {}
            readable = _OLD_MULTIPART if self.older else _DECLARED
            payload: dict[str, Any] = {k: v for k, v in fields.items() if k in readable}
            for key in ("fps", "num_frames") if self.older else tuple(extra):
                if key in readable:
                    payload.setdefault(key, extra.get(key))
            image = "input_reference" in files
        else:
            body = json_body(request)
            payload = dict(body)
            for key in ("extra_body", "extra_json"):
                extra = payload.pop(key, None)
                if isinstance(extra, dict):
                    for k, v in extra.items():
                        payload.setdefault(k, v)
            image = bool(payload.get("reference_url"))
            if not isinstance(payload.get("prompt"), str):
                return _detail(400, "Invalid request body: 1 validation error for VideoGenerationsRequest\n"
                                    "prompt\n  Field required")
        try:
            received = {k: (int(v) if k in _INTS and v is not None else v)
                        for k, v in payload.items() if v is not None}
        except ValueError as exc:
            return _detail(400, f"Invalid request body: {exc}")
        return self._queue(received, image)

    def _queue(self, received: dict[str, Any], image: bool) -> httpx.Response:
        seconds = received.get("seconds") or 4
        fps = received.get("fps") or 24
        frames = received.get("num_frames") or fps * seconds
        size = received.get("size") or "720x1280"
        outputs = max(1, min(int(received.get("num_outputs_per_prompt") or received.get("n") or 1), 10))
        vid = f"{uuid.uuid4().hex}"
        job = {
            "id": vid, "object": "video",
            "model": received.get("model") or ("sora-2" if self.older else self.served_model),
            "status": "queued", "progress": 0, "created_at": self.now(), "size": size,
            "seconds": str(round(frames / fps)), "quality": "standard", "url": None,
            "remixed_from_video_id": None, "completed_at": None, "expires_at": None, "error": None,
            "file_path": f"/outputs/{vid}.mp4",
        }
        self.start(job, {**received, "image": image, "outputs": outputs})
        return httpx.Response(200, json=job)

    # -- lifecycle --------------------------------------------------------------------------
    def progress(self, job: dict[str, Any], polls: int) -> None:
        if not self.older:  # video_progress.apply_progress: in_progress, capped at 99
            job["status"], job["progress"] = "in_progress", min(99, int(100 * polls / self.steps))

    def finish(self, job: dict[str, Any], failure: str | None) -> None:
        if failure is not None:
            job.update(status="failed", error={"message": failure}, url=None, file_path=None)
            job.pop("file_paths", None)
            return
        outputs = self.received[job["id"]]["outputs"]
        paths = [f"/outputs/{job['id']}_{i}.mp4" for i in range(outputs)]
        job.update(status="completed", progress=100, completed_at=self.now(), num_outputs=outputs)
        if self.upload_to:
            job.update(url=f"{self.upload_to}/{job['id']}.mp4", file_path=None)
        elif not self.older:
            job["file_paths"] = paths

    def retrieve(self, vid: str) -> httpx.Response:
        if vid not in self.jobs:
            return _detail(404, "Video not found")
        self.step(vid)
        return httpx.Response(200, json=self._public(self.jobs[vid]))

    def _public(self, job: dict[str, Any]) -> dict[str, Any]:
        return dict(job)

    def list(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        order = params.get("order", "desc")
        if not self.older and order not in ("asc", "desc"):
            return httpx.Response(422, json={"detail": [{"loc": ["query", "order"], "msg": "Input should be "
                                                         "'asc' or 'desc'", "type": "literal_error"}]})
        jobs = sorted(self.jobs.values(), key=lambda j: j["created_at"], reverse=order != "asc")
        after = params.get("after")
        if after is not None:
            ids = [j["id"] for j in jobs]
            jobs = jobs[ids.index(after) + 1:] if after in ids else []
        limit = int(params.get("limit", 20 if not self.older else len(jobs) or 1))
        page = jobs[:limit]
        if self.older:
            return httpx.Response(200, json={"data": page, "object": "list"})
        return httpx.Response(200, json={"data": page, "object": "list", "has_more": len(jobs) > limit,
                                         "first_id": page[0]["id"] if page else None,
                                         "last_id": page[-1]["id"] if page else None})

    def delete(self, vid: str) -> httpx.Response:
        job = self.jobs.pop(vid, None)
        if job is None:
            return _detail(404, "Video not found")
        # "TODO: support aborting a job": the record goes, the render (self.rendering) does not
        return httpx.Response(200, json={**job, "status": "deleted"})

    def download(self, vid: str, variant: str | None) -> httpx.Response:
        job = self.jobs.get(vid)
        if job is None:
            return _detail(404, "Video not found")
        if self.older:  # 25f03e6 ignores `variant` and checks only that the file exists
            if job["status"] != "completed":
                return _detail(404, "Generation is still in-progress")
            return httpx.Response(200, content=self.content, headers={"content-type": "video/mp4"})
        if job.get("url") and variant in (None, "0"):
            return _detail(400, f"Video has been uploaded to cloud storage. Please use the cloud URL: {job['url']}")
        path = self._variant_path(job, variant)
        if job["status"] not in ("completed", "failed"):
            return _detail(404, "Generation is still in-progress")
        if path is None:
            return _detail(404, f"Video variant {variant} not found")
        return httpx.Response(200, content=self.content, headers={"content-type": "video/mp4"})

    def _variant_path(self, job: dict[str, Any], variant: str | None) -> str | None:
        try:
            index = 0 if variant is None else int(variant)
        except ValueError:
            return None
        paths = job.get("file_paths")
        if paths:
            return paths[index] if 0 <= index < len(paths) else None
        return job.get("file_path") if index == 0 else None
