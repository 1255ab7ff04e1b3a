"""Write the tutorial notebooks from the cell lists below, execute them, and save their outputs.

    .venv/bin/python tools/build_notebooks.py            # all
    .venv/bin/python tools/build_notebooks.py 01 03      # some

The notebooks are the product, this file is just how they are kept consistent: one place holds
their text, every build runs them for real on the embedded backend (nbclient, widget state not
stored), and nbval then checks in the test suite that they still produce the same outputs.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent.parent / "notebooks"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from notebook_cells import NOTEBOOKS  # noqa: E402


def build(name: str, cells: list[tuple[str, str]]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for kind, source in cells:
        source = source.strip("\n")
        cell = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
        nb.cells.append(cell)
    path = HERE / f"{name}.ipynb"
    env_backup = dict(os.environ)
    os.environ.update(SORA_LOCAL_GENERATION_TIME="0.5", SORA_BACKEND="local")  # as ./dev.sh test runs them
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(HERE)}},
                       store_widget_state=False).execute()
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    for i, cell in enumerate(nb.cells):
        cell.id = f"{name[:2]}-{i:02d}"  # stable ids: small diffs between builds
        if cell.cell_type == "code":
            cell.metadata = {k: v for k, v in cell.metadata.items() if k not in ("execution",)}
    nbformat.write(nb, path)
    return path


def main(argv: list[str]) -> int:
    wanted = [n for n in NOTEBOOKS if not argv or any(n.startswith(a) for a in argv)]
    for name in wanted:
        out = HERE / "sora_outputs"
        if out.exists() and name.startswith("01"):
            shutil.rmtree(out)
        path = build(name, NOTEBOOKS[name])
        print(f"{path.name}: {path.stat().st_size / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
