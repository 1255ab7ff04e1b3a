"""The storyboard cell syntax (`Storyboard.parse`, `%%sora --storyboard`) and its writer.

Shots are separated by lines of three or more dashes. The block before the first `---` is the
*bible* when every line in it is a bible setting (or it defines a `character`)::

    title: Harbour morning
    id: harbour-01                 # optional: the ledger group; default: a hash of the text
    model: animatic                # optional request defaults: model, size, fit
    size: 320x180
    seconds: 2                     # default length of every shot
    continuity: chain              # default cut into every shot after the first
    character Mara: a tall woman in a yellow raincoat
    character Old Tom: a fisherman with a grey beard
    style: hand-drawn animation, soft pencil lines
    palette: teal, amber, cream
    ---
    [4s] Mara walks along the harbour at dawn
    ---
    [2s chain] Close-up: Mara looks up at the gulls
    --- 2s extend
    title: The storm
    Mara runs as the rain begins
    ---
    [3s independent ref=frames/boat.png]
    Old Tom hauls a net onto the boat

Per shot, options go in a `[...]` at the start of the first line, or after the dashes of its
separator: a length (`4s`), a continuity (`independent` (alias `cut`), `chain`, `extend`),
`ref=PATH` for a reference image, `#ID` to pin the shot's id. Lines `seconds:`, `continuity:`,
`reference:` and `title:` do the same, and the structured-prompt fields (`subject:`, `action:`,
`setting:`, `lighting:`, `style:`, `palette:`, `mood:`, `shot:`, `angle:`, `movement:`,
`audio:`, `avoid:`) make the shot a structured `Prompt` (free text becomes its `action`). Other
lines are the prompt; they are joined into one paragraph. Lines starting with `#` are comments.
A text that starts with `---` has no bible; a first block with free text is the first shot.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import InvalidRequestError
from ..prompt.structured import PROMPT_FIELDS, Prompt

if TYPE_CHECKING:
    from .model import Shot, Storyboard

_SEPARATOR = re.compile(r"^\s*-{3,}\s*(.*?)\s*$")
_KEY_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z_ ]*?)\s*:\s*(.*?)\s*$")
_CHARACTER = re.compile(r"^\s*character\s+([^:]+?)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_HEADER = re.compile(r"^\s*\[([^\]]*)\]\s*(.*)$")
_SECONDS = re.compile(r"^(\d+)\s*(?:s|sec|secs|seconds?)?$", re.IGNORECASE)

BIBLE_KEYS = ("title", "id", "model", "size", "seconds", "continuity", "fit", "style", "palette")
SHOT_KEYS = ("seconds", "continuity", "reference", "ref", "title")
CONTINUITY_WORDS = {"independent": "independent", "cut": "independent", "chain": "chain", "extend": "extend"}

Line = tuple[int, str]


class Kinds(NamedTuple):
    """The classes `parse` builds (passed in by `Storyboard.parse`, so this module never imports the
    model that uses it)."""

    board: type[Storyboard]
    shot: type[Shot]
    bible: type[Any]


def _content(lines: list[Line]) -> list[Line]:
    return [(n, s) for n, s in lines if s.strip() and not s.lstrip().startswith("#")]


def _error(line: int, message: str, hint: str | None = None) -> InvalidRequestError:
    return InvalidRequestError(f"storyboard line {line}: {message}", param="storyboard", hint=hint)


def _blocks(text: str) -> list[tuple[int, str, list[Line]]]:
    """(line of the separator, text after its dashes, lines) per block; block 0 has no separator."""
    blocks: list[tuple[int, str, list[Line]]] = [(0, "", [])]
    for n, line in enumerate(text.splitlines(), 1):
        m = _SEPARATOR.match(line)
        if m:
            blocks.append((n, m.group(1), []))
        else:
            blocks[-1][2].append((n, line))
    return blocks


def _is_bible(lines: list[Line]) -> bool:
    content = _content(lines)
    if any(_CHARACTER.match(s) for _, s in content):
        return True
    for _, s in content:
        m = _KEY_LINE.match(s)
        if not m or m.group(1).lower() not in BIBLE_KEYS:
            return False
    return True


def _bible(lines: list[Line]) -> dict[str, Any]:
    settings: dict[str, Any] = {"characters": []}
    for n, s in _content(lines):
        ch = _CHARACTER.match(s)
        if ch:
            settings["characters"].append({"name": ch.group(1), "description": ch.group(2)})
            continue
        m = _KEY_LINE.match(s)
        key = m.group(1).lower() if m else ""
        if not m or key not in BIBLE_KEYS:
            raise _error(n, f"{s.strip()[:40]!r} is not a bible setting",
                         hint=f"use 'character NAME: description' or one of: {', '.join(BIBLE_KEYS)}")
        settings[key] = m.group(2)
        settings.setdefault("_lines", {})[key] = n
    return settings


def _seconds(value: str, line: int) -> int:
    m = _SECONDS.match(value.strip())
    if not m:
        raise _error(line, f"length {value!r} is not a whole number of seconds", hint="write e.g. 4s or seconds: 4")
    return int(m.group(1))


def _continuity(value: str, line: int) -> str:
    word = CONTINUITY_WORDS.get(value.strip().lower())
    if word is None:
        raise _error(line, f"unknown continuity {value!r}", hint="use independent, chain or extend")
    return word


def _options(text: str, line: int, out: dict[str, Any]) -> None:
    """Header options: `4s chain ref=path #id` (brackets already removed)."""
    for token in re.split(r"[\s,]+", text.strip()):
        if not token:
            continue
        low = token.lower()
        if _SECONDS.match(token) and token[0].isdigit():
            out["seconds"] = _seconds(token, line)
        elif low in CONTINUITY_WORDS:
            out["continuity"] = CONTINUITY_WORDS[low]
        elif low.startswith(("ref=", "reference=")):
            out["reference"] = token.split("=", 1)[1]
        elif token.startswith("#") and len(token) > 1:
            out["id"] = token[1:]
        else:
            raise _error(line, f"unknown shot option {token!r}",
                         hint="options are a length (4s), independent/chain/extend, ref=PATH and #ID")


def _shot(sep_line: int, sep_text: str, lines: list[Line], defaults: dict[str, Any], index: int,
          kinds: Kinds) -> Shot | None:
    opts: dict[str, Any] = {}
    if sep_text:
        _options(sep_text.strip("[] "), sep_line, opts)
    fields: dict[str, str] = {}
    free: list[str] = []
    content = _content(lines)
    for k, (n, s) in enumerate(content):
        h = _HEADER.match(s) if k == 0 else None
        if h:
            _options(h.group(1), n, opts)
            s = h.group(2)
            if not s.strip():
                continue
        m = _KEY_LINE.match(s)
        key = m.group(1).lower() if m else ""
        if m and key in SHOT_KEYS:
            value = m.group(2)
            if key == "seconds":
                opts["seconds"] = _seconds(value, n)
            elif key == "continuity":
                opts["continuity"] = _continuity(value, n)
            else:
                opts["reference" if key.startswith("ref") else key] = value
        elif m and key in PROMPT_FIELDS:
            fields[key] = f"{fields[key]}, {m.group(2)}" if key in fields else m.group(2)
        else:
            free.append(s.strip())
    if not content and not opts:
        return None  # an empty block (e.g. a trailing ---)
    where = content[0][0] if content else sep_line
    text = " ".join(free)
    prompt: str | Prompt = text
    if fields:
        if text:
            fields["action"] = f"{fields['action']}, {text}" if "action" in fields else text
        prompt = Prompt(**fields)
    if not (text or fields):
        raise _error(where, f"shot {index + 1} has no prompt", hint="describe what happens in it")
    opts.setdefault("seconds", defaults.get("seconds"))
    if index > 0:
        opts.setdefault("continuity", defaults.get("continuity") or "independent")
    opts.setdefault("id", f"s{index + 1}")
    try:
        return kinds.shot(prompt=prompt, **opts)
    except ValueError as exc:
        raise _error(where, _first_error(exc)) from None


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return str(first.get("msg", exc)).removeprefix("Value error, ")
    return str(exc)


def text_id(text: str) -> str:
    """A stable group id for a storyboard text, so re-running the same cell resumes it."""
    norm = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return "sb-" + hashlib.sha256(norm.encode()).hexdigest()[:10]


def parse(text: str, kinds: Kinds) -> Storyboard:
    """See the module docstring."""
    blocks = _blocks(text)
    settings: dict[str, Any] = {"characters": []}
    shot_blocks = blocks
    if _is_bible(blocks[0][2]) and (len(blocks) > 1 or not _content(blocks[0][2])):
        settings = _bible(blocks[0][2])
        shot_blocks = blocks[1:]
    lines = settings.pop("_lines", {})
    defaults: dict[str, Any] = {}
    if "seconds" in settings:
        defaults["seconds"] = _seconds(settings.pop("seconds"), lines["seconds"])
    if "continuity" in settings:
        defaults["continuity"] = _continuity(settings.pop("continuity"), lines["continuity"])
    shots: list[Shot] = []
    for sep_line, sep_text, block in shot_blocks:
        shot = _shot(sep_line, sep_text, block, defaults, len(shots), kinds)
        if shot is not None:
            shots.append(shot)
    if not shots:
        raise InvalidRequestError("the storyboard has no shots", param="storyboard",
                                  hint="write one prompt per shot, separated by lines of ---")
    try:
        bible = kinds.bible(characters=settings.pop("characters"), style=settings.pop("style", ""),
                      palette=settings.pop("palette", ""))
        return kinds.board(id=settings.pop("id", None) or text_id(text), shots=shots, bible=bible,
                          **{k: v for k, v in settings.items() if v})
    except ValueError as exc:
        raise InvalidRequestError(f"storyboard: {_first_error(exc)}", param="storyboard") from None


# -- writing ------------------------------------------------------------------------------------
def _prompt_lines(prompt: str | Prompt) -> list[str]:
    if isinstance(prompt, str):
        return [prompt]
    data = prompt.model_dump()
    out = []
    for name in PROMPT_FIELDS:
        value = data.get(name)
        if isinstance(value, (tuple, list)):
            value = ", ".join(value)
        if value:
            out.append(f"{name}: {value}")
    return out


def format_board(board: Storyboard) -> str:
    """The cell syntax for `board` (ids are written only where they differ from the default)."""
    head = [f"id: {board.id}"]
    if board.title:
        head.insert(0, f"title: {board.title}")
    head += [f"{k}: {getattr(board, k)}" for k in ("model", "size") if getattr(board, k)]
    if board.fit != "cover":
        head.append(f"fit: {board.fit}")
    head += [f"character {c.name}: {c.description}" for c in board.bible.characters]
    if board.bible.style:
        head.append(f"style: {board.bible.style}")
    if board.bible.palette:
        head.append(f"palette: {', '.join(board.bible.palette)}")
    parts = ["\n".join(head)]
    for i, shot in enumerate(board.shots):
        opts = [f"{shot.seconds}s"] if shot.seconds else []
        if i > 0:
            opts.append(shot.continuity)
        if shot.id != f"s{i + 1}":
            opts.append(f"#{shot.id}")
        lines = [f"[{' '.join(opts)}]"] if opts else []
        if shot.title:
            lines.append(f"title: {shot.title}")
        if shot.reference is not None:
            lines.append(f"reference: {shot.model_dump(mode='json')['reference']}")
        lines += _prompt_lines(shot.prompt)
        parts.append("\n".join(lines))
    return "\n---\n".join(parts) + "\n"
