"""One budget across processes, runners, threads and the plain client, over real loopback HTTP.

The embedded server runs in its own process; the `openai` backend points at it so every clip has
OpenAI's price (sora-2, 4 s: $0.40; 8 s: $0.80). Submitters in separate processes share one output
folder and its total budget; the ledger's `BEGIN IMMEDIATE` reservation must let exactly
floor(limit / cost) through, refuse the rest with one line, and send nothing for a refusal.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sora_widgets.cli_common import BUDGET
from tests._serve import REPO, serve, server_jobs

pytestmark = pytest.mark.reliability

KEY = "fake-test-SECRET-abcdefghijklmnopqrstuvwxyz"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SORA_") or k in ("SORA_CONFIG_DIR",
                                                                                    "SORA_DATA_DIR")}
    return {**env, **extra}


@pytest.mark.timeout(240)
def test_processes_runners_and_threads_share_one_total_budget(tmp_path: Path) -> None:
    limit, cost, per_process, processes = 2.0, 0.40, 6, 2
    out = tmp_path / "shared_outputs"
    with serve(tmp_path / "srv", KEY, generation_time=0.3) as base_url:
        go_at = time.time() + 4.0  # every thread of every process submits at this instant
        procs, results = [], []
        for p in range(processes):
            result = tmp_path / f"result{p}.json"
            config = {"base_url": base_url, "key": KEY, "out": str(out), "budget_total": limit, "runners": 2,
                      "submissions": per_process, "go_at": go_at, "result": str(result), "tag": f"proc{p}"}
            procs.append(subprocess.Popen([sys.executable, "-m", "tests.jobs._money_worker", json.dumps(config)],
                                          cwd=REPO, env=_env()))
            results.append(result)
        for proc in procs:
            assert proc.wait(180) == 0
        made = server_jobs(tmp_path / "srv")
    data = [json.loads(r.read_text()) for r in results]
    accepted = sum(d["accepted"] for d in data)
    refused = [msg for d in data for msg in d["refused"]]
    expected = math.floor(limit / cost + 1e-9)
    assert accepted == expected == 5
    assert len(refused) == processes * per_process - expected
    assert all("\n" not in m and "total budget" in m and "nothing was sent" in m for m in refused), refused
    assert len(made) == expected  # a refused submit sent nothing
    assert all(s == "completed" for d in data for s in d["statuses"])
    from sora_widgets.jobs import Ledger

    ledger = Ledger(out)
    assert len(ledger.rows()) == expected
    odd = [(r["status"], r["error"], r["op"], r["estimated_cost"], r["actual_cost"]) for r in ledger.rows()
           if (r["status"], r["estimated_cost"], r["actual_cost"]) != ("completed", cost, None) or not r["video_id"]]
    assert ledger.committed() == pytest.approx(expected * cost), odd


@pytest.mark.timeout(240)
def test_two_cli_runs_started_together_cannot_both_spend_the_budget(tmp_path: Path) -> None:
    """The issue's reproduction: two `generate -s 8` ($0.80 each) against SORA_BUDGET_TOTAL=1.0."""
    out = tmp_path / "outputs"
    with serve(tmp_path / "srv", KEY, generation_time=0.5) as base_url:
        env = _env(SORA_BACKEND="openai", SORA_BASE_URL=base_url, SORA_API_KEY=KEY, SORA_OUTPUT_DIR=str(out),
                   SORA_BUDGET_TOTAL="1.0", SORA_POLL_INTERVAL="0.1")
        cmd = [sys.executable, "-m", "sora_widgets", "generate", "a lighthouse in a storm", "-m", "sora-2", "-s", "8",
               "--size", "720x1280"]
        procs = [subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
        runs = [(p.wait(120), *p.communicate()) for p in procs]
        made = server_jobs(tmp_path / "srv")
    codes = sorted(code for code, _, _ in runs)
    assert codes == [0, BUDGET], runs  # the documented "budget would be exceeded: nothing was sent"
    refusal = next(err for code, _, err in runs if code == BUDGET)
    lines = [line for line in refusal.splitlines() if line.startswith("sora:")]
    assert len(lines) == 1 and "total budget" in lines[0] and "nothing was sent" in lines[0]
    assert len(made) == 1
