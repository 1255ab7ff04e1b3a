"""An inline player for one finished video: ipywidgets `Video` plus a one-line caption.

The bytes travel through the widget comm (not into the saved notebook: widget state is only
stored when the user asks for it). ipywidgets' `Video` has no `poster` attribute, so the browser
shows the first frame once the metadata is loaded; the gallery uses the thumbnail instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as w

from ..jobs.state import JobState
from ..results import GenerationResult
from ._length import length_text
from ._snapshot import Snapshotted
from ._style import esc

DEFAULT_WIDTH = 480


def _source_path(source: Any) -> tuple[Path, str, str]:
    """(path, caption, size) for a path, a GenerationResult or a finished JobState."""
    if isinstance(source, GenerationResult):
        return Path(source.path), source.text(), source.video.size or source.request.size or ""
    if isinstance(source, JobState):
        if source.path is None:
            raise ValueError(f"job {source.video_id or source.key} has no video file ({source.status})")
        req = source.request
        length = length_text(source.op, req.seconds, source.path)
        caption = f"{source.video_id} · {req.model} · {req.size or req.resolution or ''} · {length}"
        return Path(source.path), caption, req.size or ""
    path = Path(source)
    return path, path.name, ""


def display_width(size: str, limit: int = DEFAULT_WIDTH) -> int:
    """Width in CSS pixels for a video of `size` ("WxH"): portrait videos get narrower players."""
    try:
        width, height = (int(x) for x in size.split("x"))
    except ValueError:
        return limit
    if height > width:  # keep portrait players from becoming very tall
        return max(120, min(width, int(limit * width / height * 1.2)))
    return min(width, limit)


class Player(Snapshotted, w.VBox):
    """`Player(path | GenerationResult | JobState, width=480)`: the video, looping, with controls."""

    def __init__(self, source: Any, *, width: int = DEFAULT_WIDTH, caption: bool = True,
                 autoplay: bool = False) -> None:
        path, text, size = _source_path(source)
        if not path.is_file():
            raise FileNotFoundError(f"no video file at {path}")
        self.path = path
        self._text = text
        px = display_width(size, width)
        self._px = px
        self.video = w.Video.from_file(str(path), autoplay=autoplay, loop=True, controls=True, width=str(px))
        self.video.layout = w.Layout(width=f"{px}px", max_width="100%")
        self.video.add_class("sora-video")
        self.caption = w.HTML(f'<div class="sora-meta">{esc(text)}</div>')
        children: list[w.Widget] = [self.video]
        if caption:
            children.append(self.caption)
        super().__init__(children, layout=w.Layout(align_items="flex-start"))
        self.add_class("sora-player")

    def snapshot_html(self) -> str:
        """The clip as HTML that degrades to a still + caption + link (see `share.clip`)."""
        from ..share.clip import clip_html
        from ..share.poster import animated_data_url, poster_data_url
        from ..share.snapshot import relpath

        still = animated_data_url(self.path) or poster_data_url(self.path)
        return clip_html(relpath(self.path), caption=self._text, width=self._px, poster=still)

    @property
    def value(self) -> bytes:
        """The MP4 bytes the browser plays."""
        return bytes(self.video.value)

    def close(self) -> None:
        self.video.close()
        super().close()

    def __repr__(self) -> str:
        return f"Player({self.path.name})"


def live_view(result: GenerationResult) -> dict[str, Any] | None:
    """The widget view of a new Player for `result` (registered with `share.frontend` for VS Code,
    where the HTML `<video>` cannot load the file)."""
    bundle = Player(result)._repr_mimebundle_()
    view = "application/vnd.jupyter.widget-view+json"
    return {view: bundle[view]} if bundle and view in bundle else None
