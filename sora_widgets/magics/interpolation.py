"""`{name}` interpolation from a namespace, as jupyter-ai does it: unknown names stay as written.

`{name}`, `{name.attr}`, `{name[0]}` and `{name['key']}` are looked up step by step (nothing is
evaluated, dunder attributes are refused); `{{` and `}}` are literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_EXPR = r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[-?\d+\]|\['[^'\]]*'\]|\[\"[^\"\]]*\"\])*"
_BRACES = re.compile(r"\{\{|\}\}|\{(" + _EXPR + r")\}")
WHOLE = re.compile(r"^\{(" + _EXPR + r")\}$")
_PART = re.compile(r"\.([A-Za-z_]\w*)|\[(-?\d+)\]|\['([^'\]]*)'\]|\[\"([^\"\]]*)\"\]")
MISSING = object()


def lookup(expr: str, namespace: Mapping[str, Any]) -> Any:
    """`name`, `name.attr`, `name[0]`, `name['key']` from the namespace; `MISSING` when any step
    fails. Never evaluates code."""
    head = re.match(r"[A-Za-z_]\w*", expr)
    if head is None or head.group(0) not in namespace:
        return MISSING
    value = namespace[head.group(0)]
    for m in _PART.finditer(expr, head.end()):
        attr, index, key1, key2 = m.groups()
        try:
            if attr is not None:
                if attr.startswith("__"):
                    return MISSING
                value = getattr(value, attr)
            elif index is not None:
                value = value[int(index)]
            else:
                value = value[key1 if key1 is not None else key2]
        except Exception:  # any failed step means "not a variable": leave the text as written
            return MISSING
    return value


def interpolate(text: str, namespace: Mapping[str, Any]) -> str:
    """Replace `{name}` with `str(value)`; unknown names stay as written; `{{`/`}}` are braces."""

    def sub(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        value = lookup(m.group(1), namespace)
        return token if value is MISSING else str(value)

    return _BRACES.sub(sub, text)
