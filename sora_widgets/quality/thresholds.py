"""Every threshold the quality signals use, in one place, each with the reason for its value.

The numbers are in the units the analysis measures: luma levels (0-255, as decoded: video is
usually "limited range", where black is 16 and white 235), seconds, frames per second, or shares
of frames. They were checked against the embedded server's renders of every guide template (no
flags) and against clips made to fail (one flag each): see tests/quality/.

Nothing here imports numpy or PyAV.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Threshold:
    name: str
    value: float
    unit: str
    reason: str


_ALL = (
    # -- dead frames: black or blank -------------------------------------------------------
    Threshold("black_mean", 30.0, "luma levels",
              "a frame darker than this on average is black: limited-range black is 16, and encoder noise "
              "or a faint vignette adds a few levels; the darkest night scenes worth keeping sit above 30 "
              "once their sky, lights or subject are counted"),
    Threshold("black_spread", 8.0, "luma levels (std)",
              "…and only if it is also flat: a dark frame with stars, windows or a lit subject varies by more"),
    Threshold("blank_spread", 2.5, "luma levels (std)",
              "a frame of any colour that varies less than this is blank (a grey or white card, a stalled "
              "decoder); any real picture, even fog or a clear sky gradient, varies more"),
    Threshold("black_share", 0.10, "share of frames",
              "a fade from or to black of a few frames at either end is editing, not a defect; more than a "
              "tenth of the clip is lost footage"),
    # -- frozen -----------------------------------------------------------------------------
    Threshold("motion_step", 8.0, "luma levels",
              "a pixel counts as moved when it changes by more than this over half a second: coding noise of a "
              "still picture (a P-frame sharpening an I-frame) stays below it, edges of moving things go far above"),
    Threshold("frozen_motion", 0.1, "% of pixels moved (90th percentile over the clip)",
              "a still picture moves no pixel; the stillest normal render (a locked-off night shot whose only "
              "motion is a dark figure walking) moves 0.25%, a slow pan 1-2%, ordinary footage 5-50%"),
    # -- flicker ----------------------------------------------------------------------------
    Threshold("flicker_step", 3.0, "luma levels",
              "a brightness step this large between two frames is visible; camera moves and fades change the "
              "average brightness by well under a level per frame"),
    Threshold("flicker_rate", 1.5, "reversals per second",
              "a flash or a cut makes one up-and-down; flicker is sustained: the average brightness jumps up "
              "then down (or down then up) again and again"),
    Threshold("flicker_min", 3.0, "reversals",
              "at least three reversals, so a single flash in a short clip is not called flicker"),
    # -- asked versus measured --------------------------------------------------------------
    Threshold("duration_abs", 0.5, "seconds",
              "containers round to whole frames and some servers add or drop a frame or two; half a second "
              "is a length the user would notice"),
    Threshold("duration_rel", 0.10, "share of the asked length",
              "for long clips a tenth of the length, whichever tolerance is larger"),
    Threshold("size_rel", 0.02, "share of each side",
              "codecs pad to 16-pixel blocks (1080 -> 1088 is 0.7%), which no one sees; a different aspect "
              "ratio or resolution tier is at least several percent off"),
    Threshold("fps_rel", 0.02, "share of the asked rate",
              "NTSC rates (23.976 for 24) are 0.1% off and play the same; 25 for 24 (4%) changes motion"),
    Threshold("silence_db", -60.0, "dBFS (RMS over the clip)",
              "quieter than the noise floor of any real recording: a track of digital silence, not a quiet scene"),
    # -- across clips -----------------------------------------------------------------------
    Threshold("duplicate_distance", 0.10, "mean difference of normalised 16x9 luma grids (0-~1)",
              "a re-encode of one take measures under 0.05 and the same seed 0; other seeds of one guide "
              "prompt on the embedded server measure 0.19 or more. Flat scenes (fog, an overcast sky) can "
              "measure lower across seeds: they look alike, so calling them near-copies is fair"),
    Threshold("seam_ratio", 4.0, "x the largest cut inside either shot",
              "a continuous shot's frame-to-frame changes are its own yardstick: a jump several times larger "
              "than anything inside the shots on either side is a visible seam"),
    Threshold("seam_floor", 2.0, "luma levels per pixel",
              "a floor for that yardstick, so two nearly still shots joined by a tiny change are not a seam"),
)

THRESHOLDS: MappingProxyType[str, Threshold] = MappingProxyType({t.name: t for t in _ALL})


def value(name: str) -> float:
    return THRESHOLDS[name].value


#: the codes, with the one-line explanation shown on hover and in `%sora help`/`%sora check`
CODES: MappingProxyType[str, str] = MappingProxyType({
    "frozen": "almost no motion across the clip: a still image or a stalled generation",
    "black": "black or blank frames make up more than a tenth of the clip",
    "flicker": "the overall brightness jumps up and down from frame to frame",
    "duration": "the clip is longer or shorter than the seconds that were asked",
    "size": "the frame size differs from the size that was asked",
    "fps": "the frame rate differs from the rate that was asked",
    "audio": "audio was asked for, but the clip has no audio track or it is silent",
    "unplayable": "a browser will not play this file (codec, pixel format or a damaged file)",
    "duplicate": "near-copy of another clip in the set (its sampled frames hash almost the same)",
    "seam": "a jump where this shot meets the previous one, far larger than any cut inside them",
})

#: what a browser plays inline (Chrome, Firefox and Safari alike)
BROWSER_CODECS = frozenset({"h264", "vp8", "vp9", "av1"})
BROWSER_PIX_FMTS = frozenset({"yuv420p", "yuvj420p"})

#: frames kept for perceptual hashes, how wide the luma thumbnails are, the hash's grid
HASH_SAMPLES = 8
THUMB_WIDTH = 80
GRID = (16, 9)

#: bump when an analysis or a threshold changes, so stored signals are computed again
VERSION = 1


def explain(code: str) -> str:
    """The one-line explanation of a signal code."""
    return CODES.get(code, code)


def describe() -> str:
    """All thresholds as text, one per line (for help and the docs)."""
    return "\n".join(f"{t.name} = {t.value:g} {t.unit}: {t.reason}" for t in _ALL)
