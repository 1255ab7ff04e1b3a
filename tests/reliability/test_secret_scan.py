"""Secret scan: run the product the way a user does — magics in a real kernel, a dry run, status and
config pages, an authentication failure, debug logging — with a configured key, then search every
file, log, notebook output and ledger row produced for it. The key must never appear.

(The whole test session is also scanned at the end: see `pytest_sessionfinish` in tests/conftest.py.)
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import start_server

pytestmark = pytest.mark.reliability

SECRET = "fake-scan-SECRET-9f8e7d6c5b4a39281706"

CELLS = [
    "import logging, sys\nlogging.basicConfig(level=logging.DEBUG, stream=sys.stderr, force=True)",
    "%load_ext sora_widgets",
    "%%sora -m animatic -s 1 --size 320x180 --name clip\na kite over a hill, wide shot, soft light",
    "%%sora --dry-run -m animatic -s 1 --size 320x180\na kite over a hill, wide shot, soft light",
    "%sora config",
    "%sora status",
    "%sora list",
    "%sora cost",
    "from sora_widgets import SoraClient\nprint(SoraClient(), SoraClient().settings)",
    "import os\nprint({k: v for k, v in os.environ.items() if k.startswith('SORA_')} and 'env read')",
    "from sora_widgets import SoraClient\ntry:\n    SoraClient(api_key='wrong').retrieve(clip.id)\n"
    "except Exception as exc:\n    print(repr(exc), exc)",
    "%tb",
]


def _scan(root: Path) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and SECRET.encode() in path.read_bytes():
            hits.append(str(path))
    return hits


@pytest.mark.timeout(300)
def test_configured_key_never_appears_anywhere(tmp_path: Path) -> None:
    server = start_server(ServerConfig(data_dir=tmp_path / "server", api_key=SECRET, generation_time=0))
    work = tmp_path / "work"
    work.mkdir()
    saved = dict(os.environ)
    os.environ.update(SORA_BACKEND="local", SORA_BASE_URL=server.base_url, SORA_API_KEY=SECRET,
                      SORA_OUTPUT_DIR=str(work / "sora_outputs"))
    try:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(work)}}).execute()
        nbformat.write(nb, work / "scan.ipynb")
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()
    text = (work / "scan.ipynb").read_text()
    assert "video_" in text and "HTTP 401" in text and "DEBUG" in text  # the scenario really ran
    assert SECRET not in text
    assert _scan(tmp_path) == []
    with sqlite3.connect(work / "sora_outputs" / "ledger.sqlite") as db:
        dump = "\n".join(db.iterdump())
    assert "a kite over a hill" in dump and SECRET not in dump
