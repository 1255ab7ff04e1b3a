"""Text -> typed arguments for `%%sora` and `%sora`: no IPython, no I/O, no network.

The option line is split with shlex (backslashes kept, so Windows paths survive) and checked
against `OPTIONS`: the request parameters of the one table (`request_table.PARAMS`) and the
magic's own options; it also writes the help text. Values become a frozen
pydantic `CellArgs`; every mistake is a `MagicUsageError` whose `str()` is one line with a hint.

`{name}` in the cell body is replaced from the user namespace; unknown names stay as written
(jupyter-ai's rule), `{{` and `}}` are literal braces. In options, a value that is exactly
`{name}` is the variable's object itself (so `--ref {img}` may hold a path, bytes or a PIL image).
"""

from __future__ import annotations

import difflib
import keyword
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from ..errors import InvalidRequestError
from ..request_table import BY_OPTION, PARAMS, RequestOptions, usage_error, whole_number
from ..request_table import FLAG_OF as TABLE_FLAG_OF
from .interpolation import MISSING, WHOLE, interpolate, lookup


class MagicUsageError(InvalidRequestError):
    """A mistake in how a magic was called; found before anything is sent."""


@dataclass(frozen=True)
class Option:
    dest: str
    flags: tuple[str, ...]
    #: None for a flag that takes no value
    metavar: str | None
    help: str
    #: what a flag without a value sets
    const: Any = True

    @property
    def display(self) -> str:
        return "/".join(self.flags)


def _request_options() -> tuple[Option, ...]:
    """The request parameters, from the one table (`request_table.PARAMS`)."""
    out: list[Option] = []
    for p in PARAMS:
        out.append(Option(p.option, p.flags, p.metavar, p.help))
        if p.off_flag:
            out.append(Option(p.option, (p.off_flag,), None, f"no {p.label.lower()}", const=False))
    return tuple(out)


OPTIONS: tuple[Option, ...] = (
    *_request_options(),
    Option("backend", ("--backend",), "NAME", "backend or profile for this cell only"),
    Option("variations", ("-n", "--variations"), "N", "generate N versions (1-4), shown side by side"),
    Option("out", ("-o", "--out"), "PATH", "also save the video here (a file, or a folder ending in /)"),
    Option("name", ("--name",), "VAR", "store the result in this variable"),
    Option("dry_run", ("--dry-run",), None, "print the request, validation, lint and cost; send nothing"),
    Option("no_wait", ("--no-wait",), None, "return at once with a live job card"),
    Option("storyboard", ("--storyboard",), None,
           "the body is a storyboard: a bible block, then shots separated by lines of ---"),
    Option("compare", ("--compare",), "AXIS=V1,V2 ...",
           "a grid over these axes, played in step (e.g. --compare seeds=1,2,3,4 models=a,b)"),
    Option("remix", ("--remix",), "ID", "remix video ID with this prompt"),
    Option("edit", ("--edit",), "ID", "edit video ID with this prompt"),
    Option("extend", ("--extend",), "ID", "extend video ID by --seconds with this prompt"),
)
FLAGS: dict[str, Option] = {flag: opt for opt in OPTIONS for flag in opt.flags}
FLAG_OF: dict[str, str] = {**TABLE_FLAG_OF, **{opt.dest: opt.flags[-1] for opt in OPTIONS if opt.dest not in BY_OPTION}}
#: the prompt of a cell is its body
FLAG_OF["prompt"] = "the prompt (cell body)"

