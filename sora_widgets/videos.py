"""`client.videos`: openai-python's `client.videos` surface on every backend.

A Sora script written for openai-python runs with only its client construction changed::

    client = SoraClient()                      # was: client = OpenAI()
    video = client.videos.create_and_poll(prompt="a lighthouse at dusk", seconds="4", size="1280x720")
    client.videos.download_content(video.id).write_to_file("lighthouse.mp4")

The signatures follow `openai/resources/videos.py` (openai 3.57): keyword-only `create`, `poll` with
`poll_interval_ms`, a cursor page from `list(after=, limit=, order=)`, `delete` returning an object
with `.deleted`, `download_content` returning an object with `.read()` / `.write_to_file()`. Unlike
openai-python, `poll` has a deadline (`Settings.poll_timeout`) and every call is checked against the
backend's capabilities before anything is sent.

Backends without an endpoint get the nearest honest equivalent instead of a 404:

- **list** (OpenRouter has none): the videos this client created, newest first, with the same cursors.
- **delete** (none on OpenRouter): the video is forgotten by this client; `.deleted` is False because the
  server keeps it until it expires on its own.
- **remix** (none on OpenRouter): a new generation from the source's model, size and length with the new
  prompt, billed like any generation (as Sora billed a remix); `remixed_from_video_id` names the source.

The toolkit's richer methods (`generate`, `fetch`, `download`, `resume`, ...) stay on the client itself.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UnsupportedFeatureError
from .models import DeletedVideo, Video, VideoCharacter, VideoPage

if TYPE_CHECKING:
    from .client import AsyncSoraClient, SoraClient

_list = builtins.list


# -- shared, I/O-free pieces ---------------------------------------------------------------------
def reference_value(value: Any) -> Any:
    """openai-python's `input_reference` forms (file object, (name, content[, mime]) tuple, PathLike,
    `{"image_url": ...}`) as what `VideoRequest` accepts (bytes, a path or a URL)."""
    if value is None:
        return None
    if isinstance(value, dict):
        if value.get("image_url"):
            return value["image_url"]
        raise UnsupportedFeatureError(
            "input_reference by file_id needs OpenAI's Files API, which no backend here has",
            param="input_reference", hint="pass the image itself (a path, bytes or an http(s) URL)",
        )
    if isinstance(value, tuple):
        return reference_value(value[1])
    if hasattr(value, "read"):
        return value.read()
    if isinstance(value, os.PathLike):
        return Path(value)
    return value


def create_fields(
    prompt: str, model: str | None, seconds: int | str | None, size: str | None,
    input_reference: Any, extra_body: dict[str, Any] | None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {"prompt": prompt, "model": model, "seconds": seconds, "size": size,
                              "input_reference": reference_value(input_reference)}
    if extra_body:
        fields["extras"] = dict(extra_body)
    return fields


def video_id_of(video: Any) -> str:
    """openai-python's `video=` argument of edit/extend: `{"id": ...}` (or an id, or a Video)."""
    if isinstance(video, str):
        return video
    if isinstance(video, dict) and isinstance(video.get("id"), str):
        return str(video["id"])
    if isinstance(video, Video):
        return video.id
    raise UnsupportedFeatureError(
        "edit and extend take a finished video by id here, not an uploaded file",
        param="video", hint='pass video={"id": "video_..."}',
    )


def interval_seconds(poll_interval_ms: int | None) -> float | None:
    return None if poll_interval_ms is None else max(0.0, poll_interval_ms / 1000.0)


class KnownVideos:
    """The videos a client made, for backends with no list endpoint (cursor paging done here)."""

    def __init__(self) -> None:
        self._videos: dict[str, Video] = {}

    def add(self, video: Video) -> Video:
        self._videos[video.id] = video
        return video

    def forget(self, video_id: str) -> bool:
        return self._videos.pop(video_id, None) is not None

    def page(self, *, after: str | None, limit: int | None, order: str | None) -> VideoPage:
        videos = _list(self._videos.values())
        if (order or "desc") == "desc":
            videos.reverse()
        ids = [v.id for v in videos]
        start = ids.index(after) + 1 if after in ids else 0
        size = limit if limit and limit > 0 else 20
        data = videos[start:start + size]
        return VideoPage(data=data, first_id=data[0].id if data else None, last_id=data[-1].id if data else None,
                         has_more=start + size < len(videos))


def forgotten(video_id: str, known: bool, backend: str) -> DeletedVideo:
    return DeletedVideo(
        id=video_id, deleted=False,
        detail=f"the {backend} backend has no delete; this client forgot the video"
        + ("" if known else " (it did not know it)") + " and the server keeps it until it expires",
    )


def remix_fields(source: Video, prompt: str) -> dict[str, Any]:
    return {"prompt": prompt, "model": source.model, "size": source.size, "seconds": source.seconds}


