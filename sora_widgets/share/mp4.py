"""Will this MP4 play where notebooks are read? Codecs with PyAV, box order by reading the file.

VS Code's notebook renderer (Electron's Chromium, without proprietary codecs in some builds of
the past, and without AAC-less exotic audio) plays H.264 in yuv420p; browsers start playback
before the whole file arrives only when the `moov` box comes before `mdat` ("faststart").
"""

from __future__ import annotations

import struct
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PLAYABLE_VIDEO = ("h264",)
PLAYABLE_PIX_FMT = ("yuv420p",)
PLAYABLE_AUDIO = (None, "aac")


def top_level_boxes(path: str | Path, limit: int = 64) -> list[str]:
    """The four-letter types of the file's top-level ISO-BMFF boxes, in order (sizes are followed,
    payloads are never read)."""
    boxes: list[str] = []
    with open(path, "rb") as f:
        f.seek(0, 2)
        end = f.tell()
        pos = 0
        while pos + 8 <= end and len(boxes) < limit:
            f.seek(pos)
            size, kind = struct.unpack(">I4s", f.read(8))
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0]
            elif size == 0:
                size = end - pos
            if size < 8:
                break
            boxes.append(kind.decode("latin-1"))
            pos += size
    return boxes


@dataclass(frozen=True)
class Mp4Report:
    video_codec: str | None
    pix_fmt: str | None
    audio_codec: str | None
    width: int
    height: int
    duration: float
    faststart: bool
    boxes: tuple[str, ...]

    @property
    def problems(self) -> list[str]:
        out = []
        if self.video_codec not in PLAYABLE_VIDEO:
            out.append(f"video codec {self.video_codec} (browsers and VS Code need h264)")
        if self.pix_fmt not in PLAYABLE_PIX_FMT:
            out.append(f"pixel format {self.pix_fmt} (needs yuv420p)")
        if self.audio_codec not in PLAYABLE_AUDIO:
            out.append(f"audio codec {self.audio_codec} (needs aac or no audio)")
        if not self.faststart:
            out.append("moov after mdat (not faststart: playback waits for the whole file)")
        return out

    @property
    def playable(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "boxes": list(self.boxes), "playable": self.playable}


def inspect(path: str | Path) -> Mp4Report:
    import av

    boxes = top_level_boxes(path)
    faststart = "moov" in boxes and ("mdat" not in boxes or boxes.index("moov") < boxes.index("mdat"))
    with av.open(str(path)) as container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        duration = float(container.duration or 0) / 1_000_000
        return Mp4Report(
            video_codec=video.codec_context.name if video else None,
            pix_fmt=str(video.codec_context.pix_fmt) if video else None,
            audio_codec=audio.codec_context.name if audio else None,
            width=video.codec_context.width if video else 0,
            height=video.codec_context.height if video else 0,
            duration=round(duration, 3),
            faststart=faststart,
            boxes=tuple(boxes),
        )
