"""Notebook weight: the saved size of a notebook with 10 clips made by `%%sora` (a `<video>` that
references the file, plus a small poster) vs the same clips shown with
`IPython.display.Video(embed=True)` (target ratio <= 0.05)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import nbformat
from _common import Row, print_rows, row
from nbclient import NotebookClient

CLIPS = 10
OPTIONS = "-m sora-2 -s 4 --size 1280x720"  # the default clip of the local backend


def _run(cells: list[str], folder: Path, name: str) -> int:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}},
                   store_widget_state=False).execute()
    path = folder / name
    nbformat.write(nb, path)
    return path.stat().st_size


def main() -> list[Row]:
    prompts = [f"shot {i}: a paper boat on a river at dusk, slow pan, seed {i}" for i in range(CLIPS)]
    os.environ.setdefault("SORA_LOCAL_GENERATION_TIME", "0")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ours = _run(["%load_ext sora_widgets", *[f"%%sora {OPTIONS} --name c{i}\n{p}" for i, p in enumerate(prompts)],
                     f"paths = [str(globals()[f'c{{i}}'].path) for i in range({CLIPS})]",
                     "import json; json.dump(paths, open('paths.json', 'w'))"], folder, "ours.ipynb")
        import json

        paths = json.loads((folder / "paths.json").read_text())
        embed = _run(["from IPython.display import Video",
                      *[f"Video({p!r}, embed=True, width=480)" for p in paths]], folder, "embed.ipynb")
    return [row(f"notebook with {CLIPS} clips: %%sora vs Video(embed=True)", ours / 1024, embed / 1024, "<= 0.05",
                ours / embed <= 0.05, unit="KB",
                note="sora-2 1280x720 4 s clips; ~6 KB per clip (poster + metadata) whatever the clip's size")]


if __name__ == "__main__":
    print_rows(main())
