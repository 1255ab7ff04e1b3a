"""Helpers shared by the widget tests."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner
from sora_widgets.server.embedded import EmbeddedServer

BLOCKED = "forbidden"


def make_runner(server: EmbeddedServer, folder: Path, **settings: Any) -> JobRunner:
    s = Settings(_env_file=None, backend="local", base_url=server.base_url, api_key=server.api_key,  # type: ignore[call-arg]
                 output_dir=folder, **settings)
    return JobRunner(s)


def png_bytes(width: int = 64, height: int = 36, color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, format="PNG")
    return buf.getvalue()


def video_info(data: bytes) -> tuple[int, int, float]:
    """(width, height, seconds) of MP4 bytes, read with PyAV."""
    import av

    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for p in container.demux(stream) if p.size)
        rate = float(stream.average_rate or 24)
        return stream.codec_context.width, stream.codec_context.height, frames / rate
