"""Fixtures for the magics: an IPython shell with the extension loaded, against the embedded server
(backend `local`, model `animatic`, tiny sizes, no simulated generation time) in a temp folder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sora_widgets import jobs
from sora_widgets.jobs import reset_session_spend

#: the cheapest clip the local server makes
TINY = "-m animatic -s 1 --size 320x180"


@dataclass
class Ran:
    """What one cell did: its value, stdout, stderr and rich outputs."""

    result: Any
    stdout: str
    stderr: str
    outputs: list[Any] = field(default_factory=list)
    success: bool = True

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def ip() -> Any:
    from IPython.testing.globalipapp import get_ipython, start_ipython

    shell = start_ipython() or get_ipython()  # None when another module started it first
    shell.run_line_magic("load_ext", "sora_widgets")
    return shell


@pytest.fixture
def magics(ip: Any) -> Any:
    return ip.magics_manager.registry["SoraMagics"]


@pytest.fixture
def shell(ip: Any, magics: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The shared shell, working in a fresh folder with a fresh default runner and ledger."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SORA_OUTPUT_DIR", str(tmp_path / "sora_outputs"))
    jobs.reset_default_runner()
    reset_session_spend()
    magics.runner = None
    saved = {k: getattr(sys, k) for k in ("last_type", "last_value", "last_traceback") if hasattr(sys, k)}
    yield ip
    magics.runner = None
    jobs.reset_default_runner()
    for k in ("last_type", "last_value", "last_traceback"):
        if k in saved:
            setattr(sys, k, saved[k])


@pytest.fixture
def server() -> Any:
    """The process-wide embedded server (started inside a test, so it sees the isolated env)."""
    from sora_widgets.server.embedded import ensure_server

    return ensure_server()


def run(ip: Any, cell: str) -> Ran:
    """Run a cell, capturing stdout, stderr and display outputs."""
    from IPython.utils.capture import capture_output

    with capture_output() as cap:
        res = ip.run_cell(cell, store_history=False)
    return Ran(res.result, cap.stdout, cap.stderr, list(cap.outputs), res.success)
