"""Stitch shots into one MP4 with PyAV (imported when first used).

Two paths:

- **stream copy** when every clip has the same encoding parameters (codec, size, pixel format,
  time base and codec configuration, i.e. the SPS/PPS in `extradata`) and no crossfade is asked
  for: packets are copied with their timestamps shifted, so nothing is decoded or re-encoded and
  the quality is untouched. Shots from one model at one size on one backend match.
- **re-encode** otherwise: every clip is decoded, fitted to the first clip's size (`fit`), retimed
  to its frame rate, and encoded once (H.264, yuv420p). A crossfade of N frames blends the last N
  frames of each clip with the first N of the next, so the result is `N * (clips - 1)` frames
  shorter than the sum of the clips.

The output is written to a temporary file beside the target and renamed into place, so a failed
stitch never leaves half a video under the final name. Audio is not carried over.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import InvalidRequestError
from ..models import Fit

if TYPE_CHECKING:
    import numpy as np

Mode = Literal["copy", "reencode"]


@dataclass(frozen=True)
class ClipInfo:
    """What decides whether clips can be joined by stream copy."""

    path: Path
    codec: str
    width: int
    height: int
    pix_fmt: str
    time_base: Fraction
    fps: Fraction
    frames: int
    extradata: bytes

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @property
    def duration(self) -> float:
        return float(self.frames / self.fps) if self.fps else 0.0


@dataclass(frozen=True)
class StitchResult:
    path: Path
    mode: Mode
    #: why the clips were re-encoded ("" for a stream copy)
    reason: str
    frames: int
    fps: Fraction
    size: tuple[int, int]
    crossfade: int
    inputs: tuple[Path, ...]

    @property
    def duration(self) -> float:
        return float(self.frames / self.fps)

    def summary(self) -> dict[str, Any]:
        return {"path": str(self.path), "mode": self.mode, "reason": self.reason, "frames": self.frames,
                "fps": str(self.fps), "duration": round(self.duration, 4), "size": f"{self.size[0]}x{self.size[1]}",
                "crossfade": self.crossfade, "inputs": [str(p) for p in self.inputs]}

    def __str__(self) -> str:
        how = "stream copy" if self.mode == "copy" else f"re-encoded ({self.reason})"
        return f"{self.path.name}: {len(self.inputs)} clips, {self.duration:.2f}s, {self.size[0]}x{self.size[1]}, {how}"


def clip_info(path: str | Path) -> ClipInfo:
    import av

    with av.open(str(path)) as container:
        if not container.streams.video:
            raise InvalidRequestError(f"{path} has no video stream")
        stream = container.streams.video[0]
        frames = sum(1 for p in container.demux(stream) if p.size)
        ctx = stream.codec_context
        rate = stream.average_rate or stream.guessed_rate or Fraction(24)
        return ClipInfo(path=Path(path), codec=ctx.name, width=ctx.width, height=ctx.height,
                        pix_fmt=str(ctx.pix_fmt), time_base=Fraction(stream.time_base or Fraction(1, 90000)),
                        fps=Fraction(rate), frames=frames, extradata=bytes(ctx.extradata or b""))


def copy_blocker(clips: Sequence[ClipInfo]) -> str:
    """Why these clips cannot be joined by stream copy ("" when they can)."""
    first = clips[0]
    checks = (("codecs", lambda c: c.codec), ("sizes", lambda c: f"{c.width}x{c.height}"),
              ("pixel formats", lambda c: c.pix_fmt), ("time bases", lambda c: str(c.time_base)),
              ("frame rates", lambda c: str(c.fps)))
    for what, key in checks:
        values = [key(c) for c in clips]
        if len(set(values)) > 1:
            return f"{what} differ ({', '.join(dict.fromkeys(values))})"
    if any(c.extradata != first.extradata for c in clips):
        return "codec configurations (SPS/PPS) differ"
    return ""


def expected_frames(frames: Sequence[int], crossfade: int = 0) -> int:
    """Frames of the stitched video: every clip's frames, minus the overlap of each crossfade."""
    return sum(frames) - crossfade * max(0, len(frames) - 1)


def stitch(paths: Sequence[str | Path], output: str | Path, *, crossfade: int = 0, fit: Fit = "cover",
           reencode: bool = False, crf: int = 18) -> StitchResult:
    """Join `paths` into `output` (see the module docstring); returns what was done."""
    if not paths:
        raise InvalidRequestError("nothing to stitch", hint="give at least one video")
    if crossfade < 0:
        raise InvalidRequestError(f"crossfade must be 0 or more frames, got {crossfade}", param="crossfade")
    clips = [clip_info(p) for p in paths]
    _check_crossfade(clips, crossfade)
    blocker = copy_blocker(clips)
    reason = "a crossfade needs new frames" if crossfade else ("asked for" if reencode else blocker)
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.partial{out.suffix or '.mp4'}")
    try:
        if reason:
            frames = _reencode(clips, tmp, crossfade=crossfade, fit=fit, crf=crf)
            mode: Mode = "reencode"
        else:
            frames = _copy(clips, tmp)
            mode = "copy"
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return StitchResult(path=out, mode=mode, reason=reason, frames=frames, fps=clips[0].fps, size=clips[0].size,
                        crossfade=crossfade, inputs=tuple(c.path for c in clips))


