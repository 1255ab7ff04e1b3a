"""Notebook weight: the saved size of a notebook with 10 `%%sora` clips and a Studio (which made one
more clip), saved without widget state (JupyterLab's default) and with it, against the same notebook
with the clips embedded by `IPython.display.Video(embed=True)` (saved without widget state).

Without widget state each output carries a poster or a small animated preview, and each widget a
static snapshot (so nbviewer and GitHub still show them); with widget state, the Studio's job card
adds its video bytes to the notebook metadata, as every `ipywidgets.Video` does.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import nbformat
from _common import Row, print_rows, row
from nbclient import NotebookClient

CLIPS = 10
OPTIONS = "-m sora-2 -s 4 --size 1280x720"  # the default clip of the local backend
STUDIO = ["from sora_widgets import Studio\nstudio = Studio()\nstudio",
          "jobs = studio.generate('a lighthouse in a storm, aerial shot')\nawait studio.wait_async()"]


def _execute(cells: list[str], folder: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}},
                   store_widget_state=True).execute()
    return nb


def _size(nb: nbformat.NotebookNode, path: Path, *, widget_state: bool) -> int:
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # a copy
    if not widget_state:
        nb.metadata.pop("widgets", None)  # what JupyterLab saves by default
    nbformat.write(nb, path)
    return path.stat().st_size


def main() -> list[Row]:
    prompts = [f"shot {i}: a paper boat on a river at dusk, slow pan, seed {i}" for i in range(CLIPS)]
    os.environ.setdefault("SORA_LOCAL_GENERATION_TIME", "0")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clips = [f"%%sora {OPTIONS} --name c{i}\n{p}" for i, p in enumerate(prompts)]
        save = (f"import json; json.dump([str(globals()[f'c{{i}}'].path) for i in range({CLIPS})], "
                "open('paths.json', 'w'))")
        ours = _execute(["%load_ext sora_widgets", *clips, *STUDIO, save], folder)
        light = _size(ours, folder / "ours.ipynb", widget_state=False)
        heavy = _size(ours, folder / "ours_state.ipynb", widget_state=True)
        paths = json.loads((folder / "paths.json").read_text())
        embedded = _execute(["from IPython.display import Video",
                             *[f"Video({p!r}, embed=True, width=480)" for p in paths], *STUDIO], folder)
        embed = _size(embedded, folder / "embed.ipynb", widget_state=False)
        studio_cell = len(json.dumps(ours.cells[CLIPS + 1].outputs))
    note = f"sora-2 1280x720 4 s clips; the Studio's output (with its snapshot) is {studio_cell / 1024:.0f} KB"
    return [
        row(f"notebook, {CLIPS} clips + Studio, no widget state, vs embedded video", light / 1024, embed / 1024,
            "<= 0.05", light / embed <= 0.05, unit="KB", note=note),
        row(f"notebook, {CLIPS} clips + Studio, with widget state, vs embedded video", heavy / 1024, embed / 1024,
            "(info)", True, unit="KB", note="the state holds the Studio card's video bytes"),
        row(f"notebook, {CLIPS} clips + Studio: with vs without widget state", heavy / 1024, light / 1024,
            "(info)", True, unit="KB"),
    ]


if __name__ == "__main__":
    print_rows(main())
