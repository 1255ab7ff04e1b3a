"""Storyboards on the embedded server (backend `local`, model `animatic`, 320x180, 1-2 s shots).

Continuity thresholds: a chained shot's frame 0 *is* the previous shot's last frame (fitted to
the same size, so unchanged) after two lossy H.264 encodes (the previous shot's, then this one's);
at the server's settings that costs ~1-2 grey levels of 255 on average, so a mean absolute pixel
difference under 6 means "the same picture". Independent shots are different drawn scenes and
differ by tens of levels; the tests print and compare both, and require a wide margin between them.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sora_widgets.errors import InvalidRequestError, UnsupportedFeatureError
from sora_widgets.jobs import JobRunner
from sora_widgets.media import first_frame, last_frame, probe
from sora_widgets.server.embedded import EmbeddedServer
from sora_widgets.storyboard import Storyboard

from .conftest import creates, mad

SAME_PICTURE = 6.0

THREE = """\
model: animatic
size: 320x180
continuity: {mode}
character Mara: a tall woman in a yellow raincoat
style: paper cut-out animation
---
[1s] Mara walks along a quiet harbour at dawn
---
[2s] A red lighthouse on a rocky cliff in a storm
---
[1s] Mara drinks tea by a window at night
"""


def _cut_differences(board: Storyboard) -> list[float]:
    paths = [s.path for s in board.status()]
    return [mad(last_frame(a), first_frame(b)) for a, b in itertools.pairwise(paths)]


def test_chain_storyboard_stitches_and_continues(make_runner: Callable[..., JobRunner]) -> None:
    runner = make_runner()  # the process-wide embedded server: the default `local` path
    board = Storyboard.parse(THREE.format(mode="chain"))
    statuses = board.run(runner)
    assert [s.status for s in statuses] == ["completed"] * 3
    result = board.stitch()
    info = probe(result.path)
    assert result.mode == "copy"  # one model, one size: the shots' encodings match
    assert (info.width, info.height) == (320, 180)
    assert info.duration == pytest.approx(1 + 2 + 1, abs=1 / 24)
    assert result.path.parent == statuses[0].path.parent  # beside the shots
    cuts = _cut_differences(board)
    print("chain cut differences:", cuts)
    assert all(d < SAME_PICTURE for d in cuts), cuts
    # recorded: one ledger group with the storyboard, lineage and the stitch
    group = runner.ledger.group(board.id)
    assert group["path"] == str(result.path) and group["data"]["stitch"]["mode"] == "copy"
    takes = group["data"]["takes"]
    keys = [s.key for s in statuses]
    assert takes[keys[1]]["from"] == keys[0] and takes[keys[2]]["from"] == keys[1]
    assert len(runner.ledger.rows(group_id=board.id)) == 3
    # chained shots ran in order: each was submitted after its predecessor finished
    rows = {r["key"]: r for r in runner.ledger.rows(group_id=board.id)}
    assert rows[keys[1]]["submitted_at"] >= rows[keys[0]]["finished_at"]


def test_independent_shots_run_concurrently_and_cut_hard(
        server: EmbeddedServer, make_runner: Callable[..., JobRunner]) -> None:
    server.config.generation_time = 0.4  # long enough to see the overlap
    runner = make_runner(server)
    board = Storyboard.parse(THREE.format(mode="independent"))
    board.run(runner)
    rows = runner.ledger.rows(group_id=board.id)
    assert max(r["submitted_at"] for r in rows) < min(r["finished_at"] for r in rows)
    cuts = _cut_differences(board)
    print("independent cut differences:", cuts)
    assert min(cuts) > 4 * SAME_PICTURE, cuts
    assert board.stitch().duration == pytest.approx(4.0, abs=1 / 24)


def test_extend_uses_the_extension_endpoint_and_stitches_once(
        server: EmbeddedServer, make_runner: Callable[..., JobRunner]) -> None:
    runner = make_runner(server)
    board = Storyboard.parse(THREE.format(mode="extend"))
    statuses = board.run(runner)
    rows = {r["key"]: r for r in runner.ledger.rows(group_id=board.id)}
    assert [rows[s.key]["op"] for s in statuses] == ["create", "extend", "extend"]
    assert rows[statuses[2].key]["parent_id"] == statuses[1].video_id
    # an extension contains its source: shot 3's video is the whole film
    assert probe(statuses[2].path).frames == 4 * 24
    continued = mad(last_frame(statuses[0].path), _nth_frame(statuses[1].path, 24))
    assert continued < SAME_PICTURE
    result = board.stitch()
    assert result.inputs == (statuses[2].path,) and result.duration == pytest.approx(4.0, abs=1 / 24)


def _nth_frame(path: Path, n: int) -> Any:
    import av

    with av.open(str(path)) as c:
        for i, frame in enumerate(c.decode(video=0)):
            if i == n:
                return frame.to_image()
    raise IndexError(n)


@pytest.mark.parametrize("death", ["ctrl-c", "kernel-killed"])
def test_kill_and_resume_regenerates_nothing_finished(
        death: str, server: EmbeddedServer, make_runner: Callable[..., JobRunner]) -> None:
    server.config.generation_time = 0.6
    board = Storyboard.parse(THREE.format(mode="chain"))
    first_runner = make_runner(server)
    handle = board.start(first_runner)
    production = board.production()
    # wait until shot 1 is finished and shot 2 is running on the server, then "the kernel dies"
    deadline = time.monotonic() + 20
    while not (production.jobs.get("s2") and production.jobs["s2"].state.video_id):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    with pytest.raises(InvalidRequestError, match="already running"):
        board.start()
    if death == "ctrl-c":
        handle.interrupt()  # the job ends "interrupted"
    else:  # everything stops where it is: the ledger still says the job is running
        loop = first_runner._background_loop()
        loop.call_soon_threadsafe(loop.stop)
    time.sleep(0.1)
    before = [s.status for s in production.status()]
    assert before[0] == "completed" and before[2] == "missing"
    assert before[1] in (("interrupted",) if death == "ctrl-c" else ("queued", "in_progress"))
    # a new kernel: a new runner and a storyboard loaded from the ledger group
    fresh = Storyboard.load(board.id, make_runner(server))
    statuses = fresh.resume()
    assert [s.status for s in statuses] == ["completed"] * 3
    prompts = fresh.prompts()
    assert [creates(server, p) for p in prompts] == [1, 1, 1]  # shot 2 was re-attached, not made again
    assert len(fresh.production().runner.ledger.rows(group_id=board.id)) == 3
    result = fresh.stitch()
    assert result.mode == "copy" and probe(result.path).duration == pytest.approx(4.0, abs=1 / 24)
    assert all(d < SAME_PICTURE for d in _cut_differences(fresh))
    # and running the same cell again later creates nothing at all
    again = Storyboard.parse(THREE.format(mode="chain"))
    assert again.id == board.id
    again.run(make_runner(server))
    assert [creates(server, p) for p in prompts] == [1, 1, 1]


def test_regenerate_one_shot_keeps_the_others(
        server: EmbeddedServer, make_runner: Callable[..., JobRunner]) -> None:
    board = Storyboard.parse(THREE.format(mode="chain"))
    first = board.run(make_runner(server))
    prompts = board.prompts()
    after = board.regenerate(1)  # shots are numbered from 1, as every printed line says
    assert [creates(server, p) for p in prompts] == [2, 1, 1]
    assert after[0].key != first[0].key and [s.key for s in after[1:]] == [s.key for s in first[1:]]
    assert after[1].stale and not after[2].stale  # shot 2 chained from the old take of shot 1
    board.run()  # a plain run keeps a stale chained shot...
    assert [creates(server, p) for p in prompts] == [2, 1, 1]
    board.run(cascade=True)  # ...and re-chains on request
    assert [creates(server, p) for p in prompts] == [2, 2, 2]
    assert not any(s.stale for s in board.status())
    board.regenerate("s2", downstream=True)  # or by id
    assert [creates(server, p) for p in prompts] == [2, 3, 3]


def test_regenerate_counts_from_one_and_makes_a_really_new_take(
        server: EmbeddedServer, make_runner: Callable[..., JobRunner]) -> None:
    """Issue 17: `regenerate(2)` redid shot 3 and the new take was byte-identical (same seed)."""
    board = Storyboard.parse(THREE.format(mode="chain"))
    first = board.run(make_runner(server))
    prompts = board.prompts()
    server.config.generation_time = 0.8
    board.regenerate(2, wait=False)
    deadline = time.monotonic() + 20
    while len(board.production().takes()["s2"]) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    # while the new take runs, the film still uses the old one: nothing is "made from an older take"
    assert not any(s.stale for s in board.status())
    handle = board.production()._active
    assert handle is not None
    after = handle.wait(30)
    assert [creates(server, p) for p in prompts] == [1, 2, 1]
    assert after[1].key != first[1].key and after[1].ok
    assert after[1].path is not None and first[1].path is not None
    assert after[1].path.read_bytes() != first[1].path.read_bytes()
    assert mad(last_frame(first[1].path), last_frame(after[1].path)) > 1.0  # really a different video
    assert [s.stale for s in after] == [False, False, True]  # shot 3 chained from the old take of shot 2
    assert not after[1].changed  # its new seed is the take's, not an edit of the shot
    board.run()
    assert [creates(server, p) for p in prompts] == [1, 2, 1]  # a plain run keeps the new take
    with pytest.raises(IndexError, match="numbered 1-3"):
        board.regenerate(0)


def test_editing_a_shot_regenerates_only_that_shot(
        server: EmbeddedServer, make_runner: Callable[..., JobRunner]) -> None:
    board = Storyboard.parse(THREE.format(mode="independent"))
    board.run(make_runner(server))
    board.shots[1].prompt = "A white lighthouse in fog"
    board.shots[2].seconds = 2
    assert [s.changed for s in board.status()] == [False, True, True]
    board.run()
    prompts = board.prompts()
    assert creates(server, prompts[0]) == 1 and creates(server, prompts[1]) == 1
    assert creates(server, prompts[2]) == 2  # same text, new length
    assert board.stitch().duration == pytest.approx(5.0, abs=1 / 24)


def test_extend_is_refused_where_the_model_has_no_extension(
        server: EmbeddedServer, make_runner: Callable[..., JobRunner]) -> None:
    runner = make_runner(server)
    caps = runner.capabilities
    no_extend = caps.model_copy(update={"models": {k: m.model_copy(update={"extend": False})
                                                   for k, m in caps.models.items()}})
    runner._sync.models = lambda: no_extend  # type: ignore[method-assign]
    board = Storyboard.parse(THREE.format(mode="extend"))
    with pytest.raises(UnsupportedFeatureError, match=r"shot 2 extends shot 1, but animatic .* no extension"):
        board.run(runner)
    assert runner.ledger.rows() == [] and creates(server, board.prompt(0)) == 0  # nothing was sent


def test_stitch_before_the_shots_exist_is_refused(make_runner: Callable[..., JobRunner]) -> None:
    board = Storyboard.parse(THREE.format(mode="chain"))
    board.production(make_runner())
    with pytest.raises(InvalidRequestError, match=r"shots 1 \(missing\), 2 \(missing\), 3 \(missing\)"):
        board.stitch()


def test_a_failed_shot_stops_its_strand_and_a_fix_reruns_only_what_is_needed(
        tmp_path: Path, make_runner: Callable[..., JobRunner]) -> None:
    from sora_widgets.server.config import ServerConfig
    from sora_widgets.server.embedded import start_server

    server = start_server(ServerConfig(data_dir=tmp_path / "strict", api_key="k", generation_time=0.0,
                                       blocked_words=("lighthouse",)))
    try:
        board = Storyboard.parse(THREE.format(mode="chain"))
        statuses = board.run(make_runner(server))
        assert [s.status for s in statuses] == ["completed", "failed", "missing"]
        assert "moderation" in (statuses[1].error or "")
        board.shots[1].prompt = "A red beacon on a rocky cliff in a storm"
        assert [s.status for s in board.run()] == ["completed"] * 3
        assert [creates(server, p) for p in board.prompts()] == [1, 1, 1]
    finally:
        server.stop()


def test_the_older_take_flag_survives_parsing_the_board_again(
        server: EmbeddedServer, make_runner: Callable[..., JobRunner]) -> None:
    """Issue 17: the same cell run again in a new kernel lost what each take was made from, so the
    "made from an older take" flag depended on the kernel, not on the takes actually used."""
    board = Storyboard.parse(THREE.format(mode="chain"))
    board.run(make_runner(server))
    board.regenerate(2)
    assert [s.stale for s in board.status()] == [False, False, True]
    again = Storyboard.parse(THREE.format(mode="chain"))  # a new kernel, the same cell
    again.run(make_runner(server))
    assert [s.stale for s in again.status()] == [False, False, True]
