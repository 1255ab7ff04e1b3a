"""`list`, `status`, `resume`, `cancel`, `download`, `cost`: the job ledger from a terminal.

The same ledger (in the output folder) and runner as `%sora`; each prints a table or, with `--json`,
the data. Errors are one line (see `cli_common` for the exit codes).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

from .cli_common import FAILED, OK, Progress, add_backend, add_json, print_json, print_table

if TYPE_CHECKING:
    from .jobs import JobRunner

FIELDS = ("key", "video_id", "status", "progress", "backend", "model", "prompt", "estimated_cost", "actual_cost",
          "error", "path", "sha256", "created_at", "finished_at", "op", "parent_id", "request")


def _runner(args: argparse.Namespace) -> JobRunner:
    from .config import Settings
    from .jobs import JobRunner

    return JobRunner(Settings().with_(backend=getattr(args, "backend", None)))


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in FIELDS}


def _cost(row: dict[str, Any]) -> float:
    """What a job cost: the charge when known, the estimate for completed jobs, else nothing."""
    if row.get("actual_cost") is not None:
        return float(row["actual_cost"])
    return float(row.get("estimated_cost") or 0.0) if row.get("status") == "completed" else 0.0


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else ""


# -- list ----------------------------------------------------------------------------------------
def configure_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("count", nargs="?", type=int, default=20, help="how many (newest first; default 20)")
    parser.add_argument("--server", action="store_true", help="the server's videos instead of the ledger")
    add_backend(parser)
    add_json(parser)


def run_list(args: argparse.Namespace) -> int:
    from .errors import InvalidRequestError

    if args.count < 1:
        raise InvalidRequestError(f"count must be 1 or more, got {args.count}", hint="e.g. list 50")
    runner = _runner(args)
    if args.server:
        page = runner.client.videos.list(limit=min(args.count, 100))
        videos = []
        for video in page:
            videos.append(video)
            if len(videos) >= args.count:
                break
        if args.json:
            print_json([v.model_dump() for v in videos])
        else:
            print_table(f"videos on the {runner.backend} server ({len(videos)})",
                        ["id", "status", "model", "size", "s", "prompt"],
                        [[v.id, v.status, v.model, v.size, v.seconds, _short(v.prompt or "")] for v in videos])
        return OK
    rows = runner.ledger.rows() if runner.ledger else []
    shown = rows[-args.count:][::-1]
    if args.json:
        print_json([_public(r) for r in shown])
        return OK
    print_table(f"ledger: {len(shown)} of {len(rows)} jobs, newest first",
                ["id", "status", "backend", "model", "s", "cost", "created", "prompt"],
                [[r.get("video_id") or r["key"], r["status"], r["backend"], r.get("model") or "",
                  (r.get("request") or {}).get("seconds", ""), f"${_cost(r):.2f}", _when(r.get("created_at")),
                  _short(r.get("prompt") or "")] for r in shown])
    return OK


# -- status --------------------------------------------------------------------------------------
def configure_status(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", help="a video id or job key (default: the unfinished jobs)")
    add_backend(parser)
    add_json(parser)


def run_status(args: argparse.Namespace) -> int:
    from .jobs.control import find

    runner = _runner(args)
    if args.id is None:
        rows = runner.ledger.unfinished() if runner.ledger else []
        if args.json:
            print_json([_public(r) for r in rows])
        elif not rows:
            print("no unfinished jobs in the ledger")
        else:
            print_table(f"unfinished jobs ({len(rows)}): `resume` finishes them", ["id", "status", "%", "backend",
                        "model", "prompt"], [[r.get("video_id") or r["key"], r["status"], r["progress"], r["backend"],
                                              r.get("model") or "", _short(r.get("prompt") or "")] for r in rows])
        return OK
    row = find(runner.ledger, args.id)
    if args.json:
        print_json(_public(row))
    else:
        err = f" — {row['error']}" if row.get("error") else ""
        print(f"{row.get('video_id') or row['key']}: {row['status']} {row['progress']}% · {row['backend']} · "
              f"{row.get('model') or ''} · ${_cost(row):.2f}{err}")
        if row.get("path"):
            print(row["path"])
    return OK


# -- resume --------------------------------------------------------------------------------------
def configure_resume(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="*", help="only these video ids or job keys (default: every unfinished job)")
    add_backend(parser)
    add_json(parser)


def run_resume(args: argparse.Namespace) -> int:
    runner = _runner(args)
    jobs = runner.resume(args.ids or None, background=True)
    if not jobs:
        print(f"nothing to resume on the {runner.backend} backend", file=sys.stderr)
        if args.json:
            print_json([])
        return OK
    print(f"resuming {len(jobs)} job(s)", file=sys.stderr)
    progress = Progress()
    try:
        states = [runner.wait(job, on_update=progress) for job in jobs]
    finally:
        progress.close()
    from .cli_generate import report

    args.out = None
    return report(states, args)


# -- cancel --------------------------------------------------------------------------------------
def configure_cancel(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="a video id or job key")
    add_backend(parser)
    add_json(parser)


def run_cancel(args: argparse.Namespace) -> int:
    from .jobs.control import cancel

    state = cancel(_runner(args), args.id)
    if args.json:
        print_json({"id": state.video_id, "key": state.key, "status": state.status})
    elif state.status == "cancelled":
        print(f"{state.video_id or state.key}: cancelled (no resume will pick it up; the server may still "
              "finish it)")
    else:
        print(f"{state.video_id or state.key} already ended: {state.status}")
    return OK


# -- download ------------------------------------------------------------------------------------
def configure_download(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="a video id (or a job key from the ledger)")
    parser.add_argument("-o", "--out", metavar="PATH", help="a file, or a folder (ends in / or exists)")
    add_backend(parser)
    add_json(parser)


def run_download(args: argparse.Namespace) -> int:
    from ._base_client import safe_name
    from .errors import SoraError
    from .save_as import targets

    runner = _runner(args)
    row = runner.ledger.get(args.id) if runner.ledger else None
    video_id = row["video_id"] if row and row.get("video_id") else args.id
    video = runner.client.retrieve(video_id)
    if not video.ok:
        raise SoraError(f"video {video.id} is {video.status}, not completed",
                        hint=f"`status {video.id}` shows progress; download it once it is completed")
    target = targets(args.out, [f"{safe_name(video.id)}.mp4"])[0] if args.out else None
    path = runner.client.download(video.id, target).resolve()
    if args.json:
        print_json({"id": video.id, "path": str(path), "bytes": path.stat().st_size})
    else:
        print(path)
    return OK if path.exists() else FAILED


# -- cost ----------------------------------------------------------------------------------------
def configure_cost(parser: argparse.ArgumentParser) -> None:
    add_backend(parser)
    add_json(parser)


def run_cost(args: argparse.Namespace) -> int:
    runner = _runner(args)
    report = runner.ledger.spend_report() if runner.ledger else {}
    total = runner.ledger.spend() if runner.ledger else 0.0
    budget = runner.budget
    if args.json:
        print_json({"spend": report, "total": total, "budget_session": budget.session_limit,
                    "budget_total": budget.total_limit})
        return OK
    rows = [[group, key, f"${amount:.2f}"] for group in ("day", "backend", "model")
            for key, amount in sorted((report.get(group) or {}).items())]
    limit = f" of ${budget.total_limit:.2f}" if budget.total_limit is not None else ""
    print_table("spend (completed jobs)", ["by", "key", "USD"], rows or [["total", "-", "$0.00"]],
                f"total ${total:.2f}{limit} (SORA_BUDGET_TOTAL and SORA_BUDGET_SESSION set budgets)")
    return OK


# -- check ---------------------------------------------------------------------------------------
def configure_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="*", help="video ids, job keys or MP4 paths (default: the newest videos)")
    parser.add_argument("-n", "--last", type=int, metavar="N", help="check the newest N videos (default 10)")
    add_backend(parser)
    add_json(parser)


def run_check(args: argparse.Namespace) -> int:
    """The quality signals of `%sora check` (the same function builds both); exit 1 when any is flagged."""
    import json
    import shlex

    from .magics.check import check

    words = [shlex.quote(i) for i in args.ids] + (["--last", str(args.last)] if args.last is not None else [])
    table = check(_runner(args), " ".join(words))
    if args.json:
        print_json([json.loads(s.to_json()) for s in table.signals])
    else:
        print(table.text())
    return FAILED if any(s.flags for s in table.signals) else OK
