"""In a real JupyterLab: a `%%sora` clip plays and its fallback still stays hidden; the Studio keeps
working when its saved snapshot is refreshed after a later cell; and the notebook Lab saves (no
widget state, Lab's default) holds the Studio's snapshot with the finished job and its poster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import Page, expect

KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(k && k.connectionStatus === 'connected' && k.status === 'idle'); }"""
CELLS = [
    "%load_ext sora_widgets",
    "%%sora -m animatic -s 1 --size 320x180\nA paper boat drifts down a rain-soaked street at dusk",
    "from sora_widgets import Studio\nstudio = Studio(model='animatic')\nstudio",
    "jobs = studio.generate('a lighthouse in a storm, aerial shot')\nawait studio.wait_async()\n"
    "print('finished:', jobs[0].state.status)",
]


@pytest.mark.browser
def test_clip_plays_and_saved_studio_keeps_its_snapshot(lab_page: Page, jupyterlab: dict[str, Any],
                                                         artifacts: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, jupyterlab["root"] / "share.ipynb")
    page = lab_page
    page.goto(f"{jupyterlab['base']}/lab/tree/share.ipynb?token={jupyterlab['token']}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    cells = page.locator(".jp-Notebook .jp-Cell")
    expect(cells.nth(3).locator(".jp-OutputArea-output")).to_contain_text("finished: completed", timeout=90_000)

    clip = cells.nth(1).locator(".sora-clip")
    expect(clip.locator("video")).to_have_count(1)
    page.wait_for_function("""() => { const v = document.querySelector('.sora-clip video');
                                      return v.readyState >= 1 && v.duration > 0; }""", timeout=20_000)
    info = page.evaluate("""async () => { const v = document.querySelector('.sora-clip video');
        v.muted = true; await v.play(); await new Promise(r => setTimeout(r, 500)); v.pause();
        const still = v.parentElement.querySelector('a.sora-still');
        return {t: v.currentTime, w: v.videoWidth, still: still.offsetWidth}; }""")
    assert info["t"] > 0 and info["w"] == 320 and info["still"] == 0, info

    # the Studio view was rebuilt by the snapshot refresh after cell 3: still live and playing
    studio = cells.nth(2).locator(".sora-studio")
    expect(studio.locator(".sora-card video")).to_have_count(1, timeout=30_000)
    expect(studio.locator("button.sora-generate")).to_be_enabled()
    page.screenshot(path=str(artifacts / "share-lab.png"), full_page=True)

    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
                                      return w && w.context && !w.context.model.dirty; }""", timeout=20_000)
    saved = json.loads((jupyterlab["root"] / "share.ipynb").read_text())
    assert "widgets" not in saved["metadata"]  # Lab's default: no widget state
    studio_out = saved["cells"][2]["outputs"][-1]["data"]
    html = "".join(studio_out["text/html"])
    assert "application/vnd.jupyter.widget-view+json" in studio_out
    assert "a lighthouse in a storm" in html and "completed" in html and 'src="data:image/jpeg;base64,' in html
