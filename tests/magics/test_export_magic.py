"""`%sora export`: a report of the session from one line, and one-line errors for bad usage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import TINY, run


def test_export_last_and_query(shell: Any, server: Any, tmp_path: Path) -> None:
    first = run(shell, f"%%sora {TINY}\na red balloon").result
    run(shell, f"%%sora {TINY}\na blue kite")
    ran = run(shell, "%sora export report --last 1")
    assert ran.err_lines == [] and "exported 1 clips" in ran.result.text()
    clips = json.loads((tmp_path / "report" / "manifest.json").read_text())["clips"]
    assert [c["prompt"] for c in clips] == ["a blue kite"]
    ran = run(shell, "%sora export 'my report.html' --query balloon --single-file --title Balloons")
    assert ran.err_lines == [] and (tmp_path / "my report.html").is_file()
    assert "Balloons" in (tmp_path / "my report.html").read_text()
    assert run(shell, "%sora export r2 --query balloon").result.clips[0]["id"] == first.id
    html = run(shell, "%sora export r3").result._repr_mimebundle_()["text/html"]
    assert 'href="r3/index.html"' in html


@pytest.mark.parametrize(("line", "message"), [
    ("%sora export", "needs a PATH"),
    ("%sora export a b", "takes one PATH"),
    ("%sora export a --last", "--last needs a value"),
    ("%sora export a --last two", "--last needs a whole number"),
    ("%sora export a --frobnicate", "unknown option --frobnicate"),
    ("%sora export a --single-file", "--single-file writes an .html file"),
    ("%sora export a", "nothing to export"),
])
def test_bad_usage_is_one_line(shell: Any, server: Any, tmp_path: Path, line: str, message: str) -> None:
    if message == "nothing to export":
        run(shell, f"%%sora {TINY}\na red balloon")
        line += " --query nomatch"
    ran = run(shell, line)
    assert len(ran.err_lines) == 1 and message in ran.err_lines[0] and ran.err_lines[0].startswith("sora: ")
    assert not (tmp_path / "a").exists()
