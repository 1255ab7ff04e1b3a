"""`models` (the backends, the active one with its real base URL, and its models) and `lint PROMPT`."""

from __future__ import annotations

import argparse
from typing import Any

from .cli_common import FAILED, OK, add_backend, add_json, add_request_arguments, print_json


def configure(parser: argparse.ArgumentParser) -> None:
    add_backend(parser)
    add_json(parser)


def active_endpoint(client: Any) -> str:
    """Where requests go, without starting anything or needing a key."""
    s = client.settings
    url = s.base_url or s.profile().get("base_url") or client.backend.default_base_url
    if client.backend.kind == "local" and not url:
        return "the embedded server (started on 127.0.0.1 when first used; no key)"
    return str(url).rstrip("/") if url else "(no base URL: set SORA_BASE_URL)"


def run(args: argparse.Namespace) -> int:
    from .backends.describe import backends_table, capability_rows, capability_table, describe_backends
    from .client import SoraClient
    from .config import Settings

    client = SoraClient(settings=Settings().with_(backend=args.backend))
    caps = client.models()
    if args.json:
        print_json({"backend": client.settings.backend, "kind": client.backend.kind,
                    "base_url": active_endpoint(client), "models": capability_rows(caps),
                    "backends": describe_backends()})
        return OK
    if args.backend is None:
        print(backends_table(), end="\n\n")
    print(f"active backend: {client.settings.backend} ({client.backend.kind}) at {active_endpoint(client)}")
    print(capability_table(caps))
    return OK


def configure_lint(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prompt", help="the prompt to check")
    add_request_arguments(parser)
    add_backend(parser)
    add_json(parser)


def run_lint(args: argparse.Namespace) -> int:
    from .cli_generate import build
    from .config import Settings
    from .errors import SoraError
    from .jobs import JobRunner
    from .prompt import lint

    runner = JobRunner(Settings().with_(backend=args.backend))
    args.variations, args.remix, args.edit, args.extend = 1, None, None, None
    request, _, _, _ = build(runner, args)
    try:
        caps = runner.capabilities.model(request.model)
    except SoraError:
        caps = None
    findings = list(lint(request.prompt, request, caps))
    if args.json:
        print_json([f.as_dict() for f in findings])
    elif not findings:
        print("no findings")
    else:
        for finding in findings:
            print(finding)
    return FAILED if any(f.severity == "error" for f in findings) else OK
