"""Clips made with PyAV for the quality tests: moving texture, still, black, flickering, with audio."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

W, H, FPS = 320, 180, 24
Frame = Callable[[int], np.ndarray]


def _texture(seed: int = 0) -> np.ndarray:
    """A smooth random landscape (a few seeded waves per channel), wider than the frame so it can pan."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:H, 0 : W + 200].astype(np.float32)
    channels = []
    for _ in range(3):
        fx, fy = rng.uniform(20, 45, 2)
        px, py = rng.uniform(0, 2 * np.pi, 2)
        wave = np.sin(xx / fx + px) * np.cos(yy / fy + py) + 0.5 * np.sin((xx + yy) / (fx + fy) + py)
        channels.append(128 + 70 * wave / 1.5)
    return np.clip(np.stack(channels, -1), 0, 255).astype(np.uint8)


def moving(seed: int = 0, speed: int = 1) -> Frame:
    """A camera panning over a texture: normal footage."""
    tex = _texture(seed)
    return lambda i: np.ascontiguousarray(tex[:, (i * speed) % 200 : (i * speed) % 200 + W])


def still(seed: int = 0) -> Frame:
    frame = moving(seed)(0)
    return lambda i: frame


def black() -> Frame:
    frame = np.zeros((H, W, 3), np.uint8)
    return lambda i: frame


def flickering(seed: int = 0) -> Frame:
    """Normal footage whose every other frame is much darker."""
    base = moving(seed)
    return lambda i: base(i) if i % 2 == 0 else (base(i) * 0.55).astype(np.uint8)


def write(path: Path, frame: Frame, seconds: float, *, fps: int = FPS, size: tuple[int, int] = (W, H),
          codec: str = "libx264", pix_fmt: str = "yuv420p", tone: float | None = None) -> Path:
    """Encode `seconds` of `frame(i)`; `tone` adds an AAC track (a sine of that amplitude; 0 = silence)."""
    with av.open(str(path), mode="w") as out:
        video = out.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = size[0], size[1], pix_fmt
        audio: Any = None
        if tone is not None:
            audio = out.add_stream("aac", rate=44100)
            audio.layout = "mono"
        for i in range(round(seconds * fps)):
            img = frame(i)
            if img.shape[:2] != (size[1], size[0]):
                img = np.ascontiguousarray(np.resize(img, (size[1], size[0], 3)))
            vf = av.VideoFrame.from_ndarray(img, format="rgb24")
            for packet in video.encode(vf):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        if audio is not None:
            _audio(out, audio, seconds, tone or 0.0)
    return path


def _audio(out: Any, stream: Any, seconds: float, amplitude: float) -> None:
    rate, chunk = 44100, 1024
    total = int(seconds * rate)
    t = np.arange(total, dtype=np.float32) / rate
    samples = (amplitude * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    for start in range(0, total, chunk):
        part = samples[start : start + chunk]
        frame = av.AudioFrame.from_ndarray(part[None, :], format="fltp", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)
