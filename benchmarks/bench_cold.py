"""Cold starts, end to end, each in a fresh process, against the official openai SDK doing the same.

    python benchmarks/bench_cold.py [--runs N]

- first create: a fresh process imports the client, builds it and sends one create to a local
  `/v1/videos` server (the embedded server, started once by this script), and the clock stops when
  the created job is parsed. The baseline is the openai SDK (`OpenAI(...).videos.create`) doing
  exactly that against the same server. Target: <= 0.4. Also shown: the same create with nothing
  but httpx + one pydantic model (the floor of any client built on them).
- a notebook's first magics, in a fresh Jupyter kernel (jupyter_client; the kernel's own start-up
  excluded, timed from the client as a user waits for the cell): `%load_ext sora_widgets`, then the
  first `%%sora --dry-run` cell; in another fresh kernel `%load_ext` and the first real `%%sora
  --no-wait` submit (which starts the embedded server, records the job in the ledger and returns a
  live job card), each against the openai SDK's first create.
- Studio: a fresh process builds the first `Studio()` (ipywidgets already imported, as in a kernel
  where any widget was shown); the baseline is `import ipywidgets` in a fresh process.

Interpreter start-up is excluded everywhere (the clock starts in the child's first line); every
round runs each child once, interleaved, and the medians are compared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Row, print_rows, row

RUNS = 7
TARGET = 0.4
CREATE = dict(prompt="a kite over a beach at dawn", model="sora-2", seconds=4, size="1280x720")

CHILDREN = {
    "openai": """
        import sys, time; t = time.perf_counter()
        from openai import OpenAI
        client = OpenAI(base_url=sys.argv[1], api_key=sys.argv[2], max_retries=0)
        video = client.videos.create(prompt=%(prompt)r, model=%(model)r, seconds="%(seconds)s", size=%(size)r)
        assert video.id
        print(time.perf_counter() - t)
    """,
    "ours": """
        import sys, time; t = time.perf_counter()
        from sora_widgets import SoraClient
        client = SoraClient(backend="openai", base_url=sys.argv[1], api_key=sys.argv[2], max_retries=0)
        video = client.create(prompt=%(prompt)r, model=%(model)r, seconds=%(seconds)s, size=%(size)r)
        assert video.id
        print(time.perf_counter() - t)
    """,
    "floor": """
        import sys, time; t = time.perf_counter()
        import httpx, pydantic
        class Video(pydantic.BaseModel):
            id: str
            status: str
        http = httpx.Client(headers={"Authorization": "Bearer " + sys.argv[2]})
        response = http.post(sys.argv[1] + "/videos", json={"prompt": %(prompt)r, "model": %(model)r,
                             "seconds": "%(seconds)s", "size": %(size)r})
        assert Video.model_validate(response.json()).id
        print(time.perf_counter() - t)
    """,
    "studio": """
        import time
        import ipywidgets
        t = time.perf_counter()
        from sora_widgets import Studio
        studio = Studio()
        print(time.perf_counter() - t)
    """,
    "ipywidgets": """
        import time; t = time.perf_counter()
        import ipywidgets
        print(time.perf_counter() - t)
    """,
}


#: cells timed in a fresh kernel, in order; each result is the time from the first cell's start
KERNEL_CELLS = {
    "kernel_dry_run": ["%load_ext sora_widgets",
                       "%%sora --dry-run -m animatic -s 1 --size 320x180\na kite over a beach at dawn"],
    "kernel_submit": ["%load_ext sora_widgets",
                      "%%sora --no-wait -m animatic -s 1 --size 320x180\na kite over a beach at dawn"],
}


def _env(cwd: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SORA_")}
    env.update(SORA_OUTPUT_DIR=str(cwd / "out"), SORA_DATA_DIR=str(cwd / "data"), SORA_CONFIG_DIR=str(cwd / "cfg"),
               SORA_LOCAL_GENERATION_TIME="0")
    return env


def _kernel(name: str, cwd: Path) -> list[float]:
    """Start a fresh kernel, then time its cells as the user waits for them (cumulative)."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", cwd=str(cwd), env=_env(cwd))
    try:
        times, started = [], time.perf_counter()
        for cell in KERNEL_CELLS[name]:
            reply = kc.execute_interactive(cell, timeout=120, output_hook=lambda msg: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{name}: {cell.splitlines()[0]} failed: {reply['content'].get('evalue')}")
            times.append(time.perf_counter() - started)
        return times
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _child(name: str, base_url: str, key: str, cwd: Path) -> list[float]:
    if name in KERNEL_CELLS:
        return _kernel(name, cwd)
    code = textwrap.dedent(CHILDREN[name] % CREATE)
    env = _env(cwd)
    out = subprocess.run([sys.executable, "-c", code, base_url, key], capture_output=True, text=True, cwd=cwd,
                         env=env)
    if out.returncode:
        raise RuntimeError(f"{name}: {(out.stderr.strip().splitlines() or ['exit ' + str(out.returncode)])[-1]}")
    return [float(x) for x in out.stdout.strip().splitlines()[-1].split()]


def measure(runs: int, names: tuple[str, ...] = (*CHILDREN, *KERNEL_CELLS)) -> dict[str, list[list[float]]]:
    from sora_widgets.server.config import ServerConfig
    from sora_widgets.server.embedded import start_server

    results: dict[str, list[list[float]]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="bench_cold_") as tmp:
        # "kite" is a blocked word: every create is answered as usual, then fails moderation instead of
        # rendering, so no render in the background competes with the processes being timed
        server = start_server(ServerConfig(data_dir=Path(tmp) / "srv", api_key="bench", generation_time=1.0,
                                           blocked_words=("kite",)))
        try:
            for name in names:  # one unmeasured round: compiled bytecode, file caches
                _child(name, server.base_url, "bench", Path(tmp))
            for _ in range(runs):
                for name in names:
                    results[name].append(_child(name, server.base_url, "bench", Path(tmp)))
        finally:
            server.stop()
    return results


def main(runs: int = RUNS) -> list[Row]:
    got = measure(runs)

    def med(name: str, i: int = 0) -> float:
        return statistics.median(r[i] for r in got[name])

    openai, ours, floor = med("openai"), med("ours"), med("floor")
    ratios = [o[0] / b[0] for o, b in zip(got["ours"], got["openai"], strict=True)]
    return [
        row("cold process -> first create: sora_widgets vs openai SDK", ours, openai, f"<= {TARGET}",
            ours / openai <= TARGET, note=f"median of {runs}; per-round ratios {min(ratios):.2f}-{max(ratios):.2f}"),
        row("cold process -> first create: httpx + pydantic alone vs openai SDK (info)", floor, openai, "(info)",
            True, note="the floor of any client built on httpx + pydantic"),
        row("fresh kernel: %load_ext sora_widgets vs openai SDK first create", med("kernel_dry_run", 0), openai,
            "<= 0.1", med("kernel_dry_run", 0) / openai <= 0.1),
        row("fresh kernel: %load_ext + first %%sora --dry-run vs openai SDK first create", med("kernel_dry_run", 1),
            openai, "<= 1.0", med("kernel_dry_run", 1) / openai <= 1.0, note="validation, lint and cost; nothing sent"),
        row("fresh kernel: %load_ext + first %%sora --no-wait submit vs openai SDK first create",
            med("kernel_submit", 1), openai, "<= 2.0", med("kernel_submit", 1) / openai <= 2.0,
            note="starts the embedded server, records the job in the ledger, shows a live job card"),
        row("first Studio() vs import ipywidgets", med("studio"), med("ipywidgets"), "<= 5.0",
            med("studio") / med("ipywidgets") <= 5.0,
            note="ipywidgets already imported; includes importing the widgets, the job runner and the client"),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    rows = main(parser.parse_args().runs)
    print_rows(rows)
    sys.exit(0 if all(r["ok"] for r in rows) else 1)
