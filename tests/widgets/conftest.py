"""Widget tests drive the widgets from code against real embedded servers over loopback HTTP.

Two servers per session: a fast one (jobs take ~0.3 s) for most tests, and a slow one (jobs take
30 s) for cancelling. Both block the word "forbidden" (the job fails `moderation_blocked`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sora_widgets.jobs import JobRunner, reset_default_runner, reset_session_spend
from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import EmbeddedServer, start_server

from .helpers import BLOCKED, make_runner


@pytest.fixture(scope="session")
def fast_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    config = ServerConfig(data_dir=tmp_path_factory.mktemp("fast"), api_key="widget-tests",
                          generation_time=0.3, blocked_words=(BLOCKED,))
    server = start_server(config)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    config = ServerConfig(data_dir=tmp_path_factory.mktemp("slow"), api_key="widget-tests",
                          generation_time=30.0, blocked_words=(BLOCKED,))
    server = start_server(config)
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh session budget; the default runner (built when a Studio switches backend) writes
    into this test's folder and is dropped afterwards."""
    reset_session_spend()
    monkeypatch.setenv("SORA_OUTPUT_DIR", str(tmp_path / "default-out"))
    reset_default_runner()
    yield
    reset_default_runner()


@pytest.fixture
def runner(fast_server: EmbeddedServer, tmp_path: Path) -> JobRunner:
    return make_runner(fast_server, tmp_path / "out")


@pytest.fixture
def slow_runner(slow_server: EmbeddedServer, tmp_path: Path) -> JobRunner:
    return make_runner(slow_server, tmp_path / "out")
