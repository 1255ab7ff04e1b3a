"""Polling against the embedded server's hint: requests per job and completion-detection delay.

Targets: no more than one poll per hinted interval, and the client notices completion within
hint + 100 ms. The ground truth for "completed" is a separate tight watcher (every 10 ms).
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

import httpx
from _common import Row, print_rows, row

from sora_widgets import SoraClient
from sora_widgets.config import Settings
from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import start_server

GENERATION_TIME = 3.0
JOBS = 3


def _one(server, hint_s: float) -> tuple[int, float, float]:
    polls = [0]

    def count(request: httpx.Request) -> None:
        if request.method == "GET" and request.url.path.count("/") == 3:  # /v1/videos/{id}
            polls[0] += 1

    settings = Settings(_env_file=None, backend="local", base_url=server.base_url, api_key=server.api_key)
    client = SoraClient(settings=settings, http_client=httpx.Client(event_hooks={"request": [count]}))
    watcher = SoraClient(settings=settings)
    video = client.create(prompt="a slow dolly shot of a lighthouse", model="animatic", seconds=1, size="320x180")
    done_at: list[float] = []

    def watch() -> None:
        while watcher.retrieve(video.id).status != "completed":
            time.sleep(0.01)
        done_at.append(time.monotonic())

    t = threading.Thread(target=watch)
    t.start()
    start = time.monotonic()
    client.poll(video.id)
    noticed = time.monotonic()
    t.join()
    return polls[0], noticed - start, noticed - done_at[0]


def main() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(ServerConfig(data_dir=Path(tmp), api_key="bench", generation_time=GENERATION_TIME))
        try:
            hint_s = server.config.poll_hint_ms / 1000.0
            results = [_one(server, hint_s) for _ in range(JOBS)]
        finally:
            server.stop()
    polls = max(r[0] for r in results)
    waited = min(r[1] for r in results)
    allowed = waited / hint_s + 1  # one per hinted interval, plus the final read
    delay = max(r[2] for r in results)
    return [
        row("polls per job vs hinted intervals (+1)", polls, allowed, "<= 1.0", polls <= allowed, unit="",
            note=f"hint {hint_s * 1000:.0f} ms, job {GENERATION_TIME:.0f} s"),
        row("completion detection delay vs hint + 100 ms", delay, hint_s + 0.1, "<= 1.0", delay <= hint_s + 0.1),
    ]


if __name__ == "__main__":
    print_rows(main())
