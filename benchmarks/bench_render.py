"""Preview renderer speed against its floor, and its memory, each measured honestly.

    python benchmarks/bench_render.py [--runs N]

- speed: the renderer's job is to produce frames and encode them; encoding is the floor. The
  baseline encodes *the renderer's own frames* (the same 96 yuv420p 1280x720 frames of the same
  spec, captured beforehand) with *the renderer's own encoder settings* (`render._Encoder`: libx264,
  the same preset, thread count and container options). The ratio says how much drawing, cropping,
  blending, the thumbnail and the spritesheet add on top. Target: <= 1.1. Runs alternate (floor,
  render, floor, ...) so machine load hits both alike; medians.
- memory: a fresh process per render (4 s and 16 s) reports its peak RSS (VmHWM) and the peak
  traced by tracemalloc, after the same warm-up; a third fresh process only warms up (the baseline:
  imports, codec, fonts). Frames are streamed to the encoder, so the 16 s render should need no
  more than the 4 s one. Target: 16 s peak RSS <= 4 s peak RSS + 8 MB.

`main()` returns rows for `benchmarks/run.py`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo importable without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Row, print_rows, row

WIDTH, HEIGHT, SECONDS = 1280, 720, 4
TARGET_RATIO = 1.1
MEMORY_SLACK_MB = 8.0
PROMPT = "A lighthouse on a cliff above a stormy sea at golden hour, a man walking, slow pan right"


def _spec(seconds: int = SECONDS, seed: int = 1, size: str = f"{WIDTH}x{HEIGHT}") -> Any:
    from sora_widgets.server.render import RenderSpec

    return RenderSpec(prompt=PROMPT, size=size, seconds=seconds, seed=seed)


def renderer_frames(seconds: int = SECONDS, seed: int = 1, size: str = f"{WIDTH}x{HEIGHT}") -> list[Any]:
    """The exact frames `render()` encodes for this spec (yuv420p VideoFrames), kept in memory."""
    import importlib

    r = importlib.import_module("sora_widgets.server.render")  # the module (the package exports a function)
    spec = _spec(seconds, seed, size)
    width, height = (int(v) for v in size.split("x"))
    return list(r._new_frames(spec, width, height, spec.seconds * r.FPS, None, 0))


CPU: list[float] = []  # process CPU seconds (all threads) of the last call of each timed function


def encode_floor(frames: list[Any], path: Path) -> float:
    """Encode `frames` with the renderer's encoder (same codec, options and container)."""
    from sora_widgets.server.render import _Encoder

    started, cpu = time.perf_counter(), time.process_time()
    encoder = _Encoder(path, frames[0].width, frames[0].height)
    for frame in frames:
        encoder.add(frame)
    encoder.close()
    CPU[:] = [time.process_time() - cpu]
    return time.perf_counter() - started


def render_once(out: Path, seconds: int = SECONDS, seed: int = 1, size: str = f"{WIDTH}x{HEIGHT}") -> float:
    from sora_widgets.server.render import render

    started, cpu = time.perf_counter(), time.process_time()
    render(_spec(seconds, seed, size), out)
    CPU[:] = [time.process_time() - cpu]
    return time.perf_counter() - started


def speed(runs: int, size: str = f"{WIDTH}x{HEIGHT}", seconds: int = SECONDS,
          cpu: list[float] | None = None) -> tuple[float, float, list[float]]:
    """Median render and floor wall times and the per-run ratios; `cpu` receives the median CPU
    seconds of the render and of the floor (a load-independent view of the same comparison)."""
    with tempfile.TemporaryDirectory(prefix="bench_render_") as tmp:
        work = Path(tmp)
        render_once(work / "warm", seconds, size=size)  # imports, fonts, codec init
        frames = renderer_frames(seconds, size=size)
        encode_floor(frames[:8], work / "warm.mp4")
        floors, renders, ratios, cpu_f, cpu_r = [], [], [], [], []
        for i in range(runs):
            floors.append(encode_floor(frames, work / f"floor{i}.mp4"))
            cpu_f.append(CPU[0])
            renders.append(render_once(work / f"r{i}", seconds, size=size))
            cpu_r.append(CPU[0])
            ratios.append(renders[-1] / floors[-1])
        if cpu is not None:
            cpu[:] = [statistics.median(cpu_r), statistics.median(cpu_f)]
        del frames
    return statistics.median(renders), statistics.median(floors), ratios


MEMORY_CHILD = textwrap.dedent("""
    import json, sys, tempfile, tracemalloc
    from pathlib import Path
    sys.path[:0] = [sys.argv[2]]
    from bench_render import render_once
    seconds, size = int(sys.argv[1]), sys.argv[3]
    def hwm_mb():
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as tmp:
        render_once(Path(tmp) / "warm", seconds=1, size=size)  # the same warm-up in every child
        tracemalloc.start()
        if seconds:
            render_once(Path(tmp) / "r", seconds=seconds, size=size)
        traced = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps({"hwm_mb": hwm_mb(), "traced_mb": traced}))
""")


def memory(seconds: int, size: str = f"{WIDTH}x{HEIGHT}") -> dict[str, float]:
    """Peak RSS and traced peak of one render in a fresh process (0 s: the warm-up alone)."""
    here = str(Path(__file__).resolve().parent)
    out = subprocess.run([sys.executable, "-c", MEMORY_CHILD, str(seconds), here, size], capture_output=True,
                         text=True, cwd=str(Path(here).parent))
    if out.returncode:
        raise RuntimeError(out.stderr.strip().splitlines()[-1])
    got: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return got


def main(runs: int = 5) -> list[Row]:
    cpu: list[float] = []
    rendered, floor, ratios = speed(runs, cpu=cpu)
    warm, m4, m16 = (statistics.median(memory(s)["hwm_mb"] for _ in range(3)) for s in (0, 4, 16))
    traced4, traced16 = memory(4)["traced_mb"], memory(16)["traced_mb"]
    ratio = rendered / floor
    spread = f"per-run ratios {min(ratios):.2f}-{max(ratios):.2f}"
    return [
        row(f"preview render {WIDTH}x{HEIGHT} x {SECONDS} s vs encoding its own 96 frames (same x264 settings)",
            rendered, floor, f"<= {TARGET_RATIO}", ratio <= TARGET_RATIO, note=f"median of {runs}; {spread}"),
        row("the same, CPU time (all threads) instead of wall time (info)", cpu[0], cpu[1], "(info)", True,
            note="drawing frames costs CPU; on a free second core it overlaps encoding, so wall time is the target"),
        row("peak RSS, fresh process: 16 s render vs 4 s render", m16, m4, f"+ <= {MEMORY_SLACK_MB:.0f} MB",
            m16 - m4 <= MEMORY_SLACK_MB, unit="MB",
            note=f"warm-up alone {warm:.1f} MB; traced peak 16 s {traced16:.1f} MB vs 4 s {traced4:.1f} MB"),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    got = main(parser.parse_args().runs)
    print_rows(got)
    sys.exit(0 if all(r["ok"] for r in got) else 1)
