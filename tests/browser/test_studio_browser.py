"""The Studio in a real JupyterLab: type a prompt, pick a duration and size, click Generate; the
kernel stays free while the job runs; a playable <video> of exactly that size and length appears."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import Page, expect

from .conftest import GENERATION_TIME, REPO, assert_first_video_plays

KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(k && k.connectionStatus === 'connected' && k.status === 'idle'); }"""
SECONDS, SIZE = 3, "640x360"


def write_notebook(root: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('from sora_widgets.widgets import Studio\n'
                                  'studio = Studio(backend="local", model="animatic")\nstudio'),
        nbformat.v4.new_code_cell('print("kernel is free; job", studio.jobs[0].state.status)'),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "studio.ipynb")
    return "studio.ipynb"


def run_cell(page: Page, index: int) -> None:
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


@pytest.mark.browser
def test_studio_generates_a_playable_video(lab_page: Page, jupyterlab: dict[str, Any], artifacts: Path) -> None:
    started = time.monotonic()
    page = lab_page
    name = write_notebook(jupyterlab["root"])
    page.goto(f"{jupyterlab['base']}/lab/tree/{name}?token={jupyterlab['token']}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    run_cell(page, 0)
    studio = page.locator(".sora-studio")
    expect(studio).to_be_visible(timeout=30_000)

    # compose: typed fields, a chip, the camera move
    studio.locator(".sora-field-subject input").fill("A paper boat")
    studio.locator(".sora-field-action input").fill("drifts down a rain-soaked street at dusk")
    studio.locator(".sora-chips button", has_text="neon glow").first.click()
    studio.locator(".sora-field-movement input").fill("slow tracking shot")
    studio.locator(".sora-field-movement input").press("Tab")
    expect(studio.locator(".sora-preview")).to_contain_text("neon glow", timeout=10_000)
    # parameters: only the model's values are offered
    studio.locator(".sora-duration select").select_option(label=f"{SECONDS} s")
    studio.locator(".sora-size select").select_option(value=None, label=f"{SIZE} · 16:9 landscape")
    expect(studio.locator(".sora-summary")).to_contain_text(f"animatic · {SECONDS} s · {SIZE}")
    page.screenshot(path=str(artifacts / "studio-composed.png"), full_page=True)

    studio.locator(".sora-variations button", has_text="2").click()  # two variations, side by side
    expect(studio.locator(".sora-summary")).to_contain_text("× 2")
    studio.locator("button.sora-generate").click()
    cards = studio.locator(".sora-card")
    expect(cards).to_have_count(2, timeout=15_000)
    card = cards.first
    expect(card.locator(".sora-pill")).to_have_text("rendering", timeout=15_000)
    page.screenshot(path=str(artifacts / "studio-running.png"), full_page=True)

    # the kernel is not blocked: another cell runs while the job renders
    clicked = time.monotonic()
    run_cell(page, 1)
    out = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-OutputArea-output")
    expect(out).to_contain_text("kernel is free; job in_progress", timeout=10_000)
    assert page.locator(".sora-card video").count() == 0, "the video appeared before the other cell ran"
    ran_after = time.monotonic() - clicked
    assert ran_after < GENERATION_TIME, ran_after
    expect(card.locator(".sora-meta", has_text="elapsed")).to_be_visible()

    expect(studio.locator(".sora-card video")).to_have_count(2, timeout=60_000)
    boxes = [cards.nth(i).bounding_box() for i in range(2)]
    assert boxes[0] and boxes[1] and abs(boxes[0]["y"] - boxes[1]["y"]) < 2, boxes  # side by side
    assert_first_video_plays(page, SECONDS, SIZE)
    expect(card.locator(".sora-pill")).to_have_text("done")
    href = card.locator("a.sora-download-link").get_attribute("href") or ""
    assert "/files/sora_outputs/video_" in href and ".mp4" in href, href  # resolved by the notebook
    for label in ("Remix", "Extend", "Last frame → reference", "%%sora", "Delete"):
        expect(card.locator("button", has_text=label)).to_be_visible()
    badge = card.locator(".sora-signal").first  # quality signals, checked in the background
    expect(badge).to_have_text("✓ ok", timeout=30_000)
    assert "no quality signals" in (badge.get_attribute("title") or "")  # the explanation on hover

    page.evaluate("() => document.querySelectorAll('.sora-card video').forEach(v => { v.currentTime = 1.6; })")
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / "studio-page.png"), full_page=True)
    box = studio.bounding_box()
    assert box is not None
    page.set_viewport_size({"width": 1360, "height": int(box["height"] + 400)})  # the whole studio on screen
    page.wait_for_timeout(300)
    studio.screenshot(path=str(artifacts / "studio.png"))
    if os.environ.get("UPDATE_README_SCREENSHOT"):
        shutil.copy(artifacts / "studio.png", REPO / "docs" / "images" / "studio.png")
    assert time.monotonic() - started < 90
