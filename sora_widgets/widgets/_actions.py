"""Small, widget-free helpers behind the card and gallery buttons (easy to unit test)."""

from __future__ import annotations

import shlex
from pathlib import Path

from ..models import VideoRequest
from ..request_table import escape_braces, option_words


def sora_cell(request: VideoRequest, *, op: str = "create", parent_id: str | None = None,
              backend: str | None = None) -> str:
    """The `%%sora` cell that reproduces `request` (options on the first line, the prompt after it),
    written from the one parameter table (`request_table.option_words`)."""
    opts: list[str] = []
    if backend and backend != "local":
        opts.append(f"--backend {shlex.quote(backend)}")
    if op != "create" and parent_id:
        opts.append(f"--{op} {shlex.quote(parent_id)}")
    head = " ".join(["%%sora", *opts, *option_words(request, magic=True)])
    return f"{head}\n{escape_braces(request.prompt)}"


def save_last_frame(video: Path) -> Path:
    """Write the video's last frame next to it as PNG (`<stem>.last.png`) and return the path."""
    from ..media import last_frame

    target = video.with_name(f"{video.stem}.last.png")
    last_frame(video).save(target, format="PNG")
    return target
