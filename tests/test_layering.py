"""The layers stay apart (DESIGN rule 1): the core never loads ipywidgets or IPython, and the
widget modules never import httpx (they reach the network only through the job runner)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORE = ("sora_widgets", "sora_widgets.client", "sora_widgets.models", "sora_widgets.jobs", "sora_widgets.backends",
        "sora_widgets.prompt", "sora_widgets.server", "sora_widgets.jobs.grid", "sora_widgets.judge")
UI = ("ipywidgets", "IPython", "traitlets", "comm", "ipykernel")


def test_the_core_loads_no_notebook_ui() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(CORE)!r}:\n"
        "    importlib.import_module(name)\n"
        "import sora_widgets.server.embedded, sora_widgets.server.app\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {list(UI)!r})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                         check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


WIDGET_FILES = sorted((REPO / "sora_widgets" / "widgets").glob("*.py"))


@pytest.mark.parametrize("path", WIDGET_FILES, ids=lambda p: p.name)
def test_widget_modules_never_import_httpx(path: Path) -> None:
    assert not {n for n in _imports(path) if n == "httpx" or n.startswith("httpx.")}


def test_the_scan_sees_the_widget_package() -> None:
    names = {p.name for p in WIDGET_FILES}
    assert {"__init__.py", "studio.py", "card.py", "composer.py", "params.py", "gallery.py", "player.py"} <= names
    assert "ipywidgets" in _imports(REPO / "sora_widgets" / "widgets" / "studio.py")  # the scan does see imports
