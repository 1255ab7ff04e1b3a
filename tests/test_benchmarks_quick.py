"""A quick pass of the benchmarks (small sizes, generous bounds): it fails on gross regressions —
a whole-table read creeping back into a view, frames collected in memory, a heavy import on the
first-create path — not on the noise of a shared machine. `./dev.sh bench` runs the full set with
the real targets and writes benchmarks/results.md."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

pytestmark = pytest.mark.timeout(600)


def _failed(rows: list[dict]) -> list[str]:
    return [f"{r['benchmark']}: {r['value']:.3f} vs {r['baseline']:.3f} ({r['target']}) {r['note']}"
            for r in rows if not r["ok"]]


def test_render_stays_near_its_encode_floor_and_flat_in_memory() -> None:
    import bench_render

    rendered, floor, _ = bench_render.speed(3, "640x360", 2)
    # The full benchmark targets <= 1.1 at 1280x720 x 4 s. At this small size fixed per-frame work weighs
    # more: 2.7-3.5 on a loaded 2-core machine, 4.3 once mid-suite. 8 still catches a gross regression
    # (an encoder setting lost, a colour conversion back in the frame loop), not the noise.
    assert rendered / floor <= 8.0, (rendered, floor)
    short, long = bench_render.memory(1, "640x360"), bench_render.memory(6, "640x360")
    assert long["hwm_mb"] - short["hwm_mb"] < 20, (short, long)  # frames are streamed, not kept


def test_history_views_do_not_read_the_whole_ledger() -> None:
    import bench_scale

    rows = bench_scale.main(jobs=5_000, runs=2, small=200, target_s=0.5)
    assert not _failed(rows), _failed(rows)


def test_cold_first_create_is_well_under_the_openai_sdk() -> None:
    import bench_cold

    got = bench_cold.measure(3, ("openai", "ours"))
    ours = statistics.median(r[0] for r in got["ours"])
    theirs = statistics.median(r[0] for r in got["openai"])
    assert ours / theirs <= 0.85, (ours, theirs)  # the full benchmark: <= 0.4 on a quiet machine


def test_the_first_create_path_imports_nothing_it_does_not_need() -> None:
    import subprocess

    code = ("import sys; from sora_widgets import SoraClient; "
            "c = SoraClient(backend='openai', base_url='http://127.0.0.1:9/v1', api_key='k'); "
            "c.request_for(None, {'prompt': 'a kite'}); "
            "print(' '.join(sorted(m for m in ('asyncio', 'pydantic_settings', 'sora_widgets.jobs', 'ipywidgets', "
            "'av', 'numpy', 'starlette', 'uvicorn', 'openai') if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
