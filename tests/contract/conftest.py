"""Prism mock servers built from the vendored OpenAPI specs (`specs/`, see SOURCE.json there), one per
spec, for the whole session.

Prism (`@stoplight/prism-cli`, installed by `npm install` from package.json) validates every request
against the spec and logs each violation; the tests read that log. `--errors` also makes it answer
an invalid request with an error status, so a violation cannot pass unnoticed either way.

Start-up: the vendored specs hold only the `/videos*` paths and what they reference
(`tools/vendor_specs.py`), so both servers are up in ~1.5-3 s, started in parallel. OpenRouter's
`/videos/models` example is repaired first (it breaks its own response schema; see `trim_spec.py`).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sora_widgets.backends.openrouter_catalog import CATALOG

from .trim_spec import write_repaired

REPO = Path(__file__).resolve().parents[2]
SPECS = Path(__file__).resolve().parent / "specs"
#: `npm install` puts Prism here; SORA_PRISM may name another binary (a global install)
PRISM = Path(os.environ.get("SORA_PRISM") or REPO / "node_modules" / ".bin" / "prism")
READY_TIMEOUT = 90.0
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: the first line Prism logs for each request ("... [HTTP SERVER] post /videos ℹ  info  Request received";
#: for multipart bodies the message text is sometimes empty, so the words are not matched)
_RECEIVED = re.compile(r"\[HTTP SERVER\] (get|post|put|patch|delete) \S+ ℹ\s+info")
#: start-up times for the terminal summary
STARTUP: dict[str, tuple[float, str]] = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrismMock:
    """One `prism mock` process; its log is a file the tests read slices of."""

    def __init__(self, name: str, spec: Path, log: Path) -> None:
        self.name, self.spec, self.log = name, spec, log
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.started = time.monotonic()
        with log.open("wb") as out:
            # Our own process group, so stopping it takes any child Prism forks with it.
            self.proc = subprocess.Popen(
                [str(PRISM), "mock", str(spec), "-h", "127.0.0.1", "-p", str(self.port), "--errors"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=REPO, start_new_session=True,
            )

    def text(self) -> str:
        return _ANSI.sub("", self.log.read_text(encoding="utf-8", errors="replace"))

    def wait_ready(self) -> float:
        deadline = self.started + READY_TIMEOUT
        while time.monotonic() < deadline:
            if "Prism is listening" in self.text():
                return time.monotonic() - self.started
            if self.proc.poll() is not None:
                pytest.fail(f"Prism ({self.name}) exited with {self.proc.returncode}:\n{self.text()[-3000:]}",
                            pytrace=False)
            time.sleep(0.05)
        pytest.fail(f"Prism ({self.name}) was not listening after {READY_TIMEOUT:.0f}s:\n{self.text()[-3000:]}",
                    pytrace=False)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)

    # -- reading the log ----------------------------------------------------------------------
    def settle(self, mark: int, requests: int, timeout: float = 5.0) -> list[str]:
        """The log lines after `mark`, once Prism has logged the outcome of `requests` requests."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.text()[mark:].splitlines()
            received = received_count(lines)
            finished = sum(("> Responding with" in line) or ("Request terminated" in line) for line in lines)
            if received >= requests and finished >= requests:
                time.sleep(0.05)  # violation lines follow the response line
                return self.text()[mark:].splitlines()
            if time.monotonic() > deadline:
                return lines
            time.sleep(0.02)

    @contextmanager
    def exchange(self, requests: int) -> Iterator[list[str]]:
        """Run requests inside; afterwards assert Prism saw exactly `requests` and no violation.

        Yields a list that is filled with the log lines of the exchange."""
        mark = len(self.text())
        seen: list[str] = []
        yield seen
        seen.extend(self.settle(mark, requests))
        assert_clean(seen, requests)


def received_count(lines: list[str]) -> int:
    return sum(bool(_RECEIVED.search(line)) for line in lines)


def violations(lines: list[str]) -> list[str]:
    """Request-validation problems as Prism logs them: every VALIDATOR line that is not a success
    (each broken rule, then "Violation: ..."), and requests Prism refused (`--errors`)."""
    return [
        line.strip() for line in lines
        if ("[VALIDATOR]" in line and "success" not in line) or "Request terminated with error" in line
    ]


def assert_clean(lines: list[str], requests: int) -> None:
    received = received_count(lines)
    assert received == requests, f"Prism saw {received} requests, expected {requests}:\n" + "\n".join(lines)
    bad = violations(lines)
    assert not bad, "Prism found contract violations:\n" + "\n".join(bad)


def _spec_for(name: str, folder: Path) -> Path:
    return write_repaired(SPECS / f"{name}-videos.json", folder / f"{name}-videos.json")


@pytest.fixture(scope="session")
def prism_mocks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, PrismMock]]:
    if not PRISM.exists():
        pytest.fail(
            f"Prism is not installed ({PRISM} is missing): run `npm install` in the repo root; it "
            "installs @stoplight/prism-cli from package.json for the contract tests",
            pytrace=False,
        )
    folder = tmp_path_factory.mktemp("prism")
    mocks: dict[str, PrismMock] = {}
    try:
        for name in ("openai", "openrouter"):  # both load at once: start-up is mostly parsing
            mocks[name] = PrismMock(name, _spec_for(name, folder), folder / f"{name}.log")
        for name, mock in mocks.items():
            STARTUP[name] = (mock.wait_ready(), "vendored /videos spec")
        yield mocks
    finally:
        for mock in mocks.values():
            mock.stop()


@pytest.fixture
def openai_mock(prism_mocks: dict[str, PrismMock]) -> PrismMock:
    return prism_mocks["openai"]


@pytest.fixture
def openrouter_mock(prism_mocks: dict[str, PrismMock]) -> Iterator[PrismMock]:
    CATALOG.clear()  # each test fetches the catalog from Prism itself
    yield prism_mocks["openrouter"]
    CATALOG.clear()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for name, (seconds, kind) in STARTUP.items():
        terminalreporter.write_line(f"prism mock ({name}, {kind}) listening after {seconds:.1f}s")
