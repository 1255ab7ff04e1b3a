"""The result of a finished generation, displayable anywhere.

`_repr_mimebundle_` references the saved file by a relative path and shows a small poster image:
notebook outputs stay kilobytes, never megabytes of base64 video (DESIGN rule 7).
"""

from __future__ import annotations

import base64
import html
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .models import Video, VideoRequest

POSTER_MAX_BYTES = 24_000


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
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.video.id

    def relpath(self, start: str | Path | None = None) -> str:
        """The file's path relative to the notebook's folder (cwd), as a forward-slash URL path."""
        try:
            rel = os.path.relpath(self.path, start or Path.cwd())
        except ValueError:  # another drive on Windows
            rel = str(self.path)
        return rel.replace(os.sep, "/")

    def metadata(self) -> dict[str, Any]:
        """Provenance recorded in output metadata, so a cell can be re-attached later."""
        return {
            "sora_widgets": {
                "id": self.video.id,
                "backend": self.backend,
                "model": self.video.model or self.request.model,
                "request": self.request.summary(),
                "cost": self.cost,
                "path": self.relpath(),
                "sha256": self.sha256,
            }
        }

    def text(self) -> str:
        v = self.video
        return (
            f"video {v.id} · {v.model or self.request.model} · {v.size or self.request.size} · "
            f"{v.seconds or self.request.seconds}s · ${self.cost:.2f} · {self.relpath()}"
        )

    def poster_data_url(self) -> str | None:
        """A small JPEG of the thumbnail as a data URL (skipped when it would be too big)."""
        if self.thumbnail is None or not self.thumbnail.is_file():
            return None
        try:
            import io

            from PIL import Image

            with Image.open(self.thumbnail) as img:
                img = img.convert("RGB")
                img.thumbnail((320, 320))
                buf = io.BytesIO()
                img.save(buf, format="JPEG", quality=70)
        except Exception:  # a broken thumbnail must never break the display
            return None
        data = buf.getvalue()
        if len(data) > POSTER_MAX_BYTES:
            return None
        return "data:image/jpeg;base64," + base64.b64encode(data).decode()

    def html(self) -> str:
        src = html.escape(self.relpath(), quote=True)
        poster = self.poster_data_url()
        width, _, _height = (self.video.size or self.request.size or "").partition("x")
        attrs = f' poster="{poster}"' if poster else ""
        w = min(int(width), 480) if width.isdigit() else 480
        caption = html.escape(self.text())
        return (
            f'<figure style="margin:0"><video src="{src}" controls loop muted playsinline width="{w}"{attrs}>'
            f'<a href="{src}">{src}</a></video>'
            f'<figcaption style="font:12px monospace;color:#666">{caption}</figcaption></figure>'
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        return {"text/plain": self.text(), "text/html": self.html()}, self.metadata()

    def __repr__(self) -> str:
        return f"GenerationResult({self.text()})"
