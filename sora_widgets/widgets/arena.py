"""`Arena`: blind A/B judging of clips of the same prompt, votes in the ledger, a leaderboard.

    arena = Arena(grid)                 # a Compare (finished clips), a compare() group id, or clips
                                        # (name="..." pools several grids into one prompt set)
    arena                               # two unlabeled clips in random left/right order, synced
    arena.vote("left")                  # or the buttons / keys a, b, t (tie), s (skip); n = next pair
    arena.leaderboard()                 # Bradley-Terry ratings with bootstrap intervals
    arena.export_csv("votes.csv", "ratings.csv")

Pairs are clips of the same prompt standing for different contestants (what varies: model, seed,
parameters). Pairs already judged in this arena (from any earlier kernel) are not asked again.
The hidden left/right assignment is drawn per pair and stored with the vote.
"""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..judge import Leaderboard, VoteStore, leaderboard
from .comparison import Clip, Compare, clip_from, clip_from_row

if TYPE_CHECKING:
    from ..jobs import JobRunner

KEYS = {"a": "left", "b": "right", "t": "tie", "s": "skip"}


def _clips_of(source: Any, runner: JobRunner) -> tuple[list[Clip], str | None]:
    """Finished clips from a Compare, a compare() group id, or a list (results, paths, ledger keys)."""
    if isinstance(source, Compare):
        clips = [c for c in source.clips if c.ready]
        for c in clips:
            c.contestant = c.contestant or c.label
        return clips, source.group_id
    if isinstance(source, str):
        group = runner.ledger.group(source) if runner.ledger is not None else None
        if group is None:
            raise ValueError(f"no comparison grid {source!r} in the ledger (compare() prints its group id)")
        clips = []
        for cell in group["data"]["cells"]:
            row = runner.ledger.get(cell["key"]) if runner.ledger is not None else None
            if row is None:
                continue
            clip = clip_from_row(row, label=cell["label"])
            clip.contestant = cell.get("contestant") or cell["label"]
            if clip.ready:
                clips.append(clip)
        return clips, source
    clips = [c for c in (clip_from(x, i, runner.ledger) for i, x in enumerate(source)) if c.ready]
    for c in clips:
        c.contestant = c.contestant or c.label
    return clips, None


def _pairs(clips: list[Clip], done: set[tuple[str, str]], rng: random.Random) -> list[tuple[Clip, Clip]]:
    out = []
    for i, a in enumerate(clips):
        for b in clips[i + 1:]:
            if a.prompt != b.prompt or a.contestant == b.contestant:
                continue
            if tuple(sorted((a.id, b.id))) in done:
                continue
            out.append((a, b) if rng.random() < 0.5 else (b, a))
    rng.shuffle(out)
    return out


