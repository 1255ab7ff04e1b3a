"""`%%sora --compare AXIS=V1,V2 ...` and `%sora arena` in an IPython shell against the embedded server."""

from __future__ import annotations

from typing import Any

from sora_widgets.widgets import Arena, Compare

from .conftest import run


def test_compare_cell_makes_a_live_grid_then_an_arena(shell: Any, server: Any) -> None:
    before = int(server.stats.requests)
    dry = run(shell, "%%sora -m animatic -s 1 --size 320x180 --compare seeds=1,2 --dry-run\na kite on a beach")
    assert dry.err_lines == [] and "dry run: 2 clips (seed ×2); estimated $0.00; nothing sent" in str(dry.result)
    assert int(server.stats.requests) == before  # a dry run sends nothing

    ran = run(shell, "%%sora -m animatic --size 320x180 --compare seeds=1,2 seconds=1,2 --name g\n"
                     "a kite on a beach")
    assert ran.err_lines == [] and isinstance(ran.result, Compare) and shell.user_ns["g"] is ran.result
    grid = ran.result
    assert grid.done  # like every %%sora cell it waited (--no-wait returns the live grid at once)
    assert grid.rows == ["seed=1", "seed=2"] and grid.cols == ["1", "2"]  # rows and columns from the axes
    assert [c["label"] for c in grid.cells] == ["seed=1, seconds=1", "seed=1, seconds=2", "seed=2, seconds=1",
                                               "seed=2, seconds=2"]
    assert [(r.request.seed, r.request.seconds) for r in grid.results] == [(1, 1), (1, 2), (2, 1), (2, 2)]
    assert all(r.size == "320x180" for r in grid.results)

    arena = run(shell, "%sora arena").result  # the last grid the ledger recorded
    assert isinstance(arena, Arena) and arena.total == 6
    assert "--compare AXIS=V1,V2" in run(shell, "%sora help").result.text


def test_compare_cell_no_wait_returns_the_live_grid(shell: Any, server: Any) -> None:
    ran = run(shell, "%%sora -m animatic -s 1 --size 320x180 --compare seeds=1,2 --no-wait\na kite on a beach")
    assert ran.err_lines == [] and isinstance(ran.result, Compare)
    assert ran.result.wait(60).done and [c["status"] for c in ran.result.cells] == ["completed"] * 2


def test_the_compare_option_takes_several_axis_words() -> None:
    import pytest

    from sora_widgets.magics.parser import MagicUsageError, parse_axes, parse_cell_line

    args = parse_cell_line("-m animatic --compare seeds=1,2,3 models=animatic,sora-2 --size 320x180")
    assert args.compare == "seeds=1,2,3 models=animatic,sora-2" and args.size == "320x180"
    assert parse_axes(args.compare) == {"seeds": ["1", "2", "3"], "models": ["animatic", "sora-2"]}
    with pytest.raises(MagicUsageError, match="unexpected word 'stray'"):
        parse_cell_line("--compare seeds=1,2 stray")
    with pytest.raises(MagicUsageError, match="unexpected word"):
        parse_cell_line("seeds=1,2")  # axis words only count after --compare
