"""`export(path, …)`: hand someone the results — a folder that opens anywhere, or one HTML file.

    report/
      index.html       every clip with its prompt, parameters, model, seed, cost, lineage; no
                       script, no server: relative links, so it plays from file://, a USB stick,
                       a zip, or any static host
      manifest.json    the same facts for programs (validated by `manifest.schema.json`)
      media/           the MP4s (byte-identical copies, sha256 checked) and their JPEG posters

`single_file=True` writes one `.html` with the videos inlined as data URLs, refused with a
clear error when it would exceed `max_bytes` (data URLs grow by a third; mail and chat tools
choke on large attachments).

The selection comes from the job ledger: the `last` N completed clips, a `group` (batch,
variations, storyboard), a text `query` on prompt/model/id, or explicit `ids`. Writing goes to a
temporary sibling that is renamed into place, so an interrupted export never leaves half a report
under the final name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidRequestError, SoraError

SCHEMA_ID = "https://github.com/sora-widgets/sora_widgets/blob/main/sora_widgets/share/manifest.schema.json"
SCHEMA_VERSION = 1
DEFAULT_MAX_BYTES = 25_000_000


def schema() -> dict[str, Any]:
    """The JSON schema `manifest.json` follows."""
    data: dict[str, Any] = json.loads((Path(__file__).parent / "manifest.schema.json").read_text(encoding="utf-8"))
    return data


@dataclass
class Export:
    """What `export()` wrote: `path` (the folder or the single file), `manifest`, `clips`."""

    path: Path
    manifest: dict[str, Any]
    single_file: bool = False
    bytes_written: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def index(self) -> Path:
        return self.path if self.single_file else self.path / "index.html"

    @property
    def clips(self) -> list[dict[str, Any]]:
        clips: list[dict[str, Any]] = self.manifest["clips"]
        return clips

    def text(self) -> str:
        cost = sum(c["cost"] for c in self.clips)
        skipped = f" ({len(self.skipped)} skipped: missing files)" if self.skipped else ""
        return (f"exported {len(self.clips)} clips · ${cost:.2f} · {self.bytes_written / 1e6:.1f} MB → "
                f"{_shown(self.index)}{skipped}")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        import html

        href = html.escape(Path(os.path.relpath(self.index, Path.cwd())).as_posix(), quote=True)
        return {"text/plain": self.text(),
                "text/html": f'<div style="font:12px monospace">{html.escape(self.text())} · '
                             f'<a href="{href}" target="_blank">open the report</a></div>'}

    def __repr__(self) -> str:
        return f"Export({self.text()})"


def _shown(path: Path) -> str:
    """The path relative to the working folder when it is inside it (what a notebook user typed)."""
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


# -- selection -------------------------------------------------------------------------------
def select_rows(folder: str | Path, *, last: int | None = None, group: str | None = None, query: str | None = None,
                ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Completed jobs with their files, oldest first, narrowed by the given filters."""
    from ..jobs import Ledger

    ledger = Ledger(folder)
    if not ledger.path.is_file():
        raise InvalidRequestError(f"no job ledger in {folder}",
                                  hint="generate something first, or pass folder= the output folder to export")
    rows = [r for r in ledger.rows(status=("completed",), group_id=group) if r.get("path")]
    if ids:
        wanted = set(ids)
        rows = [r for r in rows if {r.get("video_id"), r["key"], Path(r["path"]).name} & wanted]
    if query:
        needle = query.lower()
        rows = [r for r in rows if needle in " ".join(str(r.get(k) or "") for k in
                                                       ("prompt", "model", "video_id", "label", "backend")).lower()]
    if last is not None:
        if last < 1:
            raise InvalidRequestError(f"last must be at least 1, got {last}")
        rows = rows[-last:]
    return rows


# -- manifest --------------------------------------------------------------------------------
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _iso(ts: float | None) -> str | None:
    return None if ts is None else dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat(timespec="seconds")


def _votes(ledger_path: Path, ids: set[str]) -> list[dict[str, Any]]:
    """Votes cast on this clip (the Compare widget's `votes` table, when the ledger has one)."""
    try:
        conn = sqlite3.connect(f"file:{ledger_path}?mode=ro", uri=True)
    except sqlite3.Error:
        return []
    try:
        conn.row_factory = sqlite3.Row
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='votes'").fetchone() is None:
            return []
        rows = [dict(r) for r in conn.execute("SELECT * FROM votes")]
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return [r for r in rows if ids & {str(v) for v in r.values() if isinstance(v, str)}]


def _lineage(row: dict[str, Any], by_video: dict[str, dict[str, Any]]) -> dict[str, Any]:
    chain: list[str] = []
    parent = row.get("parent_id")
    while parent and parent not in chain and len(chain) < 64:
        chain.append(parent)
        parent = (by_video.get(parent) or {}).get("parent_id")
    return {"op": row.get("op") or "create", "parent_id": row.get("parent_id"), "ancestors": chain,
            "group": row.get("group_id")}


def clip_entry(row: dict[str, Any], media: str, poster: str | None, digest: str, size: int,
               by_video: dict[str, dict[str, Any]], votes: list[dict[str, Any]],
               quality: dict[str, Any] | None = None) -> dict[str, Any]:
    from .mp4 import inspect

    request = dict(row.get("request") or {})
    prompt = request.pop("prompt", row.get("prompt") or "")
    try:
        video = inspect(Path(row["path"])).as_dict()
    except Exception as exc:  # an unreadable file is reported, not fatal
        video = {"error": f"{type(exc).__name__}: {exc}"}
    cost = row.get("actual_cost") if row.get("actual_cost") is not None else row.get("estimated_cost")
    return {
        "id": row.get("video_id") or row["key"],
        "job": row["key"],
        "title": row.get("label") or prompt,
        "prompt": prompt,
        "model": row.get("model") or request.get("model") or "",
        "backend": row.get("backend") or "",
        "seed": request.get("seed"),
        "parameters": request,
        "cost": round(float(cost or 0.0), 6),
        "created": _iso(row.get("created_at")),
        "finished": _iso(row.get("finished_at")),
        "file": media,
        "poster": poster,
        "bytes": size,
        "sha256": digest,
        "video": video,
        "votes": votes,
        "lineage": _lineage(row, by_video),
        # quality flags from the ledger (jobs.quality), when they were computed for this very file
        "quality": {"flags": list(quality["flags"])} if quality and quality.get("sha256") in (None, digest) else None,
    }


