"""Run every benchmark, print one table and write benchmarks/results.md (machine, versions, date).

    python benchmarks/run.py            # or ./dev.sh bench
    python benchmarks/run.py import poll  # a subset, by module suffix

Each benchmark reports a value and a baseline measured in the same run (medians of repeated runs),
and the ratio against the target. Absolute timings on shared machines are noise; ratios are not.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import sys
import traceback
from importlib import metadata
from pathlib import Path

from _common import Row, print_rows

HERE = Path(__file__).resolve().parent
MODULES = ["import", "render", "poll", "batch", "compare", "download", "notebook", "signals"]


def _versions() -> str:
    names = ["sora_widgets", "httpx", "pydantic", "av", "numpy", "starlette", "uvicorn", "openai", "ipywidgets"]
    out = []
    for name in names:
        try:
            out.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} (not installed)")
    return ", ".join(out)


def _markdown(rows: list[Row], errors: list[str]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"- date: {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        f"- python: {sys.version.split()[0]}; {_versions()}",
        "",
        "| benchmark | value | baseline | ratio | target | result | note |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['benchmark']} | {r['value']:.3f} {r['unit']} | {r['baseline']:.3f} {r['unit']} | "
            f"{r['ratio']:.3f} | {r['target']} | {'pass' if r['ok'] else 'MISS'} | {r['note']} |"
        )
    lines += ["", *[f"- error: {e}" for e in errors]]
    return "\n".join(lines).rstrip() + "\n"


def _render_rows(r: dict) -> list[Row]:
    from _common import row

    growth = r["peak_traced_16s_mb"] - r["peak_traced_4s_mb"]
    return [
        row(f"preview render {r['size']} x {r['seconds']} s vs libx264 ultrafast, 96 frames", r["render_s"],
            r["baseline_encode_s"], f"<= {r['target_ratio']}", bool(r["ok"])),
        row("peak traced memory: 16 s render vs 4 s render", r["peak_traced_16s_mb"], r["peak_traced_4s_mb"],
            "no growth", growth <= 1.0, unit="MB", note=f"RSS growth during 16 s: {r['rss_growth_16s_mb']} MB"),
    ]


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    wanted = argv or MODULES
    rows: list[Row] = []
    errors: list[str] = []
    for name in wanted:
        print(f"== bench_{name}", flush=True)
        try:
            mod = importlib.import_module(f"bench_{name}")
            got = mod.main()
            if isinstance(got, dict):  # bench_render reports a dict of its own
                got = _render_rows(got)
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            errors.append(f"bench_{name}: {type(exc).__name__}: {exc}")
            continue
        print_rows(got)
        rows.extend(got)
    (HERE / "results.md").write_text(_markdown(rows, errors), encoding="utf-8")
    print(f"\nwrote {HERE / 'results.md'}")
    return 1 if errors or not all(r["ok"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
