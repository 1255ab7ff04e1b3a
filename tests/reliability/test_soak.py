"""Soak: many jobs through the embedded server's fault injection (30% of API requests fail with
429s, 5xxs, slow responses or dropped connections). Zero lost jobs, zero duplicate creates, every
file verified. Size: SORA_SOAK_JOBS (default 100; CI runs the default)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner, reset_session_spend
from sora_widgets.media import probe
from sora_widgets.models import VideoRequest
from sora_widgets.server.config import FaultConfig, ServerConfig
from sora_widgets.server.embedded import start_server

pytestmark = pytest.mark.reliability

FAULTS = "429=0.08,500=0.06,503=0.06,slow=0.04,drop=0.06,seed=11,slow_s=0.2,retry_after=0.05"
KEY = "soak-secret-key-0123456789abcdef"


def _runner(server, out: Path) -> JobRunner:
    settings = Settings(_env_file=None, backend="local", base_url=server.base_url, api_key=KEY, output_dir=out,
                        max_retries=4, concurrency=8, poll_interval=0.05, timeout=10)
    return JobRunner(settings)


@pytest.mark.timeout(600)
def test_soak_with_30_percent_faults(tmp_path: Path) -> None:
    reset_session_spend()
    n = int(os.environ.get("SORA_SOAK_JOBS", "100"))
    faults = FaultConfig.parse(FAULTS)
    assert sum(faults.rates.values()) == pytest.approx(0.30)
    server = start_server(ServerConfig(data_dir=tmp_path / "srv", api_key=KEY, generation_time=0.2,
                                       poll_after_ms=50, faults=faults))
    out = tmp_path / "out"
    try:
        runner = _runner(server, out)
        sizes = ["320x180", "180x320"]
        reqs = [VideoRequest(prompt=f"soak shot {i}: a boat at dawn, pan left", model="animatic", seconds=1,
                             size=sizes[i % 2], seed=i) for i in range(n)]
        jobs = runner.submit_many(reqs, background=True)
        states = [runner.wait(j) for j in jobs]
        # Whatever lost contact is picked up by resume, as a user would after a flaky night.
        for _ in range(5):
            if all(s.ok for s in states):
                break
            assert all(s.status in ("completed", "interrupted") for s in states), {s.status for s in states}
            resumed = {s.key: s for s in _runner(server, out).resume_blocking()}
            states = [resumed.get(s.key, s) for s in states]
        assert all(s.ok for s in states), [(s.status, s.error, s.path) for s in states if not s.ok][:5]
        server.set_faults(FaultConfig())
        listed = list(_runner(server, out).client.list())
    finally:
        server.stop()
    assert server.stats.faults > 0.2 * n  # the faults did strike (30% of several requests per job)
    assert server.stats.unexpected_errors == 0  # every fault was an injected one, never a server bug
    # zero duplicate creates: the server holds exactly one job per request
    assert len(listed) == n
    assert sorted(v.prompt for v in listed) == sorted(r.prompt for r in reqs)
    # every job in the ledger, every file verified
    rows = _runner(server, out).ledger.rows()
    assert len(rows) == n and all(r["status"] == "completed" for r in rows)
    for row, state in zip(sorted(rows, key=lambda r: r["key"]), sorted(states, key=lambda s: s.key), strict=True):
        path = Path(row["path"])
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"] == state.sha256
    for state in states[:10]:
        info = probe(state.path)
        assert info.size == state.request.size and abs(info.duration - 1.0) < 1 / 24 + 1e-6