def _check_crossfade(clips: Sequence[ClipInfo], n: int) -> None:
    if not n:
        return
    for i, clip in enumerate(clips):
        frames = round(clip.frames * clips[0].fps / clip.fps)
        need = n * (2 if 0 < i < len(clips) - 1 else 1) if len(clips) > 1 else 0
        if frames < need:
            raise InvalidRequestError(
                f"a {n}-frame crossfade needs {need} frames of {clip.path.name}, which has {frames}",
                param="crossfade", hint="use a shorter crossfade")


# -- stream copy --------------------------------------------------------------------------------
def _copy(clips: Sequence[ClipInfo], target: Path) -> int:
    import av

    written = 0
    with av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        ostream: Any = None
        offset = 0  # where the next clip starts, in the (shared) input time base
        last_dts: int | None = None
        for clip in clips:
            with av.open(str(clip.path)) as inp:
                stream = inp.streams.video[0]
                if ostream is None:
                    ostream = out.add_stream_from_template(stream)
                    ostream.time_base = stream.time_base
                start = stream.start_time or 0
                shift: int | None = None
                end = offset
                for packet in inp.demux(stream):
                    if packet.dts is None or packet.pts is None:
                        continue  # the demuxer's flush packet
                    if shift is None:
                        shift = offset - start
                        if last_dts is not None and packet.dts + shift <= last_dts:
                            shift = last_dts + 1 - packet.dts  # keep dts strictly increasing
                    packet.pts += shift
                    packet.dts += shift
                    last_dts = packet.dts
                    end = max(end, packet.pts + (packet.duration or 0))
                    packet.stream = ostream
                    out.mux(packet)
                    written += 1 if packet.size else 0
                offset = end
    return written


# -- re-encode ----------------------------------------------------------------------------------
def _encoder() -> tuple[str, dict[str, str]]:
    import av

    if "libx264" in av.codecs_available:
        return "libx264", {"preset": "veryfast"}
    return "mpeg4", {}


def _decoded(clip: ClipInfo, size: tuple[int, int], fps: Fraction, fit: Fit) -> Iterator[np.ndarray]:
    """RGB frames of `clip`, fitted to `size` and retimed to `fps` (nearest earlier frame)."""
    import av

    from ..media import fit_image

    ratio = clip.fps / fps  # source frames per output frame
    k = 0
    with av.open(str(clip.path)) as container:
        for j, frame in enumerate(container.decode(video=0)):
            if (frame.width, frame.height) != size:
                import numpy as np

                rgb = np.asarray(fit_image(frame.to_image(), size, fit))
            else:
                rgb = frame.to_ndarray(format="rgb24")
            while int(k * ratio) == j:
                yield rgb
                k += 1


def _blend(a: np.ndarray, b: np.ndarray, alpha: float) -> np.ndarray:
    import numpy as np

    mixed = a.astype(np.float32) * (1.0 - alpha) + b.astype(np.float32) * alpha
    return np.clip(mixed + 0.5, 0, 255).astype(np.uint8)


def _stream_frames(clips: Sequence[ClipInfo], crossfade: int, fit: Fit) -> Iterator[np.ndarray]:
    """Every output frame in order, with the crossfades blended in (holds back N frames at most)."""
    size, fps = clips[0].size, clips[0].fps
    tail: list[np.ndarray] = []
    for clip in clips:
        frames = _decoded(clip, size, fps, fit)
        for j, held in enumerate(tail):
            yield _blend(held, next(frames), (j + 1) / (len(tail) + 1))
        buffer: deque[np.ndarray] = deque()
        for rgb in frames:
            buffer.append(rgb)
            if len(buffer) > crossfade:
                yield buffer.popleft()
        tail = list(buffer)
    yield from tail


def _reencode(clips: Sequence[ClipInfo], target: Path, *, crossfade: int, fit: Fit, crf: int) -> int:
    import av

    (width, height), fps = clips[0].size, clips[0].fps
    codec, options = _encoder()
    if codec == "libx264":
        options["crf"] = str(crf)
    written = 0
    with av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream = out.add_stream(codec, rate=fps, options=options)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        # Keep our own copy: the muxer replaces the stream's time base once the header is written.
        time_base = 1 / fps
        stream.time_base = time_base
        for i, rgb in enumerate(_stream_frames(clips, crossfade, fit)):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
            frame.pts = i
            frame.time_base = time_base
            out.mux(stream.encode(frame))
            written += 1
        out.mux(stream.encode(None))
    return written
