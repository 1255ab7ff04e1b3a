"""The budget guard: refuse a submit that would exceed the per-kernel or total budget, before
anything is sent. Every paid path (runner, plain client, magics, widgets, CLI, storyboards,
batches) reserves through `Budget.reserve`.

- **Total** (`budget_total`): everything committed in the output folder's ledger — completed
  jobs plus every reservation in flight, from any runner, thread, process or kernel. The check
  and the reservation happen in one SQLite write transaction (`Ledger.reserve`), so concurrent
  submitters are serialised and exactly as many pass as the budget allows.
- **Session** (`budget_session`): what *this process* committed, in every ledger it reserved in,
  whichever runner or client did it. A process is a session (a kernel restart starts a new one);
  rows carry the session token, so settling a job (its final status) settles the session too.

This module imports nothing from the client, so the client can use it (no import cycle).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from pathlib import Path

from ..errors import BudgetExceededError
from .ledger import Ledger
from .state import JobState

#: one reservation at a time in this process (threads); other processes wait on SQLite's write lock
_LOCK = threading.Lock()
_SESSION = {"token": uuid.uuid4().hex}
#: every ledger this session reserved in (the session budget spans output folders)
_LEDGERS: set[Path] = set()


def session_token() -> str:
    return _SESSION["token"]


def session_spent() -> float:
    """USD this process has committed (completed + in flight), over every ledger it used."""
    token = session_token()
    return sum(Ledger(p.parent).committed(session=token) for p in sorted(_LEDGERS))


class Budget:
    """The limits of one runner or client, checked against folder- and process-wide spend."""

    def __init__(self, ledger: Ledger, *, session_limit: float | None, total_limit: float | None) -> None:
        self.ledger = ledger
        self.session_limit = session_limit
        self.total_limit = total_limit

    def __repr__(self) -> str:
        return f"Budget(session_limit={self.session_limit}, total_limit={self.total_limit}, ledger={self.ledger!r})"

    @property
    def session_spent(self) -> float:
        return session_spent()

    @property
    def total_committed(self) -> float:
        return self.ledger.committed()

    def reserve(self, states: Sequence[JobState], what: str = "this generation", *, base_url: str | None = None,
                group_id: str | None = None) -> None:
        """Write the jobs' rows (their intent and their money) if the budgets allow them all; else
        raise `BudgetExceededError` and write nothing."""
        amount = sum(s.estimated_cost for s in states)
        token = session_token()
        with _LOCK:
            elsewhere = sum(Ledger(p.parent).committed(session=token) for p in sorted(_LEDGERS)
                            if p != self.ledger.path)

            def check(folder: float, session_here: float) -> None:
                self.check(amount, what, folder=folder, session=elsewhere + session_here)

            self.ledger.reserve(states, session=token, check=check, base_url=base_url, group_id=group_id)
            _LEDGERS.add(self.ledger.path)

    def check(self, amount: float, what: str, *, folder: float | None = None, session: float | None = None) -> None:
        """Raise `BudgetExceededError` if `amount` more would break a limit (nothing is written)."""
        if amount <= 0:
            return
        if self.session_limit is not None:
            spent = session_spent() if session is None else session
            if spent + amount > self.session_limit + 1e-9:
                raise BudgetExceededError(
                    f"{what} would cost about ${amount:.2f}; this session has ${spent:.2f} of its "
                    f"${self.session_limit:.2f} budget committed",
                    hint="raise it with %sora config budget_session=AMOUNT (or SORA_BUDGET_SESSION); nothing was sent",
                )
        if self.total_limit is not None:
            total = self.ledger.committed() if folder is None else folder
            if total + amount > self.total_limit + 1e-9:
                raise BudgetExceededError(
                    f"{what} would cost about ${amount:.2f}; ${total:.2f} of the ${self.total_limit:.2f} "
                    "total budget is already spent or in flight",
                    hint="raise it with %sora config budget_total=AMOUNT (or SORA_BUDGET_TOTAL); nothing was sent",
                )


def reset_session_spend() -> None:
    """Start a new session in this process (tests; a kernel restart does the same)."""
    with _LOCK:
        _SESSION["token"] = uuid.uuid4().hex
        _LEDGERS.clear()
