from __future__ import annotations

from pathlib import Path

import pytest

from sora_widgets.__main__ import main
from sora_widgets.media import probe


def test_generate_writes_a_verified_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "clip.mp4"
    assert main(["generate", "a kite over a hill, wide shot", "-m", "animatic", "-s", "1", "--size", "320x180",
                 "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert probe(out).size == "320x180"
    assert (tmp_path / "sora_outputs" / "ledger.sqlite").exists()


def test_generate_refuses_bad_input_in_one_line(capsys) -> None:
    assert main(["generate", "x", "-s", "5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "sora: 5 seconds is not supported by sora-2 on local — allowed seconds: 4, 8, 12"


def test_models_lists_capabilities(capsys) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "openrouter" in out and "animatic" in out and "1-20" in out
