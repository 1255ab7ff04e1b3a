from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own config folder: the session-wide one would leak templates between tests."""
    monkeypatch.setenv("SORA_CONFIG_DIR", str(tmp_path / "config"))
