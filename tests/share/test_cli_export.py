"""`python -m sora_widgets export`: the same report as `%sora export`, exit 2 and one line on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sora_widgets.__main__ import main

from .test_export import _record


def test_cli_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = tmp_path / "sora_outputs"
    _record(outputs, 0, prompt="a kite over dunes")
    _record(outputs, 1, prompt="a lighthouse at night")
    monkeypatch.setenv("SORA_OUTPUT_DIR", str(outputs))
    monkeypatch.chdir(tmp_path)
    assert main(["export", "report", "--query", "lighthouse", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["clips"] == 1 and out["index"].endswith("report/index.html")
    assert json.loads((tmp_path / "report" / "manifest.json").read_text())["clips"][0]["id"] == "video_1"
    assert main(["export", "report"]) == 2  # exists: nothing replaced
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already exists" in err[0]
    assert main(["export", "one.html", "--single-file", "--max-mb", "1", "--force"]) == 0
    assert (tmp_path / "one.html").is_file()
