"""Image and video helpers (Pillow and PyAV, imported when first used).

- `prepare_reference`: fit a reference image to the requested size, because servers reject a
  reference whose pixel size differs from `size` ("Inpaint image must match ...").
- `probe`, `last_frame`, `first_frame`: read an MP4 back, for checks and chaining shots.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .backends.base import PreparedReference
from .errors import InvalidRequestError
from .models import Fit, ImageReference, parse_size, sniff_image_mime

if TYPE_CHECKING:
    from PIL.Image import Image


def load_reference_bytes(ref: ImageReference) -> bytes | None:
    """The image bytes of a path, bytes or data-URL reference; None for an http(s) URL."""
    if ref.kind == "bytes":
        return ref.data
    if ref.kind == "path" and ref.path is not None:
        try:
            return ref.path.read_bytes()
        except OSError as exc:
            raise InvalidRequestError(f"cannot read input_reference {ref.path}: {exc.strerror}") from None
    if ref.url and ref.url.startswith("data:"):
        try:
            return base64.b64decode(ref.url.split(",", 1)[1])
        except (IndexError, ValueError):
            raise InvalidRequestError("input_reference data URL is not valid base64") from None
    return None


def open_image(data: bytes) -> Image:
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except (UnidentifiedImageError, OSError, ValueError):
        raise InvalidRequestError(
            "input_reference is not a readable image", param="input_reference", hint="use a PNG, JPEG or WebP file"
        ) from None
    return img


def fit_image(img: Image, size: tuple[int, int], fit: Fit = "cover") -> Image:
    """Resize to exactly `size`: `cover` crops the overflow, `contain` pads with black bars."""
    from PIL import Image as PILImage
    from PIL import ImageOps

    img = img.convert("RGB")
    if fit == "none" or img.size == size:
        return img
    if fit == "cover":
        return ImageOps.fit(img, size, method=PILImage.Resampling.LANCZOS)
    canvas = PILImage.new("RGB", size, (0, 0, 0))
    inner = ImageOps.contain(img, size, method=PILImage.Resampling.LANCZOS)
    canvas.paste(inner, ((size[0] - inner.width) // 2, (size[1] - inner.height) // 2))
    return canvas


def prepare_reference(ref: ImageReference, size: str | None, fit: Fit = "cover") -> PreparedReference:
    """Bytes ready to upload (fitted to `size` unless fit="none"), or the URL for remote images."""
    data = load_reference_bytes(ref)
    if data is None:
        return PreparedReference(url=ref.url, filename=ref.name)
    mime = sniff_image_mime(data)
    if mime is None:
        raise InvalidRequestError(
            "input_reference is not an image", param="input_reference", hint="allowed: PNG, JPEG, WebP"
        )
    if size is None or fit == "none":
        return PreparedReference(data=data, mime=mime, filename=ref.name)
    target = parse_size(size)
    img = open_image(data)
    if img.size == target and mime in ("image/png", "image/jpeg", "image/webp"):
        return PreparedReference(data=data, mime=mime, filename=ref.name)
    fitted = fit_image(img, target, fit)
    buf = io.BytesIO()
    fitted.save(buf, format="PNG")
    stem = Path(ref.name).stem or "reference"
    return PreparedReference(data=buf.getvalue(), mime="image/png", filename=f"{stem}.png")


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    duration: float
    fps: float
    frames: int
    codec: str
    pix_fmt: str

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"


def probe(path: str | Path) -> VideoInfo:
    """Read an MP4's geometry and duration with PyAV (frames counted by demuxing, not decoding)."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for p in container.demux(stream) if p.size)
        rate = float(stream.average_rate or stream.guessed_rate or 24)
        duration = frames / rate if rate else 0.0
        return VideoInfo(
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            duration=duration,
            fps=rate,
            frames=frames,
            codec=stream.codec_context.name,
            pix_fmt=str(stream.codec_context.pix_fmt),
        )


def _frames(path: str | Path) -> Any:
    import av

    container = av.open(str(path))
    try:
        yield from container.decode(video=0)
    finally:
        container.close()


def first_frame(path: str | Path) -> Image:
    for frame in _frames(path):
        return frame.to_image()
    raise InvalidRequestError(f"{path} has no video frames")


def last_frame(path: str | Path) -> Image:
    """The final frame (decodes the stream once; frames are dropped as it goes)."""
    last = None
    for frame in _frames(path):
        last = frame
    if last is None:
        raise InvalidRequestError(f"{path} has no video frames")
    return last.to_image()
