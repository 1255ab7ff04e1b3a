"""The offline preview renderer: a deterministic H.264 MP4 "animatic" that follows the prompt.

How it stays fast and flat in memory:
- the scene is drawn once into a canvas 1.4x the frame (`scene.py`), converted to YUV 4:2:0 once;
- each frame is a crop of that canvas (a memcpy for pans; swscale bilinear for zooms), with the
  hero sprite and the caption alpha-blended into small regions, handed straight to libx264
  (preset ultrafast) and dropped: frames are streamed, never collected;
- the thumbnail (WebP) and spritesheet (JPEG grid) come from a few frames captured on the way.

Same `RenderSpec` -> same bytes (the seed comes from a hash of the request unless given; x264
runs with a fixed thread count). av, numpy and Pillow are imported inside functions.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..media import probe
from ..models import parse_size
from . import camera as cam
from .defects import apply as apply_defects
from .defects import defects_in, frame_count, strip_markers
from .prompt_style import style_for

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

    from .yuv import Planes

FPS = 24
#: x264 settings; a fixed thread count keeps the bytes identical on every machine
X264_OPTIONS = {"preset": "ultrafast", "threads": "2"}
#: frames drawn ahead of the encoder (see `_prefetch`)
PREFETCH = 3
SPRITE_TILES = 10
SPRITE_COLUMNS = 5
SPRITE_TILE_WIDTH = 160
THUMBNAIL_MAX = 640
VIDEO_FILE, THUMBNAIL_FILE, SPRITESHEET_FILE = "video.mp4", "thumbnail.webp", "spritesheet.jpg"


class RenderCancelled(Exception):
    pass


@dataclass(frozen=True)
class RenderSpec:
    """Everything that determines the output bytes. Stored with the job, so a restarted server can
    render an unfinished job again and get the same file.

    - `seconds`: length of the newly rendered part (for an extension: the extension only).
    - `reference`: an image file shown as frame 0 (its pixel size must be `size`).
    - `reference_video`: a video whose first frame is the reference (edits of uploaded videos).
    - `source_video`: a video whose frames come first; the new part continues from its last frame.
    - `seed`: drives the procedural scene and the handheld shake.
    """

    prompt: str
    size: str
    seconds: int
    seed: int
    model: str = "sora-2"
    reference: str | None = None
    reference_video: str | None = None
    source_video: str | None = None
    #: use only the first N frames of `source_video` (uploads are cut to whole seconds)
    source_frames: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RenderSpec:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class RenderResult:
    video: Path
    thumbnail: Path
    spritesheet: Path
    frames: int
    extras: dict[str, Any] = field(default_factory=dict)


def seed_for(*parts: object) -> int:
    """A 32-bit seed from a hash of the request's parts (model, prompt, size, seconds, reference)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:4], "big")


