"""Blind pairwise judging: votes kept in the job ledger and Bradley-Terry ratings with uncertainty.

    VoteStore(ledger).add(...)        one vote (pair, hidden left/right assignment, choice, time)
    fit_bradley_terry(names, games)   strengths by the MM algorithm (numpy, imported when used)
    leaderboard(votes)                ratings with bootstrap 95% intervals, a table and a small chart

No widgets here: the `Arena` widget (sora_widgets.widgets.arena) is the view on top.
"""

from __future__ import annotations

from .rating import Leaderboard, fit_bradley_terry, leaderboard
from .votes import CHOICES, Vote, VoteStore

__all__ = ["CHOICES", "Leaderboard", "Vote", "VoteStore", "fit_bradley_terry", "leaderboard"]
