"""Small, widget-free helpers behind the card and gallery buttons (easy to unit test)."""

from __future__ import annotations

import shlex
from pathlib import Path

from ..models import VideoRequest


def sora_cell(request: VideoRequest, *, op: str = "create", parent_id: str | None = None,
              backend: str | None = None) -> str:
    """The `%%sora` cell that reproduces `request` (options on the first line, the prompt after it),
    in the option syntax of `sora_widgets.magics.parser.OPTIONS`."""
    opts: list[str] = []
    if backend and backend != "local":
        opts.append(f"--backend {shlex.quote(backend)}")
    if op != "create" and parent_id:
        opts.append(f"--{op} {shlex.quote(parent_id)}")
    if request.model:
        opts.append(f"-m {shlex.quote(request.model)}")
    if request.seconds:
        opts.append(f"-s {request.seconds}")
    if request.size:
        opts.append(f"--size {request.size}")
    if request.resolution:
        opts.append(f"--resolution {shlex.quote(request.resolution)}")
    if request.aspect_ratio:
        opts.append(f"--aspect {shlex.quote(request.aspect_ratio)}")
    if request.seed is not None:
        opts.append(f"--seed {request.seed}")
    ref = request.input_reference
    if ref is not None and ref.kind == "path" and ref.path is not None:
        opts.append(f"--ref {shlex.quote(_relative(ref.path))}")
    elif ref is not None and ref.kind == "url" and ref.url and not ref.url.startswith("data:"):
        opts.append(f"--ref {shlex.quote(ref.url)}")
    if ref is not None and request.fit != "cover":
        opts.append(f"--fit {request.fit}")
    if request.negative_prompt:
        opts.append(f"--avoid {shlex.quote(request.negative_prompt)}")
    head = " ".join(["%%sora", *opts])
    return f"{head}\n{request.prompt}"


def _relative(path: Path) -> str:
    """A path relative to the working folder (in a kernel: the notebook's), so the cell works for
    whoever opens the notebook; absolute when it lies outside that folder."""
    import os

    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if rel.startswith("..") else rel.replace(os.sep, "/")


def save_last_frame(video: Path) -> Path:
    """Write the video's last frame next to it as PNG (`<stem>.last.png`) and return the path."""
    from ..media import last_frame

    target = video.with_name(f"{video.stem}.last.png")
    last_frame(video).save(target, format="PNG")
    return target
