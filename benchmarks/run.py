"""Run every benchmark, print one table and write benchmarks/results.md (machine, versions, date).

    python benchmarks/run.py            # or ./dev.sh bench
    python benchmarks/run.py cold scale   # a subset, by module suffix
    BENCH_CONDITIONS="quiet machine" ./dev.sh bench   # a line about the conditions, copied into results.md

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
MODULES = ["cold", "render", "scale", "sweep", "poll", "batch", "compare", "download", "notebook", "signals"]


#: what each section measures and against what (printed above its table in results.md)
SECTIONS = {
    "cold": "Cold starts, each in a fresh process (interpreter start-up excluded), interleaved rounds, medians. "
            "Baseline: the official openai SDK doing the same create against the same local server.",
    "render": "Preview render vs encoding the renderer's own frames with its own x264 settings (the floor), "
              "interleaved, medians; peak memory of 4 s and 16 s renders, each in a fresh process.",
    "scale": "A generated ledger of 100,000 jobs vs one of 1,000 (the baseline): each view opened in a fresh process, "
             "median of several calls after the first; peak traced memory of one call.",
    "sweep": "A sweep against the embedded server (every clip rendered), 1,000 jobs vs 100, each in a fresh process.",
    "poll": "Polling against the server's `openai-poll-after-ms` hint.",
    "batch": "16 concurrent jobs vs one.",
    "download": "Download throughput and memory vs a raw loopback read of the same file.",
    "notebook": "Saved notebook size: 10 clips via %%sora vs IPython's Video(embed=True).",
    "compare": "A 16-clip compare() grid vs one clip, and the kernel's event loop while it fills.",
    "signals": "Quality signals of a 1280x720 x 8 s clip vs a plain PyAV full decode (CPU time), and real time.",
}


def _versions() -> str:
    names = ["sora_widgets", "httpx", "pydantic", "av", "numpy", "starlette", "uvicorn", "openai", "ipywidgets",
             "pyarrow"]
    out = []
    for name in names:
        try:
            out.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} (not installed)")
    return ", ".join(out)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _markdown(sections: dict[str, list[Row]], errors: list[str], started: dt.datetime, load_before: str) -> str:
    finished = dt.datetime.now(dt.timezone.utc)
    lines = [
        "# Benchmark results",
        "",
        f"- date: {started.strftime('%Y-%m-%d %H:%M')}–{finished.strftime('%H:%M UTC')}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores ({_cpu()}), {platform.platform()}",
        f"- python: {sys.version.split()[0]}; {_versions()}",
        f"- load average (1/5/15 min) at start: {load_before}; at end: {_load()}",
    ]
    if os.environ.get("BENCH_CONDITIONS"):
        lines.append(f"- conditions: {os.environ['BENCH_CONDITIONS']}")
    lines += [
        "- every ratio compares a value with a baseline measured in the same run (interleaved, medians); absolute "
        "times on a shared machine are noise, the ratios are what the targets are about",
    ]
    for name, rows in sections.items():
        lines += ["", f"## {name}", "", SECTIONS.get(name, ""), "",
                  "| benchmark | value | baseline | ratio | target | result | note |",
                  "|---|---:|---:|---:|---|---|---|"]
        for r in rows:
            lines.append(
                f"| {r['benchmark']} | {r['value']:.3f} {r['unit']} | {r['baseline']:.3f} {r['unit']} | "
                f"{r['ratio']:.3f} | {r['target']} | {'pass' if r['ok'] else 'MISS'} | {r['note']} |"
            )
    if errors:
        lines += ["", "## errors", "", *[f"- {e}" for e in errors]]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    wanted = argv or MODULES
    started, load_before = dt.datetime.now(dt.timezone.utc), _load()
    sections: dict[str, list[Row]] = {}
    errors: list[str] = []
    for name in wanted:
        print(f"== bench_{name}", flush=True)
        try:
            mod = importlib.import_module(f"bench_{name}")
            got = mod.main()
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            errors.append(f"bench_{name}: {type(exc).__name__}: {exc}")
            continue
        print_rows(got)
        sections[name] = got
    (HERE / "results.md").write_text(_markdown(sections, errors, started, load_before), encoding="utf-8")
    print(f"\nwrote {HERE / 'results.md'}")
    rows = [r for got in sections.values() for r in got]
    return 1 if errors or not all(r["ok"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
