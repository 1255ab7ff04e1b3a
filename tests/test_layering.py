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


# -- no import cycles (DESIGN rule 10) ------------------------------------------------------------
PACKAGE = REPO / "sora_widgets"


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    return ".".join(parts[:-1] if is_package else parts), is_package


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """Nodes under `if TYPE_CHECKING:` (annotations only: they never run)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return skip


def import_graph() -> dict[str, set[str]]:
    """module -> the package modules it imports, counting imports inside functions (a cycle hidden
    behind a local import is still a cycle) and `from pkg import name` as importing `pkg`, or
    `pkg.name` when that is a module."""
    modules = {_module_name(p)[0]: p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        _, is_package = _module_name(path)
        here = name if is_package else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        skip = _type_checking_nodes(tree)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    edges.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
        graph[name] = {e for e in edges if e in modules and e != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


#: Cycles being removed by another branch, named so none can join them unnoticed (delete an entry
#: when its fix lands; the test fails if a listed cycle grows, changes, or is gone while still listed).
PENDING: list[list[str]] = []


def test_no_import_cycles_counting_function_level_imports() -> None:
    graph = import_graph()
    found = cycles(graph)
    assert [c for c in PENDING if c not in found] == [], "a pending cycle is gone: remove it from PENDING"
    found = [c for c in found if c not in PENDING]
    detail = ["  " + " <-> ".join(c) + "\n    " + "\n    ".join(
        f"{m} -> {sorted(graph[m] & set(c))}" for m in c) for c in found]
    assert not found, "import cycles:\n" + "\n".join(detail)


def test_the_cycle_check_can_fail() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    graph = import_graph()
    assert "sora_widgets.errors" in graph["sora_widgets.client"]  # module-level imports are seen
    # a function-level import is seen too (videos.py imports the client only for type checking)
    assert "sora_widgets.client" not in graph["sora_widgets.videos"]
    assert "sora_widgets.server.embedded" in graph["sora_widgets._base_client"]  # inside a function


# -- views touch nothing private of the job layer (DESIGN rule 9) ---------------------------------
VIEWS = sorted([*(PACKAGE / "widgets").glob("*.py"), *(PACKAGE / "magics").glob("*.py"),
                *(PACKAGE / "storyboard").glob("*.py"), *PACKAGE.glob("cli*.py")])
JOB_NAMES = {"jobs", "runner", "job", "JobRunner", "Job", "ledger", "budget"}


def _private_job_access(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and "jobs" in node.module.split("."):
            found += [f"import {a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if name in JOB_NAMES or name.endswith("runner"):
                found.append(f"{name}.{node.attr} (line {node.lineno})")
    return found


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_touch_nothing_private_of_the_jobs(path: Path) -> None:
    assert _private_job_access(path) == []


def test_the_private_access_scan_sees_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "view.py"
    sample.write_text("from ..jobs.runner import _state_from_row\nx = jobs._OVERRIDES\ny = job._loop\n"
                      "z = self.runner._start\n")
    assert _private_job_access(sample) == ["import _state_from_row", "jobs._OVERRIDES (line 2)",
                                           "job._loop (line 3)", "runner._start (line 4)"]
