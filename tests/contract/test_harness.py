"""The contract harness itself: a missing Prism fails loudly instead of skipping."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import REPO

pytestmark = pytest.mark.contract


def test_missing_prism_fails_and_says_npm_install() -> None:
    env = {**os.environ, "SORA_PRISM": str(REPO / "no-such-dir" / "prism")}
    run = subprocess.run(
        # Heavy plugins off: they only slow the inner run down (~3 s), it needs none of them.
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:playwright", "-p", "no:nbval",
         "-p", "no:hypothesispytest",
         "tests/contract/test_openrouter_contract.py::test_models_catalog_gives_real_choices"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "run `npm install` in the repo root" in out and "1 error" in out and "skipped" not in out
