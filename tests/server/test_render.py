"""The preview renderer: exact size and length, deterministic bytes, and it follows the prompt."""

from __future__ import annotations

import hashlib
import io
import tracemalloc

import numpy as np
import pytest
from PIL import Image

from sora_widgets.server.prompt_style import caption_for, style_for
from sora_widgets.server.render import RenderSpec, render, seed_for

from .helpers import frames_rgb, png, probe


def _render(tmp_path, name: str, **spec) -> bytes:
    settings = {"size": "320x180", "seconds": 1, "seed": 7} | spec
    return render(RenderSpec(**settings), tmp_path / name).video.read_bytes()


@pytest.mark.parametrize(("size", "seconds"), [("320x180", 1), ("180x320", 2), ("480x480", 1)])
def test_exact_size_and_length(tmp_path, size, seconds):
    meta = probe(_render(tmp_path, size, prompt="A dog running on a beach", size=size, seconds=seconds))
    width, height = (int(v) for v in size.split("x"))
    assert (meta["width"], meta["height"]) == (width, height)
    assert meta["frames"] == seconds * 24 and abs(meta["duration"] - seconds) <= 1 / 24
    assert (meta["codec"], meta["pix_fmt"], meta["fps"]) == ("h264", "yuv420p", 24.0)


def test_faststart_moov_before_mdat(tmp_path):
    data = _render(tmp_path, "fs", prompt="x")
    assert data.find(b"moov") < data.find(b"mdat")


def test_same_request_same_bytes(servers, client_for):
    api = client_for(servers.start())
    body = {"prompt": "A tram crossing a bridge at dusk, pan right", "model": "animatic", "size": "320x180",
            "seconds": "2"}
    from .helpers import wait_for

    ids = [api.post("/videos", json=body).json()["id"] for _ in range(2)]
    files = []
    for vid in ids:
        wait_for(api, vid)
        files.append(tuple(api.get(f"/videos/{vid}/content", params={"variant": v}).content
                           for v in ("video", "thumbnail", "spritesheet")))
    assert files[0] == files[1]
    other = api.post("/videos", json=body | {"prompt": body["prompt"] + "!"}).json()["id"]
    wait_for(api, other)
    assert api.get(f"/videos/{other}/content").content != files[0][0]  # the seed follows the request


def test_seed_comes_from_the_request_unless_given(tmp_path):
    assert seed_for("animatic", "a", "320x180", 1, "") == seed_for("animatic", "a", "320x180", 1, "")
    assert seed_for("animatic", "a", "320x180", 1, "") != seed_for("animatic", "b", "320x180", 1, "")
    a = _render(tmp_path, "a", prompt="A fox in a forest", seed=1)
    b = _render(tmp_path, "b", prompt="A fox in a forest", seed=2)
    assert hashlib.sha256(a).digest() != hashlib.sha256(b).digest()


def test_golden_hour_and_night_look_different(tmp_path):
    golden = frames_rgb(_render(tmp_path, "g", prompt="A quiet village street at golden hour"), (12,))[0]
    night = frames_rgb(_render(tmp_path, "n", prompt="A quiet village street at night, neon signs"), (12,))[0]
    g, n = golden.reshape(-1, 3).mean(axis=0), night.reshape(-1, 3).mean(axis=0)
    assert g.mean() > n.mean() + 60  # night is far darker
    assert g[0] > g[2] + 40  # golden hour is warm: red well above blue
    assert n[2] > n[1]  # night is blue/magenta rather than green


def test_camera_words_move_the_camera(tmp_path):
    def motion(prompt: str) -> tuple[float, float]:
        first, last = (f.astype(int) for f in frames_rgb(_render(tmp_path, prompt[:8], prompt=prompt), (0, -1)))
        return float(np.abs(first - last).mean()), float(np.abs(first[:, :-12] - last[:, 12:]).mean())

    static, _ = motion("A lighthouse on a cliff, static shot, locked-off tripod")
    pan, _ = motion("A lighthouse on a cliff, slow pan right")
    assert pan > static + 3
    assert style_for("slow pan left").direction == -1 and style_for("tilt up to the sky").direction == -1
    assert style_for("zoom out from the city").direction == -1 and style_for("dolly in").camera == "dolly"
    assert style_for("handheld, shaky").camera == "handheld" and style_for("drone shot").camera == "aerial"
    assert style_for("orbit around the statue").camera == "orbit"
    assert style_for("tracking shot of a runner").camera == "tracking"


def test_reference_image_is_frame_zero(tmp_path):
    ref = tmp_path / "ref.png"
    ref.write_bytes(png(320, 180, pattern=True))
    data = _render(tmp_path, "ref", prompt="The scene comes alive, zoom in", reference=str(ref))
    first, later = (f.astype(int) for f in frames_rgb(data, (0, -1)))
    expected = np.asarray(Image.open(ref).convert("RGB")).astype(int)
    assert np.abs(first - expected).mean() < 6
    assert np.abs(later - expected).mean() > 10  # and then the camera moves


