"""`Signals` (what one clip raised, and the numbers behind it), `Seam`, and the rules that turn
measurements into codes. Plain data; no numpy or PyAV here."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field, replace
from typing import Any

from .analyse import browser_playable
from .thresholds import CODES, VERSION, explain
from .thresholds import value as T

#: the order codes are shown in (the table's order)
ORDER = {code: i for i, code in enumerate(CODES)}
#: metrics not shown in text or HTML (still stored)
_HIDDEN = frozenset({"phash", "version"})


def evaluate(metrics: dict[str, Any], asked: dict[str, Any]) -> frozenset[str]:
    """The codes a clip's measurements raise, given what was asked (see thresholds.py)."""
    if metrics.get("error"):
        return frozenset({"unplayable"})
    flags = set()
    if not browser_playable(metrics):
        flags.add("unplayable")
    if metrics.get("black_share", 0.0) > T("black_share"):
        flags.add("black")
    motion = metrics.get("motion")
    if motion is not None and motion < T("frozen_motion"):
        flags.add("frozen")
    reversals, rate = metrics.get("flicker_reversals", 0), metrics.get("flicker_rate", 0.0)
    if reversals >= T("flicker_min") and rate >= T("flicker_rate"):
        flags.add("flicker")
    seconds = asked.get("seconds")
    if seconds and abs(metrics.get("duration", 0.0) - seconds) > max(T("duration_abs"), T("duration_rel") * seconds):
        flags.add("duration")
    size = asked.get("size")
    if size and _size_off(str(size), metrics):
        flags.add("size")
    fps = asked.get("fps")
    if fps and abs(metrics.get("fps", 0.0) - fps) > T("fps_rel") * fps:
        flags.add("fps")
    if asked.get("audio"):
        rms = metrics.get("audio_rms_db")
        if not metrics.get("audio") or rms is None or rms < T("silence_db"):
            flags.add("audio")
    return frozenset(flags)


def _size_off(size: str, metrics: dict[str, Any]) -> bool:
    want_w, _, want_h = size.lower().partition("x")
    if not (want_w.isdigit() and want_h.isdigit()):
        return False
    got = (metrics.get("width") or 0, metrics.get("height") or 0)
    return any(abs(g - int(w)) > T("size_rel") * int(w) for g, w in zip(got, (want_w, want_h), strict=True))


def sorted_codes(flags: frozenset[str] | set[str]) -> list[str]:
    return sorted(flags, key=lambda c: ORDER.get(c, len(ORDER)))


