"""The Studio in a real Jupyter Notebook 7 (`jupyter notebook`, the `/notebooks/<path>` page): type a
prompt, pick a duration and size, click Generate; a playable <video> of exactly that size and length
appears. The JupyterLab twin is test_studio_browser.py (same ipywidgets 8 DOM, another page shell)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import Page, expect

from .conftest import assert_first_video_plays

# Notebook 7's shell has one main-area widget: the notebook panel (window.jupyterapp only with
# JupyterNotebookApp.expose_app_in_browser, see the `notebook7` fixture)
KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(k && k.connectionStatus === 'connected' && k.status === 'idle'); }"""
SECONDS, SIZE = 3, "320x180"  # neither is the animatic default (2 s, 640x360)


def write_notebook(root: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('from sora_widgets.widgets import Studio\n'
                                          'studio = Studio(backend="local", model="animatic")\nstudio')]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "studio_nb7.ipynb")
    return "studio_nb7.ipynb"


@pytest.mark.browser
def test_studio_generates_a_playable_video_in_notebook7(lab_page: Page, notebook7: dict[str, Any],
                                                         artifacts: Path) -> None:
    started = time.monotonic()
    page = lab_page
    name = write_notebook(notebook7["root"])
    page.goto(f"{notebook7['base']}/notebooks/{name}?token={notebook7['token']}")
    page.wait_for_selector("body[data-notebook='notebooks'] .jp-Notebook .jp-Cell", timeout=60_000)
    assert page.evaluate("() => !!window.jupyterapp && window.jupyterapp.name") == "Jupyter Notebook"
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    studio = page.locator(".sora-studio")
    expect(studio).to_be_visible(timeout=30_000)

    studio.locator(".sora-field-subject input").fill("A paper boat")
    studio.locator(".sora-field-action input").fill("drifts down a rain-soaked street at dusk")
    studio.locator(".sora-field-action input").press("Tab")
    expect(studio.locator(".sora-preview")).to_contain_text("paper boat", timeout=10_000)
    studio.locator(".sora-duration select").select_option(label=f"{SECONDS} s")
    studio.locator(".sora-size select").select_option(label=f"{SIZE} · 16:9 landscape")
    expect(studio.locator(".sora-summary")).to_contain_text(f"animatic · {SECONDS} s · {SIZE}")

    studio.locator("button.sora-generate").click()  # a real mouse click (actionability-checked)
    card = studio.locator(".sora-card")
    expect(card).to_have_count(1, timeout=15_000)
    expect(card.locator(".sora-pill")).to_have_text("rendering", timeout=15_000)
    expect(card.locator("video")).to_have_count(1, timeout=60_000)
    assert_first_video_plays(page, SECONDS, SIZE)
    expect(card.locator(".sora-pill")).to_have_text("done")

    page.evaluate("() => { const v = document.querySelector('.sora-card video'); v.currentTime = 1.6; }")
    page.wait_for_timeout(400)
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "studio-notebook7.png"))
    assert time.monotonic() - started < 40
