"""Batch: 16 variations of a 2-second simulated job vs one job (target ratio <= 1.3), and the
concurrency limit is never exceeded."""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from _common import Row, print_rows, row

from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner
from sora_widgets.models import VideoRequest
from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import start_server

N = 16
ACTIVE = {"submitting", "queued", "in_progress", "downloading"}


def _run(server, out: Path, n: int) -> tuple[float, int]:
    settings = Settings(_env_file=None, backend="local", base_url=server.base_url, api_key=server.api_key,
                        output_dir=out, concurrency=N)
    runner = JobRunner(settings)
    lock, active, peak = threading.Lock(), set(), [0]

    def track(state) -> None:
        with lock:
            (active.add if state.status in ACTIVE else active.discard)(state.key)
            peak[0] = max(peak[0], len(active))

    base = VideoRequest(prompt="a kite over a beach, wide shot", model="animatic", seconds=2, size="320x180")
    requests = [base.with_(seed=i) for i in range(n)]
    start = time.monotonic()
    jobs = runner.submit_many(requests, background=True)
    for job in jobs:
        job.observe(track)
    states = [runner.wait(job) for job in jobs]
    elapsed = time.monotonic() - start
    assert all(s.ok for s in states), [s.error for s in states if not s.ok]
    return elapsed, peak[0]


def main() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(ServerConfig(data_dir=Path(tmp) / "srv", api_key="bench", generation_time=2.0))
        try:
            one, _ = _run(server, Path(tmp) / "one", 1)
            many, peak = _run(server, Path(tmp) / "many", N)
        finally:
            server.stop()
    return [
        row(f"{N} concurrent 2 s jobs vs one", many, one, "<= 1.3", many / one <= 1.3,
            note=f"peak in flight {peak} (limit {N})"),
    ]


if __name__ == "__main__":
    print_rows(main())
