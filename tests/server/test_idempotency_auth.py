"""Idempotency-Key on create-like POSTs, and bearer auth."""

from __future__ import annotations

import threading

import httpx

from .helpers import API_KEY, FAST, create_done, wait_for


def _count(api: httpx.Client) -> int:
    return len(api.get("/videos", params={"limit": 100}).json()["data"])


def test_same_key_same_job_for_every_create_like_post(servers, client_for):
    api = client_for(servers.start())
    key = {"Idempotency-Key": "abc-123"}
    first = api.post("/videos", json=FAST | {"prompt": "A heron in a pond"}, headers=key)
    second = api.post("/videos", json=FAST | {"prompt": "A heron in a pond"}, headers=key)
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert second.headers.get("idempotent-replayed") == "true" and "idempotent-replayed" not in first.headers
    assert _count(api) == 1
    other = api.post("/videos", json=FAST | {"prompt": "A heron in a pond"}, headers={"Idempotency-Key": "other"})
    assert other.json()["id"] != first.json()["id"] and _count(api) == 2

    source = wait_for(api, first.json()["id"])
    for path, body in (
        (f"/videos/{source['id']}/remix", {"prompt": "at night"}),
        ("/videos/edits", {"video": {"id": source["id"]}, "prompt": "in snow"}),
        ("/videos/extensions", {"video": {"id": source["id"]}, "prompt": "more", "seconds": "1"}),
    ):
        a = api.post(path, json=body, headers={"Idempotency-Key": "k-" + path})
        b = api.post(path, json=body, headers={"Idempotency-Key": "k-" + path})
        assert a.status_code == b.status_code == 200 and a.json()["id"] == b.json()["id"], path
    assert _count(api) == 5


def test_racing_requests_with_one_key_make_one_job(servers, client_for):
    server = servers.start()
    api = client_for(server)
    answers: list[httpx.Response] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def post() -> None:
        try:
            with httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {API_KEY}"}) as c:
                start.wait(5)
                answers.append(c.post("/videos", json=FAST | {"prompt": "race"}, headers={"Idempotency-Key": "race"}))
        except BaseException as exc:  # a thread's exception would otherwise vanish with the thread
            errors.append(exc)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(answers) == 6
    assert [r.status_code for r in answers] == [200] * 6
    assert len({r.json()["id"] for r in answers}) == 1
    replayed = sorted(r.headers.get("idempotent-replayed") == "true" for r in answers)
    assert replayed == [False] + [True] * 5  # one request made the job, five were answered with it
    assert _count(api) == 1


def test_a_deleted_job_frees_its_key(servers, client_for):
    api = client_for(servers.start())
    key = {"Idempotency-Key": "reuse"}
    first = create_done(api)
    # bind the key, delete the job, reuse the key: a new job (the old one is gone)
    bound = api.post("/videos", json=FAST | {"prompt": "x"}, headers=key).json()
    assert api.delete(f"/videos/{bound['id']}").status_code == 200
    again = api.post("/videos", json=FAST | {"prompt": "x"}, headers=key).json()
    assert again["id"] not in (bound["id"], first["id"])


def test_auth_required_when_a_key_is_set(server, client_for):
    no_key = client_for(server, key=None)
    wrong = client_for(server, key="wrong-key")
    for client in (no_key, wrong):
        for response in (client.get("/videos"), client.post("/videos", json={"prompt": "x"}),
                         client.get("/videos/anything/content"), client.get("/no/such/path")):
            assert response.status_code == 401
            error = response.json()["error"]
            assert error["code"] == "invalid_api_key" and error["type"] == "invalid_request_error"
            assert "wrong-key" not in response.text and API_KEY not in response.text
            assert response.headers["www-authenticate"] == "Bearer"
    assert "didn't provide an API key" in no_key.get("/videos").json()["error"]["message"]
    basic = client_for(server, key=None)
    assert basic.get("/videos", headers={"Authorization": f"Basic {API_KEY}"}).status_code == 401
    assert client_for(server).get("/videos").status_code == 200
    assert httpx.get(server.base_url.replace("/v1", "/healthz")).json() == {"status": "ok"}


def test_no_auth_when_no_key(servers, client_for):
    server = servers.start(api_key=None)
    assert server.api_key is None
    assert client_for(server, key=None).get("/videos").status_code == 200
    assert client_for(server, key="anything").get("/videos").status_code == 200


def test_the_key_is_never_logged(servers, client_for, caplog):
    server = servers.start()
    with caplog.at_level("DEBUG"):
        client_for(server).post("/videos", json=FAST | {"prompt": "log me"})
        client_for(server, key="sk-secret-guess").get("/videos")
    assert API_KEY not in caplog.text and "sk-secret-guess" not in caplog.text
    assert API_KEY not in repr(server) and API_KEY not in repr(server.config)
