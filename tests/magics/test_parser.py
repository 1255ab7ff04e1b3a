"""Parsing only: option line -> CellArgs, {var} interpolation, subcommands. No shell, no network."""

from __future__ import annotations

from pathlib import Path

import pytest

from sora_widgets.magics.interpolation import interpolate
from sora_widgets.magics.parser import (
    FLAGS,
    OPTIONS,
    SUBCOMMANDS,
    CellArgs,
    MagicUsageError,
    help_text,
    parse_assignments,
    parse_cell_line,
    parse_line,
    split,
)


def parse(line: str, **ns: object) -> CellArgs:
    return parse_cell_line(line, ns)


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("-m animatic", "model", "animatic"),
        ("--model=sora-2-pro", "model", "sora-2-pro"),
        ("-s 8", "seconds", 8),
        ("-s8", "seconds", 8),
        ("--seconds=12", "seconds", 12),
        ("--size 1280x720", "size", "1280x720"),
        ("--size=640x360", "size", "640x360"),
        ("--resolution 720p", "resolution", "720p"),
        ("--aspect 16:9", "aspect", "16:9"),
        ("--backend openai", "backend", "openai"),
        ("--ref frame.png", "ref", "frame.png"),
        ("--ref https://example.com/a.png", "ref", "https://example.com/a.png"),
        ("--fit contain", "fit", "contain"),
        ("--fit none", "fit", "none"),
        ("-n 3", "variations", 3),
        ("--variations=2", "variations", 2),
        ("--seed 42", "seed", 42),
        ('--avoid "text, watermark"', "avoid", "text, watermark"),
        ("-o clips/", "out", "clips/"),
        ("--out=clips/a.mp4", "out", "clips/a.mp4"),
        ("--name clip", "name", "clip"),
        ("--dry-run", "dry_run", True),
        ("--no-wait", "no_wait", True),
        ("--remix video_1", "remix", "video_1"),
        ("--edit video_2", "edit", "video_2"),
        ("--extend video_3", "extend", "video_3"),
    ],
)
def test_every_option(line: str, field: str, value: object) -> None:
    assert getattr(parse(line), field) == value


def test_every_option_is_covered_by_the_table() -> None:
    assert {o.dest for o in OPTIONS} == set(CellArgs.model_fields)
    for opt in OPTIONS:
        assert opt.display in help_text()


def test_defaults_and_request_fields() -> None:
    args = parse("")
    assert args.variations == 1 and not args.dry_run and args.operation == ("create", None)
    assert args.request_fields() == {}
    full = parse("-m animatic -s 2 --size 640x360 --seed 3 --avoid blur --fit contain")
    assert full.request_fields() == {"model": "animatic", "seconds": 2, "size": "640x360", "seed": 3,
                                     "negative_prompt": "blur", "fit": "contain"}
    assert parse("--aspect 9:16 --resolution 720p").request_fields() == {"aspect_ratio": "9:16", "resolution": "720p"}


def test_operation() -> None:
    assert parse("--remix video_9").operation == ("remix", "video_9")
    assert parse("--extend video_9 -s 4").operation == ("extend", "video_9")


def test_combined_line() -> None:
    args = parse('-m animatic -s 2 --size 640x360 -n 2 --seed 7 --avoid "text overlays" -o out/ --name clip '
                 "--dry-run")
    assert (args.model, args.seconds, args.size, args.variations, args.seed, args.avoid, args.out, args.name,
            args.dry_run) == ("animatic", 2, "640x360", 2, 7, "text overlays", "out/", "clip", True)


def test_windows_paths_keep_their_backslashes() -> None:
    assert parse(r"--ref C:\images\frame.png").ref == r"C:\images\frame.png"
    assert split(r'--out "D:\my clips\a.mp4"') == ["--out", r"D:\my clips\a.mp4"]


# -- interpolation -----------------------------------------------------------------------------
class Obj:
    mood = "stormy"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a {animal} at dawn", "a heron at dawn"),
        ("{unknown} stays", "{unknown} stays"),
        ("{{animal}} is literal", "{animal} is literal"),
        ("{obj.mood} sky", "stormy sky"),
        ("{colors[1]} and {colors[-1]}", "green and blue"),
        ("{d['k']} and {d[\"k\"]}", "v and v"),
        ("{obj.missing} stays", "{obj.missing} stays"),
        ("{colors[9]} stays", "{colors[9]} stays"),
        ("{obj.__class__} stays", "{obj.__class__} stays"),
        ('json {"a": 1} stays', 'json {"a": 1} stays'),
        ("{ spaced } and {1} and {} stay", "{ spaced } and {1} and {} stay"),
        ("{n} shots", "3 shots"),
        ("{Out[1]}", "previous"),
    ],
)
def test_prompt_interpolation(text: str, expected: str) -> None:
    ns = {"animal": "heron", "obj": Obj(), "colors": ["red", "green", "blue"], "d": {"k": "v"}, "n": 3,
          "Out": {1: "previous"}}
    assert interpolate(text, ns) == expected


