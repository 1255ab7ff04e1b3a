"""Job lifecycle: queued -> in_progress (progress rising with time) -> completed, or failed."""

from __future__ import annotations

import time

from .helpers import FAST, create, wait_for


def test_queued_then_rising_progress_then_completed(servers, client_for):
    server = servers.start(generation_time=1.5)
    api = client_for(server)
    created = api.post("/videos", json=FAST | {"prompt": "A paper boat drifting down a stream"})
    assert created.status_code == 200
    assert int(created.headers["openai-poll-after-ms"]) == 300  # a fifth of the generation time
    video = created.json()
    assert (video["status"], video["progress"], video["completed_at"], video["expires_at"]) == ("queued", 0, None, None)
    seen: list[tuple[str, int]] = []
    started = time.monotonic()
    while True:
        response = api.get(f"/videos/{video['id']}")
        assert "openai-poll-after-ms" in response.headers
        current = response.json()
        seen.append((current["status"], current["progress"]))
        if current["status"] == "completed":
            break
        assert time.monotonic() - started < 20
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    assert elapsed >= 1.3  # the job took (about) generation_time
    statuses = [s for s, _ in seen]
    assert statuses[0] in ("queued", "in_progress") and "in_progress" in statuses
    progress = [p for s, p in seen if s == "in_progress"]
    assert progress == sorted(progress) and len(set(progress)) >= 3 and all(1 <= p <= 99 for p in progress)
    assert current["progress"] == 100 and current["error"] is None
    assert current["expires_at"] == current["completed_at"] + 3600
    assert current["completed_at"] >= current["created_at"]


def test_queued_state_is_visible(servers, client_for):
    server = servers.start(generation_time=5.0)  # queued for the first 0.5 s
    api = client_for(server)
    video = create(api)
    assert api.get(f"/videos/{video['id']}").json()["status"] == "queued"
    assert wait_for(api, video["id"], ("in_progress",))["progress"] >= 1


def test_moderation_blocks_case_insensitively(servers, client_for):
    server = servers.start(blocked_words=("Forbidden", "bad phrase"))
    api = client_for(server)
    blocked = create(api, prompt="A FORBIDDEN garden at noon")
    also = create(api, prompt="This has a Bad Phrase in it")
    fine = create(api, prompt="Forbiddenness is not a word we block")  # whole words only
    for vid in (blocked["id"], also["id"]):
        video = wait_for(api, vid)
        assert video["status"] == "failed"
        assert video["error"] == {"code": "moderation_blocked",
                                  "message": "Your request was blocked by our moderation system."}
        error = api.get(f"/videos/{vid}/content").json()["error"]
        assert error["code"] == "video_failed"
    assert wait_for(api, fine["id"])["status"] == "completed"


def test_expiry_and_expired_content(servers, client_for):
    server = servers.start(expires_after=60)
    api = client_for(server)
    video = wait_for(api, create(api)["id"])
    assert video["expires_at"] == video["completed_at"] + 60
    assert api.get(f"/videos/{video['id']}/content").status_code == 200
    store = server.app.state.services.store
    record = store.load(video["id"])
    record["video"]["expires_at"] = int(time.time()) - 1
    store.save(record)
    response = api.get(f"/videos/{video['id']}/content")
    assert response.status_code == 404 and response.json()["error"]["code"] == "video_expired"
    server.app.state.services.runner.sweep()  # what the server does every few seconds
    assert sorted(p.name for p in (server.data_dir / "videos" / video["id"]).iterdir()) == ["job.json"]
    assert api.get(f"/videos/{video['id']}").json()["status"] == "completed"
    error = api.post(f"/videos/{video['id']}/remix", json={"prompt": "again"}).json()["error"]
    assert error["code"] == "video_expired"


def test_delete_while_rendering_cancels(servers, client_for):
    server = servers.start(generation_time=5)
    api = client_for(server)
    video = create(api, model="sora-2", size="1280x720", seconds="12")
    wait_for(api, video["id"], ("in_progress",))
    assert api.delete(f"/videos/{video['id']}").json() == {"id": video["id"], "object": "video.deleted",
                                                           "deleted": True}
    assert api.get(f"/videos/{video['id']}").status_code == 404
    deadline = time.monotonic() + 10
    folder = server.data_dir / "videos" / video["id"]
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()


def test_list_pagination_both_orders(servers, client_for):
    api = client_for(servers.start(generation_time=30))
    ids = [create(api, prompt=f"clip {i}")["id"] for i in range(5)]
    pages, after = [], None
    while True:
        params = {"limit": 2, "order": "asc"} | ({"after": after} if after else {})
        page = api.get("/videos", params=params).json()
        assert page["object"] == "list"
        pages.append([v["id"] for v in page["data"]])
        assert page["first_id"] == page["data"][0]["id"] and page["last_id"] == page["data"][-1]["id"]
        if not page["has_more"]:
            break
        after = page["last_id"]
    assert pages == [ids[0:2], ids[2:4], ids[4:]]
    desc = api.get("/videos", params={"limit": 100}).json()
    assert [v["id"] for v in desc["data"]] == ids[::-1] and desc["has_more"] is False
    empty = api.get("/videos", params={"limit": 0}).json()
    assert (empty["data"], empty["first_id"], empty["last_id"], empty["has_more"]) == ([], None, None, True)
