"""`client.videos` on OpenRouter, which has no list, delete or remix endpoint, against a scripted
server that hands out distinct job ids (Prism's examples always answer the same id): the cursor
paging of `list`, what `delete` says, and what `remix` sends. Both twins."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from .conftest import MP4, ScriptedServer, json_body
from .test_openrouter import CATALOG_BODY


def _scripted(server: ScriptedServer) -> None:
    ids = itertools.count(1)
    made: dict[str, dict[str, Any]] = {}

    def create(request: httpx.Request) -> httpx.Response:
        job = f"job-{next(ids)}"
        made[job] = json_body(request)
        return httpx.Response(202, json={"id": job, "polling_url": f"/api/v1/videos/{job}", "status": "pending"})

    def retrieve(request: httpx.Request) -> httpx.Response:
        job = request.url.path.rsplit("/", 1)[1]
        body = made[job]
        return httpx.Response(200, json={"id": job, "status": "completed", "model": body["model"],
                                         "prompt": body["prompt"], "size": body.get("size"),
                                         "seconds": body.get("duration")})

    server.on("GET", "/videos/models", CATALOG_BODY)
    server.on("POST", "/videos", create)
    server.on("GET", r"/videos/job-\d+/content", MP4)
    server.on("GET", r"/videos/job-\d+", retrieve)


async def _await(value: Any) -> Any:
    import inspect

    return await value if inspect.isawaitable(value) else value


async def test_list_pages_with_cursors_delete_and_remix(make: Any, server: ScriptedServer) -> None:
    _scripted(server)
    client = make("openrouter")
    videos = client.videos
    made = [await _await(videos.create(prompt=f"clip {i}", model="alibaba/wan-2.6", seconds="5",
                                       size="1280x720")) for i in range(3)]
    assert [v.id for v in made] == ["job-1", "job-2", "job-3"]

    first = await _await(videos.list(limit=2))
    assert [v.id for v in first.data] == ["job-3", "job-2"] and first.has_next_page()
    second = await _await(videos.list(limit=2, after=first.last_id))
    assert [v.id for v in second.data] == ["job-1"] and not second.has_next_page()
    walked = [v.id async for v in first] if hasattr(first, "__aiter__") else [v.id for v in first]
    assert walked == ["job-3", "job-2", "job-1"]
    oldest = await _await(videos.list(order="asc", limit=1))
    assert [v.id for v in oldest.data] == ["job-1"]

    remix = await _await(videos.remix("job-2", prompt="the same clip at night"))
    sent = json_body(server.sent("POST", "/videos")[-1])
    assert remix.id == "job-4" and remix.remixed_from_video_id == "job-2"
    assert (sent["model"], sent["prompt"], sent["duration"], sent["size"]) == (
        "alibaba/wan-2.6", "the same clip at night", 5, "1280x720")  # the source's settings, the new prompt

    gone = await _await(videos.delete("job-1"))
    assert gone.deleted is False and gone.id == "job-1" and "openrouter" in gone.detail
    left = await _await(videos.list(limit=10))
    assert [v.id for v in left.data] == ["job-4", "job-3", "job-2"]
    assert not server.sent("DELETE", "/videos")  # nothing was sent for the delete
    content = await _await(videos.download_content("job-3"))
    assert content.read() == MP4
