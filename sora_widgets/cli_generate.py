"""`python -m sora_widgets generate PROMPT` and `... models`: the job path from a terminal.

Both go through the shared runner (ledger, budget, resume) like the magics; errors are one line on
stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prompt", help="what the video shows")
    parser.add_argument("-m", "--model")
    parser.add_argument("-s", "--seconds", type=int)
    parser.add_argument("--size", help="e.g. 1280x720")
    parser.add_argument("--ref", help="reference image: a path or an http(s) URL")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--avoid", help="negative prompt")
    parser.add_argument("--backend", help="backend or profile (default: SORA_BACKEND or local)")
    parser.add_argument("-o", "--out", type=Path, help="copy the finished MP4 here")
    parser.add_argument("--dry-run", action="store_true", help="validate and estimate; send nothing")


def run(args: argparse.Namespace) -> int:
    from .config import Settings
    from .errors import SoraError
    from .jobs import JobRunner
    from .models import VideoRequest

    try:
        settings = Settings().with_(backend=args.backend)
        runner = JobRunner(settings)
        fields = {"model": args.model, "seconds": args.seconds, "size": args.size, "input_reference": args.ref,
                  "seed": args.seed, "negative_prompt": args.avoid}
        request, cost = runner.prepare(VideoRequest.model_validate(
            {"prompt": args.prompt, **{k: v for k, v in fields.items() if v is not None}}))
        print(f"{request.model} · {request.size or request.resolution} · {request.seconds}s · est. ${cost:.2f}",
              file=sys.stderr)
        if args.dry_run:
            print(request.model_dump_json(exclude={"input_reference"}, exclude_none=True))
            return 0
        state = runner.run(request, on_update=_progress)
        print(file=sys.stderr)
        if not state.ok:
            print(f"sora: {state.error}", file=sys.stderr)
            return 1
        path = state.path
        if args.out and path is not None:
            import shutil

            args.out.parent.mkdir(parents=True, exist_ok=True)
            path = Path(shutil.copyfile(path, args.out))
        print(path)
        return 0
    except (SoraError, ValueError) as exc:
        print(f"\nsora: {exc}", file=sys.stderr)
        return 2


def _progress(state: object) -> None:
    line = getattr(state, "line", lambda: "")()
    print(f"\r{line[:100]:<100}", end="", file=sys.stderr, flush=True)


def configure_models(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", help="backend or profile (default: SORA_BACKEND or local)")


def run_models(args: argparse.Namespace) -> int:
    from .backends.describe import backends_table, capability_table
    from .client import SoraClient
    from .config import Settings
    from .errors import SoraError

    try:
        if args.backend is None:
            print(backends_table(), end="\n\n")
        client = SoraClient(settings=Settings().with_(backend=args.backend))
        print(capability_table(client.models()))
        return 0
    except (SoraError, ValueError) as exc:
        print(f"sora: {exc}", file=sys.stderr)
        return 2
