"""The bad-invocation corpus: one line on stderr with a hint, no traceback, and nothing sent (no
request reaches the embedded server, no job is recorded) when the problem is local."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import run

CORPUS = Path(__file__).with_name("bad_invocations.txt")


@dataclass(frozen=True)
class Case:
    expect: str
    source: str
    remote: bool
    #: IPython itself refuses the cell (an empty %%sora body) with its one-line UsageError
    ipython: bool = False

    @property
    def id(self) -> str:
        return " ".join(self.source.split())[:60]


def load() -> list[Case]:
    cases: list[Case] = []
    header: str | None = None
    body: list[str] = []

    def flush() -> None:
        if header is not None:
            remote, ipython = header.startswith("[remote]"), header.startswith("[ipython]")
            expect = header.removeprefix("[remote]").removeprefix("[ipython]").strip()
            cases.append(Case(expect, "\n".join(body).rstrip("\n") + "\n", remote, ipython))

    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            flush()
            header, body = line[3:], []
        elif header is not None:
            body.append(line)
    flush()
    return cases


CASES = load()


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert sum(not c.remote for c in CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_invocation(case: Case, shell: Any, server: Any, magics: Any, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not an image")
    shell.user_ns.update(num=5, junk=b"hello", long_text="x " * 16_500)
    runner = magics.default_runner()
    requests_before, rows_before = server.stats.requests, len(runner.ledger.rows())
    sys.last_value = None
    ran = run(shell, case.source)
    assert len(ran.err_lines) == 1, ran.stderr
    line = ran.err_lines[0]
    if case.ipython:
        assert line.startswith("UsageError: ") and "Did you mean" in line, line
    else:
        assert line.startswith("sora: ") and " — " in line, line
    assert case.expect in line, line
    # one translation of validation errors: never pydantic's own wording or its URL
    assert not any(x in line for x in ("errors.pydantic.dev", "Input should", "validation error for")), line
    assert "Traceback" not in ran.stdout + ran.stderr
    assert ran.result is None
    assert isinstance(sys.last_value, BaseException)  # %tb can show it
    if not case.remote:
        assert server.stats.requests == requests_before, "a local problem sent a request"
        assert len(runner.ledger.rows()) == rows_before, "a local problem recorded a job"
