"""Download: `client.download` throughput vs a raw loopback read of the same file (target >= 0.8),
and peak memory while downloading a 200 MB file (target: grows by < 32 MB).

The raw baseline reads the response with httpx's `iter_raw` and writes each chunk to a file: a
download has to land on disk, and on these machines the disk is about as fast as loopback, so a
baseline that discarded the bytes would measure the disk, not the client. A read that discards
the bytes is reported too, for information.

The file is served by a minimal starlette app on loopback; memory is measured in a child process
(ru_maxrss before and after), so the parent's allocations do not blur it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from _common import Row, print_rows, row

SIZE_MB = 200
RUNS = 5

CHILD = textwrap.dedent("""
    import json, resource, sys, time
    import httpx
    from sora_widgets import SoraClient
    from sora_widgets.config import Settings
    base, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    settings = Settings(_env_file=None, backend="openai", base_url=base, api_key="bench", output_dir=out)
    client = SoraClient(settings=settings)
    client.retrieve  # warm imports before the baseline
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    if mode == "client":
        client.download("video_big", out + "/big.out.mp4")
    else:
        sink = open(out + "/raw.bin", "wb") if mode == "raw" else None
        with httpx.Client() as http, http.stream("GET", base + "/videos/video_big/content") as r:
            for chunk in r.iter_raw(1 << 20):
                if sink:
                    sink.write(chunk)
        if sink:
            sink.close()
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "grew_mb": (after - before) / 1024}))
""")


def _serve(path: Path):
    import threading

    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import FileResponse
    from starlette.routing import Route

    async def content(request):
        return FileResponse(path, media_type="video/mp4")

    app = Starlette(routes=[Route("/v1/videos/{vid}/content", content)])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        import time

        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}/v1"


def _child(base: str, out: str, mode: str) -> dict:
    res = subprocess.run([sys.executable, "-c", CHILD, base, out, mode], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.mp4"
        with big.open("wb") as fh:  # a valid MP4 header, then filler
            fh.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
            chunk = os.urandom(1 << 20)
            for _ in range(SIZE_MB):
                fh.write(chunk)
        server, base = _serve(big)
        try:
            # interleaved, each after a sync: dirty pages left by one run must not slow the next
            raws, reads, runs = [], [], []
            for _ in range(RUNS):
                for mode, out in (("raw", raws), ("discard", reads), ("client", runs)):
                    os.sync()
                    out.append(_child(base, tmp, mode))
                    for leftover in Path(tmp).glob("*.bin"):
                        leftover.unlink()
                    (Path(tmp) / "big.out.mp4").unlink(missing_ok=True)
            raw = sorted(r["seconds"] for r in raws)[RUNS // 2]
            read_only = sorted(r["seconds"] for r in reads)[RUNS // 2]
        finally:
            server.should_exit = True
        ours = sorted(r["seconds"] for r in runs)[RUNS // 2]
        grew = max(r["grew_mb"] for r in runs)
    throughput, raw_throughput = SIZE_MB / ours, SIZE_MB / raw
    return [
        row(f"download {SIZE_MB} MB: client vs raw loopback read", throughput, raw_throughput, ">= 0.8",
            throughput / raw_throughput >= 0.8, unit="MB/s"),
        row(f"download {SIZE_MB} MB: client vs read-and-discard (info)", throughput, SIZE_MB / read_only, "(info)",
            True, unit="MB/s"),
        row(f"peak memory growth downloading {SIZE_MB} MB", grew, 32.0, "< 1.0 (32 MB)", grew < 32, unit="MB"),
    ]


if __name__ == "__main__":
    print_rows(main())