def test_extension_continues_from_the_last_frame(tmp_path):
    source = tmp_path / "src" / "video.mp4"
    _render(tmp_path, "src", prompt="A red balloon rising over a field, tilt up", seconds=2)
    spec = RenderSpec(prompt="The balloon reaches the clouds at golden hour", size="320x180", seconds=1, seed=7,
                      source_video=str(source))
    data = render(spec, tmp_path / "ext").video.read_bytes()
    meta = probe(data)
    assert meta["frames"] == 72 and abs(meta["duration"] - 3.0) <= 1 / 24
    src_frames = frames_rgb(source.read_bytes())
    ext_frames = frames_rgb(data)
    # the first part is the source (re-encoded), the new part starts where it ended
    assert np.abs(ext_frames[10].astype(int) - src_frames[10].astype(int)).mean() < 4
    assert np.abs(ext_frames[48].astype(int) - src_frames[-1].astype(int)).mean() < 8


def test_thumbnail_and_spritesheet(tmp_path):
    result = render(RenderSpec(prompt="A kite", size="320x180", seconds=2, seed=1), tmp_path / "v")
    thumb = Image.open(result.thumbnail)
    sheet = Image.open(result.spritesheet)
    assert thumb.format == "WEBP" and thumb.size == (320, 180)
    assert sheet.format == "JPEG" and sheet.size == (160 * 5, 90 * 2)


def test_frames_are_streamed_not_collected(tmp_path):
    """Peak Python/numpy memory does not grow with the clip's length."""

    def peak(seconds: int) -> int:
        tracemalloc.start()
        render(RenderSpec(prompt="A river, pan left", size="320x180", seconds=seconds, seed=3), tmp_path / str(seconds))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    peak(1)  # warm caches (fonts, codecs)
    short, long = peak(2), peak(10)
    assert long < short * 1.3 + 256 * 1024, (short, long)


def test_caption_names_subject_and_action():
    assert caption_for("A calico cat playing a piano on stage, golden hour, slow pan left") == (
        "Calico cat playing a piano on stage"
    )
    assert caption_for("Neon city street at night, a robot walking in the rain") == "Robot walking"
    assert caption_for("Aerial drone shot of snowy mountains") == "Mountains"
    assert style_for("A red train crossing a bicycle bridge").palette.name == "day"  # not rain, not icy
    assert style_for("Golden hour on a harbor").palette.name == "golden"


def test_thumbnail_over_http_is_webp(server, client_for):
    from .helpers import create_done

    api = client_for(server)
    video = create_done(api)
    thumb = api.get(f"/videos/{video['id']}/content", params={"variant": "thumbnail"})
    assert thumb.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(thumb.content)).format == "WEBP"
    ranged = api.get(f"/videos/{video['id']}/content", headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and len(ranged.content) == 100  # browsers seek with ranges


def test_frames_drawn_ahead_keep_their_order_raise_errors_and_stop_when_left() -> None:
    import importlib
    import threading

    render_mod = importlib.import_module("sora_widgets.server.render")
    assert list(render_mod._prefetch(iter(range(50)))) == list(range(50))

    def broken():
        yield 1
        raise ValueError("bad frame")

    got = []
    with pytest.raises(ValueError, match="bad frame"):
        for frame in render_mod._prefetch(broken()):
            got.append(frame)
    assert got == [1]

    drawn = []

    def endless():
        n = 0
        while True:
            drawn.append(n)
            yield n
            n += 1

    frames = render_mod._prefetch(endless(), depth=2)
    assert next(frames) == 0
    frames.close()  # e.g. a cancelled render: the drawing thread ends, it does not run on
    assert not any(t.name == "sora-render-frames" for t in threading.enumerate())
    assert len(drawn) <= 5


def test_a_sprite_cut_to_its_visible_box_blends_to_the_same_bytes() -> None:
    from sora_widgets.server import yuv

    rgba = np.zeros((40, 64, 4), np.uint8)
    rgba[9:27, 13:40] = (200, 30, 90, 255)  # odd edges: the cut rounds them outwards to even ones
    rgba[12:20, 20:30, 3] = 128
    sprite = yuv.rgba_to_planes(Image.fromarray(rgba, "RGBA"))
    cut, dx, dy = yuv.crop_to_alpha(sprite)
    assert (dx, dy) == (12, 8) and cut.size == (28, 20)
    rng = np.random.default_rng(1)
    base = tuple(rng.integers(0, 256, shape, dtype=np.uint8) for shape in ((60, 100), (30, 50), (30, 50)))
    whole, part = tuple(p.copy() for p in base), tuple(p.copy() for p in base)
    for opacity in (1.0, 0.4):
        yuv.blend(whole, sprite, 20, 10, opacity=opacity)
        yuv.blend(part, cut, 20 + dx, 10 + dy, opacity=opacity)
        assert all((a == b).all() for a, b in zip(whole, part, strict=True))


def test_the_last_frame_carries_no_caption(tmp_path):
    """Issue 17: chained shots stacked captions, because each took the captioned last frame."""
    ref = tmp_path / "grey.png"
    Image.new("RGB", (320, 180), (120, 120, 120)).save(ref)
    data = _render(tmp_path, "cap", prompt="A grey wall, static camera", reference=str(ref), seconds=2)
    first, middle, last = frames_rgb(data, (0, 24, -1))
    assert float(middle.std()) > 4  # the caption is there in the middle of the clip...
    assert float(first.std()) < 3 and float(last.std()) < 3  # ...but not on the first or the last frame
