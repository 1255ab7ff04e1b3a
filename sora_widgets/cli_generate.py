"""`python -m sora_widgets generate PROMPT [options]`: `%%sora` from a terminal.

Every request parameter comes from the one table (`request_table.PARAMS`), with the magic's flags;
`-n` makes variations, `--remix/--edit/--extend ID` follow up an earlier video. Jobs go through the
shared runner (ledger, budget, resume). Paths of the finished videos go to stdout (or `--json`);
progress and errors go to stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from .cli_common import (
    FAILED,
    LOCAL_FILE,
    OK,
    Progress,
    add_backend,
    add_json,
    add_request_arguments,
    error_line,
    print_json,
    request_options,
)

if TYPE_CHECKING:
    from .jobs import JobRunner
    from .jobs.state import JobState
    from .models import VideoRequest


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prompt", help="what the video shows")
    add_request_arguments(parser)
    parser.add_argument("-n", "--variations", type=int, default=1, metavar="N",
                        help="generate N versions (1-4); different seeds where the model takes one")
    follow = parser.add_mutually_exclusive_group()
    follow.add_argument("--remix", metavar="ID", help="remix video ID with this prompt")
    follow.add_argument("--edit", metavar="ID", help="edit video ID with this prompt")
    follow.add_argument("--extend", metavar="ID", help="extend video ID by --seconds with this prompt")
    add_backend(parser)
    parser.add_argument("-o", "--out", metavar="PATH",
                        help="also save the video here: a file, or a folder (ends in / or exists)")
    parser.add_argument("--dry-run", action="store_true", help="validate and estimate; send nothing")
    add_json(parser)


def _operation(args: argparse.Namespace) -> tuple[str, str | None]:
    for op in ("remix", "edit", "extend"):
        if getattr(args, op):
            return op, str(getattr(args, op))
    return "create", None


def build(runner: JobRunner, args: argparse.Namespace) -> tuple[VideoRequest, float, str, str | None]:
    """The validated request, its cost estimate and the operation; one-line errors, nothing sent."""
    from pydantic import ValidationError

    from .errors import InvalidRequestError
    from .jobs.policy import follow_up_fields
    from .request_table import RequestOptions, build_request, usage_error

    if not args.prompt.strip():
        raise InvalidRequestError("the prompt is empty", param="prompt",
                                  hint='give it as the first argument, e.g. generate "a red kite over a beach"')
    if not 1 <= args.variations <= 4:
        raise InvalidRequestError(f"variations must be 1-4, got {args.variations}", param="variations",
                                  hint="e.g. -n 2")
    try:
        options = RequestOptions.model_validate(request_options(args))
    except ValidationError as exc:
        raise usage_error(exc, InvalidRequestError) from None
    fields = options.request_fields()
    op, parent = _operation(args)
    fields = follow_up_fields(runner, fields, op, parent)  # a follow-up keeps the source's model
    request = build_request(args.prompt, fields, runner.capabilities, InvalidRequestError)
    req, cost = runner.prepare(request)
    return req, cost * args.variations, op, parent


def run(args: argparse.Namespace) -> int:
    from .config import Settings
    from .jobs import JobRunner

    runner = JobRunner(Settings().with_(backend=args.backend))
    request, cost, op, parent = build(runner, args)
    where = request.size or " ".join(x for x in (request.resolution, request.aspect_ratio) if x)
    n = f" × {args.variations}" if args.variations > 1 else ""
    print(f"{runner.backend} · {request.model} · {where} · {request.seconds}s{n} · est. ${cost:.2f}",
          file=sys.stderr)
    if args.dry_run:
        print_json({"backend": runner.backend, "operation": op, "parent_id": parent, "request": request.summary(),
                    "variations": args.variations, "estimated_cost": cost})
        return OK
    from .jobs.policy import submit_variations

    jobs = submit_variations(runner, request, args.variations, op=op, parent_id=parent, background=True)
    progress = Progress()
    try:
        states = [runner.wait(job, on_update=progress) for job in jobs]
    finally:
        progress.close()
    return report(states, args)


def report(states: list[JobState], args: argparse.Namespace) -> int:
    """Paths (or JSON) on stdout, failures as one line each on stderr; copies for `-o`."""
    from .errors import SoraError
    from .save_as import copy_to, targets

    done = [s for s in states if s.ok and s.path is not None]
    code = OK if len(done) == len(states) else FAILED
    for state in states:
        if not state.ok:
            print(f"sora: {state.video_id or state.key} {state.status}: {state.error or 'no video'}", file=sys.stderr)
    paths = {s.key: s.path for s in done}
    if args.out and done:
        for state, dest in zip(done, targets(args.out, [s.path.name for s in done if s.path]), strict=True):
            assert state.path is not None
            try:
                paths[state.key] = copy_to(state.path, dest, what=state.video_id or state.key, kept=str(state.path))
            except SoraError as exc:
                print(error_line(exc), file=sys.stderr)
                code = LOCAL_FILE
    if args.json:
        print_json([_state_json(s, paths.get(s.key)) for s in states])
    else:
        for state in done:
            print(paths[state.key])
    return code


def _state_json(state: JobState, path: Any) -> dict[str, Any]:
    return {"id": state.video_id, "key": state.key, "status": state.status, "path": str(path) if path else None,
            "sha256": state.sha256, "cost": state.cost, "error": state.error, "request": state.request.summary()}
