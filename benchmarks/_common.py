"""Helpers shared by the benchmarks: medians, subprocess timing, a row format for run.py."""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections.abc import Callable
from typing import Any

Row = dict[str, Any]


def median_of(fn: Callable[[], float], runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def child_seconds(code: str) -> float:
    """Run `code` in a fresh interpreter; it must print one float (seconds) as its last line."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def row(name: str, value: float, baseline: float, target: str, ok: bool, unit: str = "s", note: str = "") -> Row:
    ratio = value / baseline if baseline else float("inf")
    return {"benchmark": name, "value": value, "baseline": baseline, "ratio": ratio, "unit": unit,
            "target": target, "ok": ok, "note": note}


def print_rows(rows: list[Row]) -> None:
    for r in rows:
        status = "PASS" if r["ok"] else "MISS"
        value, base = f"{r['value']:>9.3f}{r['unit']:<3}", f"{r['baseline']:>9.3f}{r['unit']:<3}"
        print(f"  {status}  {r['benchmark']:<52} {value} vs {base}"
              f" ratio {r['ratio']:>6.3f}  target {r['target']}  {r['note']}")