class Arena(Compare):
    """Blind pairwise votes over finished clips; see the module docstring."""

    def __init__(self, source: Any, *, name: str | None = None, runner: JobRunner | None = None,
                 seed: int | None = None, width: int = 420) -> None:
        from ..jobs import default_runner

        runner = runner or default_runner()
        clips, group = _clips_of(source, runner)
        if len(clips) < 2:
            raise ValueError("an arena needs at least two finished clips of the same prompt "
                             "(wait for the grid: grid.wait(), or generate more variations)")
        self.pool = clips
        self.name = name or group or "arena-" + hashlib.sha1(
            "\n".join(sorted({c.prompt for c in clips})).encode()).hexdigest()[:10]
        self.store = VoteStore(runner.ledger if runner.ledger is not None else runner.settings.output_dir)
        self._rng = random.Random(seed)
        self.queue = _pairs(clips, self.store.voted_pairs(self.name), self._rng)
        self.total = len(self.queue)
        self.current: tuple[Clip, Clip] | None = None
        self.judged = 0
        prompts = sorted({c.prompt for c in clips})
        about = prompts[0] if len(prompts) == 1 else f"{len(prompts)} prompts"
        about = about if len(about) <= 80 else about[:78] + "…"
        self.about = about
        super().__init__([], title=f"Blind A/B · {about}", width=width, columns=2, runner=runner)
        self.blind = True
        self.voting = True
        self.next()

    def __repr__(self) -> str:
        left = len(self.queue) + (1 if self.current is not None and not self.revealed else 0)
        return f"Arena({self.name!r}, {self.judged} judged, {left} pairs left)"

    # -- pairs ----------------------------------------------------------------------------------
    def next(self) -> bool:
        """Show the next unjudged pair (False when none is left)."""
        if not self.queue:
            self.current = None
            self.clips = []
            self.revealed = False
            self.voting = False
            self._push()
            self.message = (f"All {self.total} pairs judged. arena.leaderboard() shows the ratings."
                            if self.total else "Every pair of this arena was judged earlier: see arena.leaderboard().")
            return False
        left, right = self.queue.pop(0)
        self.current = (left, right)
        # opaque ids: the page never learns which job is which before the vote
        self.clips = [Clip(id=f"{side}-{self.judged}", label=c.label, path=c.path, thumbnail=c.thumbnail,
                           meta=c.meta, quality=c.quality, prompt=c.prompt, contestant=c.contestant, info=c.info)
                      for side, c in (("A", left), ("B", right))]
        self.revealed = False
        self.voting = True
        self.message = f"Pair {self.judged + 1} of {self.total}: which is better? (a, b, t = tie, s = skip)"
        self._push()
        return True

    def vote(self, choice: str) -> None:
        """Record a vote for the pair on screen ("left"/"a", "right"/"b", "tie"/"t", "skip"/"s"),
        then reveal the labels."""
        if self.current is None:
            raise ValueError("no pair on screen: every pair is judged (arena.leaderboard())")
        if self.revealed:
            return  # one vote per pair; a double key press must not count twice
        choice = KEYS.get(choice, choice)
        left, right = self.current
        self.store.add(arena=self.name, prompt=left.prompt, left_key=left.id, right_key=right.id,
                       left_contestant=left.contestant, right_contestant=right.contestant, choice=choice)
        self.judged += 1
        self.revealed = True
        verdict = {"left": f"A ({left.contestant}) over B ({right.contestant})",
                   "right": f"B ({right.contestant}) over A ({left.contestant})",
                   "tie": f"a tie: A ({left.contestant}), B ({right.contestant})",
                   "skip": f"skipped: A ({left.contestant}), B ({right.contestant})"}[choice]
        more = "n = next pair" if self.queue else "that was the last pair"
        self.message = f"Stored: {verdict}. {more}."
        self._push()

    def _cell(self, clip: Clip) -> dict[str, Any]:
        cell = super()._cell(clip)
        if not self.revealed:  # not even the widget state says which clip is which before the vote
            cell.update(label="", meta={}, quality={})
        return cell

    def _on_vote_msg(self, content: dict[str, Any]) -> None:
        if content.get("type") == "next":
            self.next()
        elif self.current is not None:
            self.vote(str(content.get("choice", "")))

    # -- results --------------------------------------------------------------------------------
    @property
    def votes(self) -> list[Any]:
        return self.store.votes(self.name)

    def leaderboard(self, *, rounds: int = 200, seed: int = 0) -> Leaderboard:
        """Bradley-Terry ratings of this arena's contestants with bootstrap 95% intervals."""
        return leaderboard(self.votes, title=self.about, rounds=rounds, seed=seed)

    def export_csv(self, votes_path: str | Path, ratings_path: str | Path | None = None) -> list[Path]:
        """Write the votes (and the ratings) as CSV; returns the paths written."""
        self.store.to_csv(votes_path, arena=self.name)
        written = [Path(votes_path)]
        if ratings_path is not None:
            self.leaderboard().to_csv(ratings_path)
            written.append(Path(ratings_path))
        return written
