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


def test_storyboard_cell_shows_per_shot_progress(shell: Any, server: Any) -> None:
    """Issue 17: `%%sora --storyboard` showed nothing while it rendered."""
    server.config.generation_time = 0.6
    try:
        ran = run(shell, "%%sora --storyboard\n" + BOARD.replace("Harbour", "Harbour progress"))
    finally:
        server.config.generation_time = 0.0
    assert ran.success and ran.err_lines == [], ran.stderr
    assert "… shot 1 [s1]: in_progress" in ran.stdout and "… shot 2 [s2]: in_progress" in ran.stdout
    assert "… shot 2 [s2]: completed" in ran.stdout


def test_storyboard_interrupt_advice_works_in_a_cell(shell: Any, server: Any) -> None:
    """Issue 17: after Ctrl-C the magic suggested `board.resume()`, but a cell has no `board`."""
    import _thread
    import threading

    cell = "%%sora --storyboard --name film\n" + BOARD.replace("Harbour", "Harbour interrupted")
    server.config.generation_time = 2.0
    timer = threading.Timer(0.8, _thread.interrupt_main)
    try:
        timer.start()
        ran = run(shell, cell)
    finally:
        timer.cancel()
        server.config.generation_time = 0.0
    assert len(ran.err_lines) == 1, ran.stderr
    line = ran.err_lines[0]
    assert "stopped waiting for storyboard" in line and "run this cell again" in line
    assert "board." not in line and "Storyboard.load" not in line
    again = run(shell, cell)  # the advice, followed: the cell resumes and finishes
    assert again.success and again.err_lines == [], again.stderr
    assert shell.user_ns["film"].path.is_file()
