"""The repository stands alone: a user's clone, in a folder with nothing beside it, passes its
contract checks. The clone is made from the files git would ship (tracked plus new, unignored
files), placed in a fresh temporary folder, and the contract tests run there in a subprocess that
imports the clone's own package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: the contract suites: Prism against both vendored specs, and every request the fakes validate
CONTRACT_TESTS = ["tests/contract", "tests/server/test_openapi_helper.py", "tests/test_client.py"]
#: the parts of a clone that run at test or CI time
CHECKED = ("sora_widgets", "tests", "tools", "benchmarks", "dev.sh", ".ci", "pyproject.toml", "binder")
#: ways of naming the workspace folder beside the repo (spelled in pieces so this file is not one)
_SIBLING = "sha" + "red"
REACHING = (f"../{_SIBLING}", f'"{_SIBLING}" / ', f"'{_SIBLING}' / ", f"parent / \"{_SIBLING}\"")


def _shipped_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode()
    return [name for name in out.split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.fail("this test copies the checkout git would ship: run it from a git clone", pytrace=False)
    root = tmp_path_factory.mktemp("lonely") / "sora_widgets"
    for name in _shipped_files():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)
    assert not (root.parent / _SIBLING).exists()
    return root


def test_nothing_in_the_clone_reaches_outside_it(clone: Path) -> None:
    offenders = []
    for part in CHECKED:
        base = clone / part
        files = [base] if base.is_file() else [p for p in base.rglob("*") if p.is_file()]
        for path in files:
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            if any(pattern in text for pattern in REACHING):
                offenders.append(str(path.relative_to(clone)))
    assert offenders == [], f"files that reach outside the clone for specs or notes: {offenders}"


def test_contract_checks_pass_in_a_clone_with_nothing_beside_it(clone: Path) -> None:
    prism = REPO / "node_modules" / ".bin" / "prism"
    env = {**os.environ, "PYTHONPATH": str(clone), "SORA_PRISM": os.environ.get("SORA_PRISM") or str(prism)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", "-q", *CONTRACT_TESTS],
        cwd=clone, env=env, capture_output=True, text=True, timeout=600,
    )
    tail = (proc.stdout + proc.stderr)[-3000:]
    assert proc.returncode == 0, tail
    assert " passed" in proc.stdout and " failed" not in proc.stdout and " error" not in proc.stdout, tail
    # the subprocess really tested the clone's package, not this checkout's
    probe = subprocess.run(
        [sys.executable, "-c", "import sora_widgets, tests._openapi as o; print(sora_widgets.__file__, o.SPEC_PATH)"],
        cwd=clone, env=env, capture_output=True, text=True, check=True,
    ).stdout
    assert probe.count(str(clone)) == 2, probe
