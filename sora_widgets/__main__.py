"""Command line: `python -m sora_widgets <command>` (also installed as `sora-widgets`).

Commands are registered in `COMMANDS`: a name, a one-line help, the module that implements it and
the names of its `configure(parser)` and `run(args) -> int` functions. Command modules import nothing
heavy at module level (building the parser imports every one of them).

Every error is one line on stderr (`sora: what — what to do`) with a documented exit code
(`cli_common.EXIT_CODES_HELP`); no traceback reaches the terminal (SORA_DEBUG=1 shows it).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn


@dataclass(frozen=True)
class Command:
    help: str
    module: str
    configure: str = "configure"
    run: str = "run"


COMMANDS: dict[str, Command] = {
    "generate": Command("generate videos (create, wait, download) through the job ledger; every %%sora option",
                        "sora_widgets.cli_generate"),
    "list": Command("the last jobs in the ledger (or --server: the server's videos)", "sora_widgets.cli_jobs",
                    "configure_list", "run_list"),
    "status": Command("unfinished jobs, or one job by video id or key", "sora_widgets.cli_jobs",
                      "configure_status", "run_status"),
    "resume": Command("finish unfinished jobs (after an interrupt, a crash or a restart)", "sora_widgets.cli_jobs",
                      "configure_resume", "run_resume"),
    "check": Command("quality signals of finished videos (frozen, black, flicker, ...); exit 1 when flagged",
                     "sora_widgets.cli_jobs", "configure_check", "run_check"),
    "cancel": Command("mark a recorded job cancelled so no resume picks it up", "sora_widgets.cli_jobs",
                      "configure_cancel", "run_cancel"),
    "download": Command("download a finished video", "sora_widgets.cli_jobs", "configure_download",
                        "run_download"),
    "export": Command("a report folder (index.html, media, manifest.json) of finished clips, or one .html",
                      "sora_widgets.cli_export"),
    "ledger": Command("the job ledger as JSON Lines or Parquet, for pandas or DuckDB", "sora_widgets.cli_ledger"),
    "cost": Command("spend by day, backend and model; budgets", "sora_widgets.cli_jobs", "configure_cost",
                    "run_cost"),
    "lint": Command("check a prompt with the prompt linter (exit 1 on errors)", "sora_widgets.cli_models",
                    "configure_lint", "run_lint"),
    "models": Command("the backends, the active one and its base URL, and what its models support",
                      "sora_widgets.cli_models"),
    "serve": Command(
        "run the offline OpenAI-compatible Videos API server (local previews, no key, no network)",
        "sora_widgets.server.cli",
    ),
}


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (and exit code 2), like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"sora: {message} — see {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    from .cli_common import EXIT_CODES_HELP

    parser = OneLineParser(prog="python -m sora_widgets", description="sora_widgets command line",
                           epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"sora_widgets {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    sub.required = True
    for name, command in COMMANDS.items():
        module = importlib.import_module(command.module)
        cmd_parser = sub.add_parser(name, help=command.help, description=command.help, epilog=EXIT_CODES_HELP,
                                    formatter_class=argparse.RawDescriptionHelpFormatter)
        getattr(module, command.configure)(cmd_parser)
        cmd_parser.set_defaults(_run=getattr(module, command.run))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .cli_common import fail

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help, --version, or a usage mistake already reported in one line
        return int(done.code or 0) if not isinstance(done.code, str) else 2
    try:
        return int(args._run(args) or 0)
    except (Exception, KeyboardInterrupt) as exc:  # every error is one line with its exit code
        if os.environ.get("SORA_DEBUG"):  # ... unless a developer asks for the traceback
            raise
        return fail(exc)


if __name__ == "__main__":
    sys.exit(main())
