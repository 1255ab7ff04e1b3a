"""Small still and animated previews of a clip, as data URLs that travel inside a saved notebook.

A saved notebook is read where the media folder is missing (nbviewer, GitHub, an e-mail
attachment), so every preview is embedded as a data URL. They are kept small on purpose: a JPEG
poster of at most `POSTER_MAX_SIDE` px (a few KB), and an animated WebP only when it fits its
byte budget; otherwise the caller falls back to the still.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

POSTER_MAX_SIDE = 256
POSTER_MAX_BYTES = 16_000
ANIMATED_MAX_SIDE = 160
ANIMATED_FRAMES = 6
ANIMATED_MAX_BYTES = 12_000

_CACHE: dict[tuple[Any, ...], str | None] = {}


def _key(kind: str, path: Path | None, *extra: Any) -> tuple[Any, ...] | None:
    if path is None:
        return None
    try:
        return (kind, str(path), path.stat().st_mtime_ns, *extra)
    except OSError:
        return None


def _cached(key: tuple[Any, ...] | None, make: Any) -> str | None:
    if key is None:
        return None
    if key not in _CACHE:
        if len(_CACHE) > 1024:
            _CACHE.clear()
        try:
            _CACHE[key] = make()
        except Exception:  # a broken file must never break a display: no preview instead
            _CACHE[key] = None
    return _CACHE[key]


def _jpeg(img: Any, side: int, quality: int = 62) -> bytes:
    img = img.convert("RGB")
    img.thumbnail((side, side))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=quality, optimize=True)
    return buf.getvalue()


def data_url(data: bytes, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def poster_jpeg(video: str | Path | None, thumbnail: str | Path | None = None, side: int = POSTER_MAX_SIDE) -> bytes:
    """A small JPEG: the server's thumbnail when there is one, else the clip's first frame."""
    from PIL import Image

    if thumbnail is not None and Path(thumbnail).is_file():
        with Image.open(thumbnail) as img:
            return _jpeg(img, side)
    if video is None:
        raise FileNotFoundError("no thumbnail and no video")
    from ..media import first_frame

    return _jpeg(first_frame(video), side)


def poster_data_url(video: str | Path | None, thumbnail: str | Path | None = None,
                    max_bytes: int = POSTER_MAX_BYTES, side: int = POSTER_MAX_SIDE) -> str | None:
    """`data:image/jpeg;base64,…` for the clip's poster, or None when there is none or it is too big."""
    source = Path(thumbnail) if thumbnail is not None and Path(thumbnail).is_file() else (
        Path(video) if video is not None else None)

    def make() -> str | None:
        data = poster_jpeg(video, thumbnail, side)
        return data_url(data, "image/jpeg") if len(data) <= max_bytes else None

    return _cached(_key("poster", source, max_bytes, side), make)


def animated_webp(video: str | Path, *, frames: int = ANIMATED_FRAMES, side: int = ANIMATED_MAX_SIDE,
                  quality: int = 30) -> bytes:
    """`frames` frames spread over the clip, as a looping animated WebP (one decode pass)."""
    import av

    images: list[Any] = []
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        total = stream.frames or 0
        if not total:
            total = sum(1 for p in container.demux(stream) if p.size)
            container.seek(0)
        step = max(1, total // frames)
        for i, frame in enumerate(container.decode(video=0)):
            if i % step == 0 and len(images) < frames:
                img = frame.to_image()
                img.thumbnail((side, side))
                images.append(img)
        rate = float(stream.average_rate or 24)
    if not images:
        raise ValueError(f"{video} has no video frames")
    duration_ms = max(80, int(1000 * step / rate))
    buf = io.BytesIO()
    images[0].save(buf, format="WEBP", save_all=True, append_images=images[1:], duration=duration_ms, loop=0,
                   quality=quality, method=4)
    return buf.getvalue()


def animated_data_url(video: str | Path | None, max_bytes: int = ANIMATED_MAX_BYTES) -> str | None:
    """An animated WebP preview as a data URL, or None when it would exceed `max_bytes`."""
    if video is None:
        return None
    path = Path(video)

    def make() -> str | None:
        data = animated_webp(path)
        return data_url(data, "image/webp") if len(data) <= max_bytes else None

    return _cached(_key("animated", path, max_bytes), make)
