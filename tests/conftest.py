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
def fake() -> Iterator[FakeVideos]:
    """The in-memory Videos API; at teardown, every request it received must have been valid against
    the OpenAI spec (opt out per test with `fake.validate = False` and a comment saying why)."""
    videos = FakeVideos()
    yield videos
    assert not videos.violations, "requests violating the OpenAI spec:\n" + "\n".join(videos.violations)


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


#: distinctive keys that tests configure; none may ever land in a file the suite produced
TEST_SECRETS = (
    "fake-test-SECRET-abcdefghijklmnopqrstuvwxyz",
    "soak-secret-key-0123456789abcdef",
    "kill-resume-secret-0123456789",
    "fuzz-secret-0123456789abcdef",
    "fake-scan-SECRET-9f8e7d6c5b4a39281706",
    "fake-or-contract-0123456789",
    "fake-contract-0123456789",
    "fake-dialect-key-0123456789abcdef",
)
#: files that legitimately contain the keys: copies of the test sources themselves (the Binder test
#: copies the repository into its temp folder)
_SOURCE_SUFFIXES = {".py", ".pyc", ".txt"}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Secret scan of every file the whole test session left in its temp folders."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None:
        return
    try:
        base = factory.getbasetemp()
    except (OSError, ValueError):
        return
    leaks = []
    for path in base.rglob("*"):
        if not path.is_file() or path.suffix in _SOURCE_SUFFIXES or path.stat().st_size > 50_000_000:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        leaks += [f"{path}: {key[:8]}…" for key in TEST_SECRETS if key.encode() in data]
    if leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("SECRET SCAN FAILED — a configured test key was written to:", red=True)
            for leak in leaks[:20]:
                reporter.write_line(f"  {leak}", red=True)