MAX_VARIATIONS = 4
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class CellArgs(RequestOptions):
    """The `%%sora` option line, validated. The prompt is not part of it (it is the cell body)."""

    backend: str | None = None
    variations: int = Field(default=1, ge=1, le=MAX_VARIATIONS)
    out: str | None = None
    name: str | None = None
    dry_run: bool = False
    no_wait: bool = False
    storyboard: bool = False
    compare: str | None = None
    remix: str | None = None
    edit: str | None = None
    extend: str | None = None

    @field_validator("variations", mode="before")
    @classmethod
    def _whole_variations(cls, v: Any) -> Any:
        return whole_number(v)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        if v is not None and (not v.isidentifier() or keyword.iskeyword(v)):
            raise ValueError(f"{v!r} is not a valid Python variable name")
        return v

    @field_validator("backend", "remix", "edit", "extend", "out")
    @classmethod
    def _not_blank_either(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("must not be empty")
        return v.strip() if v is not None else v

    @model_validator(mode="after")
    def _one_operation(self) -> CellArgs:
        ops = [op for op in ("remix", "edit", "extend") if getattr(self, op)]
        if len(ops) > 1:
            raise ValueError(f"choose one of --remix, --edit, --extend (got {', '.join('--' + o for o in ops)})")
        return self

    @property
    def operation(self) -> tuple[str, str | None]:
        """("create", None) or (op, source video id)."""
        for op in ("remix", "edit", "extend"):
            value = getattr(self, op)
            if value:
                return op, str(value)
        return "create", None


# -- tokens ----------------------------------------------------------------------------------
def split(line: str) -> list[str]:
    """shlex words; backslashes are kept (Windows paths), quotes group words."""
    lex = shlex.shlex(line, posix=True)
    lex.whitespace_split = True
    lex.escape = ""
    lex.commenters = ""
    try:
        return list(lex)
    except ValueError:
        raise MagicUsageError(
            "the option line has an unclosed quote", hint='close it, e.g. --avoid "text, watermark"'
        ) from None


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def _unknown_option(token: str) -> MagicUsageError:
    flag = token.split("=", 1)[0]
    near = suggest(flag, list(FLAGS))
    hint = f"did you mean {near}? (%sora help lists the options)" if near else "%sora help lists the options"
    return MagicUsageError(f"unknown option {flag}", param=flag, hint=hint)


def _looks_like_flag(token: str) -> bool:
    return token.startswith("-") and len(token) > 1 and not _NUMBER.match(token)


def scan(line: str) -> tuple[dict[str, Any], list[str]]:
    """Option words -> ({dest: raw value or True}, positional words). Raises on unknown options,
    missing values and repeats."""
    values: dict[str, Any] = {}
    positional: list[str] = []
    tokens = split(line)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if not _looks_like_flag(token):
            positional.append(token)
            continue
        flag, eq, inline = token.partition("=")
        if flag not in FLAGS and not token.startswith("--") and len(token) > 2 and token[:2] in FLAGS:
            flag, eq, inline = token[:2], "=", token[2:]  # -s8
        opt = FLAGS.get(flag)
        if opt is None:
            raise _unknown_option(token)
        if opt.dest in values:
            raise MagicUsageError(f"{opt.display} is given twice", param=opt.dest, hint="keep one of them")
        if opt.metavar is None:
            if eq:
                raise MagicUsageError(f"{flag} takes no value", param=opt.dest, hint=f"write just {flag}")
            values[opt.dest] = opt.const
            continue
        if eq:
            value = inline
        elif i < len(tokens) and not _looks_like_flag(tokens[i]):
            value = tokens[i]
            i += 1
        else:
            raise MagicUsageError(f"{opt.display} needs a value", param=opt.dest,
                                  hint=f"e.g. {flag} {_example(opt)}")
        values[opt.dest] = value
    return values, positional


def _example(opt: Option) -> str:
    if opt.dest in BY_OPTION:
        return BY_OPTION[opt.dest].example
    return {"backend": "local", "variations": "2", "out": "clips/", "name": "clip", "remix": "video_123",
            "edit": "video_123", "extend": "video_123"}.get(opt.dest, opt.metavar or "")


# -- option values ---------------------------------------------------------------------------
def resolve_value(dest: str, raw: Any, namespace: Mapping[str, Any]) -> Any:
    """An option value with `{var}` resolved: a whole `{var}` is the object itself (an unknown
    name is an error), `{var}` inside text is formatted like the prompt."""
    if not isinstance(raw, str):
        return raw
    whole = WHOLE.match(raw.strip())
    if whole:
        value = lookup(whole.group(1), namespace)
        if value is MISSING:
            raise MagicUsageError(
                f"{FLAG_OF.get(dest, dest)} {raw}: there is no variable {whole.group(1)!r}",
                param=dest, hint="define it in an earlier cell, or write the value itself",
            )
        if dest == "ref":
            return value
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    return interpolate(raw, namespace)


# -- the whole option line ---------------------------------------------------------------------
def parse_cell_line(line: str, namespace: Mapping[str, Any] | None = None) -> CellArgs:
    """`%%sora` option line -> `CellArgs`, or a one-line `MagicUsageError`."""
    ns = namespace or {}
    raw, positional = scan(line)
    if "compare" in raw:  # `--compare seeds=1,2 models=a,b`: the axes after the first are words of their own
        raw["compare"] = " ".join([str(raw["compare"]), *(w for w in positional if "=" in w)])
        positional = [w for w in positional if "=" not in w]
    if positional:
        word = positional[0]
        sub = suggest(word, list(SUBCOMMANDS))
        hint = (f"`{word}` looks like a subcommand: use the line magic, %sora {sub}" if sub == word else
                "options start with - (see %sora help); the prompt goes on the lines below %%sora")
        raise MagicUsageError(f"unexpected word {word!r} in the %%sora line", hint=hint)
    values = {dest: resolve_value(dest, value, ns) for dest, value in raw.items()}
    return validated(CellArgs, values)


def validated(model: type[CellArgs], values: dict[str, Any]) -> CellArgs:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise usage_from_validation(exc) from None


def usage_from_validation(exc: ValidationError) -> MagicUsageError:
    """The first problem of a pydantic error as one line naming the option, with a hint."""
    return usage_error(exc, MagicUsageError, hints=_HINTS, flag_of=FLAG_OF,
                       default_hint="%sora help lists the options")


_HINTS: dict[str, str] = {
    "seconds": "use a whole number of seconds; %sora models lists each model's lengths",
    "size": "write it as WIDTHxHEIGHT, e.g. 1280x720; %sora models lists the sizes",
    "variations": f"allowed: 1-{MAX_VARIATIONS}",
    "name": "use a Python identifier, e.g. --name clip",
    "prompt": "write the prompt in the cell body, below the %%sora line",
    "remix": "give the id of a finished video (%sora list shows them)",
    "edit": "give the id of a finished video (%sora list shows them)",
    "extend": "give the id of a finished video (%sora list shows them)",
}


# -- the line magic ----------------------------------------------------------------------------
#: subcommand -> (usage, one-line description)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "help": ("%sora help", "this reference"),
    "status": ("%sora status [ID]", "jobs of this session, or one job by video id / job key"),
    "list": ("%sora list [N] [--server]", "the last N jobs in the ledger (or the server's videos)"),
    "check": ("%sora check [ID ...|--last N]", "quality signals of finished videos: frozen, black, flicker, "
              "duration, size, fps, audio, unplayable, duplicate"),
    "download": ("%sora download ID [-o PATH]", "download a finished video (and its poster)"),
    "resume": ("%sora resume [JOB VIDEO_ID]", "re-attach to unfinished jobs (after an interrupt or a restart) "
               "and wait; with JOB VIDEO_ID, attach a job that waits for your choice"),
    "cancel": ("%sora cancel ID", "cancel a running job of this session (stops the render where the server can)"),
    "gallery": ("%sora gallery", "the gallery widget of finished videos"),
    "arena": ("%sora arena [GROUP]", "blind A/B votes over the last compare grid (or GROUP); a leaderboard"),
    "studio": ("%sora studio", "the studio widget (composer, parameters, jobs, player)"),
    "export": ("%sora export PATH [--last N | --group G | --query TEXT] [--single-file]",
               "a report folder (index.html, media, manifest.json) that opens anywhere; or one .html file"),
    "cost": ("%sora cost", "spend by day, backend and model; session spend and budgets"),
    "ledger": ("%sora ledger PATH", "write the job ledger to PATH (.jsonl, or .parquet with pyarrow) for pandas"),
    "models": ("%sora models", "capability table of the active backend"),
    "config": ("%sora config [KEY=VALUE ...]", "effective settings (keys masked); set defaults until restart"),
    "lint": ("%sora lint [options] PROMPT", "check a prompt with the prompt linter"),
}


