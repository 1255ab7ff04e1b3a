"""Shareable outputs, checked the way readers meet them, in headless Chromium.

1. A notebook with a `%%sora` clip and a Studio is executed (nbclient, widget state not stored, as
   JupyterLab saves by default), rendered with nbconvert's HTML exporter (what nbviewer does), and
   the HTML is moved away from the media folder. Each of the two outputs must show a loaded image.
   Then the same with `<script>`, `<video>`, `<audio>`, `<iframe>` and inline handlers stripped
   (what GitHub's renderer leaves). Next to its media, the clip must play and its still stay hidden.
2. An exported report folder is moved elsewhere and opened from file://: every clip loads and plays;
   the single-file variant too; manifest.json validates against the schema in the repo.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from playwright.sync_api import Browser

CLIP_PROMPT = "A paper boat drifts down a rain-soaked street at dusk"
STUDIO_PROMPT = "a lighthouse in a storm, aerial shot"
CELLS = [
    "%load_ext sora_widgets",
    f"%%sora -m animatic -s 1 --size 320x180\n{CLIP_PROMPT}",
    "from sora_widgets import Studio\nstudio = Studio(model='animatic')\nstudio",
    f"jobs = studio.generate({STUDIO_PROMPT!r})\nawait studio.wait_async()\n[j.state.status for j in jobs]",
]

# per code cell: does it show an <img> that loaded and is visible?
IMAGES = """() => [...document.querySelectorAll('.jp-Cell.jp-CodeCell')].map(cell => {
  const imgs = [...cell.querySelectorAll('.jp-OutputArea-output img')];
  return imgs.filter(i => i.complete && i.naturalWidth > 0 && i.offsetWidth > 0).length; })"""


def _execute(folder: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(folder)}},
                   store_widget_state=False).execute()
    nbformat.write(nb, folder / "shared.ipynb")
    return nb


def _html(nb: nbformat.NotebookNode) -> str:
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return str(body)


def _strip(html: str, extra: tuple[str, ...] = ()) -> str:
    """What a sanitizer like GitHub's leaves: no script, media or frames, no inline handlers."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(["script", "video", "audio", "iframe", *extra]):
        tag.decompose()
    for tag in soup.find_all(True):
        for attr in [a for a in tag.attrs if a.lower().startswith("on")]:
            del tag[attr]
    return str(soup)


def _images(browser: Browser, path: Path) -> list[int]:
    page = browser.new_page()
    try:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_function(f"() => ({IMAGES})()[1] > 0 && ({IMAGES})()[2] > 0", timeout=15_000)
        return list(page.evaluate(IMAGES))
    except Exception:
        page.screenshot(path=str(path.with_suffix(".png")), full_page=True)
        raise
    finally:
        page.close()


