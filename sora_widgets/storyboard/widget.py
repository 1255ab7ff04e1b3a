"""`StoryboardWidget(board, runner=None)`: a row of shot cards, a Generate and a Stitch button,
and a player for the stitched film. Stock ipywidgets, in the studio's look (`widgets._style`).

Each card shows the shot's thumbnail, status and progress, and edits the shot in place: prompt,
seconds, continuity; ◀ ▶ reorder; ↻ makes a new take of that shot only. Generate runs what is
missing or edited (finished shots are kept); Stitch joins the current takes (with an optional
crossfade) and shows the result.

Threading: job updates arrive on runner threads. Like `JobCard`, the widget remembers the kernel's
event loop and hops onto it with `call_soon_threadsafe`; without a running loop (scripts, tests)
it updates in place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..errors import SoraError
from ..widgets._snapshot import Snapshotted
from ..widgets._style import button, esc, pill, section, shorten, show, stylesheet
from ..widgets._threads import LoopHop
from ._continuity import CONTINUITIES

if TYPE_CHECKING:
    from ..jobs import JobRunner
    from ..jobs.state import JobState
    from ..quality import Signals
    from ..widgets.player import Player
    from ._status import RunHandle, ShotSeam, ShotStatus
    from .model import Storyboard
    from .run import Production

THUMB_WIDTH = 200
CARD_CSS = """
.sora-shots { overflow-x: auto; padding-bottom: 4px; }
.sora-shot { border: 1px solid var(--jp-border-color2); border-radius: 10px; padding: 8px 10px 10px;
  margin: 6px 10px 6px 0; background: var(--jp-layout-color0); box-shadow: 0 1px 3px rgba(0,0,0,.07);
  flex: 0 0 auto; }
.sora-shot-empty { width: 200px; height: 112px; border-radius: 6px; background: var(--jp-layout-color2);
  display: flex; align-items: center; justify-content: center; color: var(--jp-ui-font-color2); font-size: 12px; }
