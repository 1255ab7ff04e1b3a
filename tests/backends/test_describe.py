"""The README's backend table is generated from the adapters' own data, and that data is what they do."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sora_widgets.backends import BACKENDS, make_backend
from sora_widgets.backends.base import VARIANTS
from sora_widgets.backends.describe import dialect_rows, dialect_table
from sora_widgets.errors import UnsupportedFeatureError

from ..conftest import REPO


def test_readme_table_is_the_generated_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert dialect_table(markdown=True) in readme
    check = subprocess.run([sys.executable, str(REPO / "tools" / "readme_tables.py"), "--check"],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("kind", list(BACKENDS))
def test_the_table_says_what_the_adapter_does(kind: str) -> None:
    row = next(r for r in dialect_rows() if r["backend"].startswith(f"`{kind}`"))
    backend = make_backend(kind)
    for variant in VARIANTS:
        if variant in row["variants"].split(", "):
            backend.require_variant(variant)
        else:
            with pytest.raises(UnsupportedFeatureError):
                backend.content("v1", variant)
    for op in ("list", "delete"):
        if row[op] == "no":
            with pytest.raises(UnsupportedFeatureError):
                backend.require_operation(op)
        else:
            backend.require_operation(op)


def test_delete_semantics_in_words() -> None:
    rows = {r["backend"].split("`")[1]: r for r in dialect_rows()}
    assert rows["sglang"]["delete"] == "forgets it; the render goes on"
    assert rows["vllm-omni"]["delete"] == "stops the render"
    assert rows["litellm"]["delete"] == "no" and rows["litellm"]["list"] == "no"
    assert "(fastvideo)" in rows["sglang"]["backend"]
    litellm_line = next(line for line in dialect_table().splitlines() if line.startswith("litellm "))
    assert "thumbnail" not in litellm_line  # the proxy drops `variant`: the MP4 comes back
