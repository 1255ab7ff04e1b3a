"""The budget guard: refuse a submit that would exceed the per-kernel or total budget, before
anything is sent.

Session spend is per process (a kernel); total spend is what the ledger records as completed in
the output folder, plus what is in flight now.
"""

from __future__ import annotations

import threading

from ..errors import BudgetExceededError
from .ledger import Ledger

_LOCK = threading.Lock()
#: USD committed in this process: completed plus in flight (reserved), by ledger path
_SESSION: dict[str, float] = {}


class Budget:
    def __init__(self, ledger: Ledger | None, *, session_limit: float | None, total_limit: float | None) -> None:
        self.ledger = ledger
        self.session_limit = session_limit
        self.total_limit = total_limit
        self._scope = str(ledger.path) if ledger else "<no ledger>"
        self._in_flight = 0.0

    @property
    def session_spent(self) -> float:
        with _LOCK:
            return _SESSION.get(self._scope, 0.0)

    def reserve(self, amount: float, what: str = "this generation") -> None:
        """Count `amount` as committed, or raise BudgetExceededError and count nothing."""
        if amount <= 0:
            return
        with _LOCK:
            session = _SESSION.get(self._scope, 0.0)
            if self.session_limit is not None and session + amount > self.session_limit + 1e-9:
                raise BudgetExceededError(
                    f"{what} would cost about ${amount:.2f}; this session has ${session:.2f} of its "
                    f"${self.session_limit:.2f} budget committed",
                    hint="raise it with %sora config budget_session=AMOUNT (or SORA_BUDGET_SESSION); nothing was sent",
                )
            if self.total_limit is not None:
                total = (self.ledger.spend() if self.ledger else 0.0) + self._in_flight
                if total + amount > self.total_limit + 1e-9:
                    raise BudgetExceededError(
                        f"{what} would cost about ${amount:.2f}; ${total:.2f} of the ${self.total_limit:.2f} "
                        "total budget is already spent or in flight",
                        hint="raise it with %sora config budget_total=AMOUNT (or SORA_BUDGET_TOTAL); nothing was sent",
                    )
            _SESSION[self._scope] = session + amount
            self._in_flight += amount

    def settle(self, reserved: float, actual: float | None, *, completed: bool) -> None:
        """A job ended: keep what it really cost, release the rest of its reservation."""
        with _LOCK:
            keep = (actual if actual is not None else reserved) if completed else 0.0
            _SESSION[self._scope] = max(0.0, _SESSION.get(self._scope, 0.0) - reserved + keep)
            self._in_flight = max(0.0, self._in_flight - reserved)


def reset_session_spend() -> None:
    """Forget this process's session spend (tests; a kernel restart does the same)."""
    with _LOCK:
        _SESSION.clear()
