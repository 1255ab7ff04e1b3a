"""Bradley-Terry ratings from pairwise votes, with bootstrap uncertainty.

Model: P(i beats j) = p_i / (p_i + p_j). Fitted by Hunter's MM algorithm (2004): each step sets
p_i = W_i / sum_j n_ij / (p_i + p_j), which increases the likelihood monotonically. A tie counts
as half a win for each side; skips are ignored. A small symmetric prior (`prior` virtual games
between every pair that met, split evenly) keeps an unbeaten clip finite and pulls thinly judged
pairs toward equal. Ratings are shown on the familiar Elo-like scale: 1000 + 400·log10(p / mean).

Uncertainty: the votes are resampled with replacement (`rounds` times, a seeded generator, so the
same votes give the same intervals) and refitted; the 2.5th and 97.5th percentiles of each rating
form its 95% interval.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .votes import Vote

Game = tuple[str, str, float]  # (a, b, score of a: 1 win, 0.5 tie, 0 loss)
BASE, SCALE = 1000.0, 400.0


def games_of(votes: Sequence[Vote]) -> list[Game]:
    out: list[Game] = []
    for v in votes:
        if v.choice == "skip" or v.left_contestant == v.right_contestant:
            continue
        score = {"left": 1.0, "right": 0.0, "tie": 0.5}[v.choice]
        out.append((v.left_contestant, v.right_contestant, score))
    return out


def fit_bradley_terry(names: Sequence[str], games: Sequence[Game], *, prior: float = 0.5,
                      iterations: int = 500, tol: float = 1e-9) -> dict[str, float]:
    """Strengths p (geometric mean 1) for `names` from `games`. Names without games get 1.0."""
    import numpy as np

    index = {n: i for i, n in enumerate(names)}
    k = len(names)
    wins = np.zeros((k, k))
    for a, b, score in games:
        i, j = index[a], index[b]
        wins[i, j] += score
        wins[j, i] += 1.0 - score
    met = (wins + wins.T) > 0
    wins = wins + np.where(met, prior / 2.0, 0.0)
    n = wins + wins.T
    w = wins.sum(axis=1)
    p = np.ones(k)
    played = n.sum(axis=1) > 0
    for _ in range(iterations):
        denom = (n / (p[:, None] + p[None, :])).sum(axis=1)
        new = np.where(played, w / np.where(denom > 0, denom, 1.0), 1.0)
        new = new / np.exp(np.log(new[played]).mean()) if played.any() else new
        if np.max(np.abs(new - p)) < tol:
            p = new
            break
        p = new
    return {name: float(p[i]) for name, i in index.items()}


def _elo(strengths: dict[str, float]) -> dict[str, float]:
    import math

    return {k: BASE + SCALE * math.log10(v) for k, v in strengths.items()}


@dataclass(frozen=True)
class Row:
    rank: int
    contestant: str
    rating: float
    low: float
    high: float
    games: int
    wins: float
    ties: int
    losses: float


class Leaderboard:
    """Ratings as a table (`rows`), HTML with a small interval chart, text, and CSV (`to_csv`)."""

    def __init__(self, rows: list[Row], *, title: str = "", votes: int = 0, rounds: int = 0) -> None:
        self.rows = rows
        self.title = title
        self.votes = votes
        self.rounds = rounds

    @property
    def order(self) -> list[str]:
        return [r.contestant for r in self.rows]

    def __repr__(self) -> str:
        return self.text()

    def text(self) -> str:
        head = f"leaderboard {self.title} · {self.votes} votes".strip()
        if not self.rows:
            return f"{head}: no votes yet"
        lines = [head, f"{'#':>2}  {'rating':>7}  {'95% interval':>15}  {'W-T-L':>9}  contestant"]
        for r in self.rows:
            wtl = f"{r.wins:g}-{r.ties}-{r.losses:g}"
            lines.append(f"{r.rank:>2}  {r.rating:>7.0f}  {r.low:>7.0f}–{r.high:<7.0f}  {wtl:>9}  {r.contestant}")
        return "\n".join(lines)

    def to_csv(self, path: str | Path | None = None) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["rank", "contestant", "rating", "ci_low", "ci_high", "games", "wins", "ties", "losses"])
        for r in self.rows:
            writer.writerow([r.rank, r.contestant, f"{r.rating:.1f}", f"{r.low:.1f}", f"{r.high:.1f}", r.games,
                             f"{r.wins:g}", r.ties, f"{r.losses:g}"])
        text = buf.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def _chart(self, width: int = 220, bar: int = 18) -> str:
        """An SVG of each rating's 95% interval (line) and estimate (dot), on one shared axis."""
        lo = min(r.low for r in self.rows)
        hi = max(r.high for r in self.rows)
        span = max(hi - lo, 1.0)

        def x(v: float) -> float:
            return 8 + (v - lo) / span * (width - 16)

        parts = [f'<line x1="{x(BASE):.1f}" y1="0" x2="{x(BASE):.1f}" y2="{bar * len(self.rows)}" '
                 'stroke="#bbb" stroke-dasharray="2,2"/>' if lo <= BASE <= hi else ""]
        for i, r in enumerate(self.rows):
            y = i * bar + bar / 2
            parts.append(f'<line x1="{x(r.low):.1f}" y1="{y}" x2="{x(r.high):.1f}" y2="{y}" stroke="#5c6bc0" '
                         'stroke-width="3" stroke-linecap="round"/>'
                         f'<circle cx="{x(r.rating):.1f}" cy="{y}" r="4" fill="#1a237e"/>')
        return (f'<svg width="{width}" height="{bar * len(self.rows)}" role="img" '
                f'aria-label="ratings with 95% intervals">{"".join(parts)}</svg>')

    def _html(self) -> str:
        esc = html.escape
        if not self.rows:
            return f"<div><b>Leaderboard</b> {esc(self.title)}: no votes yet</div>"
        pad = "padding:2px 10px;text-align:right;line-height:18px"  # 22 px rows, as the chart's
        cells = "".join(
            f"<tr><td style='{pad}'>{r.rank}</td><td style='{pad};text-align:left'>{esc(r.contestant)}</td>"
            f"<td style='{pad}'><b>{r.rating:.0f}</b></td><td style='{pad}'>{r.low:.0f}–{r.high:.0f}</td>"
            f"<td style='{pad}'>{r.wins:g}-{r.ties}-{r.losses:g}</td></tr>" for r in self.rows)
        heads = "".join(f"<th style='{pad}{';text-align:left' if h == 'contestant' else ''}'>{h}</th>"
                        for h in ("#", "contestant", "rating", "95% interval", "W-T-L"))
        table = ("<table style='border-collapse:collapse;font-size:12.5px' class='sora-leaderboard'>"
                 f"<thead><tr>{heads}</tr></thead><tbody>{cells}</tbody></table>")
        chart = f"<div style='padding-top:22px'>{self._chart(bar=22)}</div>"
        note = (f"<div style='font-size:11px;color:#777'>Bradley-Terry, {self.votes} votes, intervals from "
                f"{self.rounds} bootstrap resamples</div>")
        return (f"<div><div style='font-weight:600'>Leaderboard {esc(self.title)}</div>"
                f"<div style='display:flex;gap:14px;align-items:flex-start'>{table}{chart}</div>{note}</div>")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.text(), "text/html": self._html()}


