"""SGLang with cloud storage: the output lives at the job's `url`, and content answers 400 naming it.

The SGLang fake (tests/backends/peers/sglang.py, `upload_to`) replays `download_video_content`; the
bucket is a real HTTP server on loopback that records every request's headers, so the tests can
prove our key never reaches the storage host.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from sora_widgets.config import Settings
from sora_widgets.errors import StorageDownloadError
from sora_widgets.jobs import JobRunner, reset_default_runner, reset_session_spend

from ..conftest import call
from ..fakes import MP4
from .peers import SGLangFake

KEY = "sglang-storage-SECRET-0123456789abcdef"
SIGNATURE = "X-Amz-Signature=deadbeefcafe0123"


@dataclass
class Bucket:
    """A loopback object store: GET /bucket/<name> answers `body` with `status`."""

    body: bytes = MP4
    status: int = 200
    headers_seen: list[dict[str, str]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/bucket"


@pytest.fixture
def bucket() -> Iterator[Bucket]:
    store = Bucket()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            store.headers_seen.append({k.lower(): v for k, v in self.headers.items()})
            self.send_response(store.status)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Length", str(len(store.body)))
            self.end_headers()
            self.wfile.write(store.body)

        def log_message(self, *args: Any) -> None:
            pass

    store.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=store.server.serve_forever, daemon=True)
    thread.start()
    yield store
    store.server.shutdown()
    store.server.server_close()


@pytest.fixture(autouse=True)
def _fresh() -> None:
    reset_session_spend()
    reset_default_runner()


class NoUrlFake(SGLangFake):
    """Uploaded to storage, but the job as retrieved carries no `url` (nothing to follow)."""

    def _public(self, job: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in job.items() if k != "url"}


def _no_key_sent(bucket: Bucket) -> None:
    assert bucket.headers_seen, "the storage server was never asked"
    for headers in bucket.headers_seen:
        assert "authorization" not in headers and "x-api-key" not in headers
        assert KEY not in " ".join(headers.values())


async def test_generate_downloads_from_the_jobs_url_without_our_key(on_peer, bucket: Bucket) -> None:
    fake = SGLangFake(steps=1, upload_to=bucket.url)
    client = on_peer("sglang", fake, api_key=KEY)
    result = await call(client, "generate", "a koi pond at dawn", seconds=4, size="832x480")
    assert result.path.read_bytes() == MP4 and result.path.suffix == ".mp4"
    assert result.sha256 == hashlib.sha256(MP4).hexdigest()
    assert [r.headers["authorization"] for r in fake.sent("GET", "/content")] == [f"Bearer {KEY}"]
    _no_key_sent(bucket)
    assert not list(result.path.parent.glob("*.part"))


async def test_download_by_id_reads_the_url_from_the_job(on_peer, bucket: Bucket, tmp_path: Path) -> None:
    fake = SGLangFake(steps=1, upload_to=bucket.url)
    client = on_peer("sglang", fake, api_key=KEY)
    video = await call(client, "create", prompt="x")
    await call(client, "poll", video.id, interval=0)
    path = await call(client, "download", video.id, tmp_path / "mine.mp4")
    assert path.read_bytes() == MP4
    _no_key_sent(bucket)


async def test_storage_answering_an_error_page_saves_nothing(on_peer, bucket: Bucket) -> None:
    bucket.body = b"<Error><Code>AccessDenied</Code></Error>"
    fake = SGLangFake(steps=1, upload_to=bucket.url)
    client = on_peer("sglang", fake, api_key=KEY)
    video = await call(client, "create", prompt="x")
    await call(client, "poll", video.id, interval=0)
    with pytest.raises(StorageDownloadError, match="not an MP4") as info:
        await call(client, "download", video.id)
    assert "\n" not in str(info.value)
    out = client.settings.output_dir
    assert not out.exists() or not [p for p in out.iterdir() if p.suffix in (".mp4", ".part")]


async def test_storage_status_error_is_one_line_without_the_signature(on_peer, bucket: Bucket) -> None:
    bucket.status = 403
    fake = SGLangFake(steps=1, upload_to=f"{bucket.url}/signed")
    client = on_peer("sglang", fake, api_key=KEY)
    video = await call(client, "create", prompt="x")
    done = await call(client, "poll", video.id, interval=0)
    url = f"{done.url}?{SIGNATURE}"  # a presigned URL: its query is a credential
    with pytest.raises(StorageDownloadError) as info:
        await call(client, "fetch", video.id, url=url)
    text = str(info.value)
    assert "HTTP 403" in text and f"{bucket.url}/signed/{video.id}.mp4" in text
    assert SIGNATURE not in text and "\n" not in text
    _no_key_sent(bucket)


def _runner(fake: SGLangFake, out: Path) -> JobRunner:
    settings = Settings(_env_file=None, backend="sglang", base_url="http://sglang.test/v1",  # type: ignore[call-arg]
                        api_key=KEY, output_dir=out, max_retries=0, poll_interval=0.01)
    return JobRunner(settings, transport=fake.transport(), sync_transport=fake.transport())


def test_job_runner_completes_from_the_storage_url(bucket: Bucket, tmp_path: Path) -> None:
    fake = SGLangFake(steps=1, upload_to=bucket.url)
    state = _runner(fake, tmp_path / "out").run("a koi pond at dawn")
    assert state.status == "completed", state.error
    assert state.path is not None and Path(state.path).read_bytes() == MP4
    assert state.sha256 == hashlib.sha256(MP4).hexdigest()
    _no_key_sent(bucket)


def test_job_runner_unreachable_storage_is_a_final_one_line_failure(bucket: Bucket, tmp_path: Path) -> None:
    assert bucket.server is not None
    url = bucket.url
    bucket.server.shutdown()
    bucket.server.server_close()  # nothing listens there any more
    fake = SGLangFake(steps=1, upload_to=url)
    runner = _runner(fake, tmp_path / "out")
    state = runner.run("x")
    assert state.status == "failed"  # not "interrupted": the server keeps no copy to resume from
    assert state.error is not None and "\n" not in state.error
    assert "could not download video" in state.error and "storage URL" in state.error
    assert "resume" not in state.error
    assert runner.ledger.unfinished() == []


def test_job_runner_without_a_url_is_a_final_one_line_failure(bucket: Bucket, tmp_path: Path) -> None:
    fake = NoUrlFake(steps=1, upload_to=bucket.url)
    state = _runner(fake, tmp_path / "out").run("x")
    assert state.status == "failed"
    assert state.error is not None and "\n" not in state.error and "resume" not in state.error
    assert "uploaded to object storage" in state.error and "carries no url" in state.error
    assert bucket.headers_seen == []


def test_storage_client_never_carries_our_headers() -> None:
    """Belt and braces beside the loopback checks: the storage client's options hold no headers."""
    from sora_widgets import SoraClient

    client = SoraClient(backend="sglang", base_url="http://sglang.test/v1", api_key=KEY,
                        settings=Settings(_env_file=None))  # type: ignore[call-arg]
    kwargs = client.storage_http_kwargs()
    assert "headers" not in kwargs and "auth" not in kwargs
    with httpx.Client(**kwargs) as http:
        assert "authorization" not in http.headers
