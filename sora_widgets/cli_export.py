"""`python -m sora_widgets export PATH`: the `%sora export` report from a terminal (same function)."""

from __future__ import annotations

import argparse

from .cli_common import OK, add_json, print_json


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the report folder to write (or an .html file with --single-file)")
    pick = parser.add_mutually_exclusive_group()
    pick.add_argument("--last", type=int, metavar="N", help="the newest N finished clips")
    pick.add_argument("--group", metavar="G", help="one batch, variations or storyboard (its group id)")
    parser.add_argument("--query", metavar="TEXT", help="only clips whose prompt, model or id contains TEXT")
    parser.add_argument("--single-file", action="store_true", help="one .html with the videos inside")
    parser.add_argument("--max-mb", type=int, default=25, metavar="MB", help="size cap of --single-file (25)")
    parser.add_argument("--title", help="the report's title")
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")
    add_json(parser)


def run(args: argparse.Namespace) -> int:
    from .config import Settings
    from .share.export import export

    made = export(args.path, last=args.last, group=args.group, query=args.query, folder=Settings().output_dir,
                  title=args.title, single_file=args.single_file, max_bytes=args.max_mb * 1_000_000,
                  overwrite=args.force)
    if args.json:
        print_json({"index": str(made.index), "clips": len(made.clips), "skipped": made.skipped,
                    "bytes": made.bytes_written})
    else:
        print(made.text())
    return OK
