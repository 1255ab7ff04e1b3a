"""What every peer fake shares: a job table, request parsing and the MockTransport plumbing."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from ...fakes import MP4

Route = Callable[[httpx.Request, list[str]], httpx.Response]


def form_fields(request: httpx.Request) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """A multipart body as (text fields, file parts {name: (filename, bytes)})."""
    ctype = request.headers.get("content-type", "")
    boundary = ctype.split("boundary=")[1].encode()
    text: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in request.content.split(b"--" + boundary)[1:-1]:
        head, _, body = part.strip(b"\r\n").partition(b"\r\n\r\n")
        name = head.split(b'name="')[1].split(b'"')[0].decode()
        if b'filename="' in head:
            files[name] = (head.split(b'filename="')[1].split(b'"')[0].decode(), body)
        else:
            text[name] = body.decode()
    return text, files


def is_multipart(request: httpx.Request) -> bool:
    return "multipart/form-data" in request.headers.get("content-type", "").lower()


def json_body(request: httpx.Request) -> dict[str, Any]:
    try:
        data = json.loads(request.content or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class PeerFake:
    """Routes `/v1/...` requests to the subclass's handlers; keeps every request and job."""

    served_model: str = "Wan-AI/Wan2.2-T2V-A14B-Diffusers"
    #: polls a job needs before it finishes (each GET of the job is one step)
    steps: int = 2
    #: message of a failure for the next created job (then cleared)
    fail_next: str | None = None
    content: bytes = MP4
    requests: list[httpx.Request] = field(default_factory=list)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: what the model would have been run with, per job id (the fields the server really read)
    received: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: jobs whose render is still going on the "GPU" (a delete that does not abort leaves them here)
    rendering: set[str] = field(default_factory=set)
    _polls: dict[str, int] = field(default_factory=dict)
    _failing: dict[str, str] = field(default_factory=dict)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        denied = self.authorise(request)
        if denied is not None:
            return denied
        parts = request.url.path.strip("/").split("/")
        if parts[:1] != ["v1"]:
            return self.not_found()
        return self.route(request, parts[1:])

    # -- hooks ------------------------------------------------------------------------------
    def authorise(self, request: httpx.Request) -> httpx.Response | None:
        return None

    def route(self, request: httpx.Request, parts: list[str]) -> httpx.Response:
        raise NotImplementedError

    def not_found(self) -> httpx.Response:
        return httpx.Response(404, json={"detail": "Not Found"})

    # -- jobs -------------------------------------------------------------------------------
    def start(self, job: dict[str, Any], received: dict[str, Any]) -> dict[str, Any]:
        self.jobs[job["id"]] = job
        self.received[job["id"]] = received
        self.rendering.add(job["id"])
        self._polls[job["id"]] = 0
        if self.fail_next is not None:
            self._failing[job["id"]], self.fail_next = self.fail_next, None
        return job

    def step(self, vid: str) -> None:
        """One poll's worth of rendering: the subclass decides the statuses in between."""
        if vid not in self.rendering:
            return
        self._polls[vid] += 1
        if self._polls[vid] >= self.steps:
            self.rendering.discard(vid)
            failure = self._failing.pop(vid, None)
            if vid in self.jobs:
                self.finish(self.jobs[vid], failure)
        elif vid in self.jobs:
            self.progress(self.jobs[vid], self._polls[vid])

    def progress(self, job: dict[str, Any], polls: int) -> None:
        job["status"] = "in_progress"

    def finish(self, job: dict[str, Any], failure: str | None) -> None:
        raise NotImplementedError

    @staticmethod
    def now() -> int:
        return int(time.time())

    def sent(self, method: str, path_part: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and path_part in r.url.path]
