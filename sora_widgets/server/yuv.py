"""YUV 4:2:0 helpers for the renderer: convert artwork once, then crop and blend planes per frame.

Frames go to libx264 as yuv420p directly, so the per-frame RGB->YUV conversion (the largest cost
of a plain RGB pipeline) happens once per render instead of once per frame. Conversions use
PyAV's swscale, the same code the encoder path would use, so colours match an RGB pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image


@dataclass
class Planes:
    """Y (h, w), U and V (h/2, w/2) uint8 planes; optional alpha at both resolutions (uint16)."""

    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    alpha: np.ndarray | None = None
    alpha_half: np.ndarray | None = None

    @property
    def size(self) -> tuple[int, int]:
        return self.y.shape[1], self.y.shape[0]


def rgb_to_planes(rgb: np.ndarray) -> Planes:
    """(h, w, 3) uint8 with even h and w -> planes (BT.601 limited range, as swscale does)."""
    import av
    import numpy as np

    h, w = rgb.shape[:2]
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24").reformat(format="yuv420p")
    y, u, v = (plane_view(p).copy() for p in frame.planes)
    assert y.shape == (h, w)
    return Planes(y, u, v)


def rgba_to_planes(img: Image.Image) -> Planes:
    """An RGBA Pillow image (even size) -> planes with alpha for blending."""
    import numpy as np

    arr = np.asarray(img.convert("RGBA"))
    planes = rgb_to_planes(arr[..., :3])
    alpha = arr[..., 3].astype(np.uint16)
    planes.alpha = alpha
    h, w = alpha.shape
    planes.alpha_half = alpha.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3)).astype(np.uint16)
    return planes


def crop_to_alpha(sprite: Planes) -> tuple[Planes, int, int]:
    """`sprite` cut to the even-aligned box around its visible pixels, and that box's (x, y).

    Blending a pixel whose alpha is 0 leaves the frame as it was, so blending the cut sprite at
    (x + dx, y + dy) gives the same bytes while touching far fewer pixels (a caption is mostly
    transparent band). Even edges keep the half-resolution alpha and chroma planes aligned."""
    import numpy as np

    if sprite.alpha is None or sprite.alpha_half is None or not sprite.alpha.any():
        return sprite, 0, 0
    rows, cols = np.nonzero(sprite.alpha.any(axis=1))[0], np.nonzero(sprite.alpha.any(axis=0))[0]
    y0, y1 = rows[0] // 2 * 2, min(sprite.alpha.shape[0], (rows[-1] + 2) // 2 * 2)
    x0, x1 = cols[0] // 2 * 2, min(sprite.alpha.shape[1], (cols[-1] + 2) // 2 * 2)
    hy0, hy1, hx0, hx1 = y0 // 2, y1 // 2, x0 // 2, x1 // 2
    cut = Planes(sprite.y[y0:y1, x0:x1], sprite.u[hy0:hy1, hx0:hx1], sprite.v[hy0:hy1, hx0:hx1],
                 sprite.alpha[y0:y1, x0:x1], sprite.alpha_half[hy0:hy1, hx0:hx1])
    return cut, int(x0), int(y0)


def plane_view(plane: Any) -> np.ndarray:
    """A writable (height, width) numpy view of a PyAV frame plane (rows may be padded)."""
    import numpy as np

    flat = np.frombuffer(plane, np.uint8)
    return flat[: plane.height * plane.line_size].reshape(plane.height, plane.line_size)[:, : plane.width]


def frame_views(frame: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y, u, v = (plane_view(p) for p in frame.planes)
    return y, u, v


def copy_crop(dst: tuple[np.ndarray, np.ndarray, np.ndarray], src: Planes, x: int, y: int) -> None:
    """Copy the crop at even (x, y) of `src` into the three destination planes (their size)."""
    dy, du, dv = dst
    h, w = dy.shape
    dy[:] = src.y[y : y + h, x : x + w]
    hx, hy = x // 2, y // 2
    du[:] = src.u[hy : hy + h // 2, hx : hx + w // 2]
    dv[:] = src.v[hy : hy + h // 2, hx : hx + w // 2]


def _blend(dst: np.ndarray, src: np.ndarray, alpha: np.ndarray) -> None:
    # uint16 is enough: src*a + dst*(255-a) <= 255*255, plus rounding.
    d = dst.astype("uint16")
    dst[:] = (src.astype("uint16") * alpha + d * (255 - alpha) + 127) // 255


def blend(dst: tuple[np.ndarray, np.ndarray, np.ndarray], sprite: Planes, x: int, y: int, opacity: float = 1.0) -> None:
    """Alpha-blend `sprite` with its top-left at even (x, y) of `dst`, clipped to `dst`'s bounds."""
    if opacity <= 0 or sprite.alpha is None or sprite.alpha_half is None:
        return
    dy_, du, dv = dst
    H, W = dy_.shape
    sw, sh = sprite.size
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + sw, W), min(y + sh, H)
    if x1 <= x0 or y1 <= y0:
        return
    sx0, sy0 = x0 - x, y0 - y
    a = sprite.alpha[sy0 : sy0 + (y1 - y0), sx0 : sx0 + (x1 - x0)]
    ah = sprite.alpha_half[sy0 // 2 : (sy0 + y1 - y0) // 2, sx0 // 2 : (sx0 + x1 - x0) // 2]
    if opacity < 1.0:
        a = (a * opacity).astype("uint16")
        ah = (ah * opacity).astype("uint16")
    _blend(dy_[y0:y1, x0:x1], sprite.y[sy0 : sy0 + (y1 - y0), sx0 : sx0 + (x1 - x0)], a)
    hx0, hy0, hx1, hy1 = x0 // 2, y0 // 2, x0 // 2 + ah.shape[1], y0 // 2 + ah.shape[0]
    _blend(du[hy0:hy1, hx0:hx1], sprite.u[sy0 // 2 : sy0 // 2 + ah.shape[0], sx0 // 2 : sx0 // 2 + ah.shape[1]], ah)
    _blend(dv[hy0:hy1, hx0:hx1], sprite.v[sy0 // 2 : sy0 // 2 + ah.shape[0], sx0 // 2 : sx0 // 2 + ah.shape[1]], ah)