# -- results -------------------------------------------------------------------------------------
class VideoContent:
    """The bytes of `download_content`, as openai-python's `HttpxBinaryResponseContent` offers them."""

    def __init__(self, data: bytes, content_type: str | None = None) -> None:
        self._data = data
        self.content_type = content_type

    @property
    def content(self) -> bytes:
        return self._data

    def read(self) -> bytes:
        return self._data

    async def aread(self) -> bytes:
        return self._data

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        step = chunk_size or 65536
        for i in range(0, len(self._data), step):
            yield self._data[i:i + step]

    def write_to_file(self, file: str | os.PathLike[str]) -> None:
        """Write the bytes to `file` (through a temp file and a rename, so no half-written video)."""
        target = Path(file)
        tmp = target.with_name(f".{target.name}.part")
        tmp.write_bytes(self._data)
        os.replace(tmp, target)

    async def awrite_to_file(self, file: str | os.PathLike[str]) -> None:
        self.write_to_file(file)

    def __repr__(self) -> str:
        return f"VideoContent({len(self._data)} bytes, {self.content_type or 'unknown type'})"


class SyncVideoPage:
    """One page of `list()`; iterating it walks every following page too (as openai-python's pages do)."""

    def __init__(self, page: VideoPage, fetch: Callable[[str], SyncVideoPage]) -> None:
        self.data: _list[Video] = page.data
        self.has_more = page.has_more
        self.first_id = page.first_id
        self.last_id = page.last_id
        self._fetch = fetch

    def has_next_page(self) -> bool:
        return bool(self.has_more and self.last_id and self.data)

    def next_page_info(self) -> dict[str, str] | None:
        return {"after": self.last_id} if self.has_next_page() and self.last_id else None

    def get_next_page(self) -> SyncVideoPage:
        if not self.has_next_page() or self.last_id is None:
            raise RuntimeError("no next page; check has_next_page() first")
        return self._fetch(self.last_id)

    def iter_pages(self) -> Iterator[SyncVideoPage]:
        page = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[Video]:  # type: ignore[override]
        for page in self.iter_pages():
            yield from page.data

    def __repr__(self) -> str:
        return f"SyncVideoPage({len(self.data)} videos, has_more={self.has_more}, last_id={self.last_id!r})"


class AsyncVideoPage:
    """The async twin of `SyncVideoPage`: `async for video in page` walks every page."""

    def __init__(self, page: VideoPage, fetch: Callable[[str], Awaitable[AsyncVideoPage]]) -> None:
        self.data: _list[Video] = page.data
        self.has_more = page.has_more
        self.first_id = page.first_id
        self.last_id = page.last_id
        self._fetch = fetch

    def has_next_page(self) -> bool:
        return bool(self.has_more and self.last_id and self.data)

    def next_page_info(self) -> dict[str, str] | None:
        return {"after": self.last_id} if self.has_next_page() and self.last_id else None

    async def get_next_page(self) -> AsyncVideoPage:
        if not self.has_next_page() or self.last_id is None:
            raise RuntimeError("no next page; check has_next_page() first")
        return await self._fetch(self.last_id)

    async def iter_pages(self) -> AsyncIterator[AsyncVideoPage]:
        page = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[Video]:
        async for page in self.iter_pages():
            for video in page.data:
                yield video


class AsyncVideoPager:
    """What `AsyncVideos.list()` returns: `await` it for the first page, or `async for` every video."""

    def __init__(self, first: Callable[[], Awaitable[AsyncVideoPage]]) -> None:
        self._first = first

    def __await__(self) -> Generator[Any, None, AsyncVideoPage]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[Video]:
        page = await self._first()
        async for video in page:
            yield video


