"""The storyboard widget's static snapshot: a still per shot (or its prompt before the first take),
the stitched film, and an Export button that writes the board's takes as a report."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sora_widgets.jobs import JobRunner
from sora_widgets.server.embedded import EmbeddedServer
from sora_widgets.storyboard import Storyboard

CELL = """\
title: Gulls
model: animatic
size: 320x180
---
[1s] A woman feeds the gulls on a pier
---
[1s chain] The gulls fly up over the sea
"""


def test_snapshot_and_export(server: EmbeddedServer, make_runner: Callable[..., JobRunner], tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    board = Storyboard.parse(CELL)
    ui = board.widget(make_runner(server))
    before = ui._repr_mimebundle_()["text/html"]
    assert "Gulls" in before and "feeds the gulls" in before and "no video yet" in before and "<img" not in before
    ui.export_button.click()  # nothing made yet: one line, no folder
    assert "Export failed" in ui.message.value and "nothing to export" in ui.message.value
    ui.generate_button.click()
    assert ui.handle is not None
    ui.handle.wait(30)
    ui.stitch_button.click()
    after = ui._repr_mimebundle_()["text/html"]
    assert len(re.findall(r'<img [^>]*src="data:image/jpeg', after)) == 3  # two shots and the film
    assert "stitched film" in after and "completed" in after
    ui.export_button.click()
    assert "exported 2 clips" in ui.message.value and "index.html" in ui.message.value
    [report] = (tmp_path / "sora_exports").iterdir()
    manifest = json.loads((report / "manifest.json").read_text())
    assert manifest["title"] == "Gulls" and {c["lineage"]["group"] for c in manifest["clips"]} == {board.id}
    assert manifest["clips"][1]["prompt"].startswith(board.prompt(1)[:20])