.sora-shot-stale { color: #8d6e00; font-size: 11px; }
"""


def for_the_widget(message: str) -> str:
    """Errors from the storyboard API give advice as code (`board.run()`); here the advice is the
    button that does it."""
    return (message.replace("run the whole storyboard first (board.run())", "click Generate first")
            .replace("run the storyboard first (board.run())", "click Generate first")
            .replace("board.run() makes a new extension of the current take",
                     "click Generate to make a new extension of the current take"))


class ShotCard(w.VBox):
    """One shot: thumbnail, status, prompt, seconds, continuity, ◀ ▶ and ↻."""

    def __init__(self, owner: StoryboardWidget, index: int) -> None:
        self.owner = owner
        self.index = index
        shot = owner.board.shots[index]
        self.shot_id = shot.id
        self.title = w.HTML()
        self.signals = w.HTML()
        self.thumb = w.Image(format="webp", layout=w.Layout(width=f"{THUMB_WIDTH}px"))
        self.empty = w.HTML(f'<div class="sora-shot-empty">{esc("no video yet")}</div>')
        self.progress = w.IntProgress(min=0, max=100, value=0, layout=w.Layout(width=f"{THUMB_WIDTH}px",
                                                                             height="10px"))
        self.prompt = w.Textarea(value=shot.text, continuous_update=False,
                                 layout=w.Layout(width=f"{THUMB_WIDTH}px", height="90px"))
        self.prompt.disabled = not isinstance(shot.prompt, str)  # structured prompts: edit in code
        self.seconds = w.BoundedIntText(value=shot.seconds or 0, min=0, max=120, description="sec",
                                        tooltip="0 = the model's default", layout=w.Layout(width="110px"))
        self.seconds.style.description_width = "28px"
        self.continuity = w.Dropdown(options=list(CONTINUITIES), value=owner.board.continuity(index),
                                     disabled=index == 0, layout=w.Layout(width="110px"),
                                     tooltip="how the cut into this shot works")
        self.left = button("◀", tooltip="move this shot earlier")
        self.right = button("▶", tooltip="move this shot later")
        self.regen = button("↻", tooltip="a new take of this shot only")
        self.play = button("", icon="play", tooltip="play this shot's current take")
        self.play.add_class("sora-shot-play")
        self.play.disabled = True
        self.left.disabled = index == 0
        self.right.disabled = index == len(owner.board.shots) - 1
        self.left.on_click(lambda _: owner.move(self.index, self.index - 1))
        self.right.on_click(lambda _: owner.move(self.index, self.index + 1))
        self.regen.on_click(lambda _: owner.regenerate(self.index))
        self.play.on_click(lambda _: owner.play_shot(self.index))
        self.prompt.observe(self._prompt_changed, names="value")
        self.seconds.observe(self._seconds_changed, names="value")
        self.continuity.observe(self._continuity_changed, names="value")
        show(self.thumb, False)
        super().__init__([self.title, self.signals, self.thumb, self.empty, self.progress, self.prompt,
                          w.HBox([self.seconds, self.continuity]),
                          w.HBox([self.left, self.right, self.regen, self.play])])
        self.add_class("sora-shot")

    def _edit(self, **changes: Any) -> None:
        try:
            shot = self.owner.board.shots[self.index]
            for name, value in changes.items():
                setattr(shot, name, value)
            self.owner.say("")
        except ValueError as exc:
            self.owner.say(str(exc).splitlines()[-1], error=True)
        self.owner.refresh_status()

    def _prompt_changed(self, change: dict[str, Any]) -> None:
        if change["new"].strip():
            self._edit(prompt=change["new"])

    def _seconds_changed(self, change: dict[str, Any]) -> None:
        self._edit(seconds=change["new"] or None)

    def _continuity_changed(self, change: dict[str, Any]) -> None:
        self._edit(continuity=change["new"])

    def show_signals(self, found: Signals | None) -> None:
        """Quality badges of this shot's take (hover for what each means)."""
        self.signals.value = found.badges_html() if found is not None else ""

    def show_status(self, status: ShotStatus | None, state: JobState | None = None) -> None:
        """Status from the ledger (`status`) or a live job update (`state`)."""
        name = state.status if state is not None else (status.status if status else "missing")
        progress = state.progress if state is not None else (100 if status and status.ok else 0)
        flags = ""
        if status is not None and (status.stale or status.changed):
            what = "edited since this take" if status.changed else "made from an older take of the previous shot"
            flags = f'<div class="sora-shot-stale">{esc(what)}</div>'
        head = '<span class="sora-pill sora-s-pending">no take</span>' if name == "missing" else pill(name)
        self.title.value = f'<div class="sora-card-title">Shot {self.index + 1} {head}</div>{flags}'
        self.progress.value = max(0, min(100, progress))
        self.play.disabled = not (status is not None and status.ok)
        thumb = state.thumbnail if state is not None else (status.thumbnail if status else None)
        if thumb is not None and thumb.is_file():
            self.thumb.value = thumb.read_bytes()
            show(self.thumb, True)
            show(self.empty, False)


class StoryboardWidget(Snapshotted, w.VBox):
    """See the module docstring."""

    def __init__(self, board: Storyboard, runner: JobRunner | None = None) -> None:
        self.board = board
        self.production: Production = board.production(runner)
        self.handle: RunHandle | None = None
        self.player: Player | None = None
        self.cards: list[ShotCard] = []
        self.seams: list[ShotSeam] = []
        self._hop = LoopHop()
        self.header = w.HTML()
        self.findings = w.HTML()
        self.shots_box = w.HBox(layout=w.Layout(flex_flow="row nowrap", width="100%"))
        self.shots_box.add_class("sora-shots")
        #: seams between consecutive takes (quality signals), measured in the background
        self.seams_box = w.HTML()
        self._seams_for: tuple[str, ...] | None = None
        self.generate_button = button("Generate", icon="play", style="primary", classes=("sora-generate",),
                                      tooltip="Generate missing and edited shots; finished shots are kept")
        self.stitch_button = button("Stitch", icon="film", classes=("sora-generate",),
                                    tooltip="Join the current takes into one MP4")
        self.export_button = button("Export", icon="share-square-o",
                                    tooltip="Write a report folder of this storyboard's takes (index.html, media, "
                                            "manifest.json)")
        self.export_button.on_click(lambda _: self.export())
        self.crossfade = w.BoundedIntText(value=0, min=0, max=48, description="crossfade frames",
                                          tooltip="frames blended at each cut (0 = hard cuts, stream copy)",
                                          layout=w.Layout(width="200px"))
        self.crossfade.style.description_width = "110px"
        self.crossfade_note = w.HTML()
        self.crossfade.observe(lambda _: self._crossfade_note(), names="value")
        self._crossfade_note()
        self.message = w.HTML()
        self.player_box = w.VBox()
        self.generate_button.on_click(lambda _: self.generate())
        self.stitch_button.on_click(lambda _: self.stitch())
        bar = w.HBox([self.generate_button, self.stitch_button, self.crossfade, self.crossfade_note,
                      self.export_button],
                     layout=w.Layout(align_items="center", grid_gap="12px", margin="8px 0 2px"))
        css = w.HTML(f"<style>{CARD_CSS}</style>", layout=w.Layout(height="0px", margin="0", overflow="hidden"))
        super().__init__([stylesheet(), css, self.header, self.findings, section("Shots"), self.shots_box,
                          self.seams_box, bar, self.message, self.player_box])
        self.add_class("sora-studio")
        self.add_class("sora-root")
        self.production.on_update(self._on_update)
        self.rebuild()

    def __repr__(self) -> str:
        return f"StoryboardWidget({self.board!r})"

    def snapshot_html(self) -> str:
        """Each shot's current take (or its prompt when there is none yet), then the stitched film."""
        from ..share.snapshot import Still, snapshot_html

        board = self.board
        stills = []
        for status, shot in zip(self.production.status(), board.shots, strict=False):
            flags = [f for f, on in (("stale", status.stale), ("edited", status.changed)) if on]
            meta = " · ".join(x for x in (f"shot {status.index + 1}", status.continuity,
                                          f"{shot.seconds}s" if shot.seconds else "", *flags) if x)
            stills.append(Still(title=shot.text, meta=meta, status=status.status, path=status.path,
                                thumbnail=status.thumbnail, note=status.error or ""))
        if self.player is not None:
            stills.append(Still(title=f"{board.title or 'Storyboard'} (stitched film)", meta="film",
                                path=self.player.path))
        secs = f" · {board.seconds}s" if board.seconds is not None else ""
        return snapshot_html(board.title or "Storyboard", f"{board.id} · {len(board.shots)} shots{secs}", stills,
                             width=200)

    # -- rendering ----------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Cards for the current order (after a move, or edits made in code)."""
        for card in self.cards:
            card.close()
        self.cards = [ShotCard(self, i) for i in range(len(self.board.shots))]
        self.shots_box.children = self.cards
        self._header()
        self.refresh_status()

    def _header(self) -> None:
        bible = self.board.bible
        parts = [f"<b>{esc(c.name)}</b>: {esc(c.description)}" for c in bible.characters]
        if bible.style:
            parts.append(f"<b>style</b>: {esc(bible.style)}")
        if bible.palette:
            parts.append(f"<b>palette</b>: {esc(', '.join(bible.palette))}")
        secs = f" · {self.board.seconds}s" if self.board.seconds is not None else ""
        self.header.value = (f'<div class="sora-title">{esc(self.board.title or "Storyboard")}'
                             f'<span class="sora-sub">{esc(self.board.id)} · {len(self.board.shots)} shots{secs}'
                             f'</span></div><div class="sora-muted">{" · ".join(parts)}</div>')

    def refresh_status(self) -> None:
        try:
            statuses = self.production.status()
        except SoraError as exc:
            self.say(str(exc), error=True)
            return
        for card, status in zip(self.cards, statuses, strict=False):
            card.show_status(status)
        self._lint()
        self._check_seams(statuses)

    def _check_seams(self, statuses: list[ShotStatus]) -> None:
        """Quality signals of the takes and the cuts between them, measured on a background thread
        once per set of takes."""
        takes = tuple(f"{s.continuity}:{s.path}" if s.ok else "" for s in statuses)
        if takes == self._seams_for or not any(takes):
            return
        self._seams_for = takes

        def work() -> None:
            try:
                found = self.production.signals()
                self._call(lambda: self._show_signals(found))
                seams = self.production.seams()
            except Exception as exc:  # a damaged take: say so, keep the widget working
                message = f"seams unavailable: {exc}"
                self._call(lambda: self._show_seams(None, message))
                return
            self._call(lambda: self._show_seams(seams, ""))

        threading.Thread(target=work, name="sora-seams", daemon=True).start()

    def _show_signals(self, found: dict[str, Signals | None]) -> None:
        for card in self.cards:
            card.show_signals(found.get(card.shot_id))

    def _show_seams(self, seams: list[ShotSeam] | None, error: str) -> None:
        from ..quality import explain

        if seams is None:
            self.seams_box.value = f'<div class="sora-muted">{esc(error)}</div>'
            return
        tip = esc(explain("seam"))
        rows = [f'<div class="{"sora-finding sora-finding-warning" if s.flagged else "sora-muted"}" title="{tip}">'
                f"{esc(s.line())}</div>" for s in seams]
        self.seams_box.value = "".join(rows)
        self.seams = seams

    def _lint(self) -> None:
        rows = []
        for i, found in enumerate(self.board.lint()):
            for f in found:
                if f.severity != "hint":
                    rows.append(f'<div class="sora-finding sora-finding-{esc(f.severity)}">shot {i + 1}: '
                                f"{esc(shorten(f.message, 160))}</div>")
        self.findings.value = "".join(rows)

    def say(self, text: str, *, error: bool = False) -> None:
        cls = "sora-error" if error else "sora-muted"
        self.message.value = f'<div class="{cls}">{esc(text)}</div>' if text else ""

    # -- thread hop ---------------------------------------------------------------------------
    def _call(self, fn: Callable[[], Any]) -> None:
        self._hop.call(fn)

    def _on_update(self, shot_id: str, state: JobState | None) -> None:
        def apply() -> None:
            if state is None:
                self.refresh_status()
                handle = self.handle
                if shot_id == "" and handle is not None and handle.done():
                    failed = "; ".join(f"shot {k}: {v}" for k, v in handle.errors.items())
                    self.say(failed or "finished", error=bool(failed))
                return
            for card in self.cards:
                if card.shot_id == shot_id:
                    card.show_status(None if not state.done else self._status_of(shot_id), state)

        self._call(apply)

    def _status_of(self, shot_id: str) -> ShotStatus | None:
        return next((s for s in self.production.status() if s.shot_id == shot_id), None)

    # -- actions ------------------------------------------------------------------------------
    def _crossfade_note(self) -> None:
        n = self.crossfade.value
        text = "hard cuts (no re-encode)" if n == 0 else f"= {n / 24:.2f} s at 24 fps, blended at each cut"
        self.crossfade_note.value = f'<span class="sora-muted">{esc(text)}</span>'

    def _guard(self, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except SoraError as exc:
            self.say(for_the_widget(str(exc)), error=True)
        except (ValueError, IndexError) as exc:
            self.say(str(exc).splitlines()[-1], error=True)
        return None

    def move(self, index: int, to: int) -> None:
        if 0 <= to < len(self.board.shots):
            self._guard(lambda: self.board.move(index, to))
            self.rebuild()

    def generate(self) -> RunHandle | None:
        """Start generating missing and edited shots in the background."""
        self.say("generating…")
        self.handle = self._guard(self.production.start)
        return self.handle

    def regenerate(self, index: int) -> RunHandle | None:
        self.say(f"a new take of shot {index + 1}…")
        self.handle = self._guard(lambda: self.production.start_regenerate(index))
        return self.handle

    def play_shot(self, index: int) -> Player | None:
        """Play shot `index`'s current take under the buttons."""
        from ..widgets.player import Player

        status = self.production.status()[index]
        if not status.ok or status.path is None:
            self.say(f"shot {index + 1} has no video yet — click Generate", error=True)
            return None
        self.player = Player(status.path)
        self.player_box.children = [section(f"Shot {index + 1}"), self.player]
        self.say("")
        return self.player

    def export(self, path: Any = None, **options: Any) -> Any:
        """Export this storyboard's takes (its ledger group) as a report folder; the message shows a link."""
        from ..widgets._export import export_button_action

        return export_button_action(self.message, self.board.id, path, folder=self.production.ledger.folder,
                                    group=self.board.id, title=self.board.title or None, **options)

    def stitch(self) -> Any:
        """Stitch the current takes and show the film under the buttons."""
        from ..widgets.player import Player

        result = self._guard(lambda: self.production.stitch(crossfade=self.crossfade.value))
        if result is None:
            return None
        self.player = Player(result.path)
        self.player_box.children = [section("Film"), self.player]
        self.say(str(result))
        return result
