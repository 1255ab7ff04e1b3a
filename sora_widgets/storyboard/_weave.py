"""Weaving a storyboard's bible into each shot's prompt, and the cross-shot name check.

Every shot is generated on its own: the model has no memory of the previous shot. So whatever
must stay the same (who a character is, the style, the palette) has to be repeated in every
prompt *with the same words* — the guide's "Inconsistent Terminology" pitfall. `weave` does that:

- the first plain mention of a character's name in a shot gets the character's fixed description
  as an appositive: "Mara walks" -> "Mara, a tall woman in a yellow raincoat, walks";
- the style and the palette are appended unless the shot already says them.

`name_findings` flags near-miss spellings of a bible name ("Maria", "mara" for "Mara"), which the
model would read as a different person. Pure text functions: no I/O, no heavy imports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from ..prompt.findings import Finding

if TYPE_CHECKING:
    from .model import Bible, Character

_POSSESSIVE = re.compile(r"['’]s\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
#: punctuation after which an appositive needs no closing comma
_CLOSERS = ".,;:!?)"


@lru_cache(maxsize=512)
def name_regex(name: str) -> re.Pattern[str]:
    """A case-sensitive, whole-word pattern for a name ("Mara" never matches "Marathon")."""
    body = r"\s+".join(re.escape(part) for part in name.split())
    return re.compile(rf"(?<![\w-]){body}(?![\w-])")


def mentions(text: str, name: str) -> list[re.Match[str]]:
    return list(name_regex(name).finditer(text))


def weave_character(text: str, character: Character) -> str:
    """Insert the character's description after its first plain (non-possessive) mention.

    Nothing changes when the name is absent, the description is empty, or the text already
    contains the description word for word.
    """
    desc = character.description.strip().rstrip(".")
    found = mentions(text, character.name)
    if not desc or not found or desc.casefold() in text.casefold():
        return text
    for m in found:
        rest = text[m.end():]
        if _POSSESSIVE.match(rest):
            continue
        closer = "" if rest[:1] in _CLOSERS or not rest.strip() else ","
        return f"{text[:m.end()]}, {desc}{closer}{rest}"
    # only possessive mentions ("Mara's umbrella"): say who she is up front instead
    return f"{character.name} is {desc}. {text}"


def _ends(text: str) -> str:
    return text.rstrip().rstrip(",;")


def weave_style(text: str, style: str, palette: Sequence[str]) -> str:
    """Append the style and the palette unless the text already carries them."""
    out = text
    low = out.casefold()
    if style.strip() and style.strip().casefold() not in low:
        out = f"{_ends(out)}, {style.strip()}"
    colours = [c for c in palette if c.strip()]
    if colours and not all(c.casefold() in low for c in colours):
        listed = colours[0] if len(colours) == 1 else ", ".join(colours[:-1]) + " and " + colours[-1]
        out = f"{_ends(out)}, palette of {listed}"
    return out


def weave_characters(text: str, bible: Bible) -> str:
    out = text.strip()
    for character in bible.characters:
        out = weave_character(out, character)
    return out


def weave(text: str, bible: Bible) -> str:
    """The shot's prompt with the bible woven in (see the module docstring)."""
    return weave_style(weave_characters(text, bible), bible.style, bible.palette)


# -- the name check ---------------------------------------------------------------------------
def _miscased(word: str, name: str) -> bool:
    """"mara" for "Mara": a different token to the model, and it reads as a common word. (Near-miss
    spellings such as "Maria" are the prompt linter's `lint_shots` check, with its edit distance.)"""
    return word != name and word.casefold() == name.casefold()


def name_findings(text: str, bible: Bible) -> list[Finding]:
    """Warnings for words in `text` that are a bible name in other letter case ("mara" for "Mara")."""
    names = {c.name for c in bible.characters}
    out: list[Finding] = []
    for character in bible.characters:
        if len(character.name.split()) != 1:
            continue  # multi-word names are matched whole; a misspelt part is rare and ambiguous
        for m in _WORD.finditer(text):
            word = _POSSESSIVE.sub("", m.group(0))
            if word in names or not _miscased(word, character.name):
                continue
            out.append(Finding(
                code="storyboard-name-case",
                severity="warning",
                span=(m.start(), m.start() + len(word)),
                message=(f"'{word}' looks like the character '{character.name}' written differently; the model "
                         f"may read it as someone else. Write '{character.name}' in every shot."),
            ))
    return out


def absent_characters(texts: Sequence[str], bible: Bible) -> list[str]:
    """Bible characters no shot mentions by name (probably a typo in the bible or the shots)."""
    return [c.name for c in bible.characters if not any(mentions(t, c.name) for t in texts)]
