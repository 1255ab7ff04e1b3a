"""AtomicDownload: the verified, atomic sink behind every download."""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path

import pytest

from sora_widgets._base_client import AtomicDownload
from sora_widgets.errors import DownloadError

from .fakes import MP4


def test_chunks_are_written_hashed_and_renamed(tmp_path: Path) -> None:
    sink = AtomicDownload(tmp_path / "v.mp4", "video")
    chunks = [MP4, b"x" * 100_000, b"y" * 7]
    for chunk in chunks:
        sink.write(chunk)
    assert sink.commit() == tmp_path / "v.mp4"
    data = b"".join(chunks)
    assert (tmp_path / "v.mp4").read_bytes() == data and sink.size == len(data)
    assert sink.sha256 == hashlib.sha256(data).hexdigest()
    assert [p.name for p in tmp_path.iterdir()] == ["v.mp4"]


def test_a_disk_error_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    sink = AtomicDownload(tmp_path / "v.mp4", "video")

    def full(_chunk: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    sink._fh.write = full  # type: ignore[method-assign]
    for _ in range(200):  # more than the queue holds: write() must never block on a failed worker
        sink.write(MP4)
    with pytest.raises(DownloadError, match="No space left on device") as info:
        sink.commit()
    assert "disk space" in str(info.value) and "\n" not in str(info.value)
    assert list(tmp_path.iterdir()) == []
