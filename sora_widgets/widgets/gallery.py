"""`Gallery`: past generations from the job ledger and the output folder — thumbnails, a text and
model filter, "hide flagged" (quality signals), open one in the player, or compare several side by side.

Only small JPEG thumbnails go to the browser until a video is opened, so the gallery stays light
with hundreds of videos; `page_size` tiles are shown at a time.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ._length import length_text
from ._signals import tile_badges
from ._snapshot import Snapshotted
from ._style import button, esc, section, shorten, stylesheet
from ._threads import LoopHop

if TYPE_CHECKING:
    from ..jobs import JobRunner, Ledger
    from .comparison import Compare

THUMB_WIDTH = 176
ALL_MODELS = "all models"


@dataclass(frozen=True)
class GalleryItem:
    path: Path
    prompt: str = ""
    model: str = ""
    video_id: str = ""
    created: float = 0.0
    size: str = ""
    seconds: int | None = None
    thumbnail: Path | None = None
    backend: str = ""
    op: str = "create"

    @property
    def length(self) -> str:
        """"4s", or an extension's real length and what was added ("5s (+1s added)")."""
        return length_text(self.op, self.seconds, self.path)
    #: the job's key in the ledger ("" for stray files)
    key: str = ""
    #: quality signal codes (None: not checked yet)
    flags: tuple[str, ...] | None = None

    @property
    def title(self) -> str:
        return self.prompt or self.path.stem

    def matches(self, text: str, model: str) -> bool:
        if model and model != ALL_MODELS and self.model != model:
            return False
        needle = text.strip().lower()
        return not needle or needle in f"{self.prompt} {self.video_id} {self.path.name}".lower()


def collect(folder: Path, ledger: Ledger | None = None) -> list[GalleryItem]:
    """Completed videos from the ledger (with their prompts), then stray MP4s in `folder`; newest first."""
    items: dict[Path, GalleryItem] = {}
    if ledger is not None and ledger.path.is_file():
        from ..jobs.quality import checks_for

        found = checks_for(ledger).stored()
        for row in ledger.rows(status=("completed",)):
            if not row.get("path"):
                continue
            path = Path(row["path"]).resolve()
            if not path.is_file():
                continue
            req = row.get("request") or {}
            size = req.get("size") or " ".join(str(req[k]) for k in ("resolution", "aspect_ratio") if req.get(k))
            thumb = Path(row["thumbnail"]) if row.get("thumbnail") else None
            items[path] = GalleryItem(
                path=path, prompt=row.get("prompt") or "", model=row.get("model") or "",
                video_id=row.get("video_id") or "", created=row.get("finished_at") or row.get("created_at") or 0.0,
                size=size or "", seconds=req.get("seconds"), thumbnail=thumb, backend=row.get("backend") or "",
                op=row.get("op") or "create",
                key=row["key"], flags=tuple(found[row["key"]].codes) if row["key"] in found else None,
            )
    if folder.is_dir():
        for path in folder.glob("*.mp4"):
            path = path.resolve()
            if path not in items:
                items[path] = GalleryItem(path=path, created=path.stat().st_mtime, video_id=path.stem)
    return sorted(items.values(), key=lambda i: i.created, reverse=True)


_THUMBS: dict[tuple[str, float], bytes] = {}


def thumbnail_jpeg(item: GalleryItem, width: int = THUMB_WIDTH) -> bytes:
    """A small JPEG: the server's thumbnail when there is one, else the first frame (cached)."""
    key = (str(item.path), item.path.stat().st_mtime)
    if key in _THUMBS:
        return _THUMBS[key]
    from PIL import Image

    img: Any
    if item.thumbnail is not None and item.thumbnail.is_file():
        img = Image.open(item.thumbnail)
    else:
        from ..media import first_frame

        img = first_frame(item.path)
    img = img.convert("RGB")
    img.thumbnail((width, width))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=75)
    if len(_THUMBS) > 512:
        _THUMBS.clear()
    _THUMBS[key] = buf.getvalue()
    return _THUMBS[key]


