"""Compare and Arena from code against the embedded server: the grid fills in live, a view gets a
clip's bytes when it asks, the still for saved notebooks, blind votes stored and not asked again."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

import pytest

from sora_widgets.jobs import JobRunner
from sora_widgets.judge import VoteStore
from sora_widgets.models import VideoRequest
from sora_widgets.widgets import Arena, Compare, compare

from .helpers import BLOCKED

KITE = VideoRequest(prompt="a kite over a beach", model="animatic", seconds=1, size="320x180")


class Recording(Compare):
    """Keeps what the widget sends to its views (the comm is the seam, as a browser would see it)."""

    def send(self, content: Any, buffers: Any = None) -> None:  # type: ignore[override]
        self.sent = [*getattr(self, "sent", []), (content, buffers)]


def grid_of(runner: JobRunner, **kw: Any) -> Compare:
    return compare("a paper boat on a rainy street", runner=runner, model="animatic", seconds=1, size="320x180",
                   **{"seeds": [1, 2, 3, 4], **kw})


def test_compare_returns_at_once_and_fills_in_live(runner: JobRunner) -> None:
    start = time.monotonic()
    grid = grid_of(runner)
    returned = time.monotonic() - start
    first = [c["status"] for c in grid.cells]
    assert returned < 0.3 * 4 and not grid.done  # the jobs take ~0.3 s each; compare() did not wait
    assert all(s not in ("completed",) for s in first) and all("src" not in c for c in grid.cells)
    grid.wait(60)
    assert grid.done and [c["label"] for c in grid.cells] == ["seed=1", "seed=2", "seed=3", "seed=4"]
    cell = grid.cells[0]
    assert cell["status"] == "completed" and cell["fps"] == 24.0 and cell["duration"] == pytest.approx(1.0)
    assert cell["meta"]["model"] == "animatic" and cell["meta"]["seed"] == "seed 1" and "took" in cell["meta"]
    assert list(cell["meta"].values())[:4] == ["animatic", "seed 1", "1 s", "320x180"] and "avoid" not in cell["meta"]
    avoid = grid_of(runner, seeds=[1, 2], negative_prompts=["text", "people"]).wait(60)  # any parameter shows
    assert [c["meta"]["avoid"] for c in avoid.cells] == ["avoid text", "avoid people"] * 2
    assert cell["src"] and len(grid.results) == 4
    grid.set_quality(1, {"sharpness": 0.82})  # the overlay's slot for any signal
    assert grid.cells[1]["quality"] == {"sharpness": 0.82}
    assert repr(grid) == "Compare(4 clips: 4 ready)"


def test_quality_signals_fill_the_overlays_when_present(runner: JobRunner) -> None:
    grid = compare("a paper boat", runner=runner, model="animatic", seconds=1, size="320x180",
                   prompts=["a paper boat on a pond", "a paper boat on a pond [defect: frozen]"]).wait(60)
    deadline = time.monotonic() + 30  # the runner checks each file in the background after its download
    while any(not c["quality"] for c in grid.cells) and time.monotonic() < deadline:
        time.sleep(0.1)
    ok, frozen = grid.cells
    assert ok["quality"]["signals"] == "ok" and ok["quality"]["_ok"] is True
    assert frozen["quality"]["signals"] == "frozen" and frozen["quality"]["_ok"] is False
    assert "frozen:" in frozen["quality"]["_why"]
    # a Compare of the finished files later (another widget) finds them stored, without decoding again
    again = Compare([r.path for r in grid.results], runner=runner)
    assert [c["quality"].get("signals") for c in again.cells] == ["ok", "frozen"]


def test_a_failed_clip_is_one_line_in_its_cell_and_the_others_fill(runner: JobRunner) -> None:
    grid = compare("a paper boat", runner=runner, model="animatic", seconds=1, size="320x180",
                   prompts=["a paper boat", f"a {BLOCKED} paper boat"]).wait(60)
    ok, failed = grid.cells
    assert ok["status"] == "completed" and ok["src"]
    assert failed["status"] == "failed" and "moderation" in failed["error"] and "src" not in failed
    assert grid.done and repr(grid) == "Compare(2 clips: 1 ready, 1 failed)"
    assert "moderation" in grid.snapshot_html()  # the snapshot says why the cell is empty


def test_a_view_gets_the_bytes_it_asks_for(runner: JobRunner) -> None:
    state = runner.run(KITE)
    view = Recording([state.result(), state.path])
    view._on_msg(view, {"type": "need", "ids": [view.clips[1].id, "no-such-clip"]}, [])
    (content, buffers), = view.sent
    assert content["id"] == view.clips[1].id and content["src"] == view.cells[1]["src"]
    assert bytes(buffers[0]) == Path(state.path).read_bytes()
    # bytes are never a trait: the saved widget state stays small
    small = Recording([state.path])
    small.max_clip_bytes = 1000  # a clip too large to play inline
    small._on_msg(small, {"type": "need", "ids": [small.clips[0].id]}, [])
    (content, buffers), = small.sent
    assert buffers is None and "too large to play here" in content["error"] and state.path.name in content["error"]
    assert all(not isinstance(v, (bytes, memoryview)) for cell in view.cells for v in cell.values())


def test_items_by_ledger_key_and_clear_errors(runner: JobRunner) -> None:
    state = runner.run(KITE)
    view = Compare([state.video_id, state.key], runner=runner)
    assert [c.path for c in view.clips] == [state.path, state.path]
    with pytest.raises(ValueError, match="neither a video file nor a job"):
        Compare(["video_does_not_exist"], runner=runner)


def test_still_for_saved_notebooks(runner: JobRunner) -> None:
    grid = grid_of(runner, seeds=[1, 2]).wait(60)
    bundle = grid._repr_mimebundle_()
    html = bundle["text/html"]
    assert bundle["text/plain"] == "Compare(2 clips: 2 ready)"
    assert html.startswith('<div class="sora-snapshot"') and "seed=1" in html and "animatic" in html
    assert html.count("data:image/jpeg;base64,") == 2 and html.count("<video") == 2  # a poster per clip
    assert len(html) < 40_000  # posters and relative links, never video bytes
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the live view where a kernel runs


def test_arena_is_blind_stores_votes_and_does_not_ask_twice(runner: JobRunner, tmp_path: Path) -> None:
    grid = grid_of(runner, seeds=[1, 2, 3]).wait(60)
    arena = Arena(grid, runner=runner, seed=5, name="boats")
    assert arena.total == 3 and arena.blind and arena.voting
    assert [c["label"] for c in arena.cells] == ["", ""] and all(c["meta"] == {} for c in arena.cells)
    assert {c["id"] for c in arena.cells} == {"A-0", "B-0"}  # no job keys before the vote
    _left, right = arena.current
    arena._on_msg(arena, {"type": "vote", "choice": "right"}, [])
    assert arena.revealed and arena.cells[1]["label"] == right.label and "Stored: B" in arena.message
    arena._on_msg(arena, {"type": "vote", "choice": "left"}, [])  # a second key press on the same pair
    assert len(arena.votes) == 1 and arena.votes[0].winner == right.contestant
    arena._on_msg(arena, {"type": "next"}, [])
    assert not arena.revealed and arena.judged == 1
    arena.vote("t")

    again = Arena(grid, runner=runner, seed=5, name="boats")  # a new kernel would see the same ledger
    assert again.total == 1  # only the pair not judged yet
    again.vote("s")
    again.next()
    assert again.current is None and "All 1 pairs judged" in again.message
    assert [v.choice for v in VoteStore(runner.ledger).votes("boats")] == ["right", "tie", "skip"]
    board = arena.leaderboard(rounds=20)
    assert len(board.rows) == 3 and board.votes == 3
    votes_csv, ratings_csv = arena.export_csv(tmp_path / "v.csv", tmp_path / "r.csv")
    assert len(list(csv.DictReader(votes_csv.open()))) == 3
    assert len(list(csv.DictReader(ratings_csv.open()))) == 3


def test_arena_needs_two_finished_clips(runner: JobRunner) -> None:
    state = runner.run(KITE)
    with pytest.raises(ValueError, match="at least two finished clips"):
        Arena(Compare([state.path]), runner=runner)


def test_an_arena_reopened_in_a_new_process_keeps_its_votes(runner: JobRunner) -> None:
    import subprocess
    import sys

    grid = grid_of(runner, seeds=[1, 2, 3]).wait(60)
    again = Compare.from_group(runner=runner)  # the newest grid in the ledger, e.g. after a restart
    assert again.group_id == grid.group_id and [c["label"] for c in again.cells] == ["seed=1", "seed=2", "seed=3"]
    assert [c.path for c in again.clips] == [c.path for c in grid.clips] and again.done
    arena = Arena(grid.group_id, runner=runner)  # by the group id compare() recorded in the ledger
    assert arena.name == grid.group_id and arena.total == 3
    arena.vote("b")
    code = ("import sys\nfrom sora_widgets.config import Settings\nfrom sora_widgets.jobs import JobRunner\n"
            "from sora_widgets.widgets import Arena\n"
            "runner = JobRunner(Settings(_env_file=None, output_dir=sys.argv[1]))\n"
            "arena = Arena(sys.argv[2], runner=runner)\n"
            "print(arena.total, [v.choice for v in arena.votes], arena.leaderboard(rounds=10).votes)\n")
    out = subprocess.run([sys.executable, "-c", code, str(runner.settings.output_dir), grid.group_id],
                         capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "2 ['right'] 1"  # a new kernel: the judged pair is not asked again


def test_the_export_button_writes_a_report_of_the_finished_clips(runner: JobRunner, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 19: Compare has an Export button like the Gallery and the Storyboard (the view sends
    {"type": "export"}); the report holds exactly the grid's clips; a blind session is not exported."""
    import json

    monkeypatch.chdir(tmp_path)  # the default report folder is sora_exports/ beside the notebook
    other = runner.run(KITE.model_copy(update={"prompt": "a clip that is not in the grid"}))
    grid = grid_of(runner, seeds=[1, 2]).wait(60)
    grid._on_msg(grid, {"type": "export"}, [])
    assert grid.message.startswith("Exported ") and "index.html" in grid.message
    (report,) = (tmp_path / "sora_exports").iterdir()
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(c["prompt"] for c in manifest["clips"]) == ["a paper boat on a rainy street"] * 2
    assert other.video_id not in json.dumps(manifest)
    blind = Compare([c.path for c in grid.clips], runner=runner, blind=True)
    assert blind.export(tmp_path / "blind") is None and "blind" in blind.message
    assert not (tmp_path / "blind").exists()
