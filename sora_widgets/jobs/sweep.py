"""One shard of a large sweep, safe to run again: the unit to hand to Ray, Dask or a job queue.

    from sora_widgets.jobs.sweep import run_shard
    report = run_shard(items, group="sweep-7/shard-003", output_dir="runs/shard-003")

`items` are (label, request) pairs with labels unique within the group. The shard's ledger (in
`output_dir`) is the source of truth: a run first resumes whatever an earlier, interrupted run of
the shard left in flight (re-attached by video id or idempotency key, never created twice), then
submits only the labels that have no completed job in the group yet, waits for them and, when
asked, exports the ledger for analysis. Running a shard twice, or after its worker died, bills
nothing twice.

Each shard is one process with its own ledger and its own `concurrency`/`rate_limit`: the provider's
rate limit is shared by all shards, so divide it among them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..models import VideoRequest
from .runner import JobRunner
from .state import JobState


@dataclass(frozen=True)
class ShardReport:
    group: str
    ledger: Path
    resumed: int
    skipped: int
    submitted: int
    completed: int
    failed: int
    export: Path | None = None


def run_shard(
    items: Iterable[tuple[str, VideoRequest | str]],
    *,
    group: str,
    output_dir: str | Path | None = None,
    settings: Settings | None = None,
    export: str | Path | None = None,
    on_update: Callable[[JobState], Any] | None = None,
) -> ShardReport:
    """Resume, then submit what the group still lacks, wait, export; see the module docstring."""
    base = settings or Settings()
    runner = JobRunner(base.with_(output_dir=Path(output_dir)) if output_dir is not None else base)
    assert runner.ledger is not None
    resumed = runner.resume_blocking(on_update)
    done = {r["label"] for r in runner.ledger.rows(group_id=group, status=("completed",))}
    pending = [(label, request) for label, request in items if label not in done]
    labels = [label for label, _ in pending]
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels repeat within the shard {group!r}: each item needs its own label")
    jobs = runner.submit_many([r for _, r in pending], labels=labels, group_id=group, background=True)
    states = [runner.wait(job, on_update=on_update) for job in jobs]
    exported = None
    if export is not None:
        from .export import export_ledger

        exported = Path(export)
        export_ledger(runner.ledger, exported)
    ok = sum(s.ok for s in states)
    return ShardReport(group=group, ledger=runner.ledger.path, resumed=len(resumed), skipped=len(done),
                       submitted=len(jobs), completed=ok, failed=len(states) - ok, export=exported)


__all__ = ["ShardReport", "run_shard"]
