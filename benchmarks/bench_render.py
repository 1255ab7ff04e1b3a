"""Preview renderer speed and memory, against a baseline measured in the same run.

    python benchmarks/bench_render.py [--runs N]

- speed: the median wall time to render a 1280x720 x 4 s preview (96 frames, scene drawing and
  thumbnail/spritesheet included) divided by the median time PyAV's libx264 (preset ultrafast)
  needs to encode 96 precomputed 1280x720 RGB frames into an MP4. Target: ratio <= 1.5.
  Runs alternate (baseline, render, baseline, ...) so machine load hits both alike.
- memory: peak traced Python/numpy memory (tracemalloc) of a 4 s and a 16 s render, and how
  much the process's peak RSS grew during the 16 s render. Frames are streamed to the encoder,
  so neither should grow with the duration.

`main()` returns the numbers as a dict for `benchmarks/run.py` to aggregate.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo importable without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WIDTH, HEIGHT, SECONDS, FPS = 1280, 720, 4, 24
TARGET_RATIO = 1.5
PROMPT = "A lighthouse on a cliff above a stormy sea at golden hour, a man walking, slow pan right"


def baseline_frames(n: int = SECONDS * FPS) -> list[Any]:
    """Precomputed RGB frames (moving gradients: compress like real footage, unlike noise)."""
    import numpy as np

    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    frames = []
    for i in range(n):
        frame = np.empty((HEIGHT, WIDTH, 3), np.uint8)
        frame[..., 0] = (xx // 3 + i * 4) % 256
        frame[..., 1] = (yy // 2 + i * 2) % 256
        frame[..., 2] = ((xx + yy) // 5) % 256
        frames.append(frame)
    return frames


def encode_baseline(frames: list[Any], path: Path) -> float:
    import av

    started = time.perf_counter()
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for array in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(array, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return time.perf_counter() - started


def render_preview(out: Path, seconds: int = SECONDS, seed: int = 1) -> float:
    from sora_widgets.server.render import RenderSpec, render

    spec = RenderSpec(prompt=PROMPT, size=f"{WIDTH}x{HEIGHT}", seconds=seconds, seed=seed)
    started = time.perf_counter()
    render(spec, out)
    return time.perf_counter() - started


def peak_traced(out: Path, seconds: int) -> int:
    tracemalloc.start()
    try:
        render_preview(out, seconds)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _maxrss_kb() -> int:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss // 1024 if sys.platform == "darwin" else rss)  # bytes on macOS, KiB elsewhere


def main(runs: int = 5) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench_render_") as tmp:
        work = Path(tmp)
        frames = baseline_frames()
        render_preview(work / "warm")  # imports, fonts, codec init
        encode_baseline(frames[:8], work / "warm.mp4")
        base_times, render_times = [], []
        for i in range(runs):
            base_times.append(encode_baseline(frames, work / f"base{i}.mp4"))
            render_times.append(render_preview(work / f"r{i}", seed=i))
        del frames
        base, rendered = statistics.median(base_times), statistics.median(render_times)
        peak4 = peak_traced(work / "m4", 4)
        rss_before = _maxrss_kb()
        peak16 = peak_traced(work / "m16", 16)
        rss_growth = _maxrss_kb() - rss_before
    return {
        "size": f"{WIDTH}x{HEIGHT}",
        "seconds": SECONDS,
        "runs": runs,
        "baseline_encode_s": round(base, 4),
        "render_s": round(rendered, 4),
        "ratio": round(rendered / base, 3),
        "target_ratio": TARGET_RATIO,
        "ok": rendered / base <= TARGET_RATIO,
        "peak_traced_4s_mb": round(peak4 / 2**20, 2),
        "peak_traced_16s_mb": round(peak16 / 2**20, 2),
        "rss_growth_16s_mb": round(rss_growth / 1024, 2),
    }


def print_table(result: dict[str, Any]) -> None:
    rows = [
        ("baseline: libx264 ultrafast, 96 RGB frames", f"{result['baseline_encode_s']:.3f} s"),
        (f"preview render {result['size']} x {result['seconds']} s", f"{result['render_s']:.3f} s"),
        ("ratio (target <= 1.5)", f"{result['ratio']:.2f}  {'OK' if result['ok'] else 'SLOW'}"),
        ("peak traced memory, 4 s render", f"{result['peak_traced_4s_mb']:.1f} MB"),
        ("peak traced memory, 16 s render", f"{result['peak_traced_16s_mb']:.1f} MB"),
        ("peak RSS growth during the 16 s render", f"{result['rss_growth_16s_mb']:.1f} MB"),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"bench_render (median of {result['runs']} runs)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    outcome = main(parser.parse_args().runs)
    print_table(outcome)
    sys.exit(0 if outcome["ok"] else 1)
