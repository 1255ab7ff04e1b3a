"""`python -m sora_widgets serve`: run the Videos API server in the foreground with uvicorn.

Light at import time (argparse only), because building the CLI's parser imports every command.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path

HELP = "run the offline OpenAI-compatible Videos API server (local previews, no key, no network)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1, loopback only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="where jobs and files live (default: the user data dir + /server, or $SORA_DATA_DIR)")
    parser.add_argument("--api-key", default=None,
                        help="require 'Authorization: Bearer KEY' (or set SORA_SERVER_API_KEY, which stays out of ps)")
    parser.add_argument("--generation-time", type=float, default=1.5, metavar="S",
                        help="least seconds a job takes (default: 1.5; 0 = as fast as rendering)")
    parser.add_argument("--blocked-words", default="", metavar="A,B",
                        help="comma-separated words that make a job fail with moderation_blocked")
    parser.add_argument("--faults", default="", metavar="SPEC",
                        help='fault injection, e.g. "429=0.1,500=0.05,503=0.05,slow=0.05,drop=0.05,seed=1"; '
                             "a mode may be limited to operations: drop=0.1@create+read")
    parser.add_argument("--workers", type=int, default=2, help="renders at once (default: 2)")
    parser.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_config(args: argparse.Namespace) -> object:
    from ..config import data_dir
    from .config import FaultConfig, ServerConfig

    return ServerConfig(
        data_dir=args.data_dir or data_dir() / "server",
        api_key=args.api_key or os.environ.get("SORA_SERVER_API_KEY") or None,
        generation_time=args.generation_time,
        blocked_words=tuple(w for w in args.blocked_words.split(",") if w.strip()),
        faults=FaultConfig.parse(args.faults),
        render_workers=args.workers,
    )


def run(args: argparse.Namespace) -> int:
    try:
        config = build_config(args)
    except ValueError as exc:
        print(f"sora_widgets serve: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    from .app import create_app
    from .config import ServerConfig

    assert isinstance(config, ServerConfig)
    if not _is_loopback(args.host) and config.api_key is None:
        print(f"warning: serving on {args.host} without an API key; anyone who can reach it can use it "
              "(pass --api-key or set SORA_SERVER_API_KEY)", file=sys.stderr)
    auth = "on" if config.api_key else "off"
    print(f"sora_widgets Videos API: http://{args.host}:{args.port}/v1  data={config.data_dir}  auth={auth}  "
          f"generation_time={config.generation_time:g}s  faults={config.faults.to_spec()}", file=sys.stderr)
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level=args.log_level, lifespan="on",
                proxy_headers=False, server_header=False)
    return 0
