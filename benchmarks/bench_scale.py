"""A long history: a ledger of 100,000 jobs, generated here, against one of 1,000 (the baseline).

    python benchmarks/bench_scale.py [--jobs 100000] [--runs 5]

For each view a user opens on a long history — `%sora list` (first page), the Gallery's first page,
`%sora status`, resume's scan of the ledger, `%sora cost` (the spend report) and the budget check every
submit makes (`reserve`: what the folder and the session have committed, in its transaction) — a fresh process
opens the ledger and times the operation (median of several runs; imports are warmed first, they do
not depend on the history) and its peak traced memory (tracemalloc; for the Gallery, once the quality
checks it queued for its videos have finished: they run on their own thread after the page is shown).
Targets: each under 0.2 s at 100,000 jobs, and memory that does not grow with the history (100k vs 1k: + < 2 MB).

The generated ledger looks like a researcher's: ~90% completed over 200 days, a few failed, cancelled
and still running; every completed job has its MP4 and thumbnail on disk (hard links of one tiny
render, so 100,000 files cost no space) in one output folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Row, print_rows, row

LARGE, SMALL = 100_000, 1_000
RUNS = 5
TARGET_S = 0.2
TARGET_GROWTH_MB = 2.0
DAYS = 200
PROMPTS = ["a paper boat on a rainy street", "a lighthouse in a storm, aerial shot", "a red fox in the snow",
           "an owl at night, close-up", "a kite over a beach at dawn, wide shot"]
MODELS = [("animatic", 0.0), ("sora-2", 0.4), ("sora-2-pro", 1.2)]
OPS = ("list", "gallery", "status", "resume_scan", "spend", "reserve")


def _sample_clip(folder: Path) -> tuple[Path, Path]:
    """One tiny real render (video + thumbnail) that every completed job links to."""
    from sora_widgets.server.render import RenderSpec, render

    result = render(RenderSpec(prompt=PROMPTS[0], size="320x180", seconds=1, seed=1), folder / "_sample")
    return result.video, result.thumbnail


def make_ledger(folder: Path, n: int, *, seed: int = 1, now: float | None = None) -> Path:
    """Write a ledger of `n` jobs (and their files) into `folder`; returns the ledger's path. Rows are
    built by the ledger's own row builder, so the columns follow the schema whoever changes it."""
    from sora_widgets.jobs import JobState, Ledger
    from sora_widgets.jobs.ledger import _row
    from sora_widgets.models import VideoRequest

    rng = random.Random(seed)
    now = time.time() if now is None else now
    folder.mkdir(parents=True, exist_ok=True)
    video, thumb = _sample_clip(folder)
    ledger = Ledger(folder)
    template = JobState(request=VideoRequest(prompt=PROMPTS[0], model="sora-2", seconds=4, size="1280x720"),
                        backend="local")
    ledger.record(template)  # creates the schema and indexes; the row is replaced below
    requests = {(p, m): json.dumps({"prompt": p, "model": m, "seconds": 4, "size": "1280x720"})
                for p in PROMPTS for m, _ in MODELS}
    rows: list[dict[str, Any]] = []
    for i in range(n):
        created = now - DAYS * 86400 * (1 - i / n) - 60  # oldest first, the newest a minute ago
        prompt, (model, price) = rng.choice(PROMPTS), rng.choice(MODELS)
        roll = rng.random()
        status = ("completed" if roll < 0.9 else "failed" if roll < 0.96 else "cancelled" if roll < 0.99
                  else "completed")
        if i >= n - 20:  # a sweep still running when the kernel died
            status = rng.choice(["queued", "in_progress", "interrupted"])
        key = f"job{i:08d}"
        r = _row(template, created)
        r.update(key=key, idempotency_key=f"idem-{key}", backend="local", model=model, prompt=f"{prompt} #{i}",
                 request=requests[(prompt, model)], video_id=f"video_{i:08d}", status=status,
                 progress=100 if status == "completed" else 40, estimated_cost=price * 4, actual_cost=None,
                 created_at=created, submitted_at=created + 1, finished_at=created + 30 if status != "queued" else None,
                 expires_at=None, path=None, thumbnail=None, sha256=None, updated_at=created + 30,
                 error="moderation_blocked" if status == "failed" else None)
        if status == "completed":
            if i and i % 50_000 == 0:  # a file system allows ~65,000 links to one inode
                video, thumb = (shutil.copy(p, p.with_name(f"{i}{p.name}")) for p in (video, thumb))
            target = folder / f"video_{i:08d}.mp4"
            os.link(video, target)
            os.link(thumb, target.with_suffix(".thumbnail.webp"))
            r.update(path=str(target.resolve()), thumbnail=str(target.with_suffix(".thumbnail.webp").resolve()))
        rows.append(r)
        if len(rows) == 5000 or i == n - 1:
            _insert(ledger, rows)
            rows = []
    return ledger.path


