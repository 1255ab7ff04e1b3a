"""Everything the sync and async clients share, none of it doing network I/O.

The twins in `client.py` only send requests and sleep; building requests, deciding about retries,
reading poll hints, mapping errors and writing downloads atomically all live here.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import queue
import random
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from pydantic import ValidationError

from .backends import Backend, WireRequest, backend_for
from .backends.registry import require_feature
from .capabilities import BackendCapabilities, resolve
from .config import Settings
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    DownloadError,
    StorageDownloadError,
    from_validation_error,
    redact,
)
from .models import Video, VideoRequest, sniff_image_mime

if TYPE_CHECKING:
    from .jobs.paid import PaidCall
    from .jobs.state import JobState
    from .results import GenerationResult

MAX_RETRY_AFTER = 120.0
RETRY_STATUSES = frozenset({408, 409, 429})
VARIANT_SUFFIX = {"video": ".mp4", "thumbnail": ".webp", "spritesheet": ".jpg"}
ProgressCallback = Callable[[Video], Any]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(video_id: str) -> str:
    """A file name derived from a server id that cannot climb out of a folder."""
    name = _UNSAFE.sub("_", video_id).strip("._")[:120]
    return name or "video"


class ClientCore:
    """Configuration, endpoint resolution and I/O-free request logic for both clients."""

    def __init__(
        self,
        *,
        backend: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        settings: Settings | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
        poll_interval: float | None = None,
        poll_timeout: float | None = None,
        output_dir: str | Path | None = None,
        dialect: str | None = None,
        injected: bool = False,
    ) -> None:
        base = settings or Settings()
        self.settings = base.with_(
            backend=backend,
            base_url=base_url,
            max_retries=max_retries,
            timeout=timeout,
            poll_interval=poll_interval,
            poll_timeout=poll_timeout,
            output_dir=Path(output_dir) if output_dir is not None else None,
            dialect=dialect,
        )
        self.backend: Backend = backend_for(self.settings)
        self._api_key_override = api_key
        self._injected = injected
        self._endpoint: tuple[str, str | None] | None = None
        self._caps_loaded = not self.backend.dynamic_capabilities
        #: server ids of the paid jobs this client reserved itself -> last status seen (see `note`)
        self._tracked: dict[str, str] = {}

    def __repr__(self) -> str:  # never shows the key
        return f"{type(self).__name__}(backend={self.settings.backend!r}, base_url={self.settings.base_url!r})"

    # -- endpoint ---------------------------------------------------------------------------
    def endpoint(self) -> tuple[str, str | None]:
        """(base_url, api_key), starting the embedded server the first time for `local`."""
        if self._endpoint is None:
            self._endpoint = self._resolve_endpoint()
        return self._endpoint

    def _resolve_endpoint(self) -> tuple[str, str | None]:
        s = self.settings
        key = self._api_key_override or s.resolved_api_key(self.backend.key_envs)
        url = s.base_url or s.profile().get("base_url")
        if self.backend.kind == "local" and not url:
            if self._injected:
                return "http://sora.local/v1", key
            from .server.embedded import ensure_server

            server = ensure_server()
            return server.base_url, server.api_key
        url = url or self.backend.default_base_url
        if not url:
            raise ConfigurationError(
                f"no base URL for the {s.backend!r} backend", hint="set SORA_BASE_URL, e.g. http://127.0.0.1:8000/v1"
            )
        if key is None and self.backend.requires_key:
            names = " or ".join(("SORA_API_KEY", *self.backend.key_envs))
            raise ConfigurationError(
                f"no API key for the {s.backend!r} backend", hint=f"set {names} (e.g. %env {names.split()[0]}=...)"
            )
        return str(url).rstrip("/"), key

    def own_settings(self) -> Settings:
        """The settings, including a key passed to the constructor (for runners built from a client)."""
        return self.settings.with_(api_key=self._api_key_override) if self._api_key_override else self.settings

    def secrets(self) -> tuple[str | None, ...]:
        return (self._api_key_override, self._endpoint[1] if self._endpoint else None)

    # -- building requests ------------------------------------------------------------------
    def build(self, wire: WireRequest, idempotency_key: str | None = None) -> httpx.Request:
        base, key = self.endpoint()
        headers = {"Accept": "application/json", **self.backend.auth_headers(key), **wire.headers}
        if wire.creates:
            headers["Idempotency-Key"] = idempotency_key or f"sora-widgets-{uuid.uuid4().hex}"
        url = base + wire.path
        if wire.files or wire.data:
            return httpx.Request(
                wire.method, url, params=wire.params, headers=headers, data=wire.data, files=wire.files
            )
        return httpx.Request(wire.method, url, params=wire.params, headers=headers, json=wire.json)

    def new_http_kwargs(self, transport: Any = None, *, asynchronous: bool = False) -> dict[str, Any]:
        timeout = httpx.Timeout(self.settings.timeout, connect=self.settings.connect_timeout)
        kwargs: dict[str, Any] = {"timeout": timeout, "follow_redirects": True, "transport": transport}
        if transport is None and self._plain_http():
            from ._transport import plain_http_transports

            kwargs.update(plain_http_transports(asynchronous))
        return kwargs

    def _plain_http(self) -> bool:
        """Whether the server speaks plain http: the embedded server, or an http:// base URL."""
        url = self.settings.base_url or self.settings.profile().get("base_url") or self.backend.default_base_url
        return str(url).startswith("http://") if url else self.backend.kind == "local"

    def request_for(self, request: VideoRequest | None, fields: dict[str, Any]) -> VideoRequest:
        """A complete, validated request from a VideoRequest and/or openai-style keyword arguments."""
        data = request.model_dump() if request is not None else {}
        if request is not None:
            data["input_reference"] = request.input_reference
        data.update({k: v for k, v in fields.items() if v is not None})
        for name in ("model", "seconds", "size"):
            default = self.default_for(name)
            if data.get(name) is None and default is not None:
                if name == "size" and data.get("resolution"):
                    continue
                data[name] = default
        try:
            request = VideoRequest.model_validate(data)
        except ValidationError as exc:
            raise from_validation_error(exc) from None
        return resolve(request, self.capabilities)

    def default_for(self, name: str) -> Any:
        """A request default: the settings' value, else the named profile's (model, seconds, size)."""
        value = getattr(self.settings, name)
        return value if value is not None else self.settings.profile().get(name)

    def create_wire(self, req: VideoRequest) -> WireRequest:
        ref = None
        if req.input_reference is not None:
            from .media import prepare_reference

            ref = prepare_reference(req.input_reference, req.size, req.fit)
        return self.backend.create(req, ref)

    def feature_wire(self, feature: str, video_id: str, prompt: str, seconds: int | None = None) -> WireRequest:
        if not prompt or not prompt.strip():
            from .errors import InvalidRequestError

            raise InvalidRequestError(f"{feature} needs a prompt describing the change", param="prompt")
        require_feature(self.capabilities, self.default_for("model"), feature)
        if feature == "remix":
            return self.backend.remix(video_id, prompt)
        if feature == "edit":
            return self.backend.edit(video_id, prompt)
        return self.backend.extend(video_id, prompt, seconds or self.capabilities.model(None).seconds_default)

    # -- money: every paid call is reserved in the ledger first (jobs/paid.py) ------------------
    def paid_call(self, op: str, req: VideoRequest, parent_id: str | None, idempotency_key: str | None,
                  reservation: JobState | None) -> tuple[str, PaidCall | None]:
        """(the Idempotency-Key to send, the reserved call) for a paid request. A runner passes the
        `reservation` it already made; anything else reserves here, over budget raising before
        anything is sent."""
        if reservation is not None:
            return idempotency_key or reservation.idempotency_key, None
        self.endpoint()  # a missing key or URL is refused before anything is reserved
        from .capabilities import estimate_cost
        from .jobs.paid import open_paid

        try:
            cost = estimate_cost(req, self.capabilities)
        except ValueError:  # an unknown model: the server will refuse it, and a refusal costs nothing
            cost = 0.0
        call = open_paid(self.settings, backend=self.settings.backend, op=op, request=req, cost=cost,
                         parent_id=parent_id, idempotency_key=idempotency_key, base_url=self.settings.base_url)
        return call.idempotency_key, call

    def follow_up_request(self, video_id: str, prompt: str, seconds: int | None = None) -> VideoRequest:
        """What a remix/edit/extend of `video_id` is recorded (and estimated) as."""
        from .jobs.ledger import Ledger

        row = Ledger(self.settings.output_dir).get(video_id)
        model = (row or {}).get("model") or self.default_for("model")
        try:
            return self.request_for(None, {"prompt": prompt, "model": model, "seconds": seconds})
        except ValueError:
            return VideoRequest(prompt=prompt, model=model)

    def accepted(self, call: PaidCall | None, video: Video) -> Video:
        if call is not None:
            call.accepted(video)
            self._tracked[video.id] = video.status
        return video

    def note(self, video: Video) -> None:
        """Keep the ledger row of a job this client reserved current (status changes only)."""
        if self._tracked.get(video.id, video.status) == video.status:
            return
        from .jobs.paid import note_video

        self._tracked[video.id] = video.status
        note_video(self.settings, video)

    def note_file(self, video_id: str, variant: str, sink: AtomicDownload) -> None:
        if variant == "video" and video_id in self._tracked:
            from .jobs.paid import note_file

            note_file(self.settings, video_id, str(sink.target), sink.sha256)

    @property
    def capabilities(self) -> BackendCapabilities:
        return self.backend.capabilities

    # -- retries ----------------------------------------------------------------------------
    def retry_delay(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before retry number `attempt + 1`, or None when not to retry."""
        if attempt >= self.settings.max_retries:
            return None
        if response is not None:
            should = response.headers.get("x-should-retry")
            if should == "false":
                return None
            if should != "true" and not (
                response.status_code in RETRY_STATUSES or response.status_code >= 500
            ):
                return None
            hinted = retry_after(response.headers)
            if hinted is not None:
                return hinted if hinted <= MAX_RETRY_AFTER else None
        return min(0.5 * 2**attempt, 8.0) * (1 - 0.25 * random.random())

    def connection_error(self, exc: Exception) -> APIConnectionError:
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError()
        reason = redact(str(exc) or type(exc).__name__, *self.secrets())
        return APIConnectionError(f"could not reach the video server ({reason})")

    def status_error(self, response: httpx.Response, body: bytes) -> APIStatusError:
        headers = {k.lower(): v for k, v in response.headers.items()}
        return self.backend.parse_error(response.status_code, body, headers, secrets=self.secrets())

    def poll_delay(self, response: httpx.Response, interval: float | None) -> float:
        """Caller's interval, else the server's `openai-poll-after-ms` hint (re-read every time)."""
        if interval is not None:
            return interval
        hint = response.headers.get("openai-poll-after-ms")
        if hint:
            try:
                return max(0.05, float(hint) / 1000.0)
            except ValueError:
                pass
        return max(self.settings.poll_interval, self.backend.min_poll_interval)

    # -- downloads --------------------------------------------------------------------------
    def target_path(self, video_id: str, path: str | Path | None, variant: str) -> Path:
        if variant not in VARIANT_SUFFIX:
            from .errors import InvalidRequestError

            raise InvalidRequestError(
                f"unknown variant {variant!r}", param="variant", hint="use video, thumbnail or spritesheet"
            )
        suffix = ("" if variant == "video" else f".{variant}") + VARIANT_SUFFIX[variant]
        name = safe_name(video_id) + suffix
        if path is None:
            folder = self.settings.output_dir.resolve()
            target = (folder / name).resolve()
            if target.parent != folder:  # belt and braces: safe_name already forbids separators
                raise DownloadError(f"refusing to write outside {folder}")
            return target
        p = Path(path).expanduser()
        return (p / name) if p.is_dir() else p


    # -- object storage: the server uploaded the output and answers content with its URL --------
    def storage_location(self, video_id: str, url: str | None) -> str:
        """The job's `url`, checked (absolute http or https), else a final one-line error."""
        if not url:
            raise StorageDownloadError(
                f"video {video_id} was uploaded to object storage by the server, but the job carries no url",
                hint="the server keeps no copy; ask its operator where the output bucket is")
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL:
            parsed = None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
            raise StorageDownloadError(f"video {video_id}'s storage url {shown_url(url)!r} is not an http(s) URL",
                                       hint="the server keeps no copy; fetch the file from the bucket yourself")
        return url

    def storage_error(self, video_id: str, url: str, reason: str) -> StorageDownloadError:
        return StorageDownloadError(
            f"could not download video {video_id} from its storage URL {shown_url(url)} ({reason})",
            hint="the server keeps no copy: check that this machine can reach that storage, "
                 "then download the job's `url`")

    def storage_http_kwargs(self) -> dict[str, Any]:
        """A separate, plain HTTP client for the storage host: none of our headers (never our key),
        and not our transport, which talks to the video server only."""
        timeout = httpx.Timeout(self.settings.timeout, connect=self.settings.connect_timeout)
        return {"timeout": timeout, "follow_redirects": True}

    @staticmethod
    def thumbnail_path(video_path: Path) -> Path:
        return video_path.with_suffix(".thumbnail.webp")

    def result_for(self, req: VideoRequest, video: Video, sink: AtomicDownload, thumb: Path | None) -> GenerationResult:
        from .capabilities import estimate_cost
        from .results import GenerationResult

        cost = video.cost if video.cost is not None else estimate_cost(req, self.capabilities)
        return GenerationResult(request=req, video=video, path=sink.target, thumbnail=thumb,
                                backend=self.settings.backend, cost=cost, sha256=sink.sha256)


def job_url(video: Video | None) -> str | None:
    """The `url` a server put on the job (SGLang: where it uploaded the output), if any."""
    url = (video.model_extra or {}).get("url") if video is not None else None
    return url if isinstance(url, str) and url else None


def shown_url(url: str) -> str:
    """`url` without its query, fragment or user info: presigned URLs carry their signature there."""
    try:
        u = httpx.URL(url)
    except httpx.InvalidURL:
        return url.split("?", 1)[0].split("#", 1)[0][:120]
    port = f":{u.port}" if u.port else ""
    return f"{u.scheme}://{u.host}{port}{u.path}" if u.host else url.split("?", 1)[0][:120]


def retry_after(headers: httpx.Headers) -> float | None:
    """`retry-after-ms`, else `retry-after` as seconds or an HTTP date; None when absent/invalid."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            value = float(ms) / 1000.0
            if value > 0:
                return value
        except ValueError:
            pass
    ra = headers.get("retry-after")
    if not ra:
        return None
    try:
        value = float(ra)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(ra) if ra else None
        if parsed is None:
            return None
        value = parsed.timestamp() - time.time()
    return value if value > 0 else None


def content_mismatch(variant: str, head: bytes) -> str | None:
    """Why the first bytes of a download are not what `variant` asked for, or None when they are.

    A video must be an MP4 (an `ftyp` box at offset 4); a thumbnail or spritesheet must be an image
    (PNG, JPEG, WebP, GIF). Servers that ignore `variant` (LiteLLM's proxy) answer a thumbnail
    request with the MP4, which must not be saved as a .webp.
    """
    is_mp4 = head[4:8] == b"ftyp"
    if variant == "video":
        return None if is_mp4 else "the downloaded video is not an MP4 (no ftyp box)"
    if sniff_image_mime(head) is not None:
        return None
    got = "an MP4 video" if is_mp4 else "not an image"
    return f"the server answered the {variant} request with {got}"


def checked_content(variant: str, data: bytes) -> bytes:
    """`data` when it is what `variant` asked for; a one-line `DownloadError` otherwise."""
    problem = content_mismatch(variant, data[:12])
    if problem is not None:
        raise DownloadError(problem, hint="the server ignored the requested variant or sent an error page")
    return data


class AtomicDownload:
    """Stream chunks into a temp file beside the target; verify; rename into place.

    Memory stays flat whatever the file size (at most `QUEUED` chunks wait). Writing and hashing
    run on a helper thread (both release the GIL), so they overlap with reading the network. The
    video variant must be a non-empty MP4 (an `ftyp` box at offset 4), so an error page saved as
    `.mp4` can never look like a success.
    """

    QUEUED = 64  # chunks as the network delivers them (~64 KB each): a few MB in flight at most

    def __init__(self, target: Path, variant: str) -> None:
        self.target = target
        self.variant = variant
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        self._fh = os.fdopen(fd, "wb")
        self._tmp = Path(tmp)
        self._head = b""
        self.size = 0
        self._sha = hashlib.sha256()
        self._queue: queue.Queue[bytes | None] = queue.Queue(self.QUEUED)
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._drain, name="sora-download", daemon=True)
        self._worker.start()

    def _drain(self) -> None:
        done = False
        while not done:
            batch: list[bytes] = []
            item = self._queue.get()
            while item is not None:
                batch.append(item)
                if len(batch) >= 16 or self._queue.empty():
                    break
                item = self._queue.get_nowait()  # coalesce: fewer, larger writes and hash updates
            done = item is None
            if batch and self._error is None:
                data = b"".join(batch) if len(batch) > 1 else batch[0]
                try:
                    self._fh.write(data)
                    self._sha.update(data)
                except BaseException as exc:  # reported by commit(); keep draining so write() never blocks
                    self._error = exc

    def _stop_worker(self) -> None:
        if self._worker.is_alive():
            self._queue.put(None)
            self._worker.join()

    def write(self, chunk: bytes) -> None:
        if len(self._head) < 12:
            self._head += chunk[: 12 - len(self._head)]
        self.size += len(chunk)
        self._queue.put(chunk)

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    def commit(self) -> Path:
        self._stop_worker()
        self._fh.close()
        if self._error is not None:
            self.abort()
            raise DownloadError(f"could not write {self.target.name}: {self._error}",
                                hint="check the disk space and permissions of the output folder")
        if self.size == 0:
            self.abort()
            raise DownloadError(f"the server sent an empty {self.variant} file", hint="retry the download")
        problem = content_mismatch(self.variant, self._head)
        if problem is not None:
            self.abort()
            raise DownloadError(f"{problem}; nothing was saved as {self.target.name}",
                                hint="the server ignored the requested variant or sent an error page; "
                                     "retry, or download the video itself")
        os.replace(self._tmp, self.target)
        return self.target

    def abort(self) -> None:
        self._stop_worker()
        if not self._fh.closed:
            self._fh.close()
        self._tmp.unlink(missing_ok=True)