# -- writing ---------------------------------------------------------------------------------
def export(path: str | Path, *, last: int | None = None, group: str | None = None, query: str | None = None,
           ids: Sequence[str] | None = None, folder: str | Path | None = None, title: str | None = None,
           single_file: bool = False, max_bytes: int = DEFAULT_MAX_BYTES, overwrite: bool = False) -> Export:
    """Export finished clips as a report folder (or one HTML file); see the module docstring.

    `folder`: the output folder holding the ledger (default: the configured `SORA_OUTPUT_DIR`).
    """
    if folder is None:
        from ..config import Settings

        folder = Settings().output_dir
    target = Path(path).expanduser().resolve()
    if single_file and target.suffix.lower() not in (".html", ".htm"):
        raise InvalidRequestError(f"a single-file export is an .html file, got {target.name!r}",
                                  hint="e.g. export('report.html', single_file=True)")
    if target.exists() and not overwrite:
        raise InvalidRequestError(f"{target} already exists", hint="choose another path or pass overwrite=True")
    rows = select_rows(folder, last=last, group=group, query=query, ids=ids)
    present = [r for r in rows if Path(r["path"]).is_file()]
    skipped = [r.get("video_id") or r["key"] for r in rows if r not in present]
    if not present:
        raise InvalidRequestError("nothing to export: no finished clip with a file matches",
                                  hint="%sora list shows the ledger; loosen --last/--group/--query")
    if single_file:
        total = sum(Path(r["path"]).stat().st_size for r in present)
        if total * 4 / 3 > max_bytes:
            raise InvalidRequestError(
                f"{len(present)} clips are {total / 1e6:.1f} MB, {total * 4 / 3 / 1e6:.1f} MB inlined: over the "
                f"{max_bytes / 1e6:.0f} MB single-file cap",
                hint="export a folder instead (single_file=False), select fewer clips, or raise max_bytes")
    ledger_path = Path(folder) / "ledger.sqlite"
    from ..jobs import Ledger

    by_video = {r["video_id"]: r for r in Ledger(folder).rows() if r.get("video_id")}
    meta = {"schema": SCHEMA_ID, "version": SCHEMA_VERSION, "title": title or "Sora clips",
            "created": _iso(dt.datetime.now(dt.timezone.utc).timestamp()),
            "generator": f"sora_widgets {_version()}",
            "selection": {"last": last, "group": group, "query": query, "ids": list(ids) if ids else None},
            "skipped": skipped}
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(work, 0o777 & ~umask)  # mkdtemp makes it private; a report is meant to be shared
    try:
        result = _write(work, target, present, meta, by_video, ledger_path, single_file)
        _replace(work, target, single_file)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    result.skipped = skipped
    return result


def _write(work: Path, target: Path, rows: list[dict[str, Any]], meta: dict[str, Any],
           by_video: dict[str, dict[str, Any]], ledger_path: Path, single_file: bool) -> Export:
    from ..jobs import Ledger
    from .poster import poster_jpeg
    from .report import render_index

    media = work / "media"
    media.mkdir()
    try:
        quality = Ledger(ledger_path.parent).signals()
    except Exception:  # an older ledger without the signals table
        quality = {}
    clips = []
    for row in rows:
        source = Path(row["path"])
        name = f"{row.get('video_id') or row['key']}.mp4"
        copy = media / name
        shutil.copyfile(source, copy)
        digest = _sha256(copy)
        if row.get("sha256") and row["sha256"] != digest:
            raise SoraError(f"{source} changed since it was downloaded (sha256 differs from the ledger)",
                            hint="re-download it with %sora download, or export without it")
        poster_name: str | None = f"{copy.stem}.jpg"
        try:
            (media / str(poster_name)).write_bytes(poster_jpeg(source, row.get("thumbnail"), side=640))
        except Exception:  # no poster is not a reason to fail the export
            poster_name = None
        ids = {x for x in (row.get("video_id"), row["key"]) if x}
        clips.append(clip_entry(row, f"media/{name}", f"media/{poster_name}" if poster_name else None, digest,
                                copy.stat().st_size, by_video, _votes(ledger_path, ids), quality.get(row["key"])))
    manifest = {**meta, "total_cost": round(sum(c["cost"] for c in clips), 6), "clips": clips}
    (work / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    index = render_index(manifest, work, inline=single_file)
    (work / "index.html").write_text(index, encoding="utf-8")
    size = len(index.encode()) if single_file else sum(p.stat().st_size for p in work.rglob("*") if p.is_file())
    return Export(path=target, manifest=manifest, single_file=single_file, bytes_written=size)


def _replace(work: Path, target: Path, single_file: bool) -> None:
    if single_file:
        os.replace(work / "index.html", target)
        return
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        _remove(old)
        os.replace(target, old)
        os.replace(work, target)
        _remove(old)
    else:
        os.replace(work, target)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _version() -> str:
    # the installed distribution's version (importing the package's __init__ here would close an
    # import cycle through the magics)
    from importlib import metadata

    try:
        return metadata.version("sora_widgets")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "(source)"