class _Captures:
    """Keeps the few frames the thumbnail and the spritesheet need (bounded memory)."""

    def __init__(self, total: int, width: int, height: int) -> None:
        self.thumb_index = total // 2
        n = min(SPRITE_TILES, total)
        self.tile_indices = {round(k * (total - 1) / max(n - 1, 1)) for k in range(n)}
        scale = min(1.0, THUMBNAIL_MAX / max(width, height))
        self.thumb_size = (max(2, round(width * scale)), max(2, round(height * scale)))
        self.tile_size = (SPRITE_TILE_WIDTH, max(2, round(SPRITE_TILE_WIDTH * height / width)))
        self.thumbnail: Image.Image | None = None
        self.tiles: list[Image.Image] = []

    def offer(self, index: int, frame: Any) -> None:
        if index == self.thumb_index:
            self.thumbnail = frame.reformat(*self.thumb_size, format="rgb24", interpolation="AREA").to_image()
        if index in self.tile_indices:
            self.tiles.append(frame.reformat(*self.tile_size, format="rgb24", interpolation="AREA").to_image())

    def write(self, out_dir: Path) -> tuple[Path, Path]:
        from PIL import Image

        assert self.thumbnail is not None and self.tiles
        thumb = out_dir / THUMBNAIL_FILE
        _atomic_save(thumb, lambda p: self.thumbnail.save(p, format="WEBP", quality=80, method=2))  # type: ignore[union-attr]
        tw, th = self.tile_size
        cols = min(SPRITE_COLUMNS, len(self.tiles))
        rows = (len(self.tiles) + cols - 1) // cols
        sheet = Image.new("RGB", (tw * cols, th * rows))
        for k, tile in enumerate(self.tiles):
            sheet.paste(tile, ((k % cols) * tw, (k // cols) * th))
        sprite = out_dir / SPRITESHEET_FILE
        _atomic_save(sprite, lambda p: sheet.save(p, format="JPEG", quality=82))
        return thumb, sprite


def _atomic_save(path: Path, save: Callable[[Path], None]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    try:
        save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


class _Encoder:
    """An MP4 file with one H.264 stream; `add` encodes a yuv420p frame with the next timestamp."""

    def __init__(self, path: Path, width: int, height: int) -> None:
        import av

        self.container = av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"})
        stream = self.container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.time_base = Fraction(1, FPS)
        stream.options = dict(X264_OPTIONS)
        self.stream = stream
        self.count = 0

    def add(self, frame: Any) -> None:
        frame.pts = self.count
        frame.time_base = Fraction(1, FPS)
        self.count += 1
        for packet in self.stream.encode(frame):
            self.container.mux(packet)

    def close(self) -> None:
        for packet in self.stream.encode(None):
            self.container.mux(packet)
        self.container.close()

    def abort(self) -> None:
        try:
            self.container.close()
        except Exception:  # the partial file is deleted anyway
            pass


def render(
    spec: RenderSpec,
    out_dir: Path,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[float], None] | None = None,
) -> RenderResult:
    """Render `spec` into `out_dir` (video.mp4, thumbnail.webp, spritesheet.jpg), atomically."""
    width, height = parse_size(spec.size)
    out_dir.mkdir(parents=True, exist_ok=True)
    source_frames = probe(spec.source_video).frames if spec.source_video else 0
    if spec.source_frames is not None:
        source_frames = min(source_frames, spec.source_frames)
    defects = defects_in(spec.prompt)
    new_frames = frame_count(spec.seconds * FPS, defects, FPS)
    total = source_frames + new_frames
    captures = _Captures(total, width, height)
    video = out_dir / VIDEO_FILE
    part = out_dir / f".{VIDEO_FILE}.{os.getpid()}.{threading.get_ident()}.part.mp4"
    encoder = _Encoder(part, width, height)
    try:
        last_rgb = None
        for frame in _source_frames(spec, width, height):
            _check(cancel)
            captures.offer(encoder.count, frame)
            encoder.add(frame)
            last_rgb = frame
            _report(progress, encoder.count, total)
        if last_rgb is not None:
            reference = last_rgb.to_ndarray(format="rgb24")
        else:
            reference = _load_reference(spec, width, height)
        skip_first = 1 if source_frames else 0  # an extension's first frame would repeat the source's last
        drawn = apply_defects(_new_frames(spec, width, height, new_frames, reference, skip_first), defects,
                              new_frames)
        for frame in _prefetch(_offered(drawn, captures, encoder.count)):
            _check(cancel)
            encoder.add(frame)
            _report(progress, encoder.count, total)
        encoder.close()
        os.replace(part, video)
    except BaseException:
        encoder.abort()
        raise
    finally:
        part.unlink(missing_ok=True)
    thumb, sprite = captures.write(out_dir)
    return RenderResult(video=video, thumbnail=thumb, spritesheet=sprite, frames=total)


def _offered(frames: Iterator[Any], captures: _Captures, start: int) -> Iterator[Any]:
    """`frames`, each offered to `captures` first (numbered from `start`): in the drawing thread, so
    scaling the thumbnail and the spritesheet tiles overlaps encoding too."""
    for index, frame in enumerate(frames, start):
        captures.offer(index, frame)
        yield frame


class _Producer(threading.Thread):
    """Runs a frame generator in its own thread, a few frames ahead of the encoder."""

    def __init__(self, frames: Iterator[Any], depth: int) -> None:
        super().__init__(name="sora-render-frames", daemon=True)
        self.frames = frames
        self.queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            for frame in self.frames:
                if not self._put(("frame", frame)):
                    return
            self._put(("end", None))
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(("error", exc))

    def _put(self, item: tuple[str, Any]) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False


def _prefetch(frames: Iterator[Any], depth: int = PREFETCH) -> Iterator[Any]:
    """Yield `frames` while the next ones are drawn in another thread.

    libx264 (preset ultrafast) keeps about one core busy, and most of the drawing (numpy copies and
    blends, swscale) releases the GIL, so on two or more cores drawing frame n+1 overlaps encoding
    frame n and the render costs about what encoding alone does. The order, and so the bytes, do not
    change; at most `depth` frames wait in the queue (memory stays flat); an error while drawing is
    raised here; leaving early (cancel, an encoder error) stops the thread."""
    producer = _Producer(frames, depth)
    producer.start()
    try:
        while True:
            kind, value = producer.queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        producer.stop.set()
        producer.join()


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise RenderCancelled


def _report(progress: Callable[[float], None] | None, done: int, total: int) -> None:
    if progress is not None and (done % 8 == 0 or done == total):
        progress(done / max(total, 1))


def _source_frames(spec: RenderSpec, width: int, height: int) -> Iterator[Any]:
    """The source video's frames (extensions), decoded one at a time and fitted to the size."""
    if not spec.source_video:
        return
    import av

    limit = spec.source_frames
    with av.open(spec.source_video) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if limit is not None and index >= limit:
                break
            if frame.width != width or frame.height != height or frame.format.name != "yuv420p":
                frame = frame.reformat(width, height, format="yuv420p", interpolation="BILINEAR")
            # Let the encoder choose frame types; a decoded keyframe flag would force one.
            frame.pict_type = av.video.frame.PictureType.NONE
            yield frame


def _load_reference(spec: RenderSpec, width: int, height: int) -> np.ndarray | None:
    import numpy as np
    from PIL import Image, ImageOps

    if spec.reference:
        with Image.open(spec.reference) as img:
            rgb = img.convert("RGB")
    elif spec.reference_video:
        import av

        with av.open(spec.reference_video) as container:
            rgb = next(container.decode(video=0)).to_image()
    else:
        return None
    if rgb.size != (width, height):
        rgb = ImageOps.fit(rgb, (width, height), method=Image.Resampling.BILINEAR)
    return np.asarray(rgb)


def caption_opacity(i: int, count: int) -> float:
    """The caption fades in after frame 0 (which shows the scene or the reference untouched) and out
    before the last frame, so a last frame used as the next shot's reference carries no caption
    (chained shots would otherwise stack one caption on another)."""
    since, until = i / FPS, (count - 1 - i) / FPS
    return max(0.0, min((since - 0.25) / 0.5, (until - 0.05) / 0.4, 1.0))


def _canvas(spec: RenderSpec, width: int, height: int, reference: np.ndarray | None) -> np.ndarray:
    """The artwork the camera moves over: the reference reflected outwards, or a drawn scene."""
    import numpy as np

    from .scene import draw_scene

    if reference is None:
        cw, ch = cam.canvas_size(width, height)
        return draw_scene(style_for(strip_markers(spec.prompt)), spec.seed, cw, ch)
    mx, my = cam.margins(width, height)
    mode = "reflect" if mx < width and my < height else "edge"
    padded: np.ndarray = np.pad(reference, ((my, my), (mx, mx), (0, 0)), mode=mode)  # type: ignore[call-overload]
    return padded


def _new_frames(
    spec: RenderSpec, width: int, height: int, count: int, reference: np.ndarray | None, skip: int
) -> Generator[Any, None, None]:
    """Frames of the newly rendered part, one at a time."""
    import av

    from . import yuv
    from .scene import draw_caption, draw_hero

    style = style_for(strip_markers(spec.prompt))
    canvas = yuv.rgb_to_planes(_canvas(spec, width, height, reference))
    canvas_w, canvas_h = canvas.size
    camera = cam.Camera(style.camera, style.direction, spec.seed, (width, height), (canvas_w, canvas_h), count + skip)
    hero = None if reference is not None else _hero(style, height, draw_hero)
    full_caption = yuv.rgba_to_planes(draw_caption(style.caption, width, height))
    caption, caption_x, caption_dy = yuv.crop_to_alpha(full_caption)  # the same bytes, far fewer pixels
    caption_y = height - full_caption.size[1] - cam._even(height * 0.04) + caption_dy
    for i in range(skip, count + skip):
        x, y, cw, ch = camera.rect(i)
        if (cw, ch) == (width, height):
            frame = av.VideoFrame(width, height, "yuv420p")
            planes = yuv.frame_views(frame)
            yuv.copy_crop(planes, canvas, x, y)
            if hero is not None:
                yuv.blend(planes, hero, *_hero_at(style, i, count + skip, camera, hero, x, y))
        else:
            crop = av.VideoFrame(cw, ch, "yuv420p")
            crop_planes = yuv.frame_views(crop)
            yuv.copy_crop(crop_planes, canvas, x, y)
            if hero is not None:
                yuv.blend(crop_planes, hero, *_hero_at(style, i, count + skip, camera, hero, x, y))
            frame = crop.reformat(width, height, interpolation="BILINEAR")
            planes = yuv.frame_views(frame)
        yuv.blend(planes, caption, caption_x, caption_y, opacity=caption_opacity(i - skip, count))
        yield frame


def _hero(style: Any, height: int, draw_hero: Callable[[Any, int], Image.Image]) -> Planes:
    from PIL import Image

    from . import yuv

    img = draw_hero(style, cam._even(height * 0.3))
    if style.hero_speed < 0:
        img = img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return yuv.rgba_to_planes(img)


def _hero_at(style: Any, i: int, n: int, camera: cam.Camera, hero: Planes, x: int, y: int) -> tuple[int, int]:
    """The hero's top-left in the crop's coordinates: it stands on the ground below the centre,
    walks/flies with its action and, on a tracking shot, keeps pace with the camera."""
    import math

    u = i / max(n - 1, 1)
    size = hero.size[0]
    if style.camera == "tracking":
        dx = camera.offsets(i)[0]
    else:
        dx = style.hero_speed * camera.frame_w * u - math.copysign(0.25, style.hero_speed or 1) * camera.frame_w * (
            1 if style.hero_speed else 0
        )
    bob = abs(math.sin(math.tau * 1.5 * i / FPS)) * style.hero_bob * camera.frame_h
    cx = camera.canvas_w / 2 + dx - size / 2
    top = camera.canvas_h / 2 + camera.frame_h * 0.3 - size - bob
    return int(cx - x) // 2 * 2, int(top - y) // 2 * 2
