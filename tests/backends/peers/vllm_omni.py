"""A fake vLLM-Omni server (`vllm serve <model> --omni`), replaying its `/v1/videos` routes.

Source: vllm-project/vllm-omni at tag v0.30.0 (the vllm-omni 0.30.0 wheel on PyPI, read November
2026; the wheel records no commit id):
`vllm_omni/entrypoints/openai/api_server.py` (create/list/retrieve/delete/content routes),
`vllm_omni/entrypoints/openai/video/generation/helpers.py` (`_parse_video_form`,
`_status_code_for_video_failure`, `video_response_from_request`) and
`vllm_omni/entrypoints/openai/protocol/videos.py` (`VideoResponse`, `VideoError`).

Replayed:
- create is multipart only (`prompt: Form(...)`: a JSON body is a 400 validation error); `model`
  must equal the served name (400 "Model mismatch: request specifies '<m>' but server is running
  '<served>'."); `seconds` must match ^[1-9]\\d*$ and `size` ^\\d+x\\d+$.
- the create answer is the full Video: `video_gen_<hex>` id, `quality: "default"`, prompt, fps,
  num_frames, `progress: 0`; status queued -> in_progress -> completed (progress 0 -> 100).
- **a failed job**: `GET /v1/videos/{id}` answers with the failure's HTTP status and the Video as
  body, its `error.code` set to that status as an **integer**; the list shows the same job.
- content: 404 "Generation is still in-progress" while running, 422 once failed; `variant` ignored.
- DELETE aborts a queued/running job and answers `{id, object: "video.deleted", deleted: true}`.
- list `{data, first_id, last_id, has_more, object}`; errors `{"error": {message, type, param,
  code: int}}` (vLLM's HTTPException handler); `--api-key` -> Bearer required (401 otherwise).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import httpx

from .base import PeerFake, form_fields, is_multipart


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"message": message, "type": HTTPStatus(status).phrase,
                                                  "param": None, "code": status}})


@dataclass
class VllmOmniFake(PeerFake):
    api_key: str | None = None
    #: HTTP status a scripted failure reports (the engine's 500, or a client error such as 400)
    failure_status: int = 500

    def authorise(self, request: httpx.Request) -> httpx.Response | None:
        if self.api_key and request.headers.get("authorization") != f"Bearer {self.api_key}":
            return httpx.Response(401, json={"error": "Unauthorized"})
        return None

    def route(self, request: httpx.Request, parts: list[str]) -> httpx.Response:
        m = request.method
        if parts == ["models"] and m == "GET":
            return httpx.Response(200, json={"object": "list", "data": [{
                "id": self.served_model, "object": "model", "created": self.now(), "owned_by": "vllm-omni",
                "root": self.served_model, "parent": None}]})
        if parts[:1] != ["videos"]:
            return _error(404, "Not Found")
        if len(parts) == 1:
            return self.create(request) if m == "POST" else self.list(request)
        vid = parts[1]
        if vid not in self.jobs:
            return _error(404, "Video not found")
        if len(parts) == 2 and m == "GET":
            return self.retrieve(vid)
        if len(parts) == 2 and m == "DELETE":
            return self.delete(vid)
        if parts[2:] == ["content"]:
            return self.download(vid)
        return _error(404, "Not Found")

    def create(self, request: httpx.Request) -> httpx.Response:
        if not is_multipart(request):
            return _error(400, "[{'type': 'missing', 'loc': ('body', 'prompt'), 'msg': 'Field required'}]")
        fields, files = form_fields(request)
        if not fields.get("prompt"):
            return _error(400, "[{'type': 'missing', 'loc': ('body', 'prompt'), 'msg': 'Field required'}]")
        if "seconds" in fields and not re.fullmatch(r"[1-9]\d*", fields["seconds"]):
            return _error(400, f"seconds: String should match pattern '^[1-9]\\d*$' (got {fields['seconds']!r})")
        if "size" in fields and not re.fullmatch(r"\d+x\d+", fields["size"]):
            return _error(400, "size: String should match pattern '^\\d+x\\d+$'")
        model = fields.get("model")
        if model is not None and model != self.served_model:
            return _error(400, f"Model mismatch: request specifies '{model}' but server is running "
                               f"'{self.served_model}'.")
        job = {
            "id": f"video_gen_{uuid.uuid4().hex}", "object": "video", "model": self.served_model,
            "prompt": fields["prompt"], "status": "queued", "size": fields.get("size"), "progress": 0,
            "seconds": fields.get("seconds", "4"), "quality": "default", "completed_at": None,
            "created_at": self.now(), "remixed_from_video_id": None, "error": None, "expires_at": None,
            "fps": float(fields["fps"]) if "fps" in fields else None,
            "num_frames": int(fields["num_frames"]) if "num_frames" in fields else None,
            "file_name": None,
        }
        self.start(job, {**fields, "image": "input_reference" in files})
        return httpx.Response(200, json=job)

    def progress(self, job: dict[str, Any], polls: int) -> None:
        job["status"] = "in_progress"  # progress stays 0 until the end

    def finish(self, job: dict[str, Any], failure: str | None) -> None:
        if failure is not None:
            job.update(status="failed", error={"code": self.failure_status, "message": failure})
            return
        job.update(status="completed", progress=100, completed_at=self.now(), file_name=f"{job['id']}.mp4")

    def retrieve(self, vid: str) -> httpx.Response:
        self.step(vid)
        job = self.jobs[vid]
        if job["status"] == "failed":
            return httpx.Response(job["error"]["code"], json=job)
        return httpx.Response(200, json=job)

    def list(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        jobs = sorted(self.jobs.values(), key=lambda j: j["created_at"], reverse=params.get("order", "desc") == "desc")
        after = params.get("after")
        if after is not None:
            ids = [j["id"] for j in jobs]
            jobs = jobs[ids.index(after) + 1:] if after in ids else []
        has_more = False
        if "limit" in params:
            limit = int(params["limit"])
            if not 0 <= limit <= 100:
                return _error(400, "limit: Input should be less than or equal to 100")
            has_more, jobs = len(jobs) > limit, jobs[:limit]
        return httpx.Response(200, json={"data": jobs, "has_more": has_more, "object": "list",
                                         "first_id": jobs[0]["id"] if jobs else None,
                                         "last_id": jobs[-1]["id"] if jobs else None})

    def delete(self, vid: str) -> httpx.Response:
        self.rendering.discard(vid)  # handler.abort_request + task.cancel
        self.jobs.pop(vid)
        return httpx.Response(200, json={"id": vid, "deleted": True, "object": "video.deleted"})

    def download(self, vid: str) -> httpx.Response:
        job = self.jobs[vid]
        if job["status"] == "failed":
            return _error(422, "Video generation failed. Check job status for error details.")
        if not job.get("file_name"):
            return _error(404, "Generation is still in-progress")
        return httpx.Response(200, content=self.content, headers={"content-type": "video/mp4"})
