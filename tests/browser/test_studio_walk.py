"""Issue 17 in a real JupyterLab: the first hour of a demanding user, click by click.

- Generate refuses while the reference input is unusable, and never drops the earlier reference.
- An error line goes away as soon as its cause is gone (no stale "Write a prompt first").
- The walk: compose, template (shown, undoable), a bad then a good reference, remix (prefilled,
  titled by its prompt), extend (real length), last frame → reference (a removable chip), copy as
  %%sora into a new cell, delete (resume and status skip it), and resume after a kernel restart.
  Screenshots go to test-artifacts/ (walk-*.png).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from .test_studio_browser import KERNEL_IDLE

STUDIO_CELL = 'from sora_widgets.widgets import Studio\nstudio = Studio(backend="local", model="animatic")\nstudio'


def write_notebook(root: Path, name: str, cells: list[str]) -> str:
    from PIL import Image

    Image.new("RGB", (640, 360), (40, 90, 160)).save(root / "start.png")
    (root / "notes.txt").write_text("not an image")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / name)
    return name


def open_notebook(page: Page, lab: dict[str, Any], name: str) -> Locator:
    page.goto(f"{lab['base']}/lab/tree/{name}?reset&token={lab['token']}")  # no tabs from earlier tests
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    run_cell(page, "Studio(")
    studio = page.locator(".sora-studio")
    expect(studio).to_be_visible(timeout=30_000)
    return studio


def cell_with(page: Page, text: str) -> Locator:
    return page.locator(".jp-Notebook .jp-Cell").filter(has=page.locator(".jp-InputArea-editor", has_text=text))


def run_cell(page: Page, text: str) -> Locator:
    """Run the first cell whose source contains `text`; returns the cell."""
    cell = cell_with(page, text).first
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    return cell


def set_reference(studio: Locator, path: str) -> None:
    box = studio.locator(".sora-reference .widget-text input")
    box.fill(path)
    box.press("Enter")


def compose(studio: Locator, subject: str, action: str) -> None:
    studio.locator(".sora-field-subject input").fill(subject)
    studio.locator(".sora-field-action input").fill(action)
    studio.locator(".sora-field-action input").press("Tab")
    expect(studio.locator(".sora-preview")).to_contain_text(subject, timeout=10_000)


def kernel_says(page: Page, code_marker: str, expected: str) -> None:
    cell = run_cell(page, code_marker)
    expect(cell.locator(".jp-OutputArea-output").last).to_contain_text(expected, timeout=20_000)


@pytest.mark.browser
def test_generate_refuses_a_bad_reference_and_keeps_the_good_one(lab_page: Page, jupyterlab: dict[str, Any],
                                                                  artifacts: Path) -> None:
    """Defect 1: an unreadable Reference showed "not an image", yet Generate started a job with no
    reference, and the earlier valid reference was dropped too."""
    page = lab_page
    name = write_notebook(jupyterlab["root"], "defect1.ipynb", [
        STUDIO_CELL, 'print("jobs:", len(studio.jobs), "reference:", studio.parameters.reference)'])
    studio = open_notebook(page, jupyterlab, name)
    compose(studio, "A paper boat", "drifts down a rain-soaked street")
    set_reference(studio, "start.png")
    expect(studio.locator(".sora-reference img.sora-thumb, .sora-reference .sora-thumb")).to_be_visible()
    expect(studio.locator(".sora-reference-chip")).to_contain_text("start.png")
    set_reference(studio, "notes.txt")
    expect(studio.locator(".sora-reference .sora-error")).to_contain_text("not an image")
    expect(studio.locator(".sora-reference-chip")).to_contain_text("start.png")  # still the earlier one
    studio.locator("button.sora-generate").click()
    expect(studio.locator(".sora-error").filter(has_text="Reference:")).to_contain_text("not an image")
    page.wait_for_timeout(1500)
    assert studio.locator(".sora-card").count() == 0, "a job started despite the unusable reference"
    page.screenshot(path=str(artifacts / "defect1-refused.png"), full_page=True)
    kernel_says(page, 'print("jobs:"', "jobs: 0 reference:")
    out = cell_with(page, 'print("jobs:"').locator(".jp-OutputArea-output").last.inner_text()
    assert out.strip().endswith("start.png"), out


@pytest.mark.browser
def test_errors_go_away_with_their_cause(lab_page: Page, jupyterlab: dict[str, Any], artifacts: Path) -> None:
    """Defect 6: "Write a prompt first" stayed after the prompt was written; a too-long-prompt
    error stayed after shortening."""
    page = lab_page
    name = write_notebook(jupyterlab["root"], "defect6.ipynb", [STUDIO_CELL])
    studio = open_notebook(page, jupyterlab, name)
    message = studio.locator(".sora-error").filter(has_text="Write a prompt first")
    studio.locator("button.sora-generate").click()
    expect(message).to_be_visible(timeout=10_000)
    compose(studio, "A paper boat", "drifts down a rain-soaked street")
    expect(message).to_have_count(0, timeout=10_000)  # gone without another click

    studio.locator(".sora-composer .widget-toggle-buttons button", has_text="Free text").click()
    free = studio.locator(".sora-composer textarea").first
    free.fill("a paper boat drifting " * 1600)  # 35,200 characters
    studio.locator("button.sora-generate").click()
    too_long = studio.locator(".sora-error").filter(has_text="characters long, over the limit")
    expect(too_long).to_be_visible(timeout=10_000)
    text = too_long.first.inner_text()
    assert "shorten it by" in text and "pydantic" not in text and "Input should" not in text, text
    page.screenshot(path=str(artifacts / "defect6-too-long.png"), full_page=True)
    free.fill("a paper boat drifting down a rain-soaked street at dusk")
    expect(too_long).to_have_count(0, timeout=10_000)
    assert studio.locator(".sora-card").count() == 0


@pytest.mark.browser
def test_the_first_hour_walk(lab_page: Page, jupyterlab: dict[str, Any], artifacts: Path) -> None:
    page = lab_page
    name = write_notebook(jupyterlab["root"], "walk.ipynb", [
        STUDIO_CELL, "%load_ext sora_widgets", "%sora resume", "%sora status",
        "print('deleted in ledger:', [r['video_id'] for r in studio.runner.ledger.rows(status=('deleted',))])"])
    studio = open_notebook(page, jupyterlab, name)
    shot = 0

    def snap(what: str) -> None:
        nonlocal shot
        shot += 1
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts / f"walk-{shot:02d}-{what}.png"), full_page=True)

    # compose, then a template: it says what it set, and Undo puts the composition back
    compose(studio, "A paper boat", "drifts down a rain-soaked street at dusk")
    studio.locator(".sora-duration select").select_option(label="2 s")
    snap("compose")
    studio.locator(".sora-templates select").select_option(label="cinematic-scene (guide)")
    active = studio.locator(".sora-active-template")
    expect(active).to_contain_text("cinematic-scene")
    expect(active).to_contain_text("1080p →")  # the size it could not have is said, not swapped silently
    snap("template")
    studio.locator("button.sora-template-undo").click()
    expect(studio.locator(".sora-preview")).to_contain_text("A paper boat")
    expect(studio.locator(".sora-summary")).to_contain_text("2 s")

    # a bad reference is refused, then a good one is used
    set_reference(studio, "notes.txt")
    studio.locator("button.sora-generate").click()
    expect(studio.locator(".sora-error").filter(has_text="Reference:")).to_be_visible(timeout=10_000)
    assert studio.locator(".sora-card").count() == 0
    snap("bad-reference")
    set_reference(studio, "start.png")
    expect(studio.locator(".sora-error").filter(has_text="Reference:")).to_have_count(0, timeout=10_000)
    expect(studio.locator(".sora-reference-chip")).to_contain_text("start.png")
    studio.locator("button.sora-generate").click()
    cards = studio.locator(".sora-card")
    expect(cards).to_have_count(1, timeout=15_000)
    expect(cards.first.locator(".sora-meta").filter(has_text="estimating…").or_(
        cards.first.locator(".sora-meta").filter(has_text="left"))).to_be_visible(timeout=10_000)
    snap("running")
    first = cards.last  # new cards go on top: the oldest card is the last one
    expect(first.locator("video")).to_have_count(1, timeout=60_000)
    snap("done")

    # remix: prefilled with the source prompt, the new card titled by its prompt
    first.locator("button", has_text="Remix").first.click()
    remix_box = first.locator(".sora-remix-prompt input")
    expect(remix_box).to_have_value("A paper boat drifts down a rain-soaked street at dusk")
    remix_box.fill("A paper boat drifts down a snowy street at dusk")
    first.locator("button", has_text="Remix").last.click()
    expect(cards).to_have_count(2, timeout=15_000)
    remix_card = cards.filter(has_text="Remix: A paper boat drifts down a snowy street")
    expect(remix_card).to_have_count(1)
    assert "video_" not in remix_card.locator(".sora-card-title").inner_text()
    snap("remix")

    # extend: the card shows the clip's real length and what was added
    first.locator("button", has_text="Extend").first.click()
    expect(first.locator(".sora-extend-prompt input")).to_have_value(
        "A paper boat drifts down a rain-soaked street at dusk")
    expect(first.locator("button", has_text="Extend")).to_have_count(2)
    first.locator("button", has_text="Extend").last.click()
    expect(cards).to_have_count(3, timeout=15_000)
    extended = cards.filter(has_text="Extend:")
    expect(extended.locator("video")).to_have_count(1, timeout=60_000)
    expect(extended.locator(".sora-meta").first).to_contain_text("3s (+1s added) · extend")
    snap("extend")

    # last frame -> reference: a visible chip, removable
    first.locator("button", has_text="Last frame → reference").click()
    chip = studio.locator(".sora-reference-chip")
    expect(chip).to_contain_text(".last.png")
    chip.scroll_into_view_if_needed()
    snap("last-frame-chip")
    right = studio.locator(".sora-panel").last.bounding_box()
    for part in (studio.locator(".sora-reference .sora-meta").first, chip):  # nothing overflows the panel
        edge = part.bounding_box()
        assert right and edge and edge["x"] + edge["width"] <= right["x"] + right["width"] + 1, (edge, right)
    chip.locator("button").click()
    expect(chip).to_be_hidden()

    # copy as %%sora: into a new cell below, with paths relative to the notebook
    cells_before = page.locator(".jp-Notebook .jp-Cell").count()
    first.locator("button", has_text="%%sora").click()
    expect(first.locator(".sora-cell textarea")).to_have_value(re.compile(r"^%%sora -m animatic"))
    assert "--ref start.png" in first.locator(".sora-cell textarea").input_value()
    first.locator("button.sora-insert-cell").click()
    expect(page.locator(".jp-Notebook .jp-Cell")).to_have_count(cells_before + 1, timeout=10_000)
    expect(cell_with(page, "--ref start.png")).to_have_count(1)
    snap("copy-as-sora")

    # delete: confirmed, then resume and status skip it
    gone = remix_card
    expect(gone.locator("video")).to_have_count(1, timeout=60_000)
    deleted_id = gone.locator(".sora-meta[title]").first.get_attribute("title") or ""
    assert deleted_id.startswith("video_"), deleted_id
    gone.locator("button", has_text="Delete").click()
    gone.locator("button", has_text="Really delete?").click()
    expect(gone.locator(".sora-pill")).to_have_text("deleted", timeout=10_000)
    snap("deleted")
    run_cell(page, "%load_ext sora_widgets")
    kernel_says(page, "%sora resume", "nothing to resume")
    status = run_cell(page, "%sora status")
    expect(status.locator(".jp-OutputArea-output").last).to_contain_text("jobs of this session", timeout=20_000)
    table = status.locator(".jp-OutputArea-output").last.inner_text()
    assert deleted_id not in table and "expired" not in table, table
    kernel_says(page, "deleted in ledger", f"deleted in ledger: ['{deleted_id}']")
    snap("status")

    # resume: a job running when the kernel restarts is picked up by the next Studio()
    compose(studio, "A lighthouse", "blinks through the fog")
    studio.locator("button.sora-generate").click()
    expect(cards).to_have_count(4, timeout=15_000)
    page.wait_for_timeout(1500)
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    run_cell(page, "Studio(")
    fresh = page.locator(".sora-studio").first
    expect(fresh.locator(".sora-ok")).to_contain_text("Resumed 1 unfinished job", timeout=30_000)
    expect(fresh.locator(".sora-card video")).to_have_count(1, timeout=60_000)
    snap("resumed")
