"""The shared contract helper (`tests/_openapi.py`) catches what it claims to catch."""

from __future__ import annotations

import json

import httpx
import pytest

from tests._openapi import validate_openai_request, validate_openai_response, video_spec

BASE = "http://127.0.0.1:9/v1"
AUTH = {"Authorization": "Bearer k"}
VIDEO = {
    "id": "video_1", "object": "video", "model": "sora-2", "status": "queued", "progress": 0, "created_at": 1,
    "completed_at": None, "expires_at": None, "prompt": "p", "size": "1280x720", "seconds": "4",
    "remixed_from_video_id": None, "error": None,
}


def _pair(method: str, path: str, status: int, body: object, ctype: str = "application/json", **req):
    request = httpx.Request(method, BASE + path, **req)
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return request, httpx.Response(status, content=content, headers={"content-type": ctype}, request=request)


def test_the_extract_holds_only_the_video_paths():
    spec = video_spec()
    assert all(p.startswith("/videos") for p in spec["paths"]) and len(spec["paths"]) == 8
    assert {"VideoResource", "ErrorResponse", "CreateVideoMultipartBody"} <= set(spec["components"]["schemas"])
    assert spec["servers"] == [{"url": "https://api.openai.com/v1"}]


def test_valid_pairs_pass():
    validate_openai_response(*_pair("GET", "/videos/video_1", 200, VIDEO, headers=AUTH))
    validate_openai_response(*_pair("POST", "/videos", 200, VIDEO, headers=AUTH, json={"prompt": "p"}))
    err = {"error": {"message": "m", "type": "invalid_request_error", "param": None, "code": None}}
    validate_openai_response(*_pair("GET", "/videos/x", 404, err))
    validate_openai_request(httpx.Request("POST", BASE + "/videos", json={"prompt": "p", "seconds": "4"}, headers=AUTH))
    validate_openai_response(*_pair("GET", "/videos/v/content", 200, b"\x00\x00\x00\x20ftypisom", "video/mp4"))


@pytest.mark.parametrize(
    ("pair", "needle"),
    [
        (_pair("GET", "/videos/video_1", 200, {k: v for k, v in VIDEO.items() if k != "error"}),
         "'error' is a required"),
        (_pair("GET", "/videos/video_1", 200, VIDEO | {"seconds": 4}), "is not of type 'string'"),
        (_pair("GET", "/videos/video_1", 200, VIDEO | {"status": "done"}), "is not one of"),
        (_pair("GET", "/videos/video_1", 200, VIDEO, "text/html"), "Content-Type"),
        (_pair("GET", "/videos", 200, {"object": "list", "data": []}), "required"),
        (_pair("GET", "/videos/x", 404, {"detail": "Not Found"}), "ErrorResponse"),
        (_pair("GET", "/videos/x", 400, {"error": {"message": "m", "type": "t"}}), "'param' is a required"),
        (_pair("GET", "/videos/x", 500, b"Internal Server Error", "text/plain"), "not JSON"),
        (_pair("GET", "/videos/v/content?variant=thumbnail", 200, b"\xff\xd8\xff", "image/jpeg"), "image/webp"),
        (_pair("GET", "/videos/v/content", 200, b"not an mp4 at all", "video/mp4"), "does not start like"),
    ],
)
def test_violations_are_reported(pair, needle):
    with pytest.raises(AssertionError, match="violates the OpenAI spec") as caught:
        validate_openai_response(*pair)
    assert needle in str(caught.value)


def test_request_violations():
    with pytest.raises(AssertionError, match="prompt"):
        validate_openai_request(httpx.Request("POST", BASE + "/videos", json={"model": "sora-2"}, headers=AUTH))
    with pytest.raises(AssertionError, match=r"[Ss]ecurity"):
        validate_openai_request(httpx.Request("GET", BASE + "/videos"))
    with pytest.raises(AssertionError):
        validate_openai_request(httpx.Request("GET", BASE + "/videos?order=sideways", headers=AUTH))
    with pytest.raises(AssertionError):
        validate_openai_request(httpx.Request("PUT", BASE + "/videos", headers=AUTH))
    strict_only = httpx.Request("POST", BASE + "/videos", json={"prompt": "p", "seconds": "2"}, headers=AUTH)
    validate_openai_request(strict_only)
    with pytest.raises(AssertionError, match="is not one of"):
        validate_openai_request(strict_only, strict=True)
    form = httpx.Request("POST", BASE + "/videos/edits", files={"video[id]": (None, "v"), "prompt": (None, "")},
                         headers=AUTH)
    form.read()
    with pytest.raises(AssertionError, match="multipart body"):
        validate_openai_request(form)
