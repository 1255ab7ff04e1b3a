"""Procedural artwork for previews, drawn once per render: the scene canvas, the hero sprite and the
caption strip. Per-frame work (cropping, scaling, blending) lives in `render.py`; drawing here is
allowed to be slow-ish (tens of ms) because it happens once.

numpy and Pillow are imported inside the functions (heavy imports stay deferred).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .prompt_style import RGB, Palette, Style

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image, ImageDraw


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        int(a[0] + (b[0] - a[0]) * t),
        int(a[1] + (b[1] - a[1]) * t),
        int(a[2] + (b[2] - a[2]) * t),
    )


def _gradient(top: RGB, bottom: RGB, rows: int) -> np.ndarray:
    import numpy as np

    t = np.linspace(0.0, 1.0, max(rows, 1), dtype=np.float32)[:, None]
    return (np.array(top, np.float32) * (1 - t) + np.array(bottom, np.float32) * t).astype(np.uint8)


def _ridge(rng: np.random.Generator, width: int, base: float, amp: float, waves: int) -> list[tuple[float, float]]:
    """Points of a wavy horizon line (a sum of a few seeded sines)."""
    import numpy as np

    xs = np.linspace(0, width, 64)
    ys = np.full_like(xs, base)
    for k in range(1, waves + 1):
        ys += amp / k * np.sin(xs / width * math.pi * (k + rng.random() * 2) + rng.random() * math.tau)
    return [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]


def draw_scene(style: Style, seed: int, width: int, height: int) -> np.ndarray:
    """The whole canvas (height, width, 3) uint8: sky, light, stars, setting motif and ground."""
    import numpy as np
    from PIL import Image, ImageDraw

    pal = style.palette
    rng = np.random.default_rng(seed)
    horizon = int(height * (0.5 if style.camera == "aerial" else 0.6))
    canvas = np.empty((height, width, 3), np.uint8)
    canvas[:horizon] = _gradient(pal.sky_top, pal.sky_horizon, horizon)[:, None, :]
    canvas[horizon:] = _gradient(pal.ground_far, pal.ground_near, height - horizon)[:, None, :]
    if pal.stars:
        n = int(width * height / 2500)
        ys = rng.integers(0, max(horizon - 4, 1), n)
        xs = rng.integers(0, width, n)
        canvas[ys, xs] = rng.integers(150, 256, (n, 1)).astype(np.uint8)
    if pal.light is not None:
        _draw_light(canvas, pal, rng, horizon)
    img = Image.fromarray(canvas)
    draw = ImageDraw.Draw(img)
    motif = {"city": _city, "water": _water, "forest": _forest, "mountains": _mountains, "dunes": _dunes}
    motif.get(style.motif, _hills)(draw, pal, rng, width, height, horizon)
    return np.asarray(img)


def _draw_light(canvas: np.ndarray, pal: Palette, rng: np.random.Generator, horizon: int) -> None:
    """Sun or moon disc with a soft glow, blended in its bounding box only (cheap)."""
    import numpy as np

    height, width = canvas.shape[:2]
    low = pal.name in ("golden", "sunset", "dawn", "fire")
    cx = int(width * (0.35 + 0.3 * rng.random()))
    cy = int(horizon - height * (0.1 if low else 0.3))
    r = max(4, int(height * (0.07 if low else 0.045)))
    glow = r * 5
    y0, y1 = max(cy - glow, 0), min(cy + glow, horizon)
    x0, x1 = max(cx - glow, 0), min(cx + glow, width)
    if y1 <= y0 or x1 <= x0:
        return
    yy, xx = np.mgrid[y0:y1, x0:x1]
    d = np.sqrt((yy - cy) ** 2 + (xx - cx) ** 2, dtype=np.float32)
    alpha = np.clip(1.0 - (d - r) / (glow - r), 0, 1) ** 2 * 0.55
    alpha[d <= r] = 1.0
    region = canvas[y0:y1, x0:x1].astype(np.float32)
    light = np.array(pal.light, np.float32)
    canvas[y0:y1, x0:x1] = (region * (1 - alpha[..., None]) + light * alpha[..., None]).astype(np.uint8)


def _hills(draw: ImageDraw.ImageDraw, pal: Palette, rng: np.random.Generator, w: int, h: int, hz: int) -> None:
    for layer, (t, amp) in enumerate(((0.55, 0.06), (0.25, 0.05), (0.0, 0.035))):
        colour = _mix(pal.ground_far, pal.sky_horizon, t) if layer < 2 else pal.ground_far
        base = hz + h * (0.02 + 0.05 * layer) - h * 0.04 * (2 - layer)
        pts = _ridge(rng, w, base, h * amp, 3)
        draw.polygon([*pts, (w, h), (0, h)], fill=colour)
    _ground_bands(draw, pal, w, h, hz)


def _ground_bands(draw: ImageDraw.ImageDraw, pal: Palette, w: int, h: int, hz: int) -> None:
    """A near-ground gradient in a few bands, so the foreground reads as ground."""
    top = hz + int(h * 0.08)
    bands = 6
    for i in range(bands):
        y = top + (h - top) * i // bands
        draw.rectangle((0, y, w, h), fill=_mix(pal.ground_far, pal.ground_near, (i + 1) / bands))


def _mountains(draw: ImageDraw.ImageDraw, pal: Palette, rng: np.random.Generator, w: int, h: int, hz: int) -> None:
    far = _mix(pal.silhouette, pal.sky_horizon, 0.55)
    for i in range(7):
        cx = w * (i + rng.random()) / 6
        peak = hz - h * (0.18 + 0.2 * rng.random())
        half = w * (0.1 + 0.08 * rng.random())
        draw.polygon([(cx - half, hz + 2), (cx, peak), (cx + half, hz + 2)], fill=far)
        cap = (peak + (hz - peak) * 0.25)
        frac = (cap - peak) / (hz - peak)
        draw.polygon([(cx - half * frac, cap), (cx, peak), (cx + half * frac, cap)], fill=(236, 240, 248))
    _ground_bands(draw, pal, w, h, hz)


def _city(draw: ImageDraw.ImageDraw, pal: Palette, rng: np.random.Generator, w: int, h: int, hz: int) -> None:
    x = 0.0
    lit = pal.light or pal.accent
    while x < w:
        bw = w * (0.03 + 0.05 * rng.random())
        top = hz - h * (0.08 + 0.3 * rng.random())
        draw.rectangle((x, top, x + bw, hz + 2), fill=_mix(pal.silhouette, pal.sky_horizon, 0.2 * rng.random()))
        step = max(int(h * 0.025), 4)
        for wy in range(int(top) + step, hz - step, step * 2):
            for wx in range(int(x) + step // 2, int(x + bw) - step, step):
                if rng.random() < 0.35:
                    draw.rectangle((wx, wy, wx + step // 2, wy + step // 2), fill=lit)
        if pal.name == "neon" and rng.random() < 0.4:
            sy = top + (hz - top) * 0.3
            draw.rectangle((x + bw * 0.15, sy, x + bw * 0.85, sy + h * 0.02), fill=pal.accent)
        x += bw + w * 0.004
    _ground_bands(draw, pal, w, h, hz)


def _water(draw: ImageDraw.ImageDraw, pal: Palette, rng: np.random.Generator, w: int, h: int, hz: int) -> None:
    water_far = _mix(pal.sky_horizon, (30, 90, 150), 0.5)
    water_near = _mix(pal.ground_near, (10, 40, 90), 0.6)
    bands = 8
    for i in range(bands):
        y = hz + (h - hz) * i // bands
        draw.rectangle((0, y, w, h), fill=_mix(water_far, water_near, i / bands))
    shine = pal.light or _mix(pal.sky_horizon, (255, 255, 255), 0.5)
    for _ in range(int(w / 14)):
        y = hz + (h - hz) * rng.random() ** 1.5
        x = w * rng.random()
        length = w * 0.02 * (1 + (y - hz) / max(h - hz, 1) * 3)
        draw.line((x, y, x + length, y), fill=_mix(water_far, shine, 0.6), width=max(1, h // 360))


def _forest(draw: ImageDraw.ImageDraw, pal: Palette, rng: np.random.Generator, w: int, h: int, hz: int) -> None:
    _hills(draw, pal, rng, w, h, hz)
    trees = sorted(((rng.random(), w * rng.random()) for _ in range(int(w / 40))), key=lambda t: t[0])
    for depth, x in trees:
        base = hz + (h - hz) * depth * 0.8
        size = h * (0.06 + 0.16 * depth)
        colour = _mix(pal.silhouette, pal.ground_far, 0.6 * (1 - depth))
        draw.rectangle((x - size * 0.06, base - size * 0.3, x + size * 0.06, base), fill=colour)
        crown = [(x - size * 0.35, base - size * 0.25), (x, base - size * 1.2), (x + size * 0.35, base - size * 0.25)]
        draw.polygon(crown, fill=colour)


def _dunes(draw: ImageDraw.ImageDraw, pal: Palette, rng: np.random.Generator, w: int, h: int, hz: int) -> None:
    for layer in range(4):
        t = layer / 3
        base = hz + (h - hz) * (0.05 + 0.25 * layer)
        pts = _ridge(rng, w, base, h * 0.05, 2)
        draw.polygon([*pts, (w, h), (0, h)], fill=_mix(pal.ground_far, pal.ground_near, t))


def draw_hero(style: Style, size: int) -> Image.Image:
    """The subject as an RGBA silhouette (size x size) with a rim in the accent colour."""
    from PIL import Image, ImageDraw

    s = size
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    body = (*style.palette.silhouette, 255)
    rim = (*style.palette.accent, 255)
    w = max(2, s // 40)
    kind = style.hero
    if kind == "vehicle":
        d.rounded_rectangle((s * 0.05, s * 0.45, s * 0.95, s * 0.78), radius=s * 0.06, fill=body, outline=rim, width=w)
        d.rounded_rectangle((s * 0.25, s * 0.28, s * 0.72, s * 0.5), radius=s * 0.05, fill=body, outline=rim, width=w)
        for cx in (0.25, 0.75):
            d.ellipse((s * (cx - 0.1), s * 0.7, s * (cx + 0.1), s * 0.9), fill=body, outline=rim, width=w)
    elif kind == "boat":
        d.polygon([(s * 0.05, s * 0.65), (s * 0.95, s * 0.65), (s * 0.78, s * 0.85), (s * 0.2, s * 0.85)], fill=body,
                  outline=rim)
        d.polygon([(s * 0.5, s * 0.1), (s * 0.5, s * 0.62), (s * 0.85, s * 0.62)], fill=rim)
    elif kind == "bird":
        d.polygon([(s * 0.05, s * 0.3), (s * 0.5, s * 0.55), (s * 0.95, s * 0.3), (s * 0.5, s * 0.65)], fill=body,
                  outline=rim)
    elif kind == "fish":
        d.ellipse((s * 0.15, s * 0.35, s * 0.75, s * 0.65), fill=body, outline=rim, width=w)
        d.polygon([(s * 0.7, s * 0.5), (s * 0.95, s * 0.32), (s * 0.95, s * 0.68)], fill=body, outline=rim)
    elif kind == "robot":
        d.rectangle((s * 0.3, s * 0.35, s * 0.7, s * 0.75), fill=body, outline=rim, width=w)
        d.rectangle((s * 0.36, s * 0.12, s * 0.64, s * 0.33), fill=body, outline=rim, width=w)
        d.rectangle((s * 0.34, s * 0.77, s * 0.46, s * 0.98), fill=body)
        d.rectangle((s * 0.54, s * 0.77, s * 0.66, s * 0.98), fill=body)
        d.ellipse((s * 0.42, s * 0.18, s * 0.48, s * 0.24), fill=rim)
        d.ellipse((s * 0.52, s * 0.18, s * 0.58, s * 0.24), fill=rim)
    elif kind == "animal":
        d.ellipse((s * 0.15, s * 0.5, s * 0.75, s * 0.8), fill=body, outline=rim, width=w)
        d.ellipse((s * 0.62, s * 0.32, s * 0.9, s * 0.6), fill=body, outline=rim, width=w)
        d.polygon([(s * 0.66, s * 0.38), (s * 0.7, s * 0.22), (s * 0.76, s * 0.34)], fill=body)
        d.polygon([(s * 0.78, s * 0.34), (s * 0.84, s * 0.22), (s * 0.87, s * 0.4)], fill=body)
        d.line((s * 0.17, s * 0.6, s * 0.04, s * 0.38), fill=body, width=w * 3)
        for lx in (0.25, 0.4, 0.55, 0.68):
            d.rectangle((s * lx, s * 0.75, s * (lx + 0.05), s * 0.97), fill=body)
    else:  # figure
        d.ellipse((s * 0.38, s * 0.06, s * 0.62, s * 0.3), fill=body, outline=rim, width=w)
        d.rounded_rectangle((s * 0.32, s * 0.3, s * 0.68, s * 0.68), radius=s * 0.08, fill=body, outline=rim, width=w)
        d.rectangle((s * 0.36, s * 0.66, s * 0.47, s * 0.98), fill=body)
        d.rectangle((s * 0.53, s * 0.66, s * 0.64, s * 0.98), fill=body)
    return img


def draw_caption(text: str, width: int, height: int) -> Image.Image:
    """An RGBA strip (width x even height) with the caption on a translucent dark box, centred."""
    from PIL import Image, ImageDraw, ImageFont

    font_px = max(10, int(min(width, height * 16 / 9) * 0.032))
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.load_default(size=font_px)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font
        font = ImageFont.load_default()
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    while True:
        left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
        if right - left <= width * 0.9 or len(text) <= 4:
            break
        text = text[:-2].rstrip() + "…"
    pad = max(4, font_px // 2)
    strip_h = int(bottom - top + 2 * pad + 1) // 2 * 2
    img = Image.new("RGBA", (width, strip_h), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    box_w = right - left + 2 * pad
    x0 = (width - box_w) // 2
    d.rounded_rectangle((x0, 0, x0 + box_w, strip_h - 1), radius=pad, fill=(0, 0, 0, 150))
    d.text((x0 + pad - left, pad - top), text, font=font, fill=(255, 255, 255, 255))
    return img
