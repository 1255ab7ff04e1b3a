"""The client suite again, both twins, against the real embedded server over 127.0.0.1.

`tests/test_client.py` pins the client's logic against an in-memory fake; here the same methods
talk HTTP to `start_server(...)`, so the client and the server have to agree for real. Every
request and response in this file also goes through the OpenAI spec checks of
`tests/_openapi.py` (httpx event hooks); the violations must stay at zero.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sora_widgets import AsyncSoraClient, SoraClient
from sora_widgets.config import Settings
from sora_widgets.errors import AuthenticationError, GenerationFailedError, NotFoundError, PollTimeoutError
from sora_widgets.server.config import FaultConfig, ServerConfig
from sora_widgets.server.embedded import EmbeddedServer, start_server

from ._openapi import validate_openai_request, validating_hooks
from .conftest import call, collect
from .fakes import _multipart_fields

API_KEY = "k"
#: the cheapest request the local backend allows: 1 s of 320x180
FAST: dict[str, Any] = {"model": "animatic", "size": "320x180", "seconds": 1}
STATUS_RANK = {"queued": 0, "in_progress": 1, "completed": 2}


def _start(root: Path, **overrides: Any) -> EmbeddedServer:
    settings: dict[str, Any] = {"api_key": API_KEY, "generation_time": 0.0, "blocked_words": ("forbidden",)}
    settings.update(overrides)
    return start_server(ServerConfig(data_dir=root, **settings))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    srv = _start(tmp_path_factory.mktemp("loopback") / "data")
    try:
        yield srv
    finally:
        srv.stop()
    assert srv.stats.unexpected_errors == 0, "the server answered an unexpected 500"


class Loopback:
    """Builds clients of one twin wired to a server through spec-validating httpx event hooks."""

    def __init__(self, twin: str, server: EmbeddedServer, root: Path) -> None:
        self.twin = twin
        self.server = server
        self.root = root
        self.violations: list[str] = []
        self.sent: list[httpx.Request] = []
        #: injected faults to let through before `set_faults` switches them off again (None = no limit)
        self.fault_budget: int | None = None
        self._http: list[httpx.Client | httpx.AsyncClient] = []

    def _on_request(self, request: httpx.Request) -> None:
        request.read()  # multipart bodies are streams; the tests inspect what was sent
        self.sent.append(request)

    def _on_response(self, response: httpx.Response) -> None:
        if response.headers.get("x-sora-fault") and self.fault_budget is not None:
            self.fault_budget -= 1
            if self.fault_budget <= 0:
                self.server.set_faults(FaultConfig())
                self.fault_budget = None

    def client(self, server: EmbeddedServer | None = None, **options: Any) -> Any:
        srv = server or self.server
        spec = validating_hooks(violations=self.violations)
        on_request: list[Callable[[Any], None]] = [self._on_request, *spec["request"]]
        on_response: list[Callable[[Any], None]] = [*spec["response"], self._on_response]
        kwargs: dict[str, Any] = {"timeout": httpx.Timeout(30.0, connect=5.0), "follow_redirects": True}
        options.setdefault("api_key", API_KEY)
        options.setdefault("output_dir", self.root / "out")
        common = dict(backend="local", base_url=srv.base_url, settings=Settings(_env_file=None), **options)  # type: ignore[call-arg]
        if self.twin == "sync":
            http: Any = httpx.Client(event_hooks={"request": on_request, "response": on_response}, **kwargs)
            self._http.append(http)
            return SoraClient(http_client=http, **common)

        async def request_hook(request: httpx.Request) -> None:
            for hook in on_request:
                hook(request)

        async def response_hook(response: httpx.Response) -> None:
            await response.aread()  # the spec hook then reads the buffered bytes
            for hook in on_response:
                hook(response)

        http = httpx.AsyncClient(event_hooks={"request": [request_hook], "response": [response_hook]}, **kwargs)
        self._http.append(http)
        return AsyncSoraClient(http_client=http, **common)

    def posts(self, suffix: str = "/videos") -> list[httpx.Request]:
        return [r for r in self.sent if r.method == "POST" and r.url.path.endswith(suffix)]

    async def aclose(self) -> None:
        for http in self._http:
            if isinstance(http, httpx.AsyncClient):
                await http.aclose()
            else:
                http.close()


@pytest.fixture
async def lb(twin: str, server: EmbeddedServer, tmp_path: Path) -> AsyncIterator[Loopback]:
    harness = Loopback(twin, server, tmp_path)
    try:
        yield harness
    finally:
        server.set_faults(FaultConfig())
        await harness.aclose()
    assert not harness.violations, "traffic violating the OpenAI spec:\n" + "\n".join(harness.violations)


async def _done(client: Any, **fields: Any) -> Any:
    video = await call(client, "create_and_poll", timeout=30, **{"prompt": "a paper boat on a pond", **FAST, **fields})
    assert video.status == "completed", video
    return video


async def _all_ids(client: Any) -> set[str]:
    return {v.id for v in await collect(client.list(limit=100))}


# -- create / retrieve / list / delete -----------------------------------------------------------
async def test_create_json_with_spec_strict_values(lb: Loopback) -> None:
    client = lb.client()
    video = await call(client, "create", prompt="a red fox", model="sora-2", seconds=4, size="1280x720")
    assert video.id and video.status in ("queued", "in_progress") and video.seconds == 4
    assert video.size == "1280x720" and video.model == "sora-2"
    sent = lb.posts()[-1]
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["idempotency-key"].startswith("sora-widgets-")
    validate_openai_request(sent, strict=True)  # sora-2's values are in the frozen enums
    got = await call(client, "retrieve", video.id)
    assert got.id == video.id and got.prompt == "a red fox"


async def test_create_multipart_reference_fitted(lb: Loopback, tmp_path: Path) -> None:
    from PIL import Image

    src = tmp_path / "ref.png"
    Image.new("RGB", (300, 300), (200, 30, 30)).save(src)
    client = lb.client()
    video = await call(client, "create", prompt="animate it", input_reference=src, **FAST)
    sent = lb.posts()[-1]
    assert sent.headers["content-type"].startswith("multipart/form-data")
    fields = _multipart_fields(sent)
    assert fields["size"] == "320x180" and fields["seconds"] == "1" and fields["model"] == "animatic"
    assert Image.open(io.BytesIO(fields["input_reference"])).size == (320, 180)
    done = await call(client, "poll", video.id, timeout=30)
    assert done.status == "completed" and done.size == "320x180"


async def test_list_pages_then_delete_and_404(lb: Loopback) -> None:
    client = lb.client()
    ids = [(await call(client, "create", prompt=f"shot {i}", **FAST)).id for i in range(3)]
    listed = await collect(client.list(limit=2))
    assert set(ids) <= {v.id for v in listed}
    assert len(listed) == len({v.id for v in listed})  # no page repeats a job
    pages = [r for r in lb.sent if r.method == "GET" and r.url.path.endswith("/videos")]
    assert len(pages) >= 2 and all(r.url.params["limit"] == "2" for r in pages)
    assert "after" in pages[1].url.params
    await call(client, "poll", ids[0], timeout=30)  # a finished job, so delete is plainly allowed
    deleted = await call(client, "delete", ids[0])
    assert deleted.deleted and deleted.id == ids[0]
    with pytest.raises(NotFoundError) as info:
        await call(client, "retrieve", ids[0])
    assert ids[0] in str(info.value) and "\n" not in str(info.value)
    assert ids[0] not in await _all_ids(client)


# -- remix / edit / extend -----------------------------------------------------------------------
async def test_remix_edit_extend(lb: Loopback) -> None:
    client = lb.client()
    src = await _done(client)
    remix = await call(client, "remix", src.id, "the same at night")
    assert remix.remixed_from_video_id == src.id and remix.id != src.id
    edit = await call(client, "edit", src.id, "make it snow")
    assert edit.id not in (src.id, remix.id)
    ext = await call(client, "extend", src.id, "the camera rises", 2)
    assert ext.seconds == 3  # the total: 1 s source + 2 s extension
    for video in (remix, edit, ext):
        finished = await call(client, "poll", video.id, timeout=30)
        assert finished.status == "completed", finished
    assert (await call(client, "retrieve", ext.id)).seconds == 3


# -- content -------------------------------------------------------------------------------------
async def test_download_content_variants_and_atomic_download(lb: Loopback, tmp_path: Path) -> None:
    client = lb.client()
    video = await _done(client)
    mp4 = await call(client, "download_content", video.id)
    assert mp4[4:8] == b"ftyp"
    webp = await call(client, "download_content", video.id, variant="thumbnail")
    assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP"
    jpeg = await call(client, "download_content", video.id, variant="spritesheet")
    assert jpeg[:2] == b"\xff\xd8"
    target = tmp_path / "dl" / "clip.mp4"
    target.parent.mkdir()
    target.write_bytes(b"old")
    path = await call(client, "download", video.id, target)
    assert path == target and target.read_bytes() == mp4
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".part")]
    thumb = await call(client, "download", video.id, tmp_path / "dl", variant="thumbnail")
    assert thumb.name.endswith(".thumbnail.webp") and thumb.read_bytes() == webp


# -- waiting -------------------------------------------------------------------------------------
async def test_poll_reports_rising_progress(lb: Loopback) -> None:
    client = lb.client()
    video = await call(client, "create", prompt="waves", **FAST)
    seen: list[Any] = []
    done = await call(client, "poll", video.id, timeout=30, on_progress=seen.append)
    assert done.status == "completed" and done.progress == 100
    ranks = [STATUS_RANK[v.status] for v in seen]
    assert ranks == sorted(ranks) and seen[-1].status == "completed"
    progress = [v.progress for v in seen]
    assert progress == sorted(progress)


async def test_create_and_poll(lb: Loopback) -> None:
    client = lb.client()
    seen: list[Any] = []
    video = await call(client, "create_and_poll", prompt="a kite", timeout=30, on_progress=seen.append, **FAST)
    assert video.ok and video.progress == 100 and video.completed_at and video.expires_at
    assert seen[0].status in ("queued", "in_progress") and seen[-1].status == "completed"


async def test_generate_writes_a_verified_mp4(lb: Loopback, tmp_path: Path) -> None:
    from sora_widgets.media import probe

    client = lb.client()
    target = tmp_path / "boat.mp4"
    result = await call(client, "generate", "a paper boat", path=target, timeout=30, **FAST)
    assert result.path == target and result.video.ok
    info = probe(target)
    assert (info.width, info.height) == (320, 180)
    assert info.duration == pytest.approx(1.0, abs=0.15)
    assert result.thumbnail and result.thumbnail.read_bytes()[8:12] == b"WEBP"


async def test_moderation_failure_carries_code(lb: Loopback) -> None:
    client = lb.client()
    with pytest.raises(GenerationFailedError) as info:
        await call(client, "generate", "a forbidden ritual", timeout=30, **FAST)
    assert info.value.code == "moderation_blocked" and "moderation" in str(info.value)
    assert not list(lb.root.rglob("*.mp4"))  # nothing downloaded for a failed job


async def test_poll_deadline(lb: Loopback, tmp_path: Path) -> None:
    slow = _start(tmp_path / "slow", generation_time=60.0, poll_after_ms=50)
    try:
        client = lb.client(server=slow)
        video = await call(client, "create", prompt="slow", **FAST)
        with pytest.raises(PollTimeoutError) as info:
            await call(client, "poll", video.id, timeout=0.3)
        assert info.value.video_id == video.id and video.id in str(info.value)
    finally:
        slow.stop()
    assert slow.stats.unexpected_errors == 0


# -- retries and errors ----------------------------------------------------------------------------
async def test_retries_through_rate_limits(lb: Loopback, server: EmbeddedServer) -> None:
    client = lb.client(max_retries=4)
    before = (server.stats.faults, await _all_ids(client))
    lb.fault_budget = 2
    server.set_faults(FaultConfig.parse("429=1.0@create,retry_after=0.05"))
    video = await call(client, "create", prompt="retry me", **FAST)
    posts = lb.posts()
    assert len(posts) == 3 and len({r.headers["idempotency-key"] for r in posts}) == 1
    assert server.stats.faults - before[0] == 2
    assert await _all_ids(client) - before[1] == {video.id}


async def test_lost_response_is_not_a_duplicate(lb: Loopback, server: EmbeddedServer) -> None:
    client = lb.client(max_retries=3)
    before = await _all_ids(client)
    lb.fault_budget = 1
    # 500 *after* the job was created: the response is lost, the job exists; the retry carries the
    # same Idempotency-Key, so the server answers with that job instead of making a second one.
    server.set_faults(FaultConfig.parse("500=1.0@create,after_create=1.0"))
    video = await call(client, "create", prompt="exactly once", **FAST)
    posts = lb.posts()
    assert len(posts) == 2 and posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]
    assert await _all_ids(client) - before == {video.id}


async def test_bad_auth(lb: Loopback) -> None:
    client = lb.client(api_key="wrong-key-123456")
    with pytest.raises(AuthenticationError) as info:
        await call(client, "create", prompt="x", **FAST)
    text = str(info.value)
    assert "wrong-key" not in text and "\n" not in text
    assert len(lb.sent) == 1  # 401 is never retried


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"model": "sora-2", "size": "320x180"}, "1280x720"),
        ({"model": "sora-2", "seconds": 5}, "allowed seconds: 4, 8, 12"),
        ({"model": "animatic", "size": "321x180", "seconds": 1}, "320x180"),
        ({"model": "animatic", "size": "320x180", "seconds": 21}, "seconds"),
    ],
)
async def test_local_validation_sends_nothing(lb: Loopback, server: EmbeddedServer, fields, match) -> None:
    client = lb.client()
    before = server.stats.requests
    with pytest.raises(ValueError, match=match):
        await call(client, "create", prompt="ok", **fields)
    assert server.stats.requests == before and lb.sent == []
    with pytest.raises(NotFoundError):  # the counter does move for a request that is sent
        await call(client, "retrieve", "video_missing")
    assert server.stats.requests == before + 1
