"""Fixtures for storyboard tests: runners on the embedded server, and tiny MP4s made with PyAV."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner, reset_session_spend
from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import EmbeddedServer, start_server

SIZE = "320x180"


@pytest.fixture(autouse=True)
def _fresh_budget() -> None:
    reset_session_spend()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A dedicated embedded server (so tests can count exactly what it was asked to create)."""
    srv = start_server(ServerConfig(data_dir=tmp_path / "server", api_key="sk-storyboard-test", generation_time=0.0))
    try:
        yield srv
    finally:
        srv.stop()
    assert srv.stats.unexpected_errors == 0


@pytest.fixture
def make_runner(tmp_path: Path) -> Callable[..., JobRunner]:
    """`make_runner(server=None)`: a fresh runner (a new "kernel") on the same output folder. With
    no server it uses the process-wide embedded server, exactly like the default `local` backend."""

    def factory(server: EmbeddedServer | None = None, **settings: Any) -> JobRunner:
        if server is not None:
            settings.update(base_url=server.base_url, api_key=server.api_key)
        s = Settings(_env_file=None, backend="local", output_dir=tmp_path / "out", poll_interval=0.02,
                     **settings)  # type: ignore[call-arg]
        return JobRunner(s)

    return factory


def creates(server: EmbeddedServer, prompt: str) -> int:
    """How many videos the server made for `prompt` (its list endpoint)."""
    import httpx

    headers = {"Authorization": f"Bearer {server.api_key}"}
    found, after = 0, None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"after": after} if after else {})}
        page = httpx.get(f"{server.base_url}/videos", params=params, headers=headers).json()
        found += sum(1 for v in page["data"] if v["prompt"] == prompt)
        if not page["has_more"]:
            return found
        after = page["last_id"]


def make_clip(path: Path, *, size: tuple[int, int] = (320, 180), frames: int = 24, fps: int = 24,
              color: tuple[int, int, int] | None = None, seed: int = 0) -> Path:
    """A small H.264 MP4: a solid colour, or a moving gradient that differs per `seed`."""
    import av
    import numpy as np

    width, height = size
    tb = Fraction(1, fps)
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = tb
        stream.options = {"preset": "ultrafast"}
        x = np.linspace(0, 255, width, dtype=np.float32)[None, :, None]
        for i in range(frames):
            if color is not None:
                rgb = np.empty((height, width, 3), np.uint8)
                rgb[:] = color
            else:
                base = (x + 10 * i + 60 * seed) % 256
                rgb = np.broadcast_to(base, (height, width, 3)).astype(np.uint8).copy()
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = i, tb
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def mad(a: Any, b: Any) -> float:
    """Mean absolute difference of two PIL images (0-255 per channel)."""
    import numpy as np

    return float(np.abs(np.asarray(a.convert("RGB"), np.int16) - np.asarray(b.convert("RGB"), np.int16)).mean())
