"""Bad input never crashes and never 500s: each case is a 4xx with OpenAI's error envelope.

The `client_for` clients validate every response (the envelope included) against the spec, and
the `servers` fixture fails the test if the server counted any unexpected error.
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from .helpers import FAST, create_done, png

UNKNOWN = "video_" + "0" * 48


def error_of(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers.get("x-request-id", "").startswith("req_")
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    return error


@pytest.mark.parametrize(
    ("body", "status", "param", "needle"),
    [
        ({}, 400, "prompt", "Missing required parameter: 'prompt'"),
        ({"prompt": ""}, 400, "prompt", "string too short"),
        ({"prompt": "x" * 32001}, 400, "prompt", "string too long"),
        ({"prompt": 42}, 400, "prompt", "Invalid type for 'prompt'"),
        ({"prompt": "a", "model": "sora-3"}, 400, "model",
         "Invalid value for 'model': expected one of 'sora-2', 'sora-2-pro', or 'animatic', but got 'sora-3'"),
        ({"prompt": "a", "seconds": "5"}, 400, "seconds",
         "Invalid value for 'seconds': expected one of '4', '8', or '12', but got '5' instead."),
        ({"prompt": "a", "seconds": 4}, 400, "seconds",
         "Invalid type for 'seconds': expected one of '4', '8', or '12', but got an integer instead."),
        ({"prompt": "a", "model": "animatic", "seconds": "21"}, 400, "seconds", "'19', or '20', but got '21'"),
        ({"prompt": "a", "size": "1920x1080"}, 400, "size",
         "Invalid value for 'size': expected one of '1280x720' or '720x1280', but got '1920x1080' instead."),
        ({"prompt": "a", "duration": 4}, 400, "duration", "Unknown parameter: 'duration'."),
        ({"prompt": "a", "seed": -1}, 400, "seed", "Invalid 'seed'"),
        ({"prompt": "a", "input_reference": "http://x/y.png"}, 400, "input_reference", "Invalid type"),
        ({"prompt": "a", "input_reference": {"file_id": "file-1"}}, 400, "input_reference", "no Files API"),
        ({"prompt": "a", "input_reference": {"image_url": "https://example.com/a.png"}}, 400,
         "input_reference.image_url", "cannot fetch URLs"),
        ({"prompt": "a", "input_reference": {"image_url": "data:image/png;base64,@@@"}}, 400,
         "input_reference.image_url", "not valid base64"),
        ({"prompt": "a", "input_reference": {}}, 400, "input_reference", "exactly one of"),
        ({"prompt": "a", "characters": [{"id": "char_" + "0" * 32}]}, 404, "characters", "not found"),
    ],
)
def test_invalid_create_bodies(api, body, status, param, needle):
    error = error_of(api.post("/videos", json=body), status)
    assert needle in error["message"] and error["param"] == param
    assert error["type"] == "invalid_request_error"


def test_reference_image_checks(api):
    wrong_size = png(64, 64)
    error = error_of(api.post("/videos", data=FAST | {"prompt": "a"},
                              files={"input_reference": ("r.png", wrong_size, "image/png")}), 400)
    assert error["message"] == "Inpaint image must match the requested width and height"
    data_url = "data:image/png;base64," + base64.b64encode(wrong_size).decode()
    error = error_of(api.post("/videos", json=FAST | {"prompt": "a", "input_reference": {"image_url": data_url}}), 400)
    assert error["message"] == "Inpaint image must match the requested width and height"
    error = error_of(api.post("/videos", data=FAST | {"prompt": "a"},
                              files={"input_reference": ("r.txt", b"hello, not an image", "text/plain")}), 400)
    assert "unsupported image format" in error["message"] and error["param"] == "input_reference"
    gif = b"GIF89a" + b"\x00" * 40
    assert error_of(api.post("/videos", data=FAST | {"prompt": "a"},
                             files={"input_reference": ("r.gif", gif, "image/gif")}), 400)["code"]
    truncated = png(320, 180, pattern=True)[:200]
    error = error_of(api.post("/videos", data=FAST | {"prompt": "a"},
                              files={"input_reference": ("r.png", truncated, "image/png")}), 400)
    assert "could not be decoded" in error["message"]
    error = error_of(api.post("/videos", data=FAST | {"prompt": "a", "input_reference": "just text"}), 400)
    assert error["message"] == "Invalid type for 'input_reference': expected a file, but got a string instead."


@pytest.mark.parametrize(
    ("content", "ctype", "status", "needle"),
    [
        (b"{not json", "application/json", 400, "could not parse the JSON body"),
        (b"[1, 2]", "application/json", 400, "must be an object"),
        (b"\xff\xfe\x00", "application/json", 400, "could not parse the JSON body"),
        (b"prompt=hi", "text/plain", 415, "Unsupported content type 'text/plain'"),
        (b"<prompt/>", "application/xml", 415, "Unsupported content type"),
        (b"--x\r\nbroken", "multipart/form-data", 400, ""),
        (b"--x\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhi", "multipart/form-data; boundary=x",
         400, ""),
    ],
)
def test_malformed_bodies_and_content_types(api, content, ctype, status, needle):
    error = error_of(api.post("/videos", content=content, headers={"content-type": ctype}), status)
    assert needle in error["message"]


def test_urlencoded_form_is_accepted(api):
    response = api.post("/videos", data=FAST | {"prompt": "A lake at dawn"})
    assert response.status_code == 200, response.text


def test_body_over_the_limit_by_content_length(api):
    big = b"x" * (50 * 1024 * 1024 + 1)
    error = error_of(api.post("/videos", content=big, headers={"content-type": "application/json"}), 413)
    assert "too large" in error["message"]


def test_body_over_the_limit_while_streaming(servers, client_for):
    server = servers.start(max_body_bytes=1024 * 1024)
    api = client_for(server)

    def chunks():  # no Content-Length: the server has to count
        for _ in range(40):
            yield b"x" * 65536

    error = error_of(api.post("/videos", content=chunks(), headers={"content-type": "application/json"}), 413)
    assert error["code"] == "request_too_large"
    big_file = {"input_reference": ("r.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024), "image/png")}
    assert error_of(api.post("/videos", data={"prompt": "a"}, files=big_file), 413)["code"] == "request_too_large"
    # ... and the server is fine afterwards
    assert api.post("/videos", json=FAST | {"prompt": "ok"}).status_code == 200


def test_unknown_ids_paths_and_methods(api):
    assert error_of(api.get(f"/videos/{UNKNOWN}"), 404)["code"] == "not_found"
    assert error_of(api.get("/videos/..%2F..%2Fetc%2Fpasswd"), 404)
    assert error_of(api.get("/videos/..%2F..%2Fetc%2Fpasswd/content"), 404)
    assert error_of(api.get("/videos/not-an-id"), 404)["message"].startswith("Video with id 'not-an-id'")
    assert error_of(api.delete(f"/videos/{UNKNOWN}"), 404)
    assert error_of(api.get(f"/videos/{UNKNOWN}/content"), 404)
    assert error_of(api.post(f"/videos/{UNKNOWN}/remix", json={"prompt": "x"}), 404)
    assert error_of(api.get("/videos/characters/char_nope"), 404)
    assert error_of(api.get("/nothing/here"), 404)["message"] == "Invalid URL (GET /v1/nothing/here)"
    assert error_of(api.put("/videos"), 405)["code"] == "method_not_allowed"
    assert error_of(api.patch(f"/videos/{UNKNOWN}"), 405)
    assert error_of(api.get("/videos/edits"), 404)  # /videos/{id} with id "edits"
    assert error_of(api.get("/videos/"), 404)  # no redirect dance for a trailing slash
    assert error_of(api.post("/videos/characters/x"), 405)
    bad_root = httpx.get(api.base_url.copy_with(path="/nope"))
    assert error_of(bad_root, 404)


def test_query_parameter_checks(api):
    assert error_of(api.get("/videos", params={"limit": "abc"}), 400)["param"] == "limit"
    assert error_of(api.get("/videos", params={"limit": "101"}), 400)["param"] == "limit"
    assert error_of(api.get("/videos", params={"order": "sideways"}), 400)["param"] == "order"
    assert error_of(api.get("/videos", params={"after": UNKNOWN}), 404)["param"] == "after"
    video = create_done(api)
    error = error_of(api.get(f"/videos/{video['id']}/content", params={"variant": "gif"}), 400)
    assert error["param"] == "variant"


def test_remix_edit_extend_checks(servers, client_for):
    server = servers.start(generation_time=30)
    api = client_for(server)
    pending = api.post("/videos", json=FAST | {"prompt": "slow one"}).json()
    error = error_of(api.post(f"/videos/{pending['id']}/remix", json={"prompt": "x"}), 400)
    assert error["code"] == "invalid_video_state"
    assert error_of(api.post(f"/videos/{pending['id']}/remix", json={}), 400)["param"] == "prompt"
    assert error_of(api.post(f"/videos/{pending['id']}/remix", json={"prompt": "x", "seconds": "4"}), 400)
    assert error_of(api.get(f"/videos/{pending['id']}/content"), 404)["code"] == "video_not_ready"
    assert error_of(api.post("/videos/edits", json={"prompt": "x"}), 400)["param"] == "video"
    assert error_of(api.post("/videos/edits", json={"video": "abc", "prompt": "x"}), 400)["code"] == "invalid_type"
    assert error_of(api.post("/videos/edits", json={"video": {}, "prompt": "x"}), 400)["param"] == "video.id"
    assert error_of(api.post("/videos/edits", json={"video": {"id": UNKNOWN}, "prompt": "x"}), 404)
    ext = {"video": {"id": pending["id"]}, "prompt": "x"}
    assert error_of(api.post("/videos/extensions", json=ext), 400)["param"] == "seconds"
    assert error_of(api.post("/videos/extensions", json=ext | {"seconds": "4"}), 400)["code"] == "invalid_video_state"
    not_video = {"video": ("v.mp4", b"definitely not an mp4", "video/mp4")}
    assert error_of(api.post("/videos/edits", data={"prompt": "x"}, files=not_video), 400)["code"] == "invalid_file"
    assert error_of(api.post("/videos/extensions", data={"prompt": "x", "seconds": "4"}, files=not_video), 400)


def test_extension_limits(server, api):
    """At most 120 s in total and 6 extensions in a chain (rendering that much would be slow, so
    the long sources are written straight into the server's store)."""
    video = create_done(api)
    store = server.app.state.services.store
    record = store.load(video["id"])
    record["video"]["seconds"] = "116"
    store.save(record)
    body = {"video": {"id": video["id"]}, "prompt": "more", "seconds": "5"}
    error = error_of(api.post("/videos/extensions", json=body), 400)
    assert "would be 121 seconds long; the maximum is 120" in error["message"]
    assert api.post("/videos/extensions", json=body | {"seconds": "4"}).status_code == 200
    record["video"]["seconds"], record["extensions"] = "1", 6
    store.save(record)
    error = error_of(api.post("/videos/extensions", json=body | {"seconds": "1"}), 400)
    assert "already extended 6 times" in error["message"]


def test_character_checks(api):
    assert error_of(api.post("/videos/characters", data={"name": "x"}), 400)["param"] == "video"
    clip = {"video": ("c.mp4", b"nope", "video/mp4")}
    assert error_of(api.post("/videos/characters", files=clip), 400)["param"] == "name"
    assert error_of(api.post("/videos/characters", data={"name": "x" * 81}, files=clip), 400)["param"] == "name"
    assert error_of(api.post("/videos/characters", data={"name": "x"}, files=clip), 400)["code"] == "invalid_file"
    assert error_of(api.post("/videos/characters", json={"name": "x", "video": "abc"}), 400)["code"] == "invalid_type"


def test_idempotency_key_must_be_sane(api):
    error = error_of(api.post("/videos", json=FAST | {"prompt": "a"}, headers={"Idempotency-Key": "k" * 300}), 400)
    assert error["param"] == "Idempotency-Key"


def test_json_error_body_never_echoes_huge_input(api):
    response = api.post("/videos", json={"prompt": "a", "model": "m" * 10000})
    assert len(response.content) < 2000
    assert json.loads(response.content)["error"]["param"] == "model"


def test_unexpected_errors_become_a_counted_500_envelope(servers, client_for):
    """The catch-all works (so the zero counts the other tests assert mean something)."""
    server = servers.start()
    api = client_for(server)
    store = server.app.state.services.store

    def broken(video_id):
        raise RuntimeError("disk on fire")

    original, store.load = store.load, broken
    try:
        error = error_of(api.get(f"/videos/{UNKNOWN}"), 500)
    finally:
        store.load = original
    assert error == {"message": "The server had an error while processing your request. Sorry about that!",
                     "type": "server_error", "param": None, "code": "internal_error"}
    assert "disk on fire" not in api.get(f"/videos/{UNKNOWN}").text
    assert server.stats.unexpected_errors == 1
    server.stats.unexpected_errors = 0  # expected here; the fixture checks the rest stayed clean


def test_json_data_url_reference_works(api, client_for, server):
    from .helpers import frames_rgb, wait_for

    image = png(320, 180, pattern=True)
    url = "data:image/png;base64," + base64.b64encode(image).decode()
    strict_requests = client_for(server, validate_requests=True)
    body = FAST | {"prompt": "It starts here", "input_reference": {"image_url": url}}
    created = strict_requests.post("/videos", json=body)
    assert created.status_code == 200, created.text
    wait_for(api, created.json()["id"])
    first = frames_rgb(api.get(f"/videos/{created.json()['id']}/content").content, (0,))[0]
    import io

    import numpy as np
    from PIL import Image

    expected = np.asarray(Image.open(io.BytesIO(image)).convert("RGB"))
    assert np.abs(first.astype(int) - expected.astype(int)).mean() < 6
