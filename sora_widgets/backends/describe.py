"""What each backend and model can do, as rows (for widgets and code) and as plain-text tables.

    describe_backends()        one dict per backend kind and per named profile
    backends_table()           the same as a text table (what `%sora models` prints first)
    capability_rows(caps)      one dict per model of a backend (`client.models()` gives `caps`)
    capability_table(caps)     the same as a text table
    render_table(rows, cols)   the generic renderer both use

Rows hold plain Python values (lists, bools, floats, None) so they serialise to JSON unchanged;
the tables turn them into short words. No I/O beyond reading the profiles file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..capabilities import FEATURES, BackendCapabilities, ModelCapabilities, format_choices
from ..config import Settings, load_profiles
from .base import OPERATIONS, Backend
from .compat import SERVER_MODEL

Formatter = Callable[[Any], str]


def _listing(empty: str) -> Formatter:
    def fmt(value: Any) -> str:
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value) or empty
        return empty if value in (None, "") else str(value)

    return fmt


def _seconds(value: Any) -> str:
    """[1, 2, ..., 20] -> '1-20'; [4, 8, 12] stays a list; [] -> 'any'."""
    values = [v for v in value if isinstance(v, int)] if isinstance(value, (list, tuple)) else []
    return format_choices(values, empty="any")


def _flag(value: Any) -> str:
    return "yes" if value else "-"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def price_text(mc: ModelCapabilities) -> str:
    """'$0.50/video', '$0.10/s' or '$0.10-0.30/s' (by size or resolution), '' when unknown."""
    if mc.price_per_video is not None:
        return f"${_money(mc.price_per_video)}/video"
    rates = sorted(set(mc.price_per_second.values()))
    if not rates:
        return ""
    if len(rates) == 1:
        return f"${_money(rates[0])}/s"
    return f"${_money(rates[0])}-{_money(rates[-1])}/s"


def _money(value: float) -> str:
    return f"{value:.2f}" if value >= 0.01 else f"{value:.4g}"


# -- models -----------------------------------------------------------------------------------
def capability_rows(caps: BackendCapabilities) -> list[dict[str, Any]]:
    """One row per model. Empty lists mean "not restricted" for seconds/sizes/resolutions/aspect
    ratios (open servers) and "none" for frame images."""
    rows = []
    for mc in caps.models.values():
        rows.append({
            "backend": caps.backend,
            "model": mc.id,
            "label": mc.label or mc.id,
            "default": mc.id == caps.default_model,
            "open_models": caps.open_models,
            "seconds": list(mc.durations),
            "default_seconds": mc.seconds_default,
            "sizes": list(mc.sizes),
            "resolutions": list(mc.resolutions),
            "aspect_ratios": list(mc.aspect_ratios),
            "frame_images": list(mc.frame_images),
            "reference": bool(mc.input_reference or mc.frame_images),
            **{flag: bool(getattr(mc, flag)) for flag in ("audio", "seed", "negative_prompt", *FEATURES)},
            "price": price_text(mc) or ("free" if caps.backend == "local" else ""),
            "price_per_second": dict(mc.price_per_second),
            "price_per_video": mc.price_per_video,
        })
    return rows


CAPABILITY_COLUMNS: dict[str, Formatter] = {
    "model": _text,
    "seconds": _seconds,
    "sizes": _listing("any"),
    "resolutions": _listing("-"),
    "aspect_ratios": _listing("-"),
    "frame_images": _listing("-"),
    "reference": _flag,
    "audio": _flag,
    "seed": _flag,
    "remix": _flag,
    "edit": _flag,
    "extend": _flag,
    "price": _listing("-"),
}


def capability_cells(caps: BackendCapabilities) -> tuple[list[str], list[list[str]]]:
    """The models table as a header and formatted cells (for the notebook's `%sora models`), from the
    same rows and formatters as `capability_table`; the default model is marked with *."""
    header = [name.replace("_", " ") for name in CAPABILITY_COLUMNS]
    cells = [[fmt(f"{row[name]} *" if name == "model" and row.get("default") else row.get(name))
              for name, fmt in CAPABILITY_COLUMNS.items()] for row in capability_rows(caps)]
    return header, cells


def capability_table(caps: BackendCapabilities | Sequence[Mapping[str, Any]]) -> str:
    rows = capability_rows(caps) if isinstance(caps, BackendCapabilities) else list(caps)
    marked = [{**row, "model": f"{row['model']} *" if row.get("default") else row["model"]} for row in rows]
    table = render_table(marked, CAPABILITY_COLUMNS)
    return table + "\n* default model" if any(r.get("default") for r in rows) else table


# -- backends ---------------------------------------------------------------------------------
def _backend_row(name: str, backend: Backend, profile: Mapping[str, Any] | None, aliases: list[str]) -> dict[str, Any]:
    caps = backend.capabilities
    ops = [op for op in OPERATIONS if op in backend.operations]
    features = [f for f in FEATURES if f in backend.operations and caps.offering(f)]
    row: dict[str, Any] = {
        "name": name,
        "kind": backend.kind,
        "profile": profile is not None,
        "aliases": aliases,
        "base_url": backend.base_url,
        "embedded": backend.kind == "local" and not backend.base_url,
        "key_env": (profile or {}).get("key_env") or (backend.key_envs[0] if backend.key_envs else None),
        "needs_key": backend.requires_key,
        "operations": ops,
        "features": features,
        "unsupported": [op for op in OPERATIONS if op not in ops or (op in FEATURES and op not in features)],
        "models": [m for m in caps.models if m != SERVER_MODEL],
        "open_models": caps.open_models,
        "default_model": (profile or {}).get("model") or caps.default_model,
        #: "built in", or for catalog backends whether this process has fetched the catalog yet
        "catalog": "built in" if not backend.dynamic_capabilities
        else ("fetched" if caps is not backend.default_capabilities else "not fetched yet"),
    }
    if profile:
        row["defaults"] = {k: profile[k] for k in ("model", "seconds", "size") if k in profile}
    return row


def describe_backends(*, profiles: bool = True) -> list[dict[str, Any]]:
    """Every registered backend kind, then every profile in `profiles.toml` (with its kind)."""
    from .registry import ALIASES, BACKENDS, backend_for, make_backend

    rows = []
    for kind in BACKENDS:
        backend = make_backend(kind)
        backend.base_url = backend.default_base_url
        backend.models_request()  # adopts a catalog this process already fetched (no I/O)
        aliases = sorted(a for a, k in ALIASES.items() if k == kind)
        rows.append(_backend_row(kind, backend, None, aliases))
    for name, profile in (load_profiles() if profiles else {}).items():
        backend = backend_for(Settings(_env_file=None, backend=name))  # type: ignore[call-arg]
        backend.models_request()
        rows.append(_backend_row(name, backend, profile, []))
    return rows


def _models_text(row: Mapping[str, Any]) -> str:
    if row.get("catalog") == "not fetched yet":
        return "from the server"
    count = len(row.get("models") or ())
    if row.get("open_models"):
        return f"{count} + any id" if count else "any id"
    return str(count)


def _base_url_text(row: Mapping[str, Any]) -> str:
    if row.get("base_url"):
        return str(row["base_url"])
    return "embedded" if row.get("embedded") else "(set base_url)"


BACKEND_COLUMNS: dict[str, Formatter] = {
    "name": _text,
    "kind": _text,
    "base_url": _text,
    "key_env": _listing("-"),
    "models": _text,
    "features": _listing("-"),
    "unsupported": _listing("-"),
}


def backends_table(rows: Iterable[Mapping[str, Any]] | None = None) -> str:
    shown = [
        {**row, "models": _models_text(row), "base_url": _base_url_text(row)}
        for row in (rows if rows is not None else describe_backends())
    ]
    return render_table(shown, BACKEND_COLUMNS)


# -- dialects ---------------------------------------------------------------------------------
_DELETE_TEXT = {True: "stops the render", False: "forgets it; the render goes on", None: "not documented"}
#: what users ask of a backend, in the order the table shows it
DIALECT_COLUMNS = ("backend", "create body", "seconds", "variants", "list", "delete", "remix, edit, extend",
                   "failed job", "model names")


def dialect_rows() -> list[dict[str, str]]:
    """One row per backend kind: what the server really does, read from the adapters' own data
    (`operations`, `variants`, `delete_stops_render`, ...), so docs and code cannot disagree."""
    from .registry import ALIASES, BACKENDS

    rows = []
    for kind, cls in BACKENDS.items():
        backend = cls()
        ops = cls.operations
        aliases = sorted(a for a, k in ALIASES.items() if k == kind and "-" not in a and "_" not in a)
        follow = [op for op in FEATURES[:3] if op in ops and backend.capabilities.offering(op)]
        rows.append({
            "backend": f"`{kind}`" + (f" ({', '.join(aliases)})" if aliases else ""),
            "create body": cls.body_encoding,
            "seconds": "integer" if isinstance(backend.seconds_value(4), int) else "string",
            "variants": ", ".join(cls.variants),
            "list": "yes" if "list" in ops else "no",
            "delete": _DELETE_TEXT[cls.delete_stops_render] if "delete" in ops else "no",
            "remix, edit, extend": ", ".join(follow) or "no",
            "failed job": cls.failure_report,
            "model names": cls.model_names,
        })
    return rows


def dialect_table(*, markdown: bool = False) -> str:
    """`dialect_rows()` as a plain-text table, or as the Markdown table in the README."""
    rows = dialect_rows()
    if not markdown:
        plain = [{k.replace(", ", "/"): v.replace("`", "") for k, v in row.items()} for row in rows]
        return render_table(plain, [c.replace(", ", "/") for c in DIALECT_COLUMNS])
    lines = ["| " + " | ".join(DIALECT_COLUMNS) + " |", "|" + "---|" * len(DIALECT_COLUMNS)]
    lines += ["| " + " | ".join(row[c] for c in DIALECT_COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


# -- rendering --------------------------------------------------------------------------------
def render_table(rows: Sequence[Mapping[str, Any]], columns: Mapping[str, Formatter] | Sequence[str]) -> str:
    """A plain-text table: a header, a rule, one line per row; cells are cut at 48 characters."""
    cols: Mapping[str, Formatter] = (
        columns if isinstance(columns, Mapping) else {c: _listing("") for c in columns}
    )
    cells = [[_cut(fmt(row.get(name))) for name, fmt in cols.items()] for row in rows]
    header = [name.replace("_", " ") for name in cols]
    widths = [max([len(h), *(len(line[i]) for line in cells)]) for i, h in enumerate(header)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(c) for c in cells)])


def _cut(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
