"""An in-memory Videos API for `httpx.MockTransport`: the client's unit-test seam.

It is deliberately small: jobs advance one step per poll; faults are scripted per call so retry
tests are exact. The real behaviour is tested against the embedded server over loopback.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ._openapi import validate_openai_request

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@dataclass
class FakeVideos:
    key: str = "fake-test-SECRET-abcdefghijklmnopqrstuvwxyz"
    steps: int = 2  # polls until completed
    poll_after_ms: int = 10
    fail_with: str | None = None  # e.g. "moderation_blocked"
    content: bytes = MP4
    requests: list[httpx.Request] = field(default_factory=list)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: scripted responses consumed before normal handling: (path_prefix, response factory)
    script: list[tuple[str, Callable[[httpx.Request], httpx.Response]]] = field(default_factory=list)
    idem: dict[str, str] = field(default_factory=dict)
    creates: int = 0
    #: validate every request against the OpenAI spec (tests/_openapi.py); a test that sends a
    #: deliberately non-spec request sets this to False, with a comment saying why
    validate: bool = True
    #: spec violations seen so far (collected, not raised: an exception inside the transport would
    #: surface as a connection error and be retried); the `fake` fixture asserts it stays empty
    violations: list[str] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def _video(self, vid: str, prompt: str, model: str, seconds: str, size: str, **extra: Any) -> dict[str, Any]:
        job = {
            "id": vid, "object": "video", "model": model, "status": "queued", "progress": 0,
            "created_at": int(time.time()), "completed_at": None, "expires_at": None, "prompt": prompt,
            "size": size, "seconds": seconds, "remixed_from_video_id": None, "error": None, **extra,
        }
        self.jobs[vid] = {"video": job, "polls": 0}
        return job

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.validate:
            try:
                validate_openai_request(request)
            except AssertionError as exc:
                self.violations.append(str(exc))
        if request.headers.get("authorization") != f"Bearer {self.key}":
            return _err(401, "Incorrect API key provided.", "invalid_api_key")
        path = request.url.path.removeprefix("/v1")
        for i, (prefix, factory) in enumerate(self.script):
            if path.startswith(prefix):
                del self.script[i]
                return factory(request)
        return self._route(request, path)

    def _route(self, request: httpx.Request, path: str) -> httpx.Response:
        m = request.method
        if m == "POST" and path == "/videos":
            return self._create(request)
        if m == "GET" and path == "/videos":
            return self._list(request)
        parts = path.strip("/").split("/")
        if len(parts) >= 2 and parts[1] in self.jobs:
            vid = parts[1]
            if m == "GET" and len(parts) == 2:
                return self._poll(vid)
            if m == "DELETE":
                del self.jobs[vid]
                return httpx.Response(200, json={"id": vid, "object": "video.deleted", "deleted": True})
            if m == "GET" and parts[2:] == ["content"]:
                variant = request.url.params.get("variant", "video")
                body = self.content if variant == "video" else b"RIFF\x00\x00\x00\x00WEBPVP8 "
                return httpx.Response(200, content=body)
            if m == "POST" and parts[2:] == ["remix"]:
                src = self.jobs[vid]["video"]
                body = json.loads(request.content)
                return self._new(request, body["prompt"], src["model"], src["seconds"], src["size"],
                                 remixed_from_video_id=vid)
        if m == "POST" and path in ("/videos/edits", "/videos/extensions"):
            body = json.loads(request.content)
            src = self.jobs.get(body["video"]["id"])
            if src is None:
                return _err(404, "Video not found", "not_found")
            seconds = str(int(src["video"]["seconds"]) + int(body.get("seconds", 0)))
            return self._new(request, body["prompt"], src["video"]["model"], seconds, src["video"]["size"])
        return _err(404, f"No video found with id '{parts[1] if len(parts) > 1 else ''}'", "not_found")

    def _create(self, request: httpx.Request) -> httpx.Response:
        ctype = request.headers.get("content-type", "")
        body = json.loads(request.content) if ctype.startswith("application/json") else _multipart_fields(request)
        return self._new(request, body["prompt"], body.get("model", "sora-2"), str(body.get("seconds", "4")),
                         body.get("size", "720x1280"))

    def _new(
        self, request: httpx.Request, prompt: str, model: str, seconds: str, size: str, **extra: Any
    ) -> httpx.Response:
        key = request.headers.get("idempotency-key")
        if key and key in self.idem:
            return httpx.Response(200, json=self.jobs[self.idem[key]]["video"])
        self.creates += 1
        vid = f"video_{len(self.jobs) + 1:04d}"
        if key:
            self.idem[key] = vid
        return httpx.Response(200, json=self._video(vid, prompt, model, seconds, size, **extra))

    def _poll(self, vid: str) -> httpx.Response:
        entry = self.jobs[vid]
        job = entry["video"]
        entry["polls"] += 1
        if job["status"] not in ("completed", "failed"):
            if entry["polls"] >= self.steps:
                if self.fail_with:
                    job.update(status="failed", error={"code": self.fail_with, "message": "Blocked by moderation."})
                else:
                    job.update(status="completed", progress=100, completed_at=int(time.time()),
                               expires_at=int(time.time()) + 3600)
            else:
                job.update(status="in_progress", progress=min(99, 100 * entry["polls"] // self.steps))
        return httpx.Response(200, json=job, headers={"openai-poll-after-ms": str(self.poll_after_ms)})

    def _list(self, request: httpx.Request) -> httpx.Response:
        ids = sorted(self.jobs)
        if request.url.params.get("order", "desc") == "desc":
            ids.reverse()
        after = request.url.params.get("after")
        if after in ids:
            ids = ids[ids.index(after) + 1:]
        limit = int(request.url.params.get("limit", 20))
        page = ids[:limit]
        return httpx.Response(200, json={
            "object": "list", "data": [self.jobs[i]["video"] for i in page],
            "first_id": page[0] if page else None, "last_id": page[-1] if page else None,
            "has_more": len(ids) > limit,
        })


def _err(status: int, message: str, code: str | None = None, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    return httpx.Response(status, headers=headers, json={"error": body})


def error_response(status: int, message: str = "boom", **headers: str) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: _err(status, message, None, {k.replace("_", "-"): v for k, v in headers.items()})


def connection_drop(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection reset by peer", request=request)


def _multipart_fields(request: httpx.Request) -> dict[str, Any]:
    """Just enough multipart parsing for tests (text fields and the file's presence)."""
    ctype = request.headers["content-type"]
    boundary = ctype.split("boundary=")[1].encode()
    fields: dict[str, Any] = {}
    for part in request.content.split(b"--" + boundary):
        head, _, body = part.partition(b"\r\n\r\n")
        if b'name="' not in head:
            continue
        name = head.split(b'name="')[1].split(b'"')[0].decode()
        value = body.rsplit(b"\r\n", 1)[0]
        fields[name] = value if b"filename=" in head else value.decode()
    return fields
