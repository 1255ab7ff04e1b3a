"""Command line: `python -m sora_widgets <command>` (also installed as `sora-widgets`).

Commands are registered in `COMMANDS`: a name, a one-line help and the module that implements it.
Each module has `configure(parser)` to add its arguments and `run(args) -> int` to do the work, and
imports nothing heavy at module level (building the parser imports every command module).
To add one, e.g. `generate`: write the module, then add `"generate": Command("...", "sora_widgets.cli_generate")`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    help: str
    module: str


COMMANDS: dict[str, Command] = {
    "serve": Command(
        "run the offline OpenAI-compatible Videos API server (local previews, no key, no network)",
        "sora_widgets.server.cli",
    ),
    "generate": Command("generate one video (create, wait, download) through the job ledger",
                        "sora_widgets.cli_generate"),
    "models": Command("list backends and what the active backend's models support", "sora_widgets.cli_models"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sora_widgets", description="sora_widgets command line")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, command in COMMANDS.items():
        module = importlib.import_module(command.module)
        cmd_parser = sub.add_parser(name, help=command.help, description=command.help)
        module.configure(cmd_parser)
        cmd_parser.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