def parse_line(line: str) -> tuple[str, str]:
    """`%sora SUBCOMMAND rest` -> (subcommand, rest). Empty -> help."""
    text = line.strip()
    if not text:
        return "help", ""
    word, _, rest = text.partition(" ")
    name = word.lower()
    if name in ("-h", "--help", "?"):
        return "help", ""
    if name not in SUBCOMMANDS:
        near = suggest(name, list(SUBCOMMANDS))
        hint = f"did you mean %sora {near}?" if near else f"subcommands: {', '.join(SUBCOMMANDS)}"
        if word.startswith("-"):
            hint = "options belong to the cell magic: %%sora OPTIONS, then the prompt on the next lines"
        raise MagicUsageError(f"unknown subcommand {word!r}", hint=hint)
    return name, rest.strip()


def parse_axes(text: str) -> dict[str, list[str]]:
    """`seeds=1,2,3 models=a,b` -> {"seeds": ["1", "2", "3"], "models": ["a", "b"]} (names are checked by
    the grid planner, values by the request model)."""
    axes: dict[str, list[str]] = {}
    for word in split(text):
        key, eq, value = word.partition("=")
        values = [v.strip() for v in value.split(",") if v.strip()]
        if not eq or not key or not values:
            raise MagicUsageError(f"--compare: {word!r} is not AXIS=V1,V2", param="compare",
                                  hint="e.g. %%sora --compare seeds=1,2,3,4 models=animatic,sora-2")
        axes[key.strip().replace("-", "_")] = values
    return axes


def parse_assignments(text: str) -> dict[str, str]:
    """`seconds=8 model=animatic` -> {"seconds": "8", "model": "animatic"}; `key=` means unset."""
    out: dict[str, str] = {}
    for word in split(text):
        key, eq, value = word.partition("=")
        if not eq or not key:
            raise MagicUsageError(f"{word!r} is not KEY=VALUE", hint="e.g. %sora config seconds=8 model=animatic")
        out[key.strip().replace("-", "_")] = value.strip()
    return out


def help_text() -> str:
    """The reference printed by `%sora help`, generated from the option and subcommand tables."""
    lines = ["%%sora [options]", "<prompt: the cell body; {name} is replaced from the notebook's variables>", "",
             "options:"]
    for opt in OPTIONS:
        left = opt.display + (f" {opt.metavar}" if opt.metavar else "")
        lines.append(f"  {left:<34} {opt.help}")
    lines += ["", "subcommands:"]
    for usage, desc in SUBCOMMANDS.values():
        lines.append(f"  {usage:<34} {desc}")
    lines += ["", "Kernel > Interrupt stops waiting (the job keeps running; %sora resume picks it up).",
              "Errors are one line; %tb shows the full traceback of the last one.",
              "%config SoraMagics.live_cards = False makes --no-wait return text instead of a live job card."]
    return "\n".join(lines)
