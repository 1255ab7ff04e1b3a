"""A sweep of 1,000 jobs against the embedded server: bounded memory and one progress panel.

    python benchmarks/bench_sweep.py [--jobs 1000]

Two fresh processes each run a whole sweep the way a notebook user would — `runner.submit_many` of
N prompt variations (`animatic`, 1 s, 320x180, the embedded server rendering every clip for real),
shown in one `BatchPanel`, waited on to the end — one with 100 jobs (the baseline), one with 1,000.
Each reports its peak RSS (VmHWM: measured in a fresh process, so nothing else raised it; no
tracemalloc, whose own bookkeeping would inflate it), the number of widgets created and the wall time.

Targets: every job completes; the whole sweep is one panel with a bounded number of widgets (no card
per job above `MAX_CARDS`); memory is bounded by bookkeeping, not media: peak RSS grows by less than
50 KB per extra job (job handles and states in the kernel, and the embedded server's record of each
job, which it keeps for listing) — no frames, clips or cards are kept.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Row, print_rows, row

SMALL, LARGE = 100, 1_000
PER_JOB_KB = 50.0
MAX_WIDGETS = 60

CHILD = textwrap.dedent("""
    import json, os, sys, tempfile, time
    from pathlib import Path
    n = int(sys.argv[1])
    def hwm_mb():
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from ipywidgets.widgets.widget import _instances  # every live widget (Widget.widgets is deprecated)
    from sora_widgets.config import Settings
    from sora_widgets.jobs import JobRunner
    from sora_widgets.models import VideoRequest
    from sora_widgets.server.config import ServerConfig
    from sora_widgets.server.embedded import start_server
    from sora_widgets.widgets import BatchPanel
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(ServerConfig(data_dir=Path(tmp) / "srv", api_key="bench", generation_time=0.0))
        settings = Settings(_env_file=None, backend="local", base_url=server.base_url, api_key=server.api_key,
                            output_dir=Path(tmp) / "out", concurrency=32, poll_interval=0.2)
        runner = JobRunner(settings)
        base = VideoRequest(prompt="a kite over a beach at dawn, wide shot", model="animatic", seconds=1,
                            size="320x180")
        runner.run(base.with_(seed=10**6))  # warm: imports, the server, the first render
        widgets_before = len(_instances)
        started = time.perf_counter()
        jobs = runner.submit_many([base.with_(seed=i) for i in range(n)], background=True)
        panel = BatchPanel(jobs, runner, title="sweep")
        states = [runner.wait(job) for job in jobs]
        elapsed = time.perf_counter() - started
        panel._refresh()
        ok = sum(s.ok for s in states)
        print(json.dumps({"seconds": elapsed, "hwm_mb": hwm_mb(), "ok": ok,
                          "widgets": len(_instances) - widgets_before, "summary": panel.summary()}))
        server.stop()
""")


def sweep(n: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(n)], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}")
    got: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return got


def main(jobs: int = LARGE, small: int = SMALL) -> list[Row]:
    base, big = sweep(small), sweep(jobs)
    per_job_kb = (big["hwm_mb"] - base["hwm_mb"]) * 1024 / (jobs - small)
    return [
        row(f"sweep of {jobs:,} jobs: peak RSS vs {small:,} jobs (fresh processes)", big["hwm_mb"], base["hwm_mb"],
            f"+ < {PER_JOB_KB:.0f} KB per extra job", per_job_kb < PER_JOB_KB and big["ok"] == jobs, unit="MB",
            note=f"{per_job_kb:.0f} KB per extra job; {big['ok']:.0f}/{jobs} completed in {big['seconds']:.0f} s "
                 f"({jobs / big['seconds']:.1f} jobs/s, the embedded server rendering every clip)"),
        row(f"sweep of {jobs:,} jobs: widgets created vs {small:,} jobs", big["widgets"], base["widgets"],
            f"one panel, <= {MAX_WIDGETS}", big["widgets"] <= MAX_WIDGETS and big["widgets"] == base["widgets"],
            unit="", note=str(big["summary"])),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=LARGE)
    parser.add_argument("--small", type=int, default=SMALL)
    args = parser.parse_args()
    got = main(args.jobs, args.small)
    print_rows(got)
    sys.exit(0 if all(r["ok"] for r in got) else 1)
