"""Finding a lost job on the server without guessing (I/O-free; the runner does the listing).

A create whose answer never came (timeout, dropped connection, killed kernel) leaves a ledger row
with an intent but no server id. On backends that de-duplicate by Idempotency-Key the runner
replays the key. Elsewhere it lists the server's recent jobs and keeps those that

- match the request's full fingerprint: prompt, model, size (or resolution and aspect ratio),
  seconds, seed and the reference image's hash wherever the server reports them, and the source
  video for a remix/edit/extend;
- were created inside the time window of the lost create;
- are not already attached to another ledger row (three variations of one prompt are three rows
  and three videos: each row may take only a video nobody else holds).

One candidate left: it is this job. None: unknown (never created again: that could bill twice).
Several: the job waits for the user's choice (`needs_choice`), candidates listed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SoraError
from ..models import ImageReference, Video, VideoRequest
from .state import JobState

if TYPE_CHECKING:
    from ..client import AsyncSoraClient


class NotFound(SoraError):
    def __init__(self) -> None:
        super().__init__(
            "could not find this job on the server, and it was not created again (that could bill twice)",
            hint="submit it again if you still want it",
        )


class Ambiguous(SoraError):
    def __init__(self, candidates: list[str]) -> None:
        self.candidates = candidates
        super().__init__(
            f"{len(candidates)} jobs on the server match this one ({', '.join(candidates)}); "
            "not attaching any of them without your choice",
            hint="pick one with %sora resume KEY VIDEO_ID (or runner.choose(key, video_id))",
        )


def fingerprint(request: VideoRequest) -> dict[str, Any]:
    """The fields that identify a request on the server (None = not part of this request)."""
    ref = request.input_reference
    return {
        "prompt": request.prompt.strip(),
        "model": request.model,
        "size": request.size,
        "resolution": request.resolution,
        "aspect_ratio": request.aspect_ratio,
        "seconds": request.seconds,
        "seed": request.seed,
        "reference_sha256": reference_sha256(ref) if ref is not None else None,
    }


def reference_sha256(ref: ImageReference) -> str | None:
    """The hash of a reference image's bytes (of its URL for a URL); None if the file is gone."""
    if ref.kind == "bytes":
        return hashlib.sha256(ref.data or b"").hexdigest()
    if ref.kind == "url":
        return hashlib.sha256((ref.url or "").encode()).hexdigest()
    try:
        return hashlib.sha256(Path(ref.path or "").read_bytes()).hexdigest()
    except OSError:
        return None


def _reported(video: Video, name: str) -> Any:
    """What the server reports for a fingerprint field (extra keys included), None if nothing."""
    if name == "reference_sha256":
        extra = video.model_extra or {}
        return extra.get("input_reference_sha256") or extra.get("reference_sha256")
    value = getattr(video, name, None)
    if value is None:
        value = (video.model_extra or {}).get(name)
    return value


def matches(state: JobState, video: Video) -> bool:
    """True when nothing the server reports about `video` contradicts the job's fingerprint."""
    for name, want in fingerprint(state.request).items():
        if want is None or (state.op != "create" and name not in ("prompt", "model")):
            continue  # a remix/edit/extend takes its size and length from its source, not the request
        got = _reported(video, name)
        if got is None:
            continue  # the server does not say: it cannot tell jobs apart by this field
        if str(got).strip() != str(want).strip():
            return False
    if state.op != "create" and state.parent_id:
        source = video.remixed_from_video_id or (video.model_extra or {}).get("source_video_id")
        if source is not None and source != state.parent_id:
            return False
    return True


def candidates_for(state: JobState, videos: Iterable[Video], claimed: set[str], *, window: float) -> list[Video]:
    """The server jobs that could be `state`: fingerprint match, created between the intent
    (minus two minutes of clock skew) and the end of the create's retries (`window` seconds
    after it was sent), and not claimed by another ledger row."""
    start = state.created_at - 120.0
    end = (state.submitted_at or state.created_at) + window
    out = []
    for video in videos:
        if video.id in claimed:
            continue
        created = video.created_at
        if created is not None and not start <= created <= end:
            continue
        if matches(state, video):
            out.append(video)
    return out


async def recent(client: AsyncSoraClient, since: float) -> AsyncIterator[Video]:
    """The server's jobs, newest first, down to `since` (a listing error ends the search)."""
    try:
        async for video in client.list(limit=100, order="desc"):
            if video.created_at is not None and video.created_at < since:
                return
            yield video
    except SoraError:
        return


def remove_stale_parts(target: Path, older_than: float = 60.0) -> None:
    """Temp files of downloads a killed process left beside `target` (a live download touches its
    file all the time, so only parts idle for a minute are removed)."""
    now = time.time()
    for part in target.parent.glob(f".{target.name}.*.part"):
        try:
            if now - part.stat().st_mtime > older_than:
                part.unlink()
        except OSError:
            pass
