"""A notebook executed by nbclient in a real kernel: three clips, saved outputs stay small (a
relative <video> tag, a small poster, provenance metadata; never the video's bytes)."""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

#: how an MP4's first bytes ("....ftyp") look in base64, for the usual box sizes
MP4_MAGIC_B64 = tuple(base64.b64encode(bytes([0, 0, 0, n]) + b"ftyp")[:8].decode() for n in (0x18, 0x1C, 0x20))

CELLS = [
    "%load_ext sora_widgets",
    "mood = 'rain-soaked'",
    "%%sora -m animatic -s 1 --size 320x180 --name boat\nA paper boat drifts down a {mood} street at dusk",
    "%%sora -m animatic -s 2 --size 180x320\nA lighthouse in a storm, slow aerial orbit",
    "%%sora -m animatic -s 1 --size 320x180 --seed 7\nA red kite over a beach at dawn, wide shot",
    "%%sora -m animatic --size 100x100\nrefused before anything is sent",
    "boat.path.name",
    # Kernel > Interrupt during a slow job (nbclient interrupts this cell after 1.5 s), then resume
    "from sora_widgets.server.embedded import ensure_server\nensure_server().config.generation_time = 3.0",
    "%%sora -m animatic -s 1 --size 320x180\nA slow sunrise over the sea  # interrupted",
    "%sora resume",
]
INTERRUPTED = 8


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[nbformat.NotebookNode, Path]]:
    folder = tmp_path_factory.mktemp("notebook")
    with pytest.MonkeyPatch.context() as mp:  # module scope: isolate the kernel's environment here
        for name in [n for n in os.environ if n.startswith("SORA_") or n.endswith("_API_KEY")]:
            mp.delenv(name)
        mp.setenv("SORA_LOCAL_GENERATION_TIME", "0")
        mp.setenv("SORA_DATA_DIR", str(folder / "data"))
        mp.setenv("SORA_CONFIG_DIR", str(folder / "config"))
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
        client = NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(folder)}},
                                timeout_func=lambda cell: 1.5 if "# interrupted" in cell.source else 120,
                                interrupt_on_timeout=True)
        client.execute()
    path = folder / "clips.ipynb"
    nbformat.write(nb, path)
    print(f"notebook with four clips: {path.stat().st_size} bytes")
    yield nb, path


def test_saved_notebook_is_small_and_static(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, path = executed
    raw = path.read_text()  # four clips, in fact: three plus the resumed one
    assert path.stat().st_size < 100_000, path.stat().st_size
    assert "video/mp4" not in raw and not any(m in raw for m in MP4_MAGIC_B64)
    clips = []
    for cell in nb.cells[2:5]:
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert len(results) == 1, cell.outputs
        out = results[0]
        html, text, meta = out.data["text/html"], out.data["text/plain"], out.metadata["sora_widgets"]
        assert text.startswith(f"video {meta['id']} · animatic · ")
        assert f'<video src="sora_outputs/{meta["id"]}.mp4"' in html
        assert re.search(r'class="sora-still"[^>]*><img src="data:image/(webp|jpeg);base64,', html)
        assert meta["backend"] == "local" and meta["cost"] == 0.0 and meta["request"]["model"] == "animatic"
        assert (path.parent / meta["path"]).is_file()
        # the progress display was emptied at the end: only the result remains to be seen
        for o in cell.outputs:
            if o.output_type == "display_data":
                assert o.data.get("text/plain", "") == "" and "text/html" not in o.data
        assert not [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
        clips.append(meta)
    assert "rain-soaked" in clips[0]["request"]["prompt"] and clips[1]["request"]["size"] == "180x320"
    assert clips[2]["request"]["seed"] == 7
    refused = nb.cells[5].outputs
    assert [o.output_type for o in refused] == ["stream"] and refused[0].name == "stderr"
    assert refused[0].text.count("\n") == 1 and refused[0].text.startswith("sora: size 100x100")
    assert json.loads(json.dumps(nb.cells[6].outputs[0].data))["text/plain"].strip("'").endswith(".mp4")


def test_nbconvert_html_shows_the_players(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    from nbconvert import HTMLExporter

    nb, _ = executed
    body, _ = HTMLExporter().from_notebook_node(nb)
    assert body.count("<video ") == 4 and "sora_outputs/" in body


def test_kernel_interrupt_stops_waiting_and_resume_finishes(executed: tuple[nbformat.NotebookNode, Path]) -> None:
    nb, path = executed
    outputs = nb.cells[INTERRUPTED].outputs
    errors = [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert len(errors) == 1 and errors[0].text.count("\n") == 1, outputs
    line = errors[0].text
    assert line.startswith("sora: stopped waiting for video_") and "%sora resume" in line
    assert not [o for o in outputs if o.output_type in ("error", "execute_result")]
    video_id = line.split("stopped waiting for ")[1].split(";")[0]
    resumed = [o for o in nb.cells[INTERRUPTED + 1].outputs if o.output_type == "execute_result"]
    assert len(resumed) == 1 and resumed[0].metadata["sora_widgets"]["id"] == video_id
    assert (path.parent / resumed[0].metadata["sora_widgets"]["path"]).is_file()
