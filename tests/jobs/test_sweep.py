"""A sweep shard is safe to run again: against the embedded server, a second run submits only what
is missing, and a worker SIGKILLed mid-shard is finished by the next run without creating twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sora_widgets.config import Settings
from sora_widgets.jobs import reset_session_spend
from sora_widgets.jobs.sweep import run_shard
from sora_widgets.models import VideoRequest
from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import EmbeddedServer, start_server

PROMPT = "a paper lantern drifting over a lake"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_server(ServerConfig(data_dir=tmp_path / "srv", api_key="sweep-test", generation_time=2.0))
    yield srv
    srv.stop()


def _settings(server: EmbeddedServer) -> Settings:
    return Settings(_env_file=None, backend="local", base_url=server.base_url, api_key=server.api_key,
                    poll_interval=0.05)


def _items(n: int) -> list[tuple[str, VideoRequest]]:
    base = VideoRequest(prompt=PROMPT, model="animatic", seconds=1, size="320x180")
    return [(f"item-{i:03d}", base.with_(seed=i)) for i in range(n)]


def _created(server: EmbeddedServer) -> int:
    headers = {"Authorization": f"Bearer {server.api_key}"}
    found, after = 0, None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"after": after} if after else {})}
        page = httpx.get(f"{server.base_url}/videos", params=params, headers=headers).json()
        found += sum(1 for v in page["data"] if v["prompt"] == PROMPT)
        if not page["has_more"]:
            return found
        after = page["last_id"]


def test_a_second_run_submits_only_what_is_missing(server: EmbeddedServer, tmp_path: Path) -> None:
    reset_session_spend()
    first = run_shard(_items(3), group="sweep/shard-0", output_dir=tmp_path / "shard-0", settings=_settings(server))
    assert (first.submitted, first.completed, first.skipped) == (3, 3, 0)
    again = run_shard(_items(5), group="sweep/shard-0", output_dir=tmp_path / "shard-0", settings=_settings(server),
                      export=tmp_path / "shard-0.jsonl")
    assert (again.submitted, again.completed, again.skipped, again.resumed) == (2, 2, 3, 0)
    assert _created(server) == 5
    assert len((tmp_path / "shard-0.jsonl").read_text().splitlines()) == 5
    with pytest.raises(ValueError, match="labels repeat"):
        run_shard([("x", PROMPT), ("x", PROMPT)], group="sweep/dup", output_dir=tmp_path / "dup",
                  settings=_settings(server))


CHILD = """
import sys
from pathlib import Path
from sora_widgets.config import Settings
from sora_widgets.jobs.sweep import run_shard
from sora_widgets.models import VideoRequest
base = VideoRequest(prompt=sys.argv[4], model="animatic", seconds=1, size="320x180")
items = [(f"item-{i:03d}", base.with_(seed=i)) for i in range(4)]
settings = Settings(_env_file=None, backend="local", base_url=sys.argv[1], api_key=sys.argv[2], poll_interval=0.05)
run_shard(items, group="sweep/shard-1", output_dir=Path(sys.argv[3]), settings=settings)
"""


def test_a_worker_killed_mid_shard_is_finished_by_the_next_run_without_paying_twice(
        server: EmbeddedServer, tmp_path: Path) -> None:
    out = tmp_path / "shard-1"
    child = subprocess.Popen([sys.executable, "-c", CHILD, server.base_url, server.api_key or "", str(out), PROMPT],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # every job created on the server, none finished: the worst moment
        try:
            with sqlite3.connect(out / "ledger.sqlite") as db:
                sent = db.execute("SELECT COUNT(*) FROM jobs WHERE video_id IS NOT NULL").fetchone()[0]
        except sqlite3.Error:
            sent = 0
        if sent == 4:
            break
        time.sleep(0.05)
    assert sent == 4, child.stderr.read().decode() if child.poll() is not None else "timed out"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    reset_session_spend()
    report = run_shard(_items(4), group="sweep/shard-1", output_dir=out, settings=_settings(server))
    assert (report.resumed, report.submitted, report.skipped) == (4, 0, 4)
    assert _created(server) == 4  # nothing was created twice
