"""Quality signals where a user decides: badges on job cards, "hide flagged" in the Gallery."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from sora_widgets.jobs import JobRunner
from sora_widgets.models import VideoRequest
from sora_widgets.widgets import Gallery, JobCard


def _until(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _request(prompt: str) -> VideoRequest:
    return VideoRequest(prompt=prompt, model="animatic", seconds=1, size="320x180")


def test_a_card_shows_its_signals_with_an_explanation_on_hover(runner: JobRunner) -> None:
    job = runner.submit(_request("a red kite over green hills [defect: black]"), background=True)
    card = JobCard(job, runner)
    job.wait(30)
    _until(lambda: card.signals is not None and card.signals.found is not None)
    assert card.signals is not None and card.signals.found is not None
    assert card.signals.found.flags == {"black"}
    assert "⚠ black" in card.signals.value
    assert 'title="black: black or blank frames make up more than a tenth of the clip' in card.signals.value
    assert card.signals in card.body.children


def test_a_clean_card_says_ok(runner: JobRunner) -> None:
    job = runner.submit(_request("a red kite over green hills"), background=True)
    card = JobCard(job, runner)
    job.wait(30)
    _until(lambda: card.signals is not None and card.signals.found is not None)
    assert card.signals is not None and "✓ ok" in card.signals.value


def test_gallery_hides_flagged_videos_and_checks_unchecked_ones(runner: JobRunner) -> None:
    good = runner.run(_request("a lighthouse in a storm"))
    bad = runner.run(_request("a lighthouse in a storm [defect: frozen]"))
    # as if from an older version: no signals stored for the good one yet
    runner.quality.check(good).result(30)
    runner.quality.check(bad).result(30)
    with sqlite3.connect(runner.ledger.path) as db:
        db.execute("DELETE FROM signals WHERE key=?", (good.key,))
    gallery = Gallery(runner)
    _until(lambda: all(i.flags is not None for i in gallery.items))  # checked in the background
    flags = {i.video_id: i.flags for i in gallery.items}
    assert flags == {good.video_id: (), bad.video_id: ("frozen",)}
    assert len(gallery.filtered()) == 2
    gallery.hide_flagged.value = True
    assert [i.video_id for i in gallery.filtered()] == [good.video_id]
    assert "1 of 2 videos" in gallery.count.value
    tile = gallery.grid.children[0]
    assert "✓ ok" in tile.children[1].value
    gallery.hide_flagged.value = False
    assert any("⚠ frozen" in t.children[1].value for t in gallery.grid.children)


def test_reopening_the_gallery_waits_for_nothing_and_queues_each_check_once(runner: JobRunner) -> None:
    from sora_widgets.jobs.quality import view_busy

    job = runner.run(_request("a paper boat on a rainy street"))
    runner.quality.check(job).result(30)
    with sqlite3.connect(runner.ledger.path) as db:
        db.execute("DELETE FROM signals WHERE key=?", (job.key,))
    with view_busy():  # a view is being built: the checks it asks for must not start decoding meanwhile
        first = Gallery(runner)
        queued = runner.quality._pending.get(job.key)
        assert queued is not None  # queued for after the page...
        time.sleep(0.3)
        assert first.items[0].flags is None  # ...and not computed while the view is busy
        second = Gallery(runner)
        assert runner.quality._pending.get(job.key) is queued  # a repeat open does not queue it again
    assert runner.quality.wait_idle(30)
    _until(lambda: first.items[0].flags == ())
    second.refresh()
    assert second.items[0].flags == ()
    third = Gallery(runner)  # the ledger knows the file now: nothing queued
    assert third.items[0].flags == () and not runner.quality.in_flight(job.key)
