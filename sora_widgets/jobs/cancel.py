"""What "cancel" can truthfully promise on each backend, and doing it.

The one source of truth is the backend's own capability data (`Backend.delete_stops_render` and
`operations`, read from each server's source, see sora_widgets/backends/): where DELETE stops the
render (the embedded server, vLLM-Omni), Cancel deletes the job on the server and it ends
`cancelled`. Where it does not (SGLang forgets the record while the GPU keeps rendering) or where no
one documents what it does (OpenAI, LiteLLM, OpenRouter), we cannot stop the work: the button says
"Stop waiting", the job ends `interrupted` (its money stays reserved, a resume picks it up), and no
text ever says "stopped". The card, `%sora cancel` and the CLI all word it from `cancel_effect`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..backends.registry import BACKENDS, canonical_kind

if TYPE_CHECKING:
    from ..backends.base import Backend
    from ..client import AsyncSoraClient, SoraClient
    from .state import Job

#: the job's error text when the server confirmed it stopped rendering
STOPPED_ON_SERVER = "cancelled; the server stopped rendering it"


@dataclass(frozen=True)
class CancelEffect:
    """What cancelling a running job does on one backend, in the words the UI uses."""

    #: True when the server stops the work when asked (so the job can end `cancelled`)
    stops: bool
    #: the card's button
    label: str
    #: the button's tooltip: what will happen, before the user clicks
    tooltip: str
    #: one line after a cancel (magic, CLI): what happened
    done_line: str
    #: the final status a cancel leads to on this backend
    status: str


def cancel_effect(backend: Backend | str) -> CancelEffect:
    """The truthful cancel for `backend`: an adapter (a client's or runner's `.backend`, which
    resolves profiles and dialects), or a backend kind such as "sglang"."""
    if isinstance(backend, str):
        kind = canonical_kind(backend)
        cls = BACKENDS.get(kind)
    else:
        cls, kind = type(backend), backend.kind
    stops = bool(cls is not None and cls.delete_stops_render is True and "delete" in cls.operations)
    if stops:
        return CancelEffect(True, "Cancel", "Stop this job: the server stops rendering it (it ends cancelled)",
                            "cancelled: the server was asked to stop rendering it", "cancelled")
    why = ("its DELETE forgets the job but the render goes on"
           if cls is not None and cls.delete_stops_render is False and "delete" in cls.operations
           else "it offers no way to stop a render")
    return CancelEffect(False, "Stop waiting",
                        f"Stop waiting for this job: the {kind} server keeps rendering it ({why}); "
                        "resume picks it up later",
                        f"stopped waiting; the {kind} server keeps rendering it ({why}), and resume picks it up",
                        "interrupted")


def request_cancel(job: Job, backend: Backend | str | None = None) -> CancelEffect:
    """Cancel a running job of this session as its backend allows (thread-safe). Where the server
    cannot stop the work, only the waiting stops: the job ends resumable, its money still held."""
    effect = cancel_effect(backend if backend is not None else job.state.backend)
    if not effect.stops:
        job.interrupted = True
    job.cancel()
    return effect


async def stop_on_server(client: AsyncSoraClient, video_id: str | None) -> str:
    """After a cancel on a backend whose DELETE stops the render: ask it to, and say what happened."""
    from ..errors import SoraError

    if not video_id:
        return "cancelled before the server named the job"
    if not cancel_effect(client.backend).stops:
        return "cancelled here; the server keeps rendering it"
    try:
        gone = await client.delete(video_id)
    except SoraError as exc:
        return f"cancelled here, but the server could not be asked to stop ({exc})"
    return STOPPED_ON_SERVER if gone.stopped else "cancelled here; the server did not confirm it stopped rendering"


def stop_on_server_sync(client: SoraClient, video_id: str | None) -> str:
    """`stop_on_server` for a job recorded in the ledger by another process (the CLI)."""
    from ..errors import SoraError

    if not video_id or not cancel_effect(client.backend).stops:
        return "cancelled here; no resume will pick it up, and the server keeps rendering it"
    try:
        gone = client.delete(video_id)
    except SoraError as exc:
        return f"cancelled here, but the server could not be asked to stop ({exc})"
    return STOPPED_ON_SERVER if gone.stopped else "cancelled here; the server did not confirm it stopped rendering"
