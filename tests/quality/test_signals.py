"""Each made-to-fail clip gets exactly its code; normal footage gets none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sora_widgets
from sora_widgets.models import Video, VideoRequest
from sora_widgets.quality import CODES, THRESHOLDS, Signals, signals
from sora_widgets.results import GenerationResult

from . import clips


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


def test_normal_footage_has_no_signals(folder: Path) -> None:
    s = signals(clips.write(folder / "ok.mp4", clips.moving(), 2), seconds=2, size="320x180", fps=24)
    assert s.flags == frozenset(), s.reasons()
    assert s.metrics["duration"] == pytest.approx(2.0) and s.metrics["width"] == 320


@pytest.mark.parametrize(("name", "frame", "code"), [
    ("frozen", clips.still(), "frozen"),
    ("black", clips.black(), "black"),
    ("flicker", clips.flickering(), "flicker"),
])
def test_a_defective_clip_gets_exactly_its_code(folder: Path, name: str, frame: clips.Frame, code: str) -> None:
    s = signals(clips.write(folder / f"{name}.mp4", frame, 2), seconds=2, size="320x180")
    assert s.flags == {code}, s.reasons()


@pytest.mark.parametrize(("name", "frame", "code"), [
    ("normal", clips.moving(5), None),
    ("frozen", clips.still(5), "frozen"),
    ("flicker", clips.flickering(5), "flicker"),
])
def test_long_clips_skip_frames_outside_the_windows_and_still_find_everything(
        folder: Path, name: str, frame: clips.Frame, code: str | None) -> None:
    # 8 s with x264's default B-frames: most B-frames are skipped outside three half-second windows
    s = signals(clips.write(folder / f"long_{name}.mp4", frame, 8), seconds=8)
    assert s.flags == ({code} if code else set()), s.reasons()
    assert s.metrics["frames"] == 192 and s.metrics["duration"] == 8.0
    if name != "frozen":  # a still picture is coded without B-frames worth skipping
        assert s.metrics["decoded"] < 170


def test_black_second_half_of_a_long_clip(folder: Path) -> None:
    moving = clips.moving(6)
    black = clips.black()
    s = signals(clips.write(folder / "long_black.mp4", lambda i: moving(i) if i < 96 else black(i), 8))
    assert s.flags == {"black"} and 0.4 < s.metrics["black_share"] < 0.7


def test_a_two_second_clip_asked_as_four_is_duration(folder: Path) -> None:
    path = clips.write(folder / "short.mp4", clips.moving(), 2)
    assert signals(path, seconds=4).flags == {"duration"}
    assert signals(path, seconds=2).flags == frozenset()
    # the tolerance is half a second (or a tenth): one frame more or less is not a finding
    assert signals(path, seconds=2.04).flags == frozenset()


def test_missing_or_silent_audio_is_audio(folder: Path) -> None:
    mute = clips.write(folder / "mute.mp4", clips.moving(), 2)
    assert signals(mute, audio=True).flags == {"audio"}
    assert signals(mute).flags == frozenset()  # not asked: not judged
    silent = clips.write(folder / "silent.mp4", clips.moving(), 2, tone=0.0)
    assert signals(silent, audio=True).flags == {"audio"}
    loud = clips.write(folder / "tone.mp4", clips.moving(), 2, tone=0.3)
    s = signals(loud, audio=True)
    assert s.flags == frozenset(), s.reasons()
    assert s.metrics["audio"] is True and s.metrics["audio_rms_db"] > -20


def test_size_and_frame_rate_other_than_asked(folder: Path) -> None:
    path = clips.write(folder / "fps25.mp4", clips.moving(), 2, fps=25)
    assert signals(path, size="640x360", fps=24).flags == {"size", "fps"}
    assert signals(path, size="320x180", fps=25).flags == frozenset()
    # within 2% (as NTSC 23.976 is of 24) is the same rate
    assert signals(path, fps=24.8).flags == frozenset()


def test_codec_or_pixel_format_a_browser_will_not_play(folder: Path) -> None:
    path = clips.write(folder / "yuv444.mp4", clips.moving(), 1, pix_fmt="yuv444p")
    assert signals(path).flags == {"unplayable"}
    broken = folder / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200)
    s = signals(broken)
    assert s.flags == {"unplayable"} and "error" in s.metrics


def test_a_missing_file_is_a_clear_error(folder: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no video file"):
        signals(folder / "nope.mp4")
    with pytest.raises(TypeError, match="video path or a generation result"):
        signals(42)
    with pytest.raises(TypeError, match=r"signals\.batch\(clips\)"):
        signals([folder / "a.mp4", folder / "b.mp4"])


def test_a_generation_result_supplies_what_was_asked(folder: Path) -> None:
    path = clips.write(folder / "asked.mp4", clips.moving(1), 2)
    request = VideoRequest(prompt="a pan", seconds=4, size="320x180", audio=True)
    result = GenerationResult(request=request, video=Video(id="video_abc", status="completed"), path=path)
    s = signals(result)
    assert s.flags == {"duration", "audio"}
    assert s.label == "video_abc" and s.asked == {"seconds": 4, "size": "320x180", "audio": True}
    assert signals(result, seconds=2, audio=False).flags == frozenset()  # keywords override the request


def test_batch_marks_near_copies_as_duplicates(folder: Path) -> None:
    a = clips.write(folder / "take_a.mp4", clips.moving(7), 2)
    copy = folder / "take_a_copy.mp4"
    shutil.copyfile(a, copy)
    b = clips.write(folder / "take_b.mp4", clips.moving(8), 2)
    results = signals.batch([a, copy, b])
    assert [r.flags for r in results] == [{"duplicate"}, {"duplicate"}, frozenset()]
    assert results[0].metrics["duplicate_of"] == ["take_a_copy.mp4"]


def test_seams_between_shots(folder: Path) -> None:
    first = clips.write(folder / "shot1.mp4", clips.moving(3), 1)
    # the next shot continues the pan where the first ended: no seam
    cont = clips.moving(3)
    after = clips.write(folder / "shot2.mp4", lambda i: cont(i + 23), 1)
    jump = clips.write(folder / "shot3.mp4", clips.moving(9), 1)
    seams = signals.seams([first, after, jump])
    assert [s.flagged for s in seams] == [False, True], [str(s) for s in seams]
    assert seams[1].index == 2 and "seam" in str(seams[1])


def test_text_and_html(folder: Path) -> None:
    s = signals(clips.write(folder / "t.mp4", clips.still(2), 1), seconds=4)
    assert str(s) == "t.mp4: frozen, duration (1 s, 320x180, 24 fps)"
    assert "\n" not in str(s)
    bundle = s._repr_mimebundle_()
    assert bundle["text/plain"] == str(s)
    assert 'title="frozen: almost no motion' in bundle["text/html"]
    assert len(bundle["text/html"]) < 4000
    assert Signals.from_json(s.to_json()) == s


def test_every_code_is_explained_and_every_threshold_has_a_reason() -> None:
    assert set(CODES) == {"frozen", "black", "flicker", "duration", "size", "fps", "audio", "unplayable",
                          "duplicate", "seam"}
    assert all(len(t.reason) > 30 and t.unit for t in THRESHOLDS.values())
    assert sora_widgets.signals is signals and sora_widgets.Signals is Signals
