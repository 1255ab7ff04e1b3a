"""Export the ledger for analysis: JSON Lines (always) or Parquet (with the optional `parquet` extra).

    from sora_widgets.jobs import default_runner
    from sora_widgets.jobs.export import export_ledger
    export_ledger(default_runner().ledger, "jobs.parquet")      # or %sora ledger jobs.parquet

    import duckdb; duckdb.sql("SELECT model, sum(coalesce(actual_cost, estimated_cost)) FROM 'jobs.parquet' "
                              "WHERE status = 'completed' GROUP BY model")
    import pandas as pd; pd.read_json("jobs.jsonl", lines=True)

One row per job, every ledger column, oldest first. Rows are streamed in batches from one read
(memory stays flat whatever the history's size; a writer in another process is not blocked: the
ledger is in WAL mode) and the file appears atomically when complete. In JSON Lines `request` is an
object; in Parquet it is a JSON string (its keys vary by backend), to unpack with `json_extract` or
`pd.json_normalize`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError

if TYPE_CHECKING:
    from .ledger import Ledger

FORMATS = ("jsonl", "parquet")
BATCH = 2000


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The format named, else the one the file's suffix says (.jsonl/.ndjson, .parquet)."""
    if fmt is None:
        suffix = Path(path).suffix.lower().lstrip(".")
        fmt = {"ndjson": "jsonl", "json": "jsonl", "pq": "parquet"}.get(suffix, suffix)
    if fmt not in FORMATS:
        raise ConfigurationError(f"cannot export the ledger as {fmt or 'a file without a suffix'!r}",
                                 hint="name the file .jsonl or .parquet (or pass format='jsonl'/'parquet')")
    return fmt


def _batches(ledger: Ledger) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
    with ledger._db() as db:
        cursor = db.execute("SELECT * FROM jobs ORDER BY created_at, key")
        columns = [d[0] for d in cursor.description]
        while rows := cursor.fetchmany(BATCH):
            yield columns, [tuple(r) for r in rows]


def _column_types(ledger: Ledger) -> dict[str, str]:
    with ledger._db() as db:
        return {str(r[1]): str(r[2]).upper() for r in db.execute("PRAGMA table_info(jobs)")}


def export_ledger(ledger: Ledger, path: str | Path, *, format: str | None = None) -> int:
    """Write every job of `ledger` to `path`; returns the number of rows written."""
    fmt = format_for(path, format)
    target = Path(path).expanduser()
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ConfigurationError("Parquet export needs pyarrow",
                                     hint="pip install 'sora_widgets[parquet]', or export to .jsonl") from None
    if not ledger.path.is_file():
        raise ConfigurationError(f"no ledger at {ledger.path}", hint="run a job first, or point SORA_OUTPUT_DIR "
                                 "at the folder that holds ledger.sqlite")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        count = _write_parquet(ledger, part) if fmt == "parquet" else _write_jsonl(ledger, part)
        os.replace(part, target)
    except sqlite3.Error as exc:
        raise ConfigurationError(f"cannot read the ledger {ledger.path}: {exc}", hint="is it a sora_widgets ledger?"
                                 ) from None
    finally:
        part.unlink(missing_ok=True)
    return count


def _write_jsonl(ledger: Ledger, part: Path) -> int:
    count = 0
    with part.open("w", encoding="utf-8") as fh:
        for columns, rows in _batches(ledger):
            for values in rows:
                record = dict(zip(columns, values, strict=True))
                try:
                    record["request"] = json.loads(record["request"])
                except (TypeError, ValueError):
                    pass  # keep what is there rather than drop the row
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
    return count


def _write_parquet(ledger: Ledger, part: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = {"TEXT": pa.string(), "REAL": pa.float64(), "INTEGER": pa.int64()}
    types = _column_types(ledger)
    schema = pa.schema([(name, kinds.get(kind, pa.string())) for name, kind in types.items()])
    count = 0
    with pq.ParquetWriter(str(part), schema) as writer:
        for columns, rows in _batches(ledger):
            arrays = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
            writer.write_table(pa.table({f.name: pa.array(arrays[f.name], f.type) for f in schema}, schema=schema))
            count += len(rows)
    return count


__all__ = ["FORMATS", "export_ledger", "format_for"]
