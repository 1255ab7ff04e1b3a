"""`SoraClient` and `AsyncSoraClient`: thin twins over `ClientCore`.

Method names follow openai-python's `client.videos` so existing code reads the same. The twins
differ only in `await` and in how they sleep; all decisions live in `_base_client.py`.

- `poll` follows the server's `openai-poll-after-ms` hint, re-read on every response, and has a
  hard deadline. Sync code interrupted by Ctrl-C raises `PollInterrupted` carrying the job id;
  a cancelled async task stops cleanly.
- Retries: connection errors, timeouts, 408/409/429/5xx, with backoff or the server's Retry-After.
- Every create-like POST carries one `Idempotency-Key`, reused by its retries.
- Every paid call (create, remix, edit, extend; generate and create_and_poll through create) is
  first reserved in the output folder's ledger within the budget (`jobs/paid.py`), so scripts
  share the notebooks' budget and their jobs can be finished by `sora_widgets.resume()` (which
  lives with the jobs: the runner builds on this client, so the client cannot call it).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from ._base_client import AtomicDownload, ClientCore, ProgressCallback, checked_content, job_url
from .backends import WireRequest
from .backends.registry import require_feature
from .capabilities import BackendCapabilities
from .errors import (
    APIStatusError,
    DownloadError,
    GenerationFailedError,
    PollInterrupted,
    PollTimeoutError,
    SoraError,
    StorageDownloadError,
    redact,
)
from .models import DeletedVideo, Fit, Video, VideoCharacter, VideoRequest
from .results import GenerationResult
from .videos import AsyncVideos, Videos

if TYPE_CHECKING:
    from .jobs.state import JobState


async def _sleep(seconds: float) -> None:
    # asyncio is imported by the async twin when it runs, not with this module: a blocking program's
    # first create never needs it, and it is a sizeable part of that cold start (benchmarks/bench_cold.py).
    import asyncio

    await asyncio.sleep(seconds)


def _create_fields(
    prompt: str | None, model: str | None, seconds: int | str | None, size: str | None, **more: Any
) -> dict[str, Any]:
    return {"prompt": prompt, "model": model, "seconds": seconds, "size": size, **more}


class SoraClient(ClientCore):
    """Blocking client. `with SoraClient() as c:` closes the connection pool on exit."""

    def __init__(
        self,
        *,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        **options: Any,
    ) -> None:
        super().__init__(injected=http_client is not None or transport is not None, **options)
        self._http = http_client or httpx.Client(**self.new_http_kwargs(transport))
        self._owns_http = http_client is None
        #: openai-python's `client.videos` (create, poll, list, download_content, ...)
        self.videos = Videos(self)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> SoraClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport --------------------------------------------------------------------------
    def _send(self, wire: WireRequest, *, stream: bool = False, idempotency_key: str | None = None) -> httpx.Response:
        request = self.build(wire, idempotency_key)
        attempt = 0
        while True:
            try:
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                delay = self.retry_delay(attempt, None)
                if delay is None:
                    raise self.connection_error(exc) from None
            else:
                if response.is_success:
                    return response
                body = response.read()
                response.close()
                if self.backend.result_in_error(wire, response.status_code, body):
                    return response  # e.g. vLLM-Omni: a failed job's Video under its error status
                delay = self.retry_delay(attempt, response)
                if delay is None:
                    raise self.status_error(response, body)
            time.sleep(delay)
            attempt += 1

    def _json(self, wire: WireRequest, idempotency_key: str | None = None) -> Any:
        return self._send(wire, idempotency_key=idempotency_key).json()

    # -- capabilities -----------------------------------------------------------------------
    def models(self) -> BackendCapabilities:
        """What the backend offers (fetched once for backends with a model catalog)."""
        wire = self.backend.models_request()
        if wire is not None and not self._caps_loaded:
            try:
                data = self._json(wire)
            except SoraError:
                if not wire.optional:
                    raise
                data = None  # a server without the route keeps its built-in capabilities
            self.backend.set_capabilities(self.backend.parse_models(data))
            self._caps_loaded = True
        return self.capabilities

    # -- videos -----------------------------------------------------------------------------
    def create(
        self,
        request: VideoRequest | None = None,
        *,
        prompt: str | None = None,
        model: str | None = None,
        seconds: int | str | None = None,
        size: str | None = None,
        input_reference: Any = None,
        fit: Fit | None = None,
        idempotency_key: str | None = None,
        reservation: JobState | None = None,
        **more: Any,
    ) -> Video:
        """Start a generation. Validated against the backend's capabilities, then reserved in the
        ledger within the budget (`BudgetExceededError` before anything is sent), then sent."""
        self.models()
        fields = _create_fields(prompt, model, seconds, size, input_reference=input_reference, fit=fit, **more)
        req = self.request_for(request, fields)
        return self._paid("create", req, None, self.create_wire(req), idempotency_key, reservation)

    def _paid(self, op: str, req: VideoRequest, parent_id: str | None, wire: WireRequest,
              idempotency_key: str | None, reservation: JobState | None) -> Video:
        key, call = self.paid_call(op, req, parent_id, idempotency_key, reservation)
        try:
            video = self.backend.parse_video(self._json(wire, key))
        except BaseException as exc:
            if call is not None:
                call.lost(exc)
            raise
        return self.accepted(call, video)

    def retrieve(self, video_id: str) -> Video:
        return self.backend.parse_video(self._json(self.backend.retrieve(video_id)))

    def list(self, *, limit: int = 100, order: str = "desc", after: str | None = None) -> Iterator[Video]:
        """Every video on the server (after the id `after`, if given), page by page; `videos.list`
        gives openai-python's cursor pages instead."""
        while True:
            page = self.backend.parse_page(self._json(self.backend.list(after=after, limit=limit, order=order)))
            yield from page.data
            if not page.has_more or not page.last_id:
                return
            after = page.last_id

    def delete(self, video_id: str) -> DeletedVideo:
        return self.backend.parse_deleted(self._json(self.backend.delete(video_id)), video_id)

    def remix(self, video_id: str, prompt: str, *, idempotency_key: str | None = None,
              reservation: JobState | None = None) -> Video:
        wire = self.feature_wire("remix", video_id, prompt)
        return self._paid("remix", self.follow_up_request(video_id, prompt), video_id, wire, idempotency_key,
                          reservation)

    def edit(self, video_id: str, prompt: str, *, idempotency_key: str | None = None,
             reservation: JobState | None = None) -> Video:
        wire = self.feature_wire("edit", video_id, prompt)
        return self._paid("edit", self.follow_up_request(video_id, prompt), video_id, wire, idempotency_key,
                          reservation)

    def extend(
        self, video_id: str, prompt: str, seconds: int | None = None, *, idempotency_key: str | None = None,
        reservation: JobState | None = None,
    ) -> Video:
        wire = self.feature_wire("extend", video_id, prompt, seconds)
        return self._paid("extend", self.follow_up_request(video_id, prompt, seconds), video_id, wire,
                          idempotency_key, reservation)

    def create_character(self, video: str | Path | bytes, name: str) -> VideoCharacter:
        require_feature(self.capabilities, self.default_for("model"), "characters")
        data = video if isinstance(video, bytes) else Path(video).read_bytes()
        return VideoCharacter.model_validate(self._json(self.backend.character(name, data)))

    # -- content ----------------------------------------------------------------------------
    def download_content(self, video_id: str, variant: str = "video", *, index: int = 0) -> bytes:
        """The bytes of a finished job; `index` picks one output where a backend makes several."""
        return checked_content(variant, self.content_response(video_id, variant, index).content)

    def content_response(self, video_id: str, variant: str = "video", index: int = 0) -> httpx.Response:
        self.target_path(video_id, None, variant)  # validates the variant
        return self._send(self.backend.content(video_id, variant, index))

    def download(self, video_id: str, path: str | Path | None = None, *, variant: str = "video") -> Path:
        """Stream to a temp file beside `path`, verify, rename atomically. Returns the path."""
        return self._download(video_id, path, variant).target

    def _download(self, video_id: str, path: str | Path | None, variant: str,
                  url: str | None = None) -> AtomicDownload:
        target = self.target_path(video_id, path, variant)
        attempt = 0
        while True:
            try:
                response = self._send(self.backend.content(video_id, variant), stream=True)
            except APIStatusError as exc:
                if variant != "video" or not self.backend.content_elsewhere(exc):
                    raise
                return self._download_stored(video_id, target, url or job_url(self.retrieve(video_id)))
            sink = AtomicDownload(target, variant)
            try:
                for chunk in response.iter_bytes():
                    sink.write(chunk)
                sink.commit()
                self.note_file(video_id, variant, sink)
                return sink
            except httpx.TransportError as exc:
                sink.abort()
                delay = self.retry_delay(attempt, None)
                if delay is None:
                    raise self.connection_error(exc) from None
            except BaseException:
                sink.abort()
                raise
            finally:
                response.close()
            time.sleep(delay)
            attempt += 1

    def _download_stored(self, video_id: str, target: Path, url: str | None) -> AtomicDownload:
        """The video from the object storage the server uploaded it to (the job's `url`): a plain
        GET on a client of its own, so our key never reaches that host; verified like any video."""
        location = self.storage_location(video_id, url)
        attempt = 0
        with httpx.Client(**self.storage_http_kwargs()) as http:
            while True:
                try:
                    with http.stream("GET", location) as response:
                        if response.is_success:
                            sink = AtomicDownload(target, "video")
                            try:
                                for chunk in response.iter_bytes():
                                    sink.write(chunk)
                                sink.commit()
                            except BaseException:
                                sink.abort()
                                raise
                            self.note_file(video_id, "video", sink)
                            return sink
                        delay = self.retry_delay(attempt, response)
                        if delay is None:
                            raise self.storage_error(video_id, location, f"HTTP {response.status_code}")
                except httpx.TransportError as exc:
                    delay = self.retry_delay(attempt, None)
                    if delay is None:
                        reason = redact(str(exc) or type(exc).__name__, httpx.URL(location).query.decode())
                        raise self.storage_error(video_id, location, reason) from None
                except StorageDownloadError:
                    raise
                except DownloadError as exc:  # empty, or not an MP4: nothing was saved
                    raise self.storage_error(video_id, location, exc.message) from None
                time.sleep(delay)
                attempt += 1

    # -- waiting ----------------------------------------------------------------------------
    def poll(
        self,
        video_id: str,
        *,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        interval: float | None = None,
    ) -> Video:
        """Wait until the job is finished (completed, failed, ...) and return it; never raises on
        `failed` — check `video.ok`. Raises `PollTimeoutError` after `timeout` (default: settings)."""
        start = time.monotonic()
        deadline = start + (timeout if timeout is not None else self.settings.poll_timeout)
        try:
            while True:
                response = self._send(self.backend.retrieve(video_id))
                video = self.backend.parse_video(response.json())
                self.note(video)
                if on_progress is not None:
                    on_progress(video)
                if video.done:
                    return video
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PollTimeoutError(video_id, time.monotonic() - start)
                time.sleep(min(self.poll_delay(response, interval), remaining))
        except KeyboardInterrupt:
            raise PollInterrupted(video_id) from None

    def create_and_poll(
        self, request: VideoRequest | None = None, *, timeout: float | None = None,
        on_progress: ProgressCallback | None = None, **fields: Any,
    ) -> Video:
        video = self.create(request, **fields)
        if on_progress is not None:
            on_progress(video)
        return self.poll(video.id, timeout=timeout, on_progress=on_progress)

    def generate(
        self, prompt: str | VideoRequest, *, path: str | Path | None = None, timeout: float | None = None,
        on_progress: ProgressCallback | None = None, **fields: Any,
    ) -> GenerationResult:
        """Create, wait, download: the finished MP4 (and its thumbnail) on disk.

        Raises `GenerationFailedError` (with the server's `code`, e.g. moderation_blocked) if the job fails.
        """
        request = prompt if isinstance(prompt, VideoRequest) else None
        if request is None:
            fields["prompt"] = prompt
        self.models()
        req = self.request_for(request, {k: v for k, v in fields.items() if k != "idempotency_key"})
        video = self.create_and_poll(req, timeout=timeout, on_progress=on_progress,
                                     idempotency_key=fields.get("idempotency_key"))
        if not video.ok:
            raise GenerationFailedError(video)
        return self.result_for(req, video, *self.fetch(video.id, path, url=job_url(video)))

    def fetch(self, video_id: str, path: str | Path | None = None, *,
              url: str | None = None) -> tuple[AtomicDownload, Path | None]:
        """The verified video (atomic download) and its thumbnail beside it, when there is one.
        `url` is the job's own (where a server uploaded the output), followed when the server says so."""
        sink = self._download(video_id, path, "video", url)
        try:
            thumb: Path | None = self.download(video_id, self.thumbnail_path(sink.target), variant="thumbnail")
        except SoraError:  # thumbnails are a nicety; some backends have none
            thumb = None
        return sink, thumb


