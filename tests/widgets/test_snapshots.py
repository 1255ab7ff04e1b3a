"""Every widget's output also carries a static text/html snapshot (what nbconvert, nbviewer and
GitHub show without widget state), and the saved output follows the widget after each cell."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sora_widgets.jobs import JobRunner
from sora_widgets.models import VideoRequest
from sora_widgets.share.snapshot import SNAPSHOT_CLOSE, SNAPSHOT_OPEN
from sora_widgets.widgets import BatchPanel, Gallery, JobCard, Studio

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _bundle(widget: Any) -> dict[str, Any]:
    data = widget._repr_mimebundle_()
    assert set(data) == {"text/plain", WIDGET_VIEW, "text/html"}, set(data)
    html = data["text/html"]
    assert html.startswith(SNAPSHOT_OPEN) and html.endswith(SNAPSHOT_CLOSE) and "\n" not in html
    assert "<script" not in html  # survives sanitizers; images are data URLs, never files next to it
    assert not re.search(r'<img [^>]*src="(?!data:image/)', html), html[:400]
    return data


def _settle(runner: JobRunner, states: list[Any]) -> None:
    """Store the quality signals now, so a Gallery built next has nothing left to check in the
    background (its background refresh would race with the test's own reads)."""
    from sora_widgets.jobs.quality import checks_for

    for state in states:
        checks_for(runner.ledger).check_now(state)


def _images(html: str) -> int:
    return len(re.findall(r'<img [^>]*src="data:image/(?:jpeg|webp);base64,', html))


def test_studio_snapshot_has_prompt_parameters_jobs_and_posters(runner: JobRunner, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    studio = Studio(runner=runner, model="animatic")
    studio.composer.value = "a lantern on a lake <at night>"
    empty = _bundle(studio)["text/html"]
    assert "a lantern on a lake &lt;at night&gt;" in empty and "no jobs yet" in empty and _images(empty) == 0
    assert "animatic" in empty and "backend local" in empty
    studio.parameters.duration.value = 1
    jobs = studio.generate()
    studio.wait(30)
    html = _bundle(studio)["text/html"]
    assert "completed" in html and _images(html) == 1 and f'src="out/{jobs[0].state.path.name}"' in html
    assert len(html) < 30_000  # a poster, not the video


def test_card_gallery_and_batch_snapshots(runner: JobRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    jobs = runner.submit_many([VideoRequest(prompt=f"kite {i}", model="animatic", seconds=1, size="320x180")
                               for i in range(2)] + [VideoRequest(prompt="forbidden kite", model="animatic",
                                                                  seconds=1, size="320x180")], background=True)
    _settle(runner, [job.wait(30) for job in jobs])
    card = _bundle(JobCard(jobs[0], runner))["text/html"]
    assert "kite 0" in card and _images(card) == 1 and "completed" in card
    failed = _bundle(JobCard(jobs[2], runner))["text/html"]
    assert "failed" in failed and "✖" in failed and _images(failed) == 0 and "no video" in failed
    panel = _bundle(BatchPanel(jobs, runner, title="Kites"))["text/html"]
    assert "Kites" in panel and "3 jobs: 2 done, 1 failed" in panel and _images(panel) == 2
    gallery = Gallery(runner)
    html = _bundle(gallery)["text/html"]
    assert _images(html) == 2 and "2 videos" in html and "<video" not in html  # stills + links, light
    gallery.search.value = "kite 1"
    assert _images(_bundle(gallery)["text/html"]) == 1


class _BrokenSnapshot(Studio):
    def snapshot_html(self) -> str:
        raise OSError("disk gone")


def test_a_broken_snapshot_never_breaks_the_live_view(runner: JobRunner) -> None:
    data = _BrokenSnapshot(runner=runner, model="animatic")._repr_mimebundle_()
    assert WIDGET_VIEW in data and "text/html" not in data


def test_saved_output_follows_the_widget_after_each_cell(runner: JobRunner, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from IPython.display import display
    from IPython.testing.globalipapp import get_ipython, start_ipython
    from IPython.utils.capture import capture_output

    shell = start_ipython() or get_ipython()
    monkeypatch.chdir(tmp_path)
    studio = Studio(runner=runner, model="animatic")
    studio.parameters.duration.value = 1
    with capture_output() as cap:
        display(studio)  # shown with a display id
        shell.events.trigger("post_run_cell", None)  # nothing changed: nothing sent
        assert len(cap.outputs) == 1
        studio.generate("a kite over dunes")
        studio.wait(30)
        shell.events.trigger("post_run_cell", None)
        shell.events.trigger("post_run_cell", None)  # unchanged again: still one update
    first, update = cap.outputs
    assert "no jobs yet" in first.data["text/html"] and WIDGET_VIEW in first.data
    assert update.update and update.transient == first.transient  # same display id: the output is replaced
    assert "a kite over dunes" in update.data["text/html"] and _images(update.data["text/html"]) == 1
    assert update.data[WIDGET_VIEW] == first.data[WIDGET_VIEW]


def test_gallery_export_button_writes_the_ticked_videos(runner: JobRunner, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.chdir(tmp_path)
    jobs = runner.submit_many([VideoRequest(prompt=f"kite {i}", model="animatic", seconds=1, size="320x180")
                               for i in range(3)], background=True)
    states = [job.wait(30) for job in jobs]
    _settle(runner, states)
    gallery = Gallery(runner)
    gallery._select(Path(states[1].path).resolve(), True)
    gallery.export_button.click()
    assert "exported 1 clips" in gallery.export_status.value, gallery.export_status.value
    [report] = (tmp_path / "sora_exports").iterdir()
    assert [c["id"] for c in json.loads((report / "manifest.json").read_text())["clips"]] == [states[1].video_id]
    gallery.export(tmp_path / "sora_exports" / report.name)  # exists: one line, nothing replaced
    assert "already exists" in gallery.export_status.value and "✖" in gallery.export_status.value


def test_a_player_on_its_own_degrades_like_a_clip(runner: JobRunner, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from sora_widgets.widgets import Player

    monkeypatch.chdir(tmp_path)
    state = runner.submit(VideoRequest(prompt="a kite", model="animatic", seconds=1, size="320x180")).wait(30)
    data = Player(state)._repr_mimebundle_()
    html = data["text/html"]
    assert WIDGET_VIEW in data and f'<video src="out/{Path(state.path).name}"' in html
    assert 'class="sora-still"' in html and _images(html) == 1
