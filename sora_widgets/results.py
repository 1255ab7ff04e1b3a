"""The result of a finished generation, displayable anywhere.

`_repr_mimebundle_` references the saved file by a relative path and shows a small poster image:
notebook outputs stay kilobytes, never megabytes of base64 video (DESIGN rule 7). The bundle's
metadata (`{"sora_widgets": {...}}`) records the job id, backend, parameters and cost, so a saved
notebook says where each clip came from and a cell can be re-attached later.

`GenerationResults` is a list of results (the `-n` variations of `%%sora`) shown side by side.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, SupportsIndex, overload

from .models import Video, VideoRequest

PLAYER_MAX_WIDTH = 480


@dataclass
class GenerationResult:
    """A finished video on disk: `path` (MP4), `video` (the job), `request` (what was asked)."""

    request: VideoRequest
    video: Video
    path: Path
    thumbnail: Path | None = None
    backend: str = "local"
    cost: float = 0.0
    sha256: str | None = None
    #: more provenance for the output metadata (job key, operation, parent id, ...)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.video.id

    @property
    def size(self) -> str:
        return self.video.size or self.request.size or ""

    @property
    def seconds(self) -> int | None:
        return self.video.seconds or self.request.seconds

    @property
    def model(self) -> str:
        return self.video.model or self.request.model or ""

    def relpath(self, start: str | Path | None = None) -> str:
        """The file's path relative to the notebook's folder (cwd), as a forward-slash URL path."""
        try:
            rel = os.path.relpath(self.path, start or Path.cwd())
        except ValueError:  # another drive on Windows
            rel = str(self.path)
        return rel.replace(os.sep, "/")

    def metadata(self) -> dict[str, Any]:
        """Provenance recorded in output metadata, so a cell can be re-attached later."""
        meta = {
            "id": self.video.id,
            "backend": self.backend,
            "model": self.model,
            "request": self.request.summary(),
            "cost": self.cost,
            "path": self.relpath(),
            "sha256": self.sha256,
        }
        meta.update({k: v for k, v in self.extra.items() if v is not None})
        return {"sora_widgets": meta}

    def text(self) -> str:
        return (f"video {self.id} · {self.model} · {self.size} · {self.seconds}s · ${self.cost:.2f} · "
                f"{self.relpath()}")

    def poster_data_url(self) -> str | None:
        """A small JPEG poster as a data URL (the thumbnail, else the first frame; None if too big)."""
        from .share.poster import poster_data_url

        return poster_data_url(self.path, self.thumbnail)

    def preview_data_url(self) -> str | None:
        """A small looping animated preview (WebP data URL) when it fits its byte budget, else None."""
        from .share.poster import animated_data_url

        return animated_data_url(self.path)

    def player_width(self, limit: int = PLAYER_MAX_WIDTH) -> int:
        width, _, height = self.size.partition("x")
        if not (width.isdigit() and height.isdigit()):
            return limit
        w, h = int(width), int(height)
        if h > w:  # portrait: keep the player from becoming very tall
            return max(120, min(w, int(limit * w / h * 1.2)))
        return min(w, limit)

    def html(self, width: int | None = None, *, style: bool = True) -> str:
        """A player that degrades to an (animated) still + caption + link (see `share.clip`)."""
        from .share.clip import clip_html

        preview = self.preview_data_url()  # one image: the animated preview is also the video's poster
        return clip_html(self.relpath(), caption=self.text(), width=width or self.player_width(),
                         poster=preview or self.poster_data_url(), title=self.request.prompt, style=style)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        from .share.frontend import live_view

        data = {"text/plain": self.text(), "text/html": self.html(), **live_view(self)}
        return data, self.metadata()

    def __repr__(self) -> str:
        return f"GenerationResult({self.text()})"


class GenerationResults(list[GenerationResult]):
    """Several results (variations), shown side by side; a plain list otherwise."""

    def __init__(self, results: Iterable[GenerationResult] = ()) -> None:
        super().__init__(results)

    @overload
    def __getitem__(self, index: SupportsIndex) -> GenerationResult: ...

    @overload
    def __getitem__(self, index: slice) -> GenerationResults: ...

    def __getitem__(self, index: SupportsIndex | slice) -> GenerationResult | GenerationResults:
        if isinstance(index, slice):
            return GenerationResults(super().__getitem__(index))
        return super().__getitem__(index)

    @property
    def paths(self) -> list[Path]:
        return [r.path for r in self]

    def text(self) -> str:
        return "\n".join(f"[{i}] {r.text()}" for i, r in enumerate(self))

    def html(self) -> str:
        width = min(PLAYER_MAX_WIDTH, max(200, 960 // max(1, len(self)))) if self else PLAYER_MAX_WIDTH
        cells = "".join(r.html(width=min(width, r.player_width(width)), style=i == 0) for i, r in enumerate(self))
        return f'<div style="display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start">{cells}</div>'

    def metadata(self) -> dict[str, Any]:
        return {"sora_widgets": {"results": [r.metadata()["sora_widgets"] for r in self]}}

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"text/plain": self.text(), "text/html": self.html()}, self.metadata()

    def __repr__(self) -> str:
        return f"GenerationResults({len(self)} videos)"
