"""The gallery: past generations from the ledger and the folder, filters, open, compare."""

from __future__ import annotations

import shutil
from pathlib import Path

from sora_widgets.jobs import JobRunner
from sora_widgets.jobs.quality import checks_for
from sora_widgets.models import VideoRequest
from sora_widgets.widgets import Compare, Gallery, Player

from .helpers import video_info


def generate(runner: JobRunner, prompt: str, seconds: int, size: str) -> Path:
    state = runner.run(VideoRequest(prompt=prompt, model="animatic", seconds=seconds, size=size))
    assert state.ok and state.path is not None
    return Path(state.path)


def test_gallery_lists_filters_opens_and_compares(runner: JobRunner) -> None:
    fox = generate(runner, "a red fox in the snow", 1, "320x180")
    owl = generate(runner, "an owl at night, close-up", 2, "180x320")
    stray = runner.settings.output_dir / "imported_clip.mp4"
    shutil.copy(fox, stray)
    gallery = Gallery(runner)
    assert {i.path for i in gallery.items} == {fox.resolve(), owl.resolve(), stray.resolve()}
    assert len(gallery.grid.children) == 3 and "3 videos" in gallery.count.value
    gallery.wait_thumbnails()  # made in a worker thread, so the tiles show at once
    # Without a kernel loop (a test, a script) the quality signals the gallery asked for re-render its
    # tiles from the checks' worker thread; in a kernel they hop onto its loop. Let them land before
    # this thread touches tiles, or it may tick a checkbox of a tile that was just replaced.
    assert checks_for(runner.ledger).wait_idle()
    tile_image = gallery.grid.children[0].children[0]
    assert bytes(tile_image.value)[:2] == b"\xff\xd8"  # a small JPEG thumbnail, not the video
    assert len(tile_image.value) < 20_000
    assert list(gallery.model_filter.options) == ["all models", "animatic"]

    gallery.search.value = "owl"
    assert [i.path for i in gallery.shown] == [owl.resolve()] and "1 of 3" in gallery.count.value
    gallery.search.value = ""
    gallery.model_filter.value = "animatic"
    assert len(gallery.shown) == 2  # the stray file has no model

    gallery.model_filter.value = "all models"
    player = gallery.play(owl.stem)
    assert isinstance(player, Player) and gallery.viewer.children == (player,)
    assert video_info(player.value) == (180, 320, 2.0)

    for tile in gallery.grid.children[:2]:
        tile.children[2].children[1].value = True  # tick "compare"
    gallery.compare_button.click()
    assert len(gallery.viewer.children) == 1  # one synced Compare, not loose players
    view = gallery.viewer.children[0]
    assert isinstance(view, Compare)
    assert {c.path for c in view.clips} == {i.path for i in gallery.shown[:2]}
    assert [c["src"] is not None for c in view.cells] == [True, True]
    assert "Gallery(" in gallery._repr_mimebundle_()["text/plain"]


def test_gallery_of_an_empty_folder(tmp_path: Path) -> None:
    gallery = Gallery(folder=tmp_path / "nothing-yet")
    assert gallery.items == [] and "0 videos" in gallery.count.value
    assert not (tmp_path / "nothing-yet").exists()  # looking does not create folders
    assert gallery.compare() is None
    assert "two or more" in gallery.viewer.children[0].value


def test_paging(runner: JobRunner) -> None:
    first = generate(runner, "a paper boat", 1, "320x180")
    for i in range(4):
        shutil.copy(first, runner.settings.output_dir / f"copy{i}.mp4")
    gallery = Gallery(runner, page_size=2)
    assert len(gallery.grid.children) == 2 and gallery.more_button.layout.display != "none"
    gallery.more_button.click()
    gallery.more_button.click()
    assert len(gallery.grid.children) == 5 and gallery.more_button.layout.display == "none"


def test_a_long_history_is_read_a_page_at_a_time(runner: JobRunner) -> None:
    from sora_widgets.jobs import JobState
    from sora_widgets.widgets.gallery import STRAY_SCAN_LIMIT

    clip = generate(runner, "a paper boat", 1, "320x180")
    assert runner.ledger is not None
    for i in range(7):  # more completed jobs than one page, each with its own file
        copy = clip.with_name(f"copy_{i}.mp4")
        shutil.copy(clip, copy)
        runner.ledger.record(JobState(request=VideoRequest(prompt=f"a kite number {i}", model="animatic"),
                                      backend="local", status="completed", video_id=f"video_copy{i}",
                                      path=copy.resolve(), created_at=1_000 + i, finished_at=1_000 + i))
    gallery = Gallery(runner, page_size=3)
    assert len(gallery.grid.children) == 3 and "8 videos" in gallery.count.value
    assert len(gallery._loaded) < 8  # the rest of the history is not read until asked for
    gallery.more_button.click()
    gallery.more_button.click()
    assert len(gallery.grid.children) == 8 and gallery.more_button.layout.display == "none"
    assert gallery.shown[0].path == clip.resolve()  # newest first
    gallery.search.value = "number 4"  # the filter runs in the ledger query
    assert [i.video_id for i in gallery.shown] == ["video_copy4"] and "1 of 8" in gallery.count.value

    for i in range(STRAY_SCAN_LIMIT):  # a huge folder is not listed to find files the ledger lacks
        (runner.settings.output_dir / f"note_{i}.txt").touch()
    shutil.copy(clip, runner.settings.output_dir / "imported.mp4")
    gallery.search.value = ""
    gallery.refresh()
    assert "8 videos" in gallery.count.value and "too large" in gallery.count.value


def test_an_unreadable_video_gets_a_placeholder_not_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "broken.mp4").write_bytes(b"not a video at all")
    gallery = Gallery(folder=folder)
    tile_image = gallery.grid.children[0].children[0]
    gallery.wait_thumbnails()
    assert bytes(tile_image.value)[:2] == b"\xff\xd8" and "1 videos" in gallery.count.value