def test_option_values_interpolate() -> None:
    img = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    args = parse("--ref {img} -s {secs} --avoid '{thing}, blur' --name {var}", img=img, secs=4, thing="rain",
                 var="clip")
    assert args.ref is img  # the object itself, not its str()
    assert args.seconds == 4 and args.avoid == "rain, blur" and args.name == "clip"


def test_ref_variable_keeps_any_object() -> None:
    sentinel = object()
    assert parse("--ref {x}", x=sentinel).ref is sentinel
    assert parse("--ref {p}", p=Path("a.png")).ref == Path("a.png")
    assert parse("--ref {frames[0]}", frames=["f0.png"]).ref == "f0.png"


def test_no_ipython_variable_expansion_is_needed() -> None:
    # `$x` is not ours: kept as text (the magic opts out of IPython's var_expand)
    assert parse("--avoid $x").avoid == "$x"


# -- mistakes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "message", "hint"),
    [
        ("--sizes 640x360", "unknown option --sizes", "did you mean --size?"),
        ("--frobnicate", "unknown option --frobnicate", "%sora help"),
        ("-x 3", "unknown option -x", "%sora help"),
        ("--seconds", "--seconds needs a value", "e.g. --seconds 4"),
        ("-s --dry-run", "needs a value", "e.g. -s 4"),
        ("-s 4 --seconds 8", "given twice", "keep one"),
        ("--dry-run=yes", "takes no value", "write just --dry-run"),
        ("animatic", "unexpected word 'animatic'", "the prompt goes on the lines below"),
        ("status", "unexpected word 'status'", "%sora status"),
        ('--avoid "unterminated', "unclosed quote", "close it"),
        ("-s four", "must be a whole number", "whole number of seconds"),
        ("-s 2.5", "whole number", "seconds"),
        ("--size big", "size must look like '1280x720'", "WIDTHxHEIGHT"),
        ("--size 1280*720", "size must look like", "WIDTHxHEIGHT"),
        ("--aspect wide", "aspect ratio must look like 16:9", "e.g. --aspect 16:9"),
        ("--fit stretch", "--fit 'stretch': must be one of", "allowed: cover, contain, none"),
        ("-n 5", "must be at most 4", "allowed: 1-4"),
        ("-n 0", "must be at least 1", "allowed: 1-4"),
        ("--seed -1", "must be at least 0", "whole number from 0"),
        ("--name 1clip", "not a valid Python variable name", "Python identifier"),
        ("--name class", "not a valid Python variable name", "Python identifier"),
        ("--remix a --edit b", "choose one of --remix, --edit, --extend", "%sora help"),
        ("--ref {nothere}", "--ref {nothere}: there is no variable 'nothere'", "define it"),
        ("-s {nope}", "there is no variable 'nope'", "define it"),
        ("-m ''", "must not be empty", "%sora help"),
    ],
)
def test_bad_option_lines(line: str, message: str, hint: str) -> None:
    with pytest.raises(MagicUsageError) as info:
        parse(line)
    text = str(info.value)
    assert "\n" not in text and " — " in text
    assert message in text and hint in text


def test_validation_error_names_the_option_not_the_field() -> None:
    with pytest.raises(MagicUsageError, match=r"^--seed 'x':"):
        parse("--seed x")


# -- the line magic ----------------------------------------------------------------------------
def test_subcommands() -> None:
    assert parse_line("") == ("help", "")
    assert parse_line("--help") == ("help", "")
    assert parse_line("status video_1") == ("status", "video_1")
    assert parse_line("  LIST 5 ") == ("list", "5")
    assert parse_line("lint a kite's flight") == ("lint", "a kite's flight")
    for name in SUBCOMMANDS:
        assert parse_line(name)[0] == name
        assert f"%sora {name}" in help_text()


@pytest.mark.parametrize(
    ("line", "hint"),
    [("stauts", "did you mean %sora status?"), ("xyzzy", "subcommands: help"),
     ("-m animatic", "options belong to the cell magic")],
)
def test_unknown_subcommand(line: str, hint: str) -> None:
    with pytest.raises(MagicUsageError, match="unknown subcommand") as info:
        parse_line(line)
    assert hint in str(info.value)


def test_assignments() -> None:
    assert parse_assignments("seconds=8 model=animatic") == {"seconds": "8", "model": "animatic"}
    assert parse_assignments("budget-session=5 size=") == {"budget_session": "5", "size": ""}
    assert parse_assignments('output_dir="my clips"') == {"output_dir": "my clips"}
    with pytest.raises(MagicUsageError, match="not KEY=VALUE"):
        parse_assignments("seconds")


def test_flags_table_has_no_duplicates() -> None:
    flags = [f for o in OPTIONS for f in o.flags]
    assert len(flags) == len(set(flags)) == len(FLAGS)
