from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from sora_widgets import AsyncSoraClient, SoraClient
from sora_widgets.config import Settings

from .fakes import FakeVideos

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's keys, profiles or .env, or writes to their folders."""
    for name in list(os.environ):
        if name.startswith("SORA_") or name in ("OPENAI_API_KEY", "OPENROUTER_API_KEY", "LITELLM_API_KEY"):
            monkeypatch.delenv(name, raising=False)
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("SORA_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("SORA_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("SORA_LOCAL_GENERATION_TIME", "0")


@pytest.fixture
def fake() -> FakeVideos:
    return FakeVideos()


@pytest.fixture(params=["sync", "async"])
def twin(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_client(twin: str, fake: FakeVideos, tmp_path: Path) -> Any:
    made: list[Any] = []

    def factory(**options: Any) -> Any:
        options.setdefault("backend", "openai")
        options.setdefault("base_url", "http://fake.test/v1")
        options.setdefault("api_key", fake.key)
        options.setdefault("output_dir", tmp_path / "out")
        options.setdefault("settings", Settings(_env_file=None))  # type: ignore[call-arg]
        cls = SoraClient if twin == "sync" else AsyncSoraClient
        client = cls(transport=fake.transport(), **options)
        made.append(client)
        return client

    yield factory


async def call(obj: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call a method of either twin and await it when it is async."""
    result = getattr(obj, name)(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


async def collect(it: Iterator[Any] | AsyncIterator[Any]) -> list[Any]:
    if hasattr(it, "__aiter__"):
        return [x async for x in it]  # type: ignore[union-attr]
    return list(it)  # type: ignore[arg-type]
