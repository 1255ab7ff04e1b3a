"""Camera moves as crop rectangles over a canvas larger than the frame.

Every move starts at the canvas centre with the frame's exact size, so frame 0 shows the centre
unscaled: with a reference image (placed at the centre) frame 0 *is* the reference. Later frames
shift (pan, tilt, tracking), shrink (zoom/dolly in), grow (zoom out, aerial) or jitter (handheld).
Pure Python arithmetic: cheap per frame.
"""

from __future__ import annotations

import math
import random

#: the canvas is this much larger than the frame in each dimension (room for moves and zoom-out)
CANVAS_SCALE = 1.4


def margins(width: int, height: int) -> tuple[int, int]:
    """Even margins on each side, so the centred start crop sits on the 2x2 chroma grid."""
    return _even(width * (CANVAS_SCALE - 1) / 2), _even(height * (CANVAS_SCALE - 1) / 2)


def canvas_size(width: int, height: int) -> tuple[int, int]:
    mx, my = margins(width, height)
    return width + 2 * mx, height + 2 * my


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _ease(u: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * u)


class Camera:
    """`rect(i)` -> (x, y, w, h) of frame i's crop, all even, inside the canvas, aspect kept."""

    def __init__(
        self, move: str, direction: int, seed: int, frame: tuple[int, int], canvas: tuple[int, int], n_frames: int
    ) -> None:
        self.move = move
        self.direction = 1 if direction >= 0 else -1
        self.frame_w, self.frame_h = frame
        self.canvas_w, self.canvas_h = canvas
        self.n = max(n_frames, 1)
        self.margin_x = (self.canvas_w - self.frame_w) / 2
        self.margin_y = (self.canvas_h - self.frame_h) / 2
        rng = random.Random(seed)
        # handheld shake: a few sines per axis with seeded frequencies (Hz) and phases
        self._shake = [[(0.4 + 1.6 * rng.random(), rng.random() * math.tau) for _ in range(3)] for _ in range(2)]
        # how far the move goes: with a reference image the canvas is fixed, so the seed must show
        # here, or a new take (a new seed) of a chained shot would be the same video again
        self.amount = 0.7 + 0.4 * rng.random()
        # a shot with no camera move still breathes a little, in a seeded direction
        self._drift = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0))

    def offsets(self, i: int) -> tuple[float, float, float]:
        """(dx, dy, scale) of frame i relative to the centred, unscaled start."""
        u = i / (self.n - 1) if self.n > 1 else 0.0
        e = _ease(u)
        a = self.amount
        mx, my, d = self.margin_x * a, self.margin_y * a, self.direction
        move = self.move
        if move == "pan":
            return d * 0.9 * mx * e, 0.0, 1.0
        if move == "tilt":
            return 0.0, d * 0.9 * my * e, 1.0
        if move == "zoom":
            return 0.0, 0.0, (1 - 0.3 * a * e) if d > 0 else (1 + 0.3 * a * e)
        if move == "dolly":
            return (0.0, -0.15 * my * e, 1 - 0.35 * a * e**1.5) if d > 0 else (0.0, 0.1 * my * e, 1 + 0.3 * a * e)
        if move == "orbit":
            return d * 0.85 * mx * math.sin(math.pi * 0.9 * e), 0.0, 1 - 0.12 * math.sin(math.pi * e)
        if move == "tracking":
            return d * 0.9 * mx * u, 0.03 * my * math.sin(math.tau * 2 * u), 1.0
        if move == "aerial":
            return 0.35 * mx * e, -0.3 * my * e, 1 + 0.25 * e
        if move == "handheld":
            t = i / 24.0
            sx, sy = (sum(0.35 * math.sin(math.tau * f * t + p) - 0.35 * math.sin(p) for f, p in axis)
                      for axis in self._shake)
            return 0.25 * mx * sx, 0.25 * my * sy, 1.0
        return 0.12 * mx * self._drift[0] * e, 0.12 * my * self._drift[1] * e, 1.0

    def rect(self, i: int) -> tuple[int, int, int, int]:
        dx, dy, scale = self.offsets(i)
        w = min(_even(self.frame_w * scale), self.canvas_w)
        h = min(_even(w * self.frame_h / self.frame_w), self.canvas_h)
        if scale == 1.0:
            w, h = self.frame_w, self.frame_h
        x = self.canvas_w / 2 + dx - w / 2
        y = self.canvas_h / 2 + dy - h / 2
        x = min(max(int(x) // 2 * 2, 0), (self.canvas_w - w) // 2 * 2)
        y = min(max(int(y) // 2 * 2, 0), (self.canvas_h - h) // 2 * 2)
        return x, y, w, h