class Gallery(Snapshotted, w.VBox):
    """`Gallery(runner=None, folder=None)`; `refresh()`, `play(i)`, `compare([i, j])`, `items`."""

    def __init__(self, runner: JobRunner | None = None, *, folder: str | Path | None = None,
                 page_size: int = 24) -> None:
        from ..jobs import Ledger

        if folder is None:
            if runner is None:
                from ..jobs import default_runner

                runner = default_runner()
            folder = runner.settings.output_dir
        self.folder = Path(folder)
        self.ledger = runner.ledger if runner is not None and runner.ledger is not None else Ledger(self.folder)
        self.page_size = page_size
        self.items: list[GalleryItem] = []
        self.shown: list[GalleryItem] = []
        self.selected: set[Path] = set()
        self._tiles: dict[Path, tuple[tuple[str, ...] | None, w.VBox]] = {}
        self._checking: set[str] = set()
        self._refresh_due = False
        self._hop = LoopHop()
        self._limit = page_size
        self.search = w.Text(placeholder="filter by prompt or id", continuous_update=True,
                             layout=w.Layout(width="260px"))
        self.model_filter = w.Dropdown(options=[ALL_MODELS], value=ALL_MODELS, layout=w.Layout(width="180px"))
        self.hide_flagged = w.Checkbox(False, description="hide flagged", indent=False,
                                       tooltip="hide videos with quality signals (frozen, black, flicker, wrong "
                                       "length or size, missing audio, unplayable)", layout=w.Layout(width="120px"))
        self.refresh_button = button("Refresh", icon="refresh")
        self.compare_button = button("Compare selected", icon="columns", style="info")
        self.more_button = button("Show more", icon="angle-down")
        self.export_button = button("Export", icon="share-square-o",
                                    tooltip="Write a report folder (index.html, media, manifest.json) of the ticked "
                                            "videos, or of all the filtered ones")
        self.export_status = w.HTML()
        self.count = w.HTML()
        self.grid = w.HBox(layout=w.Layout(flex_flow="row wrap", align_items="flex-start"))
        self.viewer = w.HBox(layout=w.Layout(flex_flow="row wrap", align_items="flex-start"))
        self.search.observe(lambda _: self._render(), names="value")
        self.model_filter.observe(lambda _: self._render(), names="value")
        self.hide_flagged.observe(lambda _: self._render(), names="value")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.compare_button.on_click(lambda _: self.compare())
        self.more_button.on_click(lambda _: self._more())
        self.export_button.on_click(lambda _: self.export())
        bar = w.HBox([self.search, self.model_filter, self.hide_flagged, self.refresh_button, self.compare_button,
                      self.export_button, self.count],
                     layout=w.Layout(align_items="center", flex_flow="row wrap"))
        title = w.HTML('<div class="sora-title">Gallery<span class="sora-sub">past generations</span></div>')
        super().__init__([stylesheet(), title, bar, self.export_status, self.grid, self.more_button, section("Viewer"),
                          self.viewer])
        self.add_class("sora-studio")
        self.add_class("sora-root")
        self.refresh()

    def __repr__(self) -> str:
        return f"Gallery({str(self.folder)!r}, {len(self.items)} videos)"

    def snapshot_html(self) -> str:
        """The tiles the user sees (filter applied), as stills with their prompts."""
        from ..share.snapshot import Still, snapshot_html

        stills = []
        for i in self.shown:
            meta = " · ".join(x for x in (i.model, i.size, f"{i.seconds}s" if i.seconds else "") if x)
            stills.append(Still(title=i.title, meta=meta, path=i.path, thumbnail=i.thumbnail))
        return snapshot_html("Gallery", f"{len(self.filtered())} videos", stills, width=THUMB_WIDTH,
                             empty="no videos yet", video=False, limit=12)

    # -- data -------------------------------------------------------------------------------------
    def refresh(self, *, check: bool = True) -> None:
        """Re-read the ledger and the folder (and start checking videos that have no signals yet)."""
        self.items = collect(self.folder, self.ledger)
        if check:
            self._check_unchecked()
        models = sorted({i.model for i in self.items if i.model})
        current = self.model_filter.value
        self.model_filter.options = [ALL_MODELS, *models]
        self.model_filter.value = current if current in self.model_filter.options else ALL_MODELS
        self.selected &= {i.path for i in self.items}
        self._render()

    def filtered(self) -> list[GalleryItem]:
        hide = self.hide_flagged.value
        return [i for i in self.items if i.matches(self.search.value, self.model_filter.value)
                and not (hide and i.flags)]

    def _check_unchecked(self) -> None:
        """Videos in the ledger without signals are checked in the background; tiles update after."""
        from ..jobs.quality import checks_for

        checks = checks_for(self.ledger)
        for item in self.items:
            if item.key and item.flags is None and item.key not in self._checking:
                row = self.ledger.get(item.key)
                if row is not None:
                    self._checking.add(item.key)
                    checks.check(row).add_done_callback(lambda _: self._hop.call(self._signals_arrived))

    def _signals_arrived(self) -> None:
        if not self._refresh_due:  # one refresh for a burst of results
            self._refresh_due = True
            self._hop.call(self._refresh_signals)

    def _refresh_signals(self) -> None:
        self._refresh_due = False
        self.refresh(check=False)

    def _more(self) -> None:
        self._limit += self.page_size
        self._render()

    def _render(self) -> None:
        matches = self.filtered()
        self.shown = matches[: self._limit]
        self.grid.children = tuple(self._tile(i) for i in self.shown)
        live = {i.path for i in self.items}
        for path in [p for p in self._tiles if p not in live]:
            self._tiles.pop(path)[1].close()
        self.more_button.layout.display = "" if len(matches) > len(self.shown) else "none"
        total = f" of {len(self.items)}" if len(matches) != len(self.items) else ""
        self.count.value = f'<span class="sora-muted">{len(matches)}{total} videos</span>'

    def _tile(self, item: GalleryItem) -> w.VBox:
        cached = self._tiles.get(item.path)
        if cached is None or cached[0] != item.flags:  # new, or its signals arrived
            if cached is not None:
                cached[1].close()
            self._tiles[item.path] = (item.flags, self._make_tile(item))
        return self._tiles[item.path][1]

    def _make_tile(self, item: GalleryItem) -> w.VBox:
        try:
            thumb: w.Widget = w.Image(value=thumbnail_jpeg(item), format="jpeg",
                                      layout=w.Layout(width=f"{THUMB_WIDTH}px"))
        except Exception:  # unreadable file: a placeholder, not an error
            thumb = w.HTML(f'<div class="sora-muted" style="width:{THUMB_WIDTH}px">no preview</div>')
        when = time.strftime("%b %d %H:%M", time.localtime(item.created)) if item.created else ""
        meta = " · ".join(x for x in (item.model, item.size, item.length, when) if x)
        caption = w.HTML(f'<div class="sora-card-title" style="max-width:{THUMB_WIDTH}px" title="{esc(item.prompt)}">'
                         f'{esc(shorten(item.title, 40))}</div><div class="sora-meta">{esc(meta)}</div>'
                         f"<div>{tile_badges(item.flags)}</div>")
        pick = w.Checkbox(item.path in self.selected, description="compare", indent=False,
                          layout=w.Layout(width="90px"))
        pick.observe(lambda ch, p=item.path: self._select(p, ch["new"]), names="value")
        open_button = button("Open", icon="play")
        open_button.on_click(lambda _, it=item: self.play(it))
        tile = w.VBox([thumb, caption, w.HBox([open_button, pick], layout=w.Layout(align_items="center"))],
                      layout=w.Layout(width=f"{THUMB_WIDTH + 14}px"))
        tile.add_class("sora-tile")
        return tile

    def _select(self, path: Path, on: bool) -> None:
        if on:
            self.selected.add(path)
        else:
            self.selected.discard(path)

    # -- sharing --------------------------------------------------------------------------------
    def export(self, path: str | Path | None = None, **options: Any) -> Any:
        """Export the ticked videos (or every filtered one) with `share.export`; shows a link."""
        from ._export import export_button_action

        chosen = [i for i in self.items if i.path in self.selected] or self.filtered()
        ids = [i.video_id or i.path.name for i in chosen]
        return export_button_action(self.export_status, "gallery", path, folder=self.folder, ids=ids, **options)

    # -- viewing ----------------------------------------------------------------------------------
    def _item(self, which: GalleryItem | int | str | Path) -> GalleryItem:
        if isinstance(which, GalleryItem):
            return which
        if isinstance(which, int):
            return self.shown[which]
        for item in self.items:
            if str(which) in (item.video_id, str(item.path), item.path.name):
                return item
        raise KeyError(f"no video {which!r} in the gallery")

    def _player(self, item: GalleryItem, width: int) -> w.VBox:
        from .player import Player

        player = Player(item.path, width=width, caption=False)
        vid = item.video_id if len(item.video_id) <= 20 else item.video_id[:18] + "…"
        meta = " · ".join(x for x in (vid, item.model, item.size) if x)
        player.children = (*player.children, w.HTML(
            f'<div class="sora-card-title" style="max-width:{width}px">{esc(shorten(item.title, 80))}</div>'
            f'<div class="sora-meta">{esc(meta)}</div>'))
        player.add_class("sora-card")
        player.layout.max_width = f"{width + 24}px"
        return player

    def play(self, which: GalleryItem | int | str | Path) -> w.VBox:
        """Show one video in the viewer (by item, index among the shown tiles, id or path)."""
        player = self._player(self._item(which), 480)
        self._show_in_viewer((player,))
        return player

    def compare(self, which: list[GalleryItem | int | str | Path] | None = None) -> Compare | None:
        """Open the checked tiles (or `which`) in a `Compare`: synced playback, frame steps, wipe."""
        from .comparison import Compare

        items = [self._item(x) for x in which] if which else [i for i in self.items if i.path in self.selected]
        if len(items) < 2:
            self._show_in_viewer((w.HTML('<div class="sora-muted">Tick "compare" on two or more videos.</div>'),))
            return None
        view = Compare(items, title=f"{len(items)} videos from the gallery")
        self._show_in_viewer((view,))
        return view

    def _show_in_viewer(self, children: tuple[w.Widget, ...]) -> None:
        for old in self.viewer.children:
            old.close()
        self.viewer.children = children
