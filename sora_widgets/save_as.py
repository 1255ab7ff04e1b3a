"""Where `-o PATH` puts videos, for the magics and the CLI alike.

A PATH that ends in a slash or is an existing folder means "put the files in there", under their own
names; otherwise it is the file name (`.mp4` added when it has no suffix), numbered `-1`, `-2`, ...
when several videos are saved at once. Copy failures are one line that says where the video still is.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from .errors import SoraError


def is_folder(out: str) -> bool:
    return out.endswith(("/", "\\")) or Path(out).expanduser().is_dir()


def targets(out: str, names: Sequence[str]) -> list[Path]:
    """The path each of `names` (file names of finished videos) is saved to under `-o out`."""
    target = Path(out).expanduser()
    if is_folder(out):
        return [target / name for name in names]
    suffix = target.suffix or ".mp4"
    if len(names) > 1:
        return [target.with_name(f"{target.stem}-{i + 1}{suffix}") for i in range(len(names))]
    return [target if target.suffix else target.with_suffix(suffix)]


def copy_to(source: Path, dest: Path, *, what: str, kept: str) -> Path:
    """Copy `source` to `dest` (folders made); a failure says where the video still is."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
    except OSError as exc:
        raise SoraError(f"could not save {what} to {dest}: {exc.strerror or exc}",
                        hint=f"the video is still at {kept}; pick another -o path") from None
    return dest.resolve()
