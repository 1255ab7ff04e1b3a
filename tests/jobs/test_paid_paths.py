"""Every path that can start a paid job, listed once, each refused over budget with nothing sent.

The embedded server stands in for a paid `/v1/videos` server over real loopback HTTP: the
`openai` backend points at it, so requests carry OpenAI's prices (sora-2: $0.10/s, a 4 s clip is
$0.40) while the total budget is $0.30. Each path must raise (or print) a one-line budget error,
and afterwards the server must hold only the one source video made before the budget was set.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sora_widgets import AsyncSoraClient, SoraClient
from sora_widgets.cli_common import BUDGET
from sora_widgets.config import Settings
from sora_widgets.errors import BudgetExceededError
from sora_widgets.jobs import JobRunner, reset_default_runner, reset_session_spend
from sora_widgets.models import VideoRequest
from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import EmbeddedServer, start_server

KEY = "fake-test-SECRET-abcdefghijklmnopqrstuvwxyz"
REQ = {"prompt": "a red kite over a beach", "model": "sora-2", "seconds": 4, "size": "720x1280"}


@pytest.fixture
def paid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[EmbeddedServer, str]]:
    server = start_server(ServerConfig(data_dir=tmp_path / "srv", api_key=KEY, generation_time=0.0))
    try:
        with SoraClient(backend="openai", base_url=server.base_url, api_key=KEY, output_dir=tmp_path / "free",
                        settings=Settings(_env_file=None)) as free:  # type: ignore[call-arg]
            source = free.create(**REQ).id  # the video remix/edit/extend paths start from
        monkeypatch.chdir(tmp_path)
        for name, value in {"SORA_BACKEND": "openai", "SORA_BASE_URL": server.base_url, "SORA_API_KEY": KEY,
                            "SORA_OUTPUT_DIR": str(tmp_path / "out"), "SORA_BUDGET_TOTAL": "0.3"}.items():
            monkeypatch.setenv(name, value)
        reset_default_runner()
        reset_session_spend()
        yield server, source
    finally:
        reset_default_runner()
        server.stop()
    assert server.stats.unexpected_errors == 0


def _client() -> SoraClient:
    return SoraClient()


async def _async(name: str, *args: Any, **kw: Any) -> Any:
    async with AsyncSoraClient() as client:
        return await getattr(client, name)(*args, **kw)


async def _async_videos(name: str, *args: Any, **kw: Any) -> Any:
    async with AsyncSoraClient() as client:
        return await getattr(client.videos, name)(*args, **kw)


def _magic(line: str, body: str) -> Callable[[], Any]:
    def run() -> Any:
        from sora_widgets.magics import SoraMagics

        return SoraMagics().sora(line, body)
    return run


def _studio() -> Any:
    from sora_widgets.widgets.studio import Studio

    studio = Studio(resume=False)
    studio.parameters.duration.value = 4
    jobs = studio.generate(REQ["prompt"])
    return jobs, studio.message.value


def _storyboard() -> Any:
    from sora_widgets.jobs import default_runner
    from sora_widgets.storyboard import Storyboard

    board = Storyboard.parse("model: sora-2\nsize: 720x1280\n---\n[4s] a kite over the dunes\n---\n[4s] it lands\n")
    return board.run(default_runner())


def _cli(*argv: str) -> Callable[[], Any]:
    def run() -> Any:
        from sora_widgets.__main__ import main

        return main(["generate", *argv])
    return run


def _runner() -> JobRunner:
    from sora_widgets.jobs import default_runner

    return default_runner()


def paid_paths(source: str) -> dict[str, Callable[[], Any]]:
    """Every way to start a paid job: the client (sync and async), the runner, magics, widgets,
    the CLI, storyboards and batches."""
    return {
        "SoraClient.create": lambda: _client().create(**REQ),
        "SoraClient.create_and_poll": lambda: _client().create_and_poll(**REQ),
        "SoraClient.generate": lambda: _client().generate(REQ["prompt"], seconds=4, size="720x1280"),
        "SoraClient.remix": lambda: _client().remix(source, "now at night"),
        "SoraClient.edit": lambda: _client().edit(source, "make it blue"),
        "SoraClient.extend": lambda: _client().extend(source, "it flies on", 4),
        "SoraClient.videos.create": lambda: _client().videos.create(**REQ),
        "SoraClient.videos.create_and_poll": lambda: _client().videos.create_and_poll(**REQ),
        "SoraClient.videos.remix": lambda: _client().videos.remix(source, prompt="now at night"),
        "SoraClient.videos.edit": lambda: _client().videos.edit(prompt="make it blue", video={"id": source}),
        "SoraClient.videos.extend": lambda: _client().videos.extend(prompt="it flies on", seconds=4,
                                                                    video={"id": source}),
        "AsyncSoraClient.videos.create": lambda: asyncio.run(_async_videos("create", **REQ)),
        "AsyncSoraClient.videos.remix": lambda: asyncio.run(_async_videos("remix", source, prompt="at night")),
        "AsyncSoraClient.create": lambda: asyncio.run(_async("create", **REQ)),
        "AsyncSoraClient.create_and_poll": lambda: asyncio.run(_async("create_and_poll", **REQ)),
        "AsyncSoraClient.generate": lambda: asyncio.run(_async("generate", REQ["prompt"], seconds=4)),
        "AsyncSoraClient.remix": lambda: asyncio.run(_async("remix", source, "now at night")),
        "AsyncSoraClient.edit": lambda: asyncio.run(_async("edit", source, "make it blue")),
        "AsyncSoraClient.extend": lambda: asyncio.run(_async("extend", source, "it flies on", 4)),
        "JobRunner.submit": lambda: _runner().submit(VideoRequest(**REQ)),
        "JobRunner.run": lambda: _runner().run(VideoRequest(**REQ)),
        "JobRunner.submit_many (batch)": lambda: _runner().submit_many([VideoRequest(**REQ)] * 2),
        "JobRunner.submit remix": lambda: _runner().submit("now at night", op="remix", parent_id=source),
        "JobRunner.submit extend": lambda: _runner().submit("it flies on", op="extend", parent_id=source),
        "%%sora": _magic("-m sora-2 -s 4 --size 720x1280", REQ["prompt"]),
        "%%sora -n 2": _magic("-m sora-2 -s 4 -n 2", REQ["prompt"]),
        "%%sora --no-wait": _magic("-m sora-2 -s 4 --no-wait", REQ["prompt"]),
        "%%sora --remix": _magic(f"--remix {source}", "now at night"),
        "%%sora --storyboard": _magic("--storyboard", "model: sora-2\n---\n[4s] a kite\n---\n[4s] it lands\n"),
        "Studio.generate": _studio,
        "storyboard.run": _storyboard,
        "CLI generate": _cli(REQ["prompt"], "-s", "4", "--size", "720x1280"),
    }


def test_every_paid_path_is_refused_over_budget(paid: tuple[EmbeddedServer, str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    server, source = paid
    paths = paid_paths(source)
    refused = {}
    for name, start in paths.items():
        capsys.readouterr()
        try:
            value = start()
        except BudgetExceededError as exc:
            refused[name] = str(exc)
            continue
        out = capsys.readouterr()
        text = out.err + out.out + (str(value[1]) if isinstance(value, tuple) else "")
        lines = [line for line in text.splitlines() if "budget" in line]
        assert lines, f"{name} was not refused: {value!r} {text!r}"
        refused[name] = lines[0]
        if isinstance(value, tuple):
            assert value[0] == [], name  # the Studio started nothing
        else:
            assert value in (None, BUDGET), f"{name} returned {value!r}"  # the magic shows nothing; the CLI exits 4
    assert sorted(refused) == sorted(paths)
    for name, message in refused.items():
        assert "nothing was sent" in message and "$0.30" in message, (name, message)
    with SoraClient(backend="openai", base_url=server.base_url, api_key=KEY, output_dir=Path("free"),
                    settings=Settings(_env_file=None)) as client:  # type: ignore[call-arg]
        assert [v.id for v in client.list()] == [source]  # nothing reached the server
    from sora_widgets.jobs import Ledger

    assert Ledger(Path("out")).rows() == []  # and nothing was reserved
