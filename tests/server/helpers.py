"""Helpers shared by the server tests (polling, request shortcuts, images, MP4 probing)."""

from __future__ import annotations

import io
import time
from typing import Any

import httpx

API_KEY = "test-key-0123456789"
SDK_DEPRECATION = "ignore:The Sora API is scheduled:DeprecationWarning"
#: the cheapest valid request: 1 s of 320x180
FAST = {"model": "animatic", "size": "320x180", "seconds": "1"}


def wait_for(api: httpx.Client, video_id: str, statuses: tuple[str, ...] = ("completed", "failed"),
             timeout: float = 30.0) -> dict[str, Any]:
    """Poll until the job reaches one of `statuses` (following the server's poll hint)."""
    deadline = time.monotonic() + timeout
    while True:
        response = api.get(f"/videos/{video_id}")
        assert response.status_code == 200, response.text
        video = response.json()
        if video["status"] in statuses:
            return video
        if time.monotonic() > deadline:
            raise AssertionError(f"video {video_id} still {video['status']} after {timeout}s")
        time.sleep(min(int(response.headers.get("openai-poll-after-ms", "100")), 100) / 1000)


def create(api: httpx.Client, **body: Any) -> dict[str, Any]:
    payload = {"prompt": "A fox running through snow", **FAST, **body}
    response = api.post("/videos", json=payload)
    assert response.status_code == 200, response.text
    return response.json()


def create_done(api: httpx.Client, **body: Any) -> dict[str, Any]:
    video = wait_for(api, create(api, **body)["id"])
    assert video["status"] == "completed", video
    return video


def png(width: int, height: int, colour: tuple[int, int, int] = (200, 40, 40), pattern: bool = False) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), colour)
    if pattern:
        draw = ImageDraw.Draw(img)
        for i in range(0, width, max(width // 8, 1)):
            draw.rectangle((i, 0, i + width // 16, height), fill=(20, 200, 90))
        draw.ellipse((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=(30, 60, 220))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def probe(data: bytes) -> dict[str, Any]:
    """Width, height, duration, codec, pixel format and frame count of MP4 bytes (PyAV)."""
    import av

    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        return {
            "width": stream.codec_context.width,
            "height": stream.codec_context.height,
            "duration": float(stream.duration * stream.time_base) if stream.duration else frames / 24,
            "codec": stream.codec_context.name,
            "pix_fmt": stream.codec_context.pix_fmt,
            "frames": frames,
            "fps": float(stream.average_rate or 0),
        }


def frames_rgb(data: bytes, indices: tuple[int, ...] | None = None) -> list[Any]:
    """Decoded frames as RGB numpy arrays (all, or only `indices`; negative indices allowed)."""
    import av

    with av.open(io.BytesIO(data)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return frames if indices is None else [frames[i] for i in indices]
