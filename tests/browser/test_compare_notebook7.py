"""Compare in a real Jupyter Notebook 7 page: the anywidget loads, two clips play and pause together,
and a second view of the same grid follows the first one's transport (one clock per widget model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from playwright.sync_api import Page, expect

from .test_studio_notebook7 import KERNEL_IDLE

FRAME = 1 / 24
VIEW_TIMES = """(i) => [...document.querySelectorAll('.sc-root')[i].querySelectorAll('video')]
                        .map(v => ({t: v.currentTime, paused: v.paused, ready: v.readyState}))"""


def write_notebook(root: Path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from sora_widgets import compare\n"
                                  'grid = compare("a red kite over a windy beach", seeds=[1, 2], model="animatic",\n'
                                  '               seconds=2, size="320x180")\ngrid'),
        nbformat.v4.new_code_cell("grid  # a second view of the same widget"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "compare_nb7.ipynb")
    return "compare_nb7.ipynb"


@pytest.mark.browser
def test_compare_plays_in_step_in_notebook7(lab_page: Page, notebook7: dict[str, Any], artifacts: Path) -> None:
    page = lab_page
    name = write_notebook(notebook7["root"])
    page.goto(f"{notebook7['base']}/notebooks/{name}?token={notebook7['token']}")
    page.wait_for_selector("body[data-notebook='notebooks'] .jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    cells = page.locator(".jp-Notebook .jp-Cell")
    cells.first.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    expect(page.locator(".sc-root")).to_have_count(2, timeout=30_000)
    page.wait_for_function("""() => [...document.querySelectorAll('.sc-root video')].length === 4 &&
        [...document.querySelectorAll('.sc-root video')].every(v => v.readyState >= 2)""", timeout=60_000)

    first, second = page.locator(".sc-root").nth(0), page.locator(".sc-root").nth(1)
    first.get_by_role("button", name="Play all").click()
    page.wait_for_timeout(600)
    views = [page.evaluate(VIEW_TIMES, i) for i in (0, 1)]
    assert all(not v["paused"] for view in views for v in view), views  # the second view plays too
    expect(second.get_by_role("button", name="Pause all")).to_be_enabled()
    second.get_by_role("button", name="Pause all").click()  # pausing from the other view pauses both
    page.wait_for_function("() => [...document.querySelectorAll('.sc-root video')].every(v => v.paused && !v.seeking)",
                           timeout=5_000)
    times = [v["t"] for i in (0, 1) for v in page.evaluate(VIEW_TIMES, i)]
    assert max(times) - min(times) <= FRAME and min(times) > 0.2, times
    first.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "compare-notebook7.png"))
