"""Jobs that are never lost: the runner, the SQLite ledger, the budget guard and batches.

`default_runner()` is the process-wide runner shared by the magics and the widgets; `runner_for`
builds one for another backend from the current settings; `resume()` finishes an earlier session.

Layering: the client imports `jobs.ledger`, `jobs.budget`, `jobs.paid` and `jobs.state` (the money
guard every paid call goes through); the runner (`jobs.runner`, `jobs.defaults`) imports the client.
So this package's `__init__` imports the runner side lazily (PEP 562), and none of the modules the
client uses imports the runner: no cycle, at import time or in the module graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports
from .budget import Budget, reset_session_spend
from .ledger import Ledger
from .state import Job, JobState

if TYPE_CHECKING:
    from .defaults import configure, default_runner, overrides, reset_default_runner, resume, runner_for
    from .runner import JobRunner

_EXPORTS = {
    "JobRunner": "runner",
    "configure": "defaults",
    "default_runner": "defaults",
    "overrides": "defaults",
    "reset_default_runner": "defaults",
    "resume": "defaults",
    "runner_for": "defaults",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "Budget",
    "Job",
    "JobRunner",
    "JobState",
    "Ledger",
    "configure",
    "default_runner",
    "overrides",
    "reset_default_runner",
    "reset_session_spend",
    "resume",
    "runner_for",
]
