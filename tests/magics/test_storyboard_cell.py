"""`%%sora --storyboard`: bible + shots separated by `---`, through the shared runner, stitched."""

from __future__ import annotations

from typing import Any

from sora_widgets.media import probe

from .conftest import run

BOARD = """title: Harbour
model: animatic
size: 320x180
seconds: 1
continuity: chain
character Mara: a tall woman in a yellow raincoat
---
Mara walks along the harbour at dawn, wide shot
---
Close-up: Mara looks up at the gulls, soft light
"""


def test_storyboard_cell_runs_and_stitches(shell: Any, server: Any) -> None:
    ran = run(shell, "%%sora --storyboard --name film\n" + BOARD)
    assert ran.err_lines == [] and ran.success, ran.stderr
    out = ran.result
    info = probe(out.path)
    assert info.size == "320x180" and abs(info.duration - 2.0) <= 1 / 24 + 1e-6
    bundle, meta = out._repr_mimebundle_()
    html = bundle["text/html"]
    assert "<video src=\"sora_outputs/" in html and "video/mp4;base64" not in html  # the film by path
    assert 'class="sora-still"' in html and 'src="data:image/' in html and len(html) < 30_000  # + a small still
    assert meta["sora_widgets"]["shots"] == 2 and "shot 2 [s2, chain]: completed" in bundle["text/plain"]
    # running the unchanged cell again creates nothing new
    before = len(list(shell.user_ns["film"].board.production().runner.client.list()))
    again = run(shell, "%%sora --storyboard\n" + BOARD)
    assert again.success and again.err_lines == []
    assert len(list(again.result.board.production().runner.client.list())) == before


def test_storyboard_dry_run_sends_nothing(shell: Any, server: Any) -> None:
    before = server.stats.requests
    ran = run(shell, "%%sora --storyboard --dry-run\n" + BOARD)
    assert ran.err_lines == []
    text = str(ran.result)
    assert "Mara, a tall woman in a yellow raincoat, walks" in text and "nothing was sent" in text
    assert server.stats.requests == before


def test_storyboard_syntax_error_is_one_line(shell: Any, server: Any) -> None:
    ran = run(shell, "%%sora --storyboard\n---\n[bogus] a shot\n")
    assert len(ran.err_lines) == 1 and "line 2" in ran.err_lines[0] and "Traceback" not in ran.stderr
