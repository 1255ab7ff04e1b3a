"""`%%sora --compare seeds=1,2,3,4 models=a,b` and `%sora arena [GROUP]`.

The option line's other values (model, seconds, size, ...) are fixed for every cell; the axes vary.
The grid goes through the same planner and job runner as `compare()` (whole-grid validation and
budget before anything is sent); `--dry-run` prints the plan and sends nothing. Like every `%%sora`
cell it waits (with progress; Kernel > Interrupt stops waiting) and shows the finished grid, so a
saved notebook keeps its still; `--no-wait` returns the live grid at once, filling in as clips finish.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .display import Text
from .parser import MagicUsageError, parse_axes

if TYPE_CHECKING:
    from ..jobs import JobRunner
    from ..jobs.state import Job
    from .parser import CellArgs


def run_compare(runner: JobRunner, args: CellArgs, prompt: str, *, wait: Callable[[list[Job]], Any]) -> Any:
    if args.variations > 1 or args.operation[0] != "create" or args.out:
        raise MagicUsageError("--compare cannot be combined with -n, --remix/--edit/--extend or -o",
                              param="compare", hint="vary seeds instead of -n: --compare seeds=1,2,3,4")
    axes: dict[str, Any] = parse_axes(args.compare or "")
    fixed = {k: v for k, v in args.request_fields().items() if k != "input_reference"}
    clash = sorted(set(fixed) & {_field(a) for a in axes})
    if clash:
        raise MagicUsageError(f"{clash[0]} is both an option and a --compare axis", param="compare",
                              hint="give it once: as an axis to vary it, as an option to fix it")
    if args.ref is not None:
        fixed["input_reference"] = args.ref
    from ..widgets.comparison import compare

    value = compare(prompt, runner=runner, dry_run=args.dry_run, **fixed, **axes)
    if args.dry_run:
        lines = [f"dry run: {value.summary()}; nothing sent"]
        lines += [f"  {c.label}: ${c.cost:.2f}" for c in value.cells]
        return Text("\n".join(lines), data=value)
    if not args.no_wait:
        wait([c.job for c in value.clips if c.job is not None])
        value.wait()
    return value


def _field(axis: str) -> str:
    from ..jobs.grid import axis_name

    return axis_name(axis)


def open_arena(runner: JobRunner, group: str | None) -> Any:
    from ..jobs.grid import GROUP_KIND
    from ..judge import VoteStore

    gid = group or VoteStore(runner.ledger or runner.settings.output_dir).latest_group(GROUP_KIND)
    if gid is None:
        raise MagicUsageError("there is no comparison grid in the ledger yet",
                              hint="make one first: compare(prompt, seeds=[1, 2, 3]) or %%sora --compare seeds=1,2,3")
    from ..widgets.arena import Arena

    try:
        return Arena(gid, runner=runner)
    except ValueError as exc:
        raise MagicUsageError(str(exc), hint="%sora arena GROUP takes the group id compare() recorded") from None
