"""`%sora export PATH [--last N | --group G | --query TEXT] [--single-file] [--max-mb N] [--title T] [--force]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .parser import MagicUsageError, split

USAGE = "%sora export PATH [--last N | --group G | --query TEXT] [--single-file] [--max-mb N] [--title T] [--force]"
_VALUED = {"--last": "last", "--group": "group", "--query": "query", "--max-mb": "max_mb", "--title": "title"}
_FLAGS = {"--single-file": "single_file", "--force": "overwrite"}


def parse_export(rest: str) -> tuple[str, dict[str, Any]]:
    """(path, keyword arguments for `share.export.export`); one-line usage errors."""
    words = split(rest)
    opts: dict[str, Any] = {}
    path: str | None = None
    i = 0
    while i < len(words):
        word = words[i]
        if word in _VALUED:
            if i + 1 >= len(words):
                raise MagicUsageError(f"{word} needs a value", hint=USAGE)
            opts[_VALUED[word]] = words[i + 1]
            i += 2
            continue
        if word in _FLAGS:
            opts[_FLAGS[word]] = True
        elif word.startswith("-"):
            raise MagicUsageError(f"unknown option {word} for %sora export", hint=USAGE)
        elif path is None:
            path = word
        else:
            raise MagicUsageError(f"%sora export takes one PATH, got another: {word!r}", hint=USAGE)
        i += 1
    if path is None:
        raise MagicUsageError("%sora export needs a PATH (a folder, or a .html file with --single-file)", hint=USAGE)
    for name in ("last", "max_mb"):
        if name in opts:
            value = opts[name]
            if not value.isdigit() or int(value) < 1:
                raise MagicUsageError(f"--{name.replace('_', '-')} needs a whole number ≥ 1, got {value!r}",
                                      hint=USAGE)
            opts[name] = int(value)
    if "max_mb" in opts:
        opts["max_bytes"] = opts.pop("max_mb") * 1_000_000
    if opts.get("single_file") and Path(path).suffix.lower() not in (".html", ".htm"):
        raise MagicUsageError(f"--single-file writes an .html file, got {path!r}", hint="e.g. report.html")
    return path, opts
