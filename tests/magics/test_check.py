"""`%sora check` and the signals column of `%sora list`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .conftest import run

CELL = "%%sora -m animatic -s 2 --size 320x180\n"


def test_check_flags_the_broken_take_and_list_shows_it(shell: Any, tmp_path: Path) -> None:
    good = run(shell, CELL + "a red kite over a beach at dawn").result
    bad = run(shell, CELL + "a red kite over a beach at dawn [defect: flicker]").result
    table = run(shell, "%sora check").result
    text = table.text()
    assert "quality signals of 2 videos (1 flagged)" in text
    by_id = {s.label: s for s in table.signals}
    assert by_id[bad.id].flags == {"flicker"} and by_id[good.id].flags == frozenset()
    assert "flicker: the overall brightness jumps up and down" in text  # the explanation comes along
    listing = run(shell, "%sora list").result.text()
    assert "signals" in listing.splitlines()[1]
    line = next(ln for ln in listing.splitlines() if ln.startswith(bad.id))
    assert " flicker " in line
    assert " ok " in next(ln for ln in listing.splitlines() if ln.startswith(good.id))


def test_check_by_id_or_path_and_duplicates(shell: Any, tmp_path: Path) -> None:
    a = run(shell, CELL.replace("-s 2", "-s 2 --seed 4") + "a lighthouse in a storm").result
    b = run(shell, CELL.replace("-s 2", "-s 2 --seed 4") + "a lighthouse in a storm").result
    table = run(shell, f"%sora check {a.id} {b.relpath()}").result
    assert [s.flags for s in table.signals] == [{"duplicate"}, {"duplicate"}]
    assert len(run(shell, "%sora check --last 1").result.signals) == 1


def test_bad_check_arguments_are_one_line_errors(shell: Any) -> None:
    for line, expected in [
        ("%sora check video_nope", "no video 'video_nope' in the ledger"),
        ("%sora check --last 0", "--last needs a positive number"),
        ("%sora check --fast", "unknown option --fast"),
        ("%sora check abc --last 2", "give ids or --last N, not both"),
    ]:
        ran = run(shell, line)
        assert len(ran.err_lines) == 1 and expected in ran.err_lines[0], ran.stderr
    empty = run(shell, "%sora check").result
    assert "no finished videos" in empty.text()


def test_check_says_when_it_has_to_decode(shell: Any) -> None:
    import sqlite3

    from sora_widgets import jobs

    for i in range(3):
        run(shell, CELL + f"a kite number {i} over the dunes")
    runner = jobs.default_runner()
    for row in runner.ledger.rows(status=("completed",)):
        runner.quality.check(row).result(30)
    with sqlite3.connect(runner.ledger.path) as db:  # as a ledger from before signals existed
        db.execute("DELETE FROM signals")
    ran = run(shell, "%sora check")
    assert "checking 3 videos" in ran.stdout and len(ran.result.signals) == 3
    assert "checking" not in run(shell, "%sora check").stdout  # stored now: nothing to decode