def leaderboard(votes: Sequence[Vote], *, title: str = "", rounds: int = 200, seed: int = 0,
                prior: float = 0.5) -> Leaderboard:
    """Fit ratings to `votes` and bootstrap their 95% intervals."""
    import numpy as np

    games = games_of(votes)
    names = sorted({a for a, _, _ in games} | {b for _, b, _ in games})
    if not names:
        return Leaderboard([], title=title, votes=len(votes), rounds=0)
    point = _elo(fit_bradley_terry(names, games, prior=prior))
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(rounds):
        picks = rng.integers(0, len(games), len(games))
        fitted = _elo(fit_bradley_terry(names, [games[i] for i in picks], prior=prior, iterations=200, tol=1e-6))
        for n in names:
            samples[n].append(fitted[n])
    stats = {n: {"games": 0, "wins": 0.0, "ties": 0, "losses": 0.0} for n in names}
    for a, b, score in games:
        for who, s in ((a, score), (b, 1.0 - score)):
            st = stats[who]
            st["games"] += 1
            if s == 0.5:
                st["ties"] += 1
            else:
                st["wins"] += s
                st["losses"] += 1.0 - s
    ordered = sorted(names, key=lambda n: (-point[n], n))
    rows = []
    for rank, n in enumerate(ordered, 1):
        lo, hi = (np.percentile(samples[n], [2.5, 97.5]) if rounds else (point[n], point[n]))
        st = stats[n]
        rows.append(Row(rank=rank, contestant=n, rating=point[n], low=float(min(lo, point[n])),
                        high=float(max(hi, point[n])), games=int(st["games"]), wins=float(st["wins"]),
                        ties=int(st["ties"]), losses=float(st["losses"])))
    return Leaderboard(rows, title=title, votes=len(votes), rounds=rounds)
