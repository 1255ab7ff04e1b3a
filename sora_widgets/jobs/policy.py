"""Orchestration policy the views share (Studio, magics, CLI, storyboards): decided once, here.

- `submit_variations`: N versions of one request as one ledger group with one naming of labels
  (the seeds differ where the model takes one: `JobRunner.variations`).
- `follow_up_fields`: a remix/edit/extend keeps its source's model unless told otherwise, so it is
  validated (lengths, sizes) against the model that will actually run it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models import VideoRequest
    from .runner import JobRunner
    from .state import Job


def submit_variations(runner: JobRunner, request: VideoRequest, n: int, *, op: str = "create",
                      parent_id: str | None = None, label: str = "", background: bool = False) -> list[Job]:
    """Start `n` versions of `request` (one job when n is 1); they share a ledger group when n > 1.

    Labels read "variation 2/3" (plus ` · label` when given); all are budgeted before any is sent."""
    requests = runner.variations(request, n)
    if len(requests) == 1:
        return runner.submit_many(requests, op=op, parent_id=parent_id, labels=[label], background=background)
    labels = [f"variation {i + 1}/{n}" + (f" · {label}" if label else "") for i in range(n)]
    return runner.submit_many(requests, op=op, parent_id=parent_id, labels=labels, background=background,
                              group_id=f"variations-{uuid.uuid4().hex[:12]}")


def follow_up_fields(runner: JobRunner, fields: dict[str, Any], op: str, parent_id: str | None) -> dict[str, Any]:
    """`fields` with the source video's model when a follow-up names none (ledger first, else the server)."""
    if op != "create" and parent_id and not fields.get("model"):
        model = runner.source_model(parent_id)
        if model:
            return {**fields, "model": model}
    return fields


def follow_up_request(runner: JobRunner, request: VideoRequest | str, op: str,
                      parent_id: str | None) -> VideoRequest | str:
    """`follow_up_fields` for a request (what `JobRunner.submit_many` applies to every job)."""
    from ..models import VideoRequest

    if isinstance(request, str):
        fields = follow_up_fields(runner, {"prompt": request}, op, parent_id)
        return VideoRequest(**fields) if "model" in fields else request
    if request.model:
        return request
    fields = follow_up_fields(runner, {}, op, parent_id)
    return request.with_(**fields) if fields else request