def _insert(ledger: Any, rows: list[dict[str, Any]]) -> None:
    cols = list(rows[0])
    sql = (f"INSERT OR REPLACE INTO jobs ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})")
    with ledger._db() as db:
        db.execute("BEGIN")
        db.execute("DELETE FROM jobs WHERE key NOT LIKE 'job%'")
        db.executemany(sql, [tuple(r[c] for c in cols) for r in rows])
        db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)",
                       [(r["key"], r["created_at"], r["status"], r["progress"]) for r in rows])
        db.execute("COMMIT")


#: the child: a fresh process per (ledger, operation); warms imports and the runner, then times
CHILD = textwrap.dedent("""
    import json, os, statistics, sys, time, tracemalloc
    folder, op, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.environ["SORA_OUTPUT_DIR"] = folder
    os.chdir(folder)
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "sora_widgets")
    from sora_widgets.jobs import default_runner
    runner = default_runner()
    if op == "gallery":
        import ipywidgets
        from sora_widgets.widgets.gallery import Gallery
    def run():
        if op == "list":
            return shell.run_line_magic("sora", "list")
        if op == "gallery":
            g = Gallery(runner)
            assert len(g.grid.children) == g.page_size, len(g.grid.children)
            return g
        if op == "status":
            return shell.run_line_magic("sora", "status")
        if op == "resume_scan":
            return runner.ledger.unfinished()
        if op == "spend":
            return shell.run_line_magic("sora", "cost")
        if op == "reserve":  # one submit's budget check: the folder's and the session's committed money
            return runner.ledger.reserve([], session="bench", check=lambda folder, mine: None)
    times, ready = [], 0.0
    for i in range(runs):
        t = time.perf_counter(); out = run(); times.append(time.perf_counter() - t)
        if op == "gallery" and i == 0:  # thumbnails fill in after the page shows: when are they all there?
            out.wait_thumbnails(); ready = time.perf_counter() - t
        if hasattr(out, "close"): out.close()
    if op == "gallery":  # the page's memory, not the quality checks it queued for later (another thread)
        from sora_widgets.jobs.quality import checks_for
        checks_for(runner.ledger).wait_idle()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps({"first": times[0], "median": statistics.median(times), "peak_mb": peak / 2**20,
                      "ready": ready}))
""")


def measure(folder: Path, op: str, runs: int) -> dict[str, float]:
    """Time `op` on the ledger in `folder` in a fresh process: first call, median, traced peak."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(folder), op, str(runs)], capture_output=True,
                         text=True, env={**os.environ, "SORA_LOCAL_GENERATION_TIME": "0"})
    if out.returncode:
        raise RuntimeError(f"{op}: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(jobs: int = LARGE, runs: int = RUNS, small: int = SMALL, target_s: float = TARGET_S,
         ops: tuple[str, ...] = OPS) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench_scale_") as tmp:
        few, many = Path(tmp) / "small", Path(tmp) / "large"
        started = time.perf_counter()
        make_ledger(few, small)
        make_ledger(many, jobs)
        print(f"  generated ledgers of {small:,} and {jobs:,} jobs in {time.perf_counter() - started:.1f} s",
              flush=True)
        rows: list[Row] = []
        for op in ops:
            s, big = measure(few, op, runs), measure(many, op, runs)
            growth = big["peak_mb"] - s["peak_mb"]
            rows.append(row(f"{op}: {jobs:,}-job ledger vs {small:,} (median of {runs})", big["median"],
                            s["median"], f"< {target_s} s", big["median"] < target_s,
                            note=f"first call {big['first']:.3f} s" + (
                                f", its thumbnails all shown at {big['ready']:.3f} s" if big.get("ready") else "")))
            rows.append(row(f"{op}: peak traced memory, {jobs:,} vs {small:,} jobs", big["peak_mb"], s["peak_mb"],
                            f"+ < {TARGET_GROWTH_MB} MB", growth < TARGET_GROWTH_MB, unit="MB"))
        shutil.rmtree(many, ignore_errors=True)
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=LARGE)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--ops", default=",".join(OPS), help=f"comma-separated subset of {','.join(OPS)}")
    args = parser.parse_args()
    got = main(args.jobs, args.runs, ops=tuple(o for o in args.ops.split(",") if o))
    print_rows(got)
    sys.exit(0 if all(r["ok"] for r in got) else 1)