@dataclass(frozen=True)
class Signals:
    """What one clip raised. `flags`: codes (see `CODES`); `metrics`: the numbers behind them;
    `asked`: what the request asked for (seconds, size, fps, audio); `label`: the clip's id or name."""

    flags: frozenset[str]
    metrics: dict[str, Any]
    asked: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    path: str = ""

    @property
    def ok(self) -> bool:
        return not self.flags

    @property
    def codes(self) -> list[str]:
        """The flags in display order."""
        return sorted_codes(self.flags)

    def with_flags(self, extra: set[str], **metrics: Any) -> Signals:
        return replace(self, flags=self.flags | extra, metrics={**self.metrics, **metrics})

    def reasons(self) -> list[str]:
        """One line per flag: the code, what it means and the measurement that raised it."""
        return [f"{code}: {explain(code)}{self._evidence(code)}" for code in self.codes]

    def _evidence(self, code: str) -> str:
        m, a = self.metrics, self.asked
        facts = {
            "frozen": f"{m.get('motion')}% of pixels moved, under {T('frozen_motion'):g}%",
            "black": f"{m.get('black_share', 0):.0%} of frames",
            "flicker": f"{m.get('flicker_reversals')} reversals, {m.get('flicker_rate')}/s",
            "duration": f"{m.get('duration')} s, asked {a.get('seconds')} s",
            "size": f"{m.get('width')}x{m.get('height')}, asked {a.get('size')}",
            "fps": f"{m.get('fps')} fps, asked {a.get('fps')}",
            "audio": "no audio track" if not m.get("audio") else f"{m.get('audio_rms_db')} dBFS",
            "unplayable": m.get("error") or f"{m.get('codec')} {m.get('pix_fmt')}",
            "duplicate": f"of {', '.join(m.get('duplicate_of') or [])}",
        }
        fact = facts.get(code)
        return f" ({fact})" if fact else ""

    def summary(self) -> str:
        """A short description of the clip: length, size, rate."""
        m = self.metrics
        if m.get("error"):
            return str(m["error"])
        parts = [f"{m.get('duration', 0):g} s", f"{m.get('width')}x{m.get('height')}", f"{m.get('fps', 0):g} fps"]
        if m.get("audio"):
            parts.append("audio")
        return ", ".join(parts)

    def __str__(self) -> str:
        who = f"{self.label}: " if self.label else ""
        if not self.flags:
            return f"{who}no signals ({self.summary()})"
        return f"{who}{', '.join(self.codes)} ({self.summary()})"

    def __repr__(self) -> str:
        return f"Signals({self})"

    def badges_html(self) -> str:
        """Small badges with the explanation on hover ("ok" when nothing was raised)."""
        return badges_html(self.codes, self.reasons())

    def _repr_html_(self) -> str:
        rows = "".join(f'<tr><td style="padding:0 8px 0 0">{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>'
                       for k, v in self.metrics.items() if k not in _HIDDEN)
        label = f"<b>{html.escape(self.label)}</b> " if self.label else ""
        return (f'<div class="sora-signals">{label}{self.badges_html()}'
                f'<details style="font-size:12px"><summary>{html.escape(self.summary())}</summary>'
                f'<table style="font:12px monospace">{rows}</table></details></div>')

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {"text/plain": str(self), "text/html": self._repr_html_()}

    # -- storage ------------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({"flags": self.codes, "metrics": self.metrics, "asked": self.asked, "label": self.label,
                           "path": self.path, "version": VERSION})

    @classmethod
    def from_json(cls, text: str) -> Signals | None:
        """None when the text is unreadable or from an older version of the analysis."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return None
        return cls(flags=frozenset(data.get("flags") or ()), metrics=dict(data.get("metrics") or {}),
                   asked=dict(data.get("asked") or {}), label=str(data.get("label") or ""),
                   path=str(data.get("path") or ""))


_BADGE = ("display:inline-block;padding:0 6px;margin:0 3px 2px 0;border-radius:8px;font:11px/16px sans-serif;"
          "cursor:help;")


def badges_html(codes: list[str], reasons: list[str] | None = None) -> str:
    """Badges for `codes` with a hover explanation; a muted "ok" when there are none."""
    if not codes:
        return (f'<span class="sora-signal sora-signal-ok" style="{_BADGE}background:#e8f5e9;color:#2e7d32" '
                'title="no quality signals: not frozen, black or flickering; as long and as large as asked">'
                "✓ ok</span>")
    tips = reasons or [f"{c}: {explain(c)}" for c in codes]
    return "".join(f'<span class="sora-signal sora-signal-{html.escape(c)}" style="{_BADGE}background:#fff3e0;'
                   f'color:#e65100" title="{html.escape(tip, quote=True)}">⚠ {html.escape(c)}</span>'
                   for c, tip in zip(codes, tips, strict=False))


@dataclass(frozen=True)
class Seam:
    """The cut between shot `index - 1` and shot `index`: how large it is against the largest
    frame-to-frame change inside either shot."""

    index: int
    cut: float
    inside: float
    flagged: bool

    @property
    def ratio(self) -> float:
        return self.cut / max(self.inside, T("seam_floor"))

    def __str__(self) -> str:
        verdict = "seam" if self.flagged else "smooth"
        return (f"shot {self.index} -> {self.index + 1}: {verdict} (jump {self.cut:.1f}, "
                f"{self.ratio:.1f}x the largest change inside)")
