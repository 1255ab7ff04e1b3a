"""Quality signals: flag frozen, black, flickering, wrong-length and near-duplicate clips offline,
before a person watches them.

    from sora_widgets import signals
    s = signals("clip.mp4", seconds=4, size="1280x720")   # or signals(result): the request says what was asked
    s.flags      # {"frozen"}           s.metrics   # {"motion": 0.01, "duration": 4.0, ...}
    signals.batch(takes)                 # + "duplicate" where two takes are near-copies
    signals.seams(shots)                 # the cut at every boundary of a storyboard's shots

Codes and the one-line explanation of each: `CODES`. Every threshold, with the reason for its
value: `THRESHOLDS` (thresholds.py). PyAV and numpy only, imported when a clip is analysed.
"""

from __future__ import annotations

from .api import SignalsFunction, cached, signals
from .result import Seam, Signals, badges_html, evaluate, sorted_codes
from .thresholds import CODES, THRESHOLDS, VERSION, explain

__all__ = ["CODES", "THRESHOLDS", "VERSION", "Seam", "Signals", "SignalsFunction", "badges_html", "cached", "evaluate",
           "explain", "signals", "sorted_codes"]