# -- the resources -------------------------------------------------------------------------------
class Videos:
    """`SoraClient().videos`."""

    def __init__(self, client: SoraClient) -> None:
        self._client = client
        self._known = KnownVideos()

    def _has(self, operation: str) -> bool:
        return operation in self._client.backend.operations

    def _track(self, video: Video) -> Video:
        return video if self._has("list") else self._known.add(video)

    def create(
        self, *, prompt: str, input_reference: Any = None, model: str | None = None,
        seconds: int | str | None = None, size: str | None = None, extra_body: dict[str, Any] | None = None,
    ) -> Video:
        """Start a generation; `seconds` and `size` left out take the backend's defaults."""
        fields = create_fields(prompt, model, seconds, size, input_reference, extra_body)
        return self._track(self._client.create(**fields))

    def retrieve(self, video_id: str) -> Video:
        return self._client.retrieve(video_id)

    def poll(self, video_id: str, *, poll_interval_ms: int | None = None) -> Video:
        """Wait until the video is finished; returns it whether it completed or failed (check `.status`)."""
        return self._client.poll(video_id, interval=interval_seconds(poll_interval_ms))

    def create_and_poll(
        self, *, prompt: str, input_reference: Any = None, model: str | None = None,
        seconds: int | str | None = None, size: str | None = None, poll_interval_ms: int | None = None,
        extra_body: dict[str, Any] | None = None,
    ) -> Video:
        video = self.create(prompt=prompt, input_reference=input_reference, model=model, seconds=seconds,
                            size=size, extra_body=extra_body)
        return self.poll(video.id, poll_interval_ms=poll_interval_ms)

    def list(self, *, after: str | None = None, limit: int | None = None, order: str | None = None) -> SyncVideoPage:
        """A page of videos (newest first unless `order="asc"`); iterate it to walk every page."""
        def fetch(cursor: str | None) -> SyncVideoPage:
            if not self._has("list"):
                return SyncVideoPage(self._known.page(after=cursor, limit=limit, order=order), fetch)
            wire = self._client.backend.list(after=cursor, limit=limit or 100, order=order or "desc")
            return SyncVideoPage(self._client.backend.parse_page(self._client._json(wire)), fetch)

        return fetch(after)

    def delete(self, video_id: str) -> DeletedVideo:
        if not self._has("delete"):
            return forgotten(video_id, self._known.forget(video_id), self._client.settings.backend)
        self._known.forget(video_id)
        return self._client.delete(video_id)

    def remix(self, video_id: str, *, prompt: str) -> Video:
        if self._has("remix"):
            return self._track(self._client.remix(video_id, prompt))
        source = self._client.retrieve(video_id)
        video = self._client.create(**remix_fields(source, prompt))
        return self._track(video.model_copy(update={"remixed_from_video_id": video_id}))

    def edit(self, *, prompt: str, video: Any) -> Video:
        return self._track(self._client.edit(video_id_of(video), prompt))

    def extend(self, *, prompt: str, seconds: int | str, video: Any) -> Video:
        return self._track(self._client.extend(video_id_of(video), prompt, int(seconds)))

    def download_content(self, video_id: str, *, variant: str = "video") -> VideoContent:
        response = self._client.content_response(video_id, variant)
        return VideoContent(response.content, response.headers.get("content-type"))

    def create_character(self, *, name: str, video: Any) -> VideoCharacter:
        return self._client.create_character(reference_value(video), name)


class AsyncVideos:
    """`AsyncSoraClient().videos`: the same methods, awaited."""

    def __init__(self, client: AsyncSoraClient) -> None:
        self._client = client
        self._known = KnownVideos()

    def _has(self, operation: str) -> bool:
        return operation in self._client.backend.operations

    def _track(self, video: Video) -> Video:
        return video if self._has("list") else self._known.add(video)

    async def create(
        self, *, prompt: str, input_reference: Any = None, model: str | None = None,
        seconds: int | str | None = None, size: str | None = None, extra_body: dict[str, Any] | None = None,
    ) -> Video:
        fields = create_fields(prompt, model, seconds, size, input_reference, extra_body)
        return self._track(await self._client.create(**fields))

    async def retrieve(self, video_id: str) -> Video:
        return await self._client.retrieve(video_id)

    async def poll(self, video_id: str, *, poll_interval_ms: int | None = None) -> Video:
        return await self._client.poll(video_id, interval=interval_seconds(poll_interval_ms))

    async def create_and_poll(
        self, *, prompt: str, input_reference: Any = None, model: str | None = None,
        seconds: int | str | None = None, size: str | None = None, poll_interval_ms: int | None = None,
        extra_body: dict[str, Any] | None = None,
    ) -> Video:
        video = await self.create(prompt=prompt, input_reference=input_reference, model=model, seconds=seconds,
                                  size=size, extra_body=extra_body)
        return await self.poll(video.id, poll_interval_ms=poll_interval_ms)

    def list(self, *, after: str | None = None, limit: int | None = None, order: str | None = None) -> AsyncVideoPager:
        async def fetch(cursor: str | None) -> AsyncVideoPage:
            if not self._has("list"):
                return AsyncVideoPage(self._known.page(after=cursor, limit=limit, order=order), fetch)
            wire = self._client.backend.list(after=cursor, limit=limit or 100, order=order or "desc")
            return AsyncVideoPage(self._client.backend.parse_page(await self._client._json(wire)), fetch)

        return AsyncVideoPager(lambda: fetch(after))

    async def delete(self, video_id: str) -> DeletedVideo:
        if not self._has("delete"):
            return forgotten(video_id, self._known.forget(video_id), self._client.settings.backend)
        self._known.forget(video_id)
        return await self._client.delete(video_id)

    async def remix(self, video_id: str, *, prompt: str) -> Video:
        if self._has("remix"):
            return self._track(await self._client.remix(video_id, prompt))
        source = await self._client.retrieve(video_id)
        video = await self._client.create(**remix_fields(source, prompt))
        return self._track(video.model_copy(update={"remixed_from_video_id": video_id}))

    async def edit(self, *, prompt: str, video: Any) -> Video:
        return self._track(await self._client.edit(video_id_of(video), prompt))

    async def extend(self, *, prompt: str, seconds: int | str, video: Any) -> Video:
        return self._track(await self._client.extend(video_id_of(video), prompt, int(seconds)))

    async def download_content(self, video_id: str, *, variant: str = "video") -> VideoContent:
        response = await self._client.content_response(video_id, variant)
        return VideoContent(response.content, response.headers.get("content-type"))

    async def create_character(self, *, name: str, video: Any) -> VideoCharacter:
        return await self._client.create_character(reference_value(video), name)
