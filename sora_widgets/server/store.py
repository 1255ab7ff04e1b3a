"""Job and file persistence in the data dir: one folder per job, JSON records, atomic writes.

    <data_dir>/videos/<video_id>/job.json      the record: public Video fields + what rendering needs
    <data_dir>/videos/<video_id>/video.mp4     (+ thumbnail.webp, spritesheet.jpg, reference.*, source.mp4)
    <data_dir>/characters/<char_id>/character.json (+ video.mp4)
    <data_dir>/idempotency/<sha256>.json       Idempotency-Key -> video id, created exclusively

Why files and not SQLite: a record is written by one owner a handful of times, read often, and two
server processes may share the folder. `os.replace` makes every write atomic (readers see the old
or the new record, never half of one), and `os.link` claims an idempotency key exclusively across
processes. Ids are validated before they touch the file system, so a URL cannot name a path.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import threading
import time
from pathlib import Path
from typing import Any

VIDEO_ID = re.compile(r"^video_[0-9a-f]{48}$")
CHARACTER_ID = re.compile(r"^char_[0-9a-f]{32}$")
JOB_FILE = "job.json"


def new_video_id() -> str:
    # Time-ordered prefix (ns) + randomness: sortable, unique across processes sharing a folder.
    return f"video_{time.time_ns():016x}{secrets.token_hex(16)}"


def new_character_id() -> str:
    return f"char_{secrets.token_hex(16)}"


def write_json_atomic(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_json(path: Path) -> Any | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class JobStore:
    """Records of video jobs and characters under one data dir (safe to share between processes)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.videos = self.root / "videos"
        self.characters = self.root / "characters"
        self.idempotency = self.root / "idempotency"
        for folder in (self.videos, self.characters, self.idempotency):
            folder.mkdir(parents=True, exist_ok=True)
        # id -> (mtime_ns, size, record): listing re-reads only the records that changed
        self._cache: dict[str, tuple[int, int, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    # -- videos ------------------------------------------------------------------------------
    def job_dir(self, video_id: str) -> Path:
        if not VIDEO_ID.match(video_id):
            raise KeyError(video_id)
        return self.videos / video_id

    def save(self, record: dict[str, Any]) -> None:
        write_json_atomic(self.job_dir(record["video"]["id"]) / JOB_FILE, record)

    def load(self, video_id: str) -> dict[str, Any] | None:
        if not VIDEO_ID.match(video_id):
            return None
        return self._read(video_id, self.videos / video_id / JOB_FILE)

    def _read(self, video_id: str, path: Path) -> dict[str, Any] | None:
        try:
            st = path.stat()
        except OSError:
            with self._lock:
                self._cache.pop(video_id, None)
            return None
        with self._lock:
            hit = self._cache.get(video_id)
        if hit and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
            return json.loads(json.dumps(hit[2]))  # a private copy: callers mutate records
        record = read_json(path)
        if not isinstance(record, dict) or "video" not in record:
            return None
        with self._lock:
            self._cache[video_id] = (st.st_mtime_ns, st.st_size, record)
        return json.loads(json.dumps(record))

    def all(self) -> list[dict[str, Any]]:
        """Every job record, oldest first (creation time, then id)."""
        records = []
        try:
            names = os.listdir(self.videos)
        except OSError:
            names = []
        for name in names:
            if VIDEO_ID.match(name):
                record = self._read(name, self.videos / name / JOB_FILE)
                if record is not None:
                    records.append(record)
        records.sort(key=lambda r: (r.get("created_ns", 0), r["video"]["id"]))
        return records

    def delete(self, video_id: str) -> bool:
        if not VIDEO_ID.match(video_id):
            return False
        folder = self.videos / video_id
        record = folder / JOB_FILE
        # Remove the record first: once it is gone the job is gone for every reader.
        try:
            record.unlink()
        except FileNotFoundError:
            return False
        shutil.rmtree(folder, ignore_errors=True)
        with self._lock:
            self._cache.pop(video_id, None)
        return True

    def purge_assets(self, video_id: str) -> bool:
        """Delete an expired job's files but keep its record (it still answers GET). True if any."""
        if not VIDEO_ID.match(video_id):
            return False
        removed = False
        for path in (self.videos / video_id).iterdir() if (self.videos / video_id).is_dir() else ():
            if path.name != JOB_FILE and path.is_file():
                path.unlink(missing_ok=True)
                removed = True
        return removed

    def discard_files(self, video_id: str) -> None:
        """Remove the folder of a job whose record is gone (a render that finished after a delete)."""
        if VIDEO_ID.match(video_id) and not (self.videos / video_id / JOB_FILE).exists():
            shutil.rmtree(self.videos / video_id, ignore_errors=True)

    # -- characters --------------------------------------------------------------------------
    def character_dir(self, char_id: str) -> Path:
        if not CHARACTER_ID.match(char_id):
            raise KeyError(char_id)
        return self.characters / char_id

    def save_character(self, record: dict[str, Any]) -> None:
        write_json_atomic(self.character_dir(record["id"]) / "character.json", record)

    def load_character(self, char_id: str) -> dict[str, Any] | None:
        if not CHARACTER_ID.match(char_id):
            return None
        data = read_json(self.characters / char_id / "character.json")
        return data if isinstance(data, dict) else None

    # -- idempotency -------------------------------------------------------------------------
    def lookup_key(self, key_hash: str) -> str | None:
        data = read_json(self.idempotency / f"{key_hash}.json")
        return data.get("video_id") if isinstance(data, dict) else None

    def claim_key(self, key_hash: str, video_id: str) -> str:
        """Bind the key to `video_id` unless another job holds it; returns the winning video id.

        `os.link` fails if the name exists, on every POSIX file system and across processes, so
        exactly one of two racing requests wins. A key whose job was deleted is claimed anew.
        """
        final = self.idempotency / f"{key_hash}.json"
        tmp = final.with_name(f".{final.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps({"video_id": video_id, "at": time.time()}), encoding="utf-8")
        try:
            for _ in range(3):
                try:
                    _link_exclusive(tmp, final)
                    return video_id
                except FileExistsError:
                    holder = self.lookup_key(key_hash)
                    if holder and self.load(holder) is not None:
                        return holder
                    final.unlink(missing_ok=True)  # stale: its job is gone
            return video_id
        finally:
            tmp.unlink(missing_ok=True)


def _link_exclusive(src: Path, dst: Path) -> None:
    """Publish `src` as `dst` only if `dst` does not exist (FileExistsError otherwise)."""
    try:
        os.link(src, dst)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (some network or FUSE file systems): exclusive create, then write.
        fd = os.open(dst, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(src.read_bytes())