@pytest.mark.browser
def test_saved_notebook_shows_images_without_media_and_without_video(chromium: Browser, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    nb = _execute(work)
    html = _html(nb)
    # the outputs are what we think they are: a clip, and the Studio's snapshot with its job
    clip_out, studio_out = nb.cells[1].outputs[-1], nb.cells[2].outputs[-1]
    assert "<video" in clip_out["data"]["text/html"] and "sora-still" in clip_out["data"]["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in studio_out["data"]
    snapshot = studio_out["data"]["text/html"]
    assert STUDIO_PROMPT in snapshot and "completed" in snapshot and "<img" in snapshot
    assert "widgets" not in nb.metadata

    away = tmp_path / "elsewhere"  # no sora_outputs/ beside it: every relative media link is broken
    away.mkdir()
    (away / "plain.html").write_text(html, encoding="utf-8")
    (away / "stripped.html").write_text(_strip(html), encoding="utf-8")
    stripped = (away / "stripped.html").read_text()
    assert "<video" not in stripped and "<script" not in stripped
    (away / "bare.html").write_text(_strip(html, ("style", "link")), encoding="utf-8")  # no CSS either

    for name in ("plain.html", "stripped.html", "bare.html"):
        counts = _images(chromium, away / name)
        assert counts[1] >= 1 and counts[2] >= 1, (name, counts)

    # next to its media (nbviewer on a repository): the clip plays and its still stays hidden
    (work / "rendered.html").write_text(html, encoding="utf-8")
    page = chromium.new_page()
    try:
        page.goto((work / "rendered.html").as_uri())
        page.wait_for_function("""() => { const v = document.querySelector('.sora-clip video');
                                          return v && v.readyState >= 1 && v.duration > 0; }""", timeout=15_000)
        info = page.evaluate("""async () => { const v = document.querySelector('.sora-clip video');
            v.muted = true; await v.play(); await new Promise(r => setTimeout(r, 500)); v.pause();
            const still = v.parentElement.querySelector('a.sora-still');
            return {t: v.currentTime, stillWidth: still.offsetWidth, videoWidth: v.offsetWidth}; }""")
    finally:
        page.close()
    assert info["t"] > 0 and info["stillWidth"] == 0 and info["videoWidth"] > 0, info


def _make_session(folder: Path) -> list[Any]:
    """Three finished clips in one group. On a fresh thread: Playwright's sync API keeps its own
    event loop current on the main thread, where the runner would schedule its jobs."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_session, folder).result(timeout=300)


def _session(folder: Path) -> list[Any]:
    from sora_widgets import VideoRequest
    from sora_widgets.config import Settings
    from sora_widgets.jobs import JobRunner

    runner = JobRunner(Settings(_env_file=None, backend="local", output_dir=folder))  # type: ignore[call-arg]
    requests = [VideoRequest(prompt=f"shot {i}: a kite over dunes", model="animatic", seconds=1, size="320x180",
                             seed=i) for i in range(3)]
    jobs = runner.submit_many(requests, group_id="dunes")
    return [job.wait(120) for job in jobs]


def _plays_all(browser: Browser, url: str, count: int) -> list[dict[str, Any]]:
    page = browser.new_page()
    try:
        page.goto(url)
        page.wait_for_function(f"""() => {{ const vs = [...document.querySelectorAll('video')];
            return vs.length === {count} && vs.every(v => v.readyState >= 1 && v.duration > 0); }}""",
                               timeout=20_000)
        return list(page.evaluate("""async () => { const out = [];
            for (const v of document.querySelectorAll('video')) {
              v.muted = true; await v.play(); await new Promise(r => setTimeout(r, 400)); v.pause();
              out.push({t: v.currentTime, d: v.duration, w: v.videoWidth, err: v.error && v.error.code}); }
            return out; }"""))
    finally:
        page.close()


@pytest.mark.browser
def test_exported_report_plays_from_anywhere(chromium: Browser, tmp_path: Path) -> None:
    import jsonschema

    from sora_widgets import export
    from sora_widgets.share.export import schema

    outputs = tmp_path / "sora_outputs"
    states = _make_session(outputs)
    assert all(s.ok for s in states)
    made = export(tmp_path / "report", group="dunes", folder=outputs, title="Dunes")
    moved = tmp_path / "usb" / "copy of report"  # a space in the path, far from the outputs
    moved.parent.mkdir()
    shutil.move(str(made.path), moved)
    shutil.rmtree(outputs)  # nothing may still point at the original files

    manifest = json.loads((moved / "manifest.json").read_text())
    jsonschema.validate(manifest, schema(), format_checker=jsonschema.FormatChecker())
    assert len(manifest["clips"]) == 3 and manifest["title"] == "Dunes"
    for clip in manifest["clips"]:
        data = (moved / clip["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == clip["sha256"] and len(data) == clip["bytes"]
        assert clip["lineage"]["group"] == "dunes" and clip["votes"] == []
    assert sorted(c["seed"] for c in manifest["clips"]) == [0, 1, 2]

    played = _plays_all(chromium, (moved / "index.html").as_uri(), 3)
    assert all(p["t"] > 0 and p["d"] > 0.5 and p["w"] == 320 and not p["err"] for p in played), played


@pytest.mark.browser
def test_single_file_report_plays_alone(chromium: Browser, tmp_path: Path) -> None:
    from sora_widgets import export

    outputs = tmp_path / "sora_outputs"
    _make_session(outputs)
    made = export(tmp_path / "one.html", folder=outputs, single_file=True)
    alone = tmp_path / "mail" / "attachment.html"
    alone.parent.mkdir()
    shutil.move(str(made.path), alone)
    shutil.rmtree(outputs)
    assert sorted(p.name for p in alone.parent.iterdir()) == ["attachment.html"]
    played = _plays_all(chromium, alone.as_uri(), 3)
    assert all(p["t"] > 0 and not p["err"] for p in played), played