class AsyncSoraClient(ClientCore):
    """The asyncio twin of `SoraClient`; `async with AsyncSoraClient() as c:`."""

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **options: Any,
    ) -> None:
        super().__init__(injected=http_client is not None or transport is not None, **options)
        self._http = http_client or httpx.AsyncClient(**self.new_http_kwargs(transport, asynchronous=True))
        self._owns_http = http_client is None
        #: openai-python's `client.videos`, awaited
        self.videos = AsyncVideos(self)

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncSoraClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _send(
        self, wire: WireRequest, *, stream: bool = False, idempotency_key: str | None = None
    ) -> httpx.Response:
        request = self.build(wire, idempotency_key)
        attempt = 0
        while True:
            try:
                response = await self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                delay = self.retry_delay(attempt, None)
                if delay is None:
                    raise self.connection_error(exc) from None
            else:
                if response.is_success:
                    return response
                body = await response.aread()
                await response.aclose()
                if self.backend.result_in_error(wire, response.status_code, body):
                    return response  # e.g. vLLM-Omni: a failed job's Video under its error status
                delay = self.retry_delay(attempt, response)
                if delay is None:
                    raise self.status_error(response, body)
            await _sleep(delay)
            attempt += 1

    async def _json(self, wire: WireRequest, idempotency_key: str | None = None) -> Any:
        return (await self._send(wire, idempotency_key=idempotency_key)).json()

    async def models(self) -> BackendCapabilities:
        wire = self.backend.models_request()
        if wire is not None and not self._caps_loaded:
            try:
                data = await self._json(wire)
            except SoraError:
                if not wire.optional:
                    raise
                data = None
            self.backend.set_capabilities(self.backend.parse_models(data))
            self._caps_loaded = True
        return self.capabilities

    async def create(
        self,
        request: VideoRequest | None = None,
        *,
        prompt: str | None = None,
        model: str | None = None,
        seconds: int | str | None = None,
        size: str | None = None,
        input_reference: Any = None,
        fit: Fit | None = None,
        idempotency_key: str | None = None,
        reservation: JobState | None = None,
        **more: Any,
    ) -> Video:
        await self.models()
        fields = _create_fields(prompt, model, seconds, size, input_reference=input_reference, fit=fit, **more)
        req = self.request_for(request, fields)
        return await self._paid("create", req, None, self.create_wire(req), idempotency_key, reservation)

    async def _paid(self, op: str, req: VideoRequest, parent_id: str | None, wire: WireRequest,
                    idempotency_key: str | None, reservation: JobState | None) -> Video:
        key, call = self.paid_call(op, req, parent_id, idempotency_key, reservation)
        try:
            video = self.backend.parse_video(await self._json(wire, key))
        except BaseException as exc:
            if call is not None:
                call.lost(exc)
            raise
        return self.accepted(call, video)

    async def retrieve(self, video_id: str) -> Video:
        return self.backend.parse_video(await self._json(self.backend.retrieve(video_id)))

    async def list(self, *, limit: int = 100, order: str = "desc", after: str | None = None) -> AsyncIterator[Video]:
        while True:
            data = await self._json(self.backend.list(after=after, limit=limit, order=order))
            page = self.backend.parse_page(data)
            for video in page.data:
                yield video
            if not page.has_more or not page.last_id:
                return
            after = page.last_id

    async def delete(self, video_id: str) -> DeletedVideo:
        return self.backend.parse_deleted(await self._json(self.backend.delete(video_id)), video_id)

    async def remix(self, video_id: str, prompt: str, *, idempotency_key: str | None = None,
                    reservation: JobState | None = None) -> Video:
        wire = self.feature_wire("remix", video_id, prompt)
        return await self._paid("remix", self.follow_up_request(video_id, prompt), video_id, wire,
                                idempotency_key, reservation)

    async def edit(self, video_id: str, prompt: str, *, idempotency_key: str | None = None,
                   reservation: JobState | None = None) -> Video:
        wire = self.feature_wire("edit", video_id, prompt)
        return await self._paid("edit", self.follow_up_request(video_id, prompt), video_id, wire,
                                idempotency_key, reservation)

    async def extend(
        self, video_id: str, prompt: str, seconds: int | None = None, *, idempotency_key: str | None = None,
        reservation: JobState | None = None,
    ) -> Video:
        wire = self.feature_wire("extend", video_id, prompt, seconds)
        return await self._paid("extend", self.follow_up_request(video_id, prompt, seconds), video_id, wire,
                                idempotency_key, reservation)

    async def download_content(self, video_id: str, variant: str = "video", *, index: int = 0) -> bytes:
        return checked_content(variant, (await self.content_response(video_id, variant, index)).content)

    async def content_response(self, video_id: str, variant: str = "video", index: int = 0) -> httpx.Response:
        self.target_path(video_id, None, variant)
        return await self._send(self.backend.content(video_id, variant, index))

    async def create_character(self, video: str | Path | bytes, name: str) -> VideoCharacter:
        require_feature(self.capabilities, self.default_for("model"), "characters")
        data = video if isinstance(video, bytes) else Path(video).read_bytes()
        return VideoCharacter.model_validate(await self._json(self.backend.character(name, data)))

    async def download(self, video_id: str, path: str | Path | None = None, *, variant: str = "video") -> Path:
        return (await self._download(video_id, path, variant)).target

    async def _download(self, video_id: str, path: str | Path | None, variant: str,
                        url: str | None = None) -> AtomicDownload:
        target = self.target_path(video_id, path, variant)
        attempt = 0
        while True:
            try:
                response = await self._send(self.backend.content(video_id, variant), stream=True)
            except APIStatusError as exc:
                if variant != "video" or not self.backend.content_elsewhere(exc):
                    raise
                return await self._download_stored(video_id, target,
                                                   url or job_url(await self.retrieve(video_id)))
            sink = AtomicDownload(target, variant)
            try:
                async for chunk in response.aiter_bytes():
                    sink.write(chunk)
                sink.commit()
                self.note_file(video_id, variant, sink)
                return sink
            except httpx.TransportError as exc:
                sink.abort()
                delay = self.retry_delay(attempt, None)
                if delay is None:
                    raise self.connection_error(exc) from None
            except BaseException:
                sink.abort()
                raise
            finally:
                await response.aclose()
            await _sleep(delay)
            attempt += 1

    async def _download_stored(self, video_id: str, target: Path, url: str | None) -> AtomicDownload:
        location = self.storage_location(video_id, url)
        attempt = 0
        async with httpx.AsyncClient(**self.storage_http_kwargs()) as http:
            while True:
                try:
                    async with http.stream("GET", location) as response:
                        if response.is_success:
                            sink = AtomicDownload(target, "video")
                            try:
                                async for chunk in response.aiter_bytes():
                                    sink.write(chunk)
                                sink.commit()
                            except BaseException:
                                sink.abort()
                                raise
                            self.note_file(video_id, "video", sink)
                            return sink
                        delay = self.retry_delay(attempt, response)
                        if delay is None:
                            raise self.storage_error(video_id, location, f"HTTP {response.status_code}")
                except httpx.TransportError as exc:
                    delay = self.retry_delay(attempt, None)
                    if delay is None:
                        reason = redact(str(exc) or type(exc).__name__, httpx.URL(location).query.decode())
                        raise self.storage_error(video_id, location, reason) from None
                except StorageDownloadError:
                    raise
                except DownloadError as exc:
                    raise self.storage_error(video_id, location, exc.message) from None
                await _sleep(delay)
                attempt += 1

    async def poll(
        self,
        video_id: str,
        *,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
        interval: float | None = None,
    ) -> Video:
        import asyncio  # see _sleep

        loop = asyncio.get_running_loop()
        start = loop.time()
        deadline = start + (timeout if timeout is not None else self.settings.poll_timeout)
        while True:
            response = await self._send(self.backend.retrieve(video_id))
            video = self.backend.parse_video(response.json())
            self.note(video)
            if on_progress is not None:
                on_progress(video)
            if video.done:
                return video
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise PollTimeoutError(video_id, loop.time() - start)
            await _sleep(min(self.poll_delay(response, interval), remaining))

    async def create_and_poll(
        self, request: VideoRequest | None = None, *, timeout: float | None = None,
        on_progress: ProgressCallback | None = None, **fields: Any,
    ) -> Video:
        video = await self.create(request, **fields)
        if on_progress is not None:
            on_progress(video)
        return await self.poll(video.id, timeout=timeout, on_progress=on_progress)

    async def generate(
        self, prompt: str | VideoRequest, *, path: str | Path | None = None, timeout: float | None = None,
        on_progress: ProgressCallback | None = None, **fields: Any,
    ) -> GenerationResult:
        request = prompt if isinstance(prompt, VideoRequest) else None
        if request is None:
            fields["prompt"] = prompt
        await self.models()
        req = self.request_for(request, {k: v for k, v in fields.items() if k != "idempotency_key"})
        video = await self.create_and_poll(req, timeout=timeout, on_progress=on_progress,
                                           idempotency_key=fields.get("idempotency_key"))
        if not video.ok:
            raise GenerationFailedError(video)
        return self.result_for(req, video, *await self.fetch(video.id, path, url=job_url(video)))

    async def fetch(self, video_id: str, path: str | Path | None = None, *,
                    url: str | None = None) -> tuple[AtomicDownload, Path | None]:
        sink = await self._download(video_id, path, "video", url)
        try:
            thumb: Path | None = await self.download(video_id, self.thumbnail_path(sink.target), variant="thumbnail")
        except SoraError:
            thumb = None
        return sink, thumb
