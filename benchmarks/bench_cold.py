"""Cold starts, end to end, each in a fresh process, against the official openai SDK doing the same.

    python benchmarks/bench_cold.py [--runs N]

- first create: a fresh process imports the client, builds it and sends one create to a local
  `/v1/videos` server (the embedded server, started once by this script), and the clock stops when
  the created job is parsed. The baseline is the openai SDK (`OpenAI(...).videos.create`) doing
  exactly that against the same server. Target: <= 0.4. Also shown: the same create with nothing
  but httpx + one pydantic model (the floor of any client built on them).
- a notebook's first magics: in a fresh IPython shell (as a kernel runs it), `%load_ext
  sora_widgets` and the first `%%sora --dry-run` cell, then in another fresh shell `%load_ext` and
  the first real `%%sora --no-wait` submit (which starts the embedded server and records the job in
  the ledger), each against the openai SDK's first create.
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
    "dry_run": """
        import time
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        t = time.perf_counter()
        shell.run_line_magic("load_ext", "sora_widgets")
        loaded = time.perf_counter() - t
        shell.run_cell_magic("sora", "--dry-run -m animatic -s 1 --size 320x180", "a kite over a beach at dawn")
        print(loaded, time.perf_counter() - t)
    """,
    "submit": """
        import time
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        t = time.perf_counter()
        shell.run_line_magic("load_ext", "sora_widgets")
        shell.run_cell_magic("sora", "--no-wait -m animatic -s 1 --size 320x180", "a kite over a beach at dawn")
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


def _child(name: str, base_url: str, key: str, cwd: Path) -> list[float]:
    code = textwrap.dedent(CHILDREN[name] % CREATE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SORA_")}
    env.update(SORA_OUTPUT_DIR=str(cwd / "out"), SORA_DATA_DIR=str(cwd / "data"), SORA_CONFIG_DIR=str(cwd / "cfg"),
               SORA_LOCAL_GENERATION_TIME="0")
    out = subprocess.run([sys.executable, "-c", code, base_url, key], capture_output=True, text=True, cwd=cwd,
                         env=env)
    if out.returncode:
        raise RuntimeError(f"{name}: {(out.stderr.strip().splitlines() or ['exit ' + str(out.returncode)])[-1]}")
    return [float(x) for x in out.stdout.strip().splitlines()[-1].split()]


def measure(runs: int, names: tuple[str, ...] = tuple(CHILDREN)) -> dict[str, list[list[float]]]:
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
        row("%load_ext sora_widgets vs openai SDK first create", med("dry_run", 0), openai, "<= 0.1",
            med("dry_run", 0) / openai <= 0.1),
        row("%load_ext + first %%sora --dry-run vs openai SDK first create", med("dry_run", 1), openai, "<= 1.0",
            med("dry_run", 1) / openai <= 1.0, note="validation, lint and cost; nothing sent"),
        row("%load_ext + first %%sora --no-wait submit vs openai SDK first create", med("submit"), openai, "<= 2.0",
            med("submit") / openai <= 2.0, note="starts the embedded server and records the job in the ledger"),
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
