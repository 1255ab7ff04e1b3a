"""Bradley-Terry on vote sets with a known answer, and the leaderboard's table, intervals and CSV."""

from __future__ import annotations

import csv
import io
import itertools
import random

from sora_widgets.judge import Vote, fit_bradley_terry, leaderboard
from sora_widgets.judge.rating import games_of


def _votes(strengths: dict[str, float], n: int, seed: int = 7) -> list[Vote]:
    """Votes drawn from a known Bradley-Terry model: P(a beats b) = s_a / (s_a + s_b)."""
    rng = random.Random(seed)
    names = list(strengths)
    out = []
    for i in range(n):
        a, b = rng.sample(names, 2)
        p = strengths[a] / (strengths[a] + strengths[b])
        choice = "left" if rng.random() < p else "right"
        out.append(Vote(id=str(i), arena="t", prompt="p", left_key=f"k{a}", right_key=f"k{b}", left_contestant=a,
                        right_contestant=b, choice=choice, at=float(i)))
    return out


def test_known_vote_set_recovers_the_known_order() -> None:
    truth = {"model=a": 8.0, "model=b": 4.0, "model=c": 2.0, "model=d": 1.0}
    board = leaderboard(_votes(truth, 600), rounds=100)
    assert board.order == ["model=a", "model=b", "model=c", "model=d"]
    ratings = [r.rating for r in board.rows]
    # a 2:1 strength ratio is 400·log10(2) ≈ 120 rating points per step
    assert all(80 < hi - lo < 170 for hi, lo in itertools.pairwise(ratings)), ratings
    for r in board.rows:
        assert r.low <= r.rating <= r.high and r.high - r.low < 150


def test_exact_strengths_from_a_balanced_round_robin() -> None:
    # x beats y 2:1 and y beats z 2:1 with every pair met equally often -> p ratios 2:1
    games = [("x", "y", 1.0)] * 20 + [("x", "y", 0.0)] * 10 + [("y", "z", 1.0)] * 20 + [("y", "z", 0.0)] * 10 \
        + [("x", "z", 1.0)] * 24 + [("x", "z", 0.0)] * 6
    p = fit_bradley_terry(["x", "y", "z"], games, prior=0.0)
    assert abs(p["x"] / p["y"] - 2.0) < 0.05 and abs(p["y"] / p["z"] - 2.0) < 0.05


def test_ties_count_half_and_skips_are_ignored() -> None:
    votes = [Vote("1", "t", "p", "k1", "k2", "A", "B", "tie", 1.0),
             Vote("2", "t", "p", "k1", "k2", "A", "B", "skip", 2.0)]
    assert games_of(votes) == [("A", "B", 0.5)]
    board = leaderboard(votes, rounds=20)
    assert abs(board.rows[0].rating - board.rows[1].rating) < 1e-6
    assert board.rows[0].ties == 1 and board.rows[0].games == 1


def test_an_unbeaten_contestant_stays_finite_and_intervals_are_reproducible() -> None:
    votes = [Vote(str(i), "t", "p", "ka", "kb", "A", "B", "left", float(i)) for i in range(5)]
    one, two = leaderboard(votes, rounds=50, seed=1), leaderboard(votes, rounds=50, seed=1)
    assert one.order == ["A", "B"] and 1000 < one.rows[0].rating < 1400
    assert [(r.low, r.high) for r in one.rows] == [(r.low, r.high) for r in two.rows]


def test_table_text_html_and_csv() -> None:
    board = leaderboard(_votes({"a": 3.0, "b": 1.0}, 40), title="my prompts", rounds=30)
    bundle = board._repr_mimebundle_()
    assert "leaderboard my prompts" in bundle["text/plain"] and "<svg" in bundle["text/html"]
    rows = list(csv.DictReader(io.StringIO(board.to_csv())))
    assert [r["contestant"] for r in rows] == ["a", "b"] and float(rows[0]["ci_low"]) <= float(rows[0]["rating"])
    assert "no votes yet" in leaderboard([]).text()
