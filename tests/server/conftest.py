"""Fixtures for the embedded server's tests: real servers on ephemeral loopback ports.

Every HTTP client here validates each response against OpenAI's spec (`tests/_openapi.py`);
violations are collected and asserted empty at teardown, and every server must end its test
with zero unexpected (500) errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import EmbeddedServer, start_server
from tests._openapi import validating_hooks

from .helpers import API_KEY, SDK_DEPRECATION


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.filterwarnings(SDK_DEPRECATION))


class Servers:
    """Starts servers for a test and stops them all afterwards."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.started: list[EmbeddedServer] = []

    def start(self, data_dir: Path | None = None, **overrides: Any) -> EmbeddedServer:
        settings: dict[str, Any] = {"api_key": API_KEY, "generation_time": 0.0}
        settings.update(overrides)
        config = ServerConfig(data_dir=data_dir or self.root / f"data{len(self.started)}", **settings)
        server = start_server(config)
        self.started.append(server)
        return server

    def stop_all(self) -> None:
        for server in self.started:
            server.stop()


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    pool = Servers(tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()
    for server in pool.started:
        assert server.stats.unexpected_errors == 0, "the server answered an unexpected 500"


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    """One server per test module (starting and stopping costs ~0.2 s): for tests that do not
    care what other tests left on it. Tests that need a clean server use `servers.start()`."""
    config = ServerConfig(data_dir=tmp_path_factory.mktemp("one-server"), api_key=API_KEY, generation_time=0.0)
    server = start_server(config)
    yield server
    server.stop()


@pytest.fixture
def server(shared_server: EmbeddedServer) -> Iterator[EmbeddedServer]:
    before = shared_server.stats.unexpected_errors
    yield shared_server
    assert shared_server.stats.unexpected_errors == before, "the server answered an unexpected 500"


@pytest.fixture
def violations() -> Iterator[list[str]]:
    found: list[str] = []
    yield found
    assert not found, "spec violations:\n" + "\n".join(found)


@pytest.fixture
def client_for(violations: list[str]) -> Iterator[Callable[..., httpx.Client]]:
    """Raw httpx clients that validate every response (requests may be deliberately broken)."""
    clients: list[httpx.Client] = []

    def make(server: EmbeddedServer, *, key: str | None = API_KEY, validate_requests: bool = False,
             timeout: float = 30.0) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        client = httpx.Client(
            base_url=server.base_url,
            headers=headers,
            timeout=timeout,
            event_hooks=validating_hooks(requests=validate_requests, violations=violations),
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def api(server: EmbeddedServer, client_for: Callable[..., httpx.Client]) -> httpx.Client:
    return client_for(server)


@pytest.fixture
def sdk_for(violations: list[str]) -> Iterator[Callable[..., Any]]:
    """The official `openai` client on an httpx2 client that validates requests and responses."""
    import httpx2
    import openai

    made: list[Any] = []

    def make(server: EmbeddedServer, *, strict: bool = False, max_retries: int = 2, timeout: float = 30.0) -> Any:
        http = httpx2.Client(event_hooks=validating_hooks(strict=strict, violations=violations))
        client = openai.OpenAI(base_url=server.base_url, api_key=server.api_key or "unused",
                               http_client=http, max_retries=max_retries, timeout=timeout)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
