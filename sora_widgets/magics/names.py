"""`%%sora --name x` survives an interrupt (and a kernel restart): the name is written to the
ledger with the cell's job keys when the jobs start, and `%sora resume` binds it when they finish."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..jobs import JobRunner
    from ..jobs.state import Job, JobState

KIND = "magic-name"


def _group_id(key: str) -> str:
    return f"name:{key}"


def remember(runner: JobRunner, jobs: list[Job], name: str) -> None:
    """Record that these jobs (one cell, maybe several variations) fill the variable `name`."""
    if runner.ledger is None:
        return
    keys = [j.key for j in jobs]
    for key in keys:
        runner.ledger.save_group(_group_id(key), KIND, {"name": name, "keys": keys})


def bind(runner: JobRunner, states: list[JobState], ns: MutableMapping[str, Any],
         result_of: Callable[[JobState], Any]) -> list[str]:
    """Set the variables named by the cells these resumed jobs came from (to `result_of(state)`);
    returns the names set. A cell of variations gets all its finished videos (the ones that
    finished before included)."""
    from ..results import GenerationResults

    if runner.ledger is None:
        return []
    ledger = runner.ledger
    done: dict[str, Any] = {}
    for state in states:
        group = ledger.group(_group_id(state.key))
        if group is None or group.get("kind") != KIND or not state.ok:
            continue
        name, keys = group["data"]["name"], group["data"]["keys"]
        if name in done:
            continue
        if len(keys) == 1:
            done[name] = result_of(state)
            continue
        results = []
        for key in keys:
            job_state = _finished(runner, key, states)
            if job_state is not None:
                results.append(result_of(job_state))
        done[name] = GenerationResults(results)
    ns.update(done)
    return list(done)


def _finished(runner: JobRunner, key: str, states: list[JobState]) -> JobState | None:
    for state in states:
        if state.key == key:
            return state if state.ok else None
    for job in runner.jobs:
        if job.key == key and job.state.ok:
            return job.state
    return None
