"""`python -m sora_widgets ledger PATH`: the job ledger as JSON Lines or Parquet (as `%sora ledger`)."""

from __future__ import annotations

import argparse

from .cli_common import OK, add_json, print_json


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the file to write: .jsonl, or .parquet (needs the `parquet` extra)")
    add_json(parser)


def run(args: argparse.Namespace) -> int:
    from .config import Settings
    from .jobs.export import export_ledger
    from .jobs.ledger import Ledger

    count = export_ledger(Ledger(Settings().output_dir), args.path)
    if args.json:
        print_json({"path": str(args.path), "jobs": count})
    else:
        print(f"exported {count} jobs to {args.path}")
    return OK
