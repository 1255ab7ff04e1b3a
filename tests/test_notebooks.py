"""The tutorial notebooks as a product: small, no embedded media, no widget state, and together
they show every public feature (names, magic options and subcommands)."""

from __future__ import annotations

import json
from pathlib import Path

import sora_widgets
from sora_widgets.magics.parser import OPTIONS

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SUBCOMMANDS = ("help", "status", "list", "download", "resume", "cancel", "gallery", "studio", "cost", "models",
               "config", "lint", "arena", "export")


def _notebooks() -> list[dict]:
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert [p.name[:2] for p in paths] == ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
    return [json.loads(p.read_text()) for p in paths]


def _source() -> str:
    return "\n".join("".join(c["source"]) for nb in _notebooks() for c in nb["cells"])


def test_folder_is_small_and_holds_no_media() -> None:
    generated = ("sora_outputs", "sora_exports", ".ipynb_checkpoints")  # made by running them, git-ignored
    files = [p for p in NOTEBOOKS.rglob("*") if p.is_file() and not set(generated) & set(p.parts)]
    assert sum(p.stat().st_size for p in files) < 1_000_000
    for path in NOTEBOOKS.glob("*.ipynb"):
        text = path.read_text()
        assert path.stat().st_size < 300_000, path
        assert "video/mp4;base64" not in text and "AAAAGGZ0eXBtcDQy" not in text, path  # no MP4 bytes
        nb = json.loads(text)
        assert "widgets" not in nb["metadata"], f"{path.name} stores widget state"
        assert all(c["cell_type"] != "code" or c.get("execution_count") for c in nb["cells"]), \
            f"{path.name} has unexecuted cells: rebuild with tools/build_notebooks.py"


def test_every_public_name_appears_in_a_notebook() -> None:
    text = _source()
    missing = [name for name in sora_widgets.__all__ if name not in text]
    assert missing == []


def test_every_magic_option_and_subcommand_appears() -> None:
    text = _source()
    assert [o.flags[-1] for o in OPTIONS if not any(f in text for f in o.flags)] == []
    assert [s for s in SUBCOMMANDS if f"%sora {s}" not in text] == []
