"""`Gallery`: past generations from the job ledger and the output folder — thumbnails, a text and
model filter, "hide flagged" (quality signals), open one in the player, or compare several side by side.

Only small JPEG thumbnails go to the browser until a video is opened, and only for the tiles shown:
`page_size` at a time, read from the ledger a page at a time (an indexed query with the filters
applied in SQL), so opening it costs the same with 100 or 100,000 videos in the history.
"""

from __future__ import annotations

import io
import threading
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
    #: the job's key in the ledger ("" for stray files)
    key: str = ""
    #: quality signal codes (None: not checked yet)
    flags: tuple[str, ...] | None = None

    @property
    def length(self) -> str:
        """"4s", or an extension's real length and what was added ("5s (+1s added)")."""
        return length_text(self.op, self.seconds, self.path)

    @property
    def title(self) -> str:
        return self.prompt or self.path.stem

    def matches(self, text: str, model: str) -> bool:
        if model and model != ALL_MODELS and self.model != model:
            return False
        needle = text.strip().lower()
        return not needle or needle in f"{self.prompt} {self.video_id} {self.path.name}".lower()


#: a folder with more entries than this is not scanned for MP4s the ledger does not know (a
#: researcher's output folder can hold 100,000 clips; listing it would cost more than the page)
STRAY_SCAN_LIMIT = 2000


def _item_of(row: dict[str, Any], flags: dict[str, tuple[str, ...]]) -> GalleryItem | None:
    """A ledger row as a tile (with its stored quality flags), or None when its file is gone."""
    if not row.get("path"):
        return None
    path = Path(row["path"])
    if not path.is_file():
        return None
    req = row.get("request") or {}
    size = req.get("size") or " ".join(str(req[k]) for k in ("resolution", "aspect_ratio") if req.get(k))
    thumb = Path(row["thumbnail"]) if row.get("thumbnail") else None
    return GalleryItem(
        path=path.resolve(), prompt=row.get("prompt") or "", model=row.get("model") or "",
        video_id=row.get("video_id") or "", created=row.get("finished_at") or row.get("created_at") or 0.0,
        size=size or "", seconds=req.get("seconds"), thumbnail=thumb, backend=row.get("backend") or "",
        op=row.get("op") or "create", key=row["key"], flags=flags.get(row["key"]),
    )


def stray_files(folder: Path, ledger: Ledger | None) -> tuple[list[GalleryItem], bool]:
    """MP4s in `folder` that no ledger row records, newest first, and whether the folder was small
    enough to look (see STRAY_SCAN_LIMIT)."""
    import os

    from ..jobs import history

    if not folder.is_dir():
        return [], True
    names: list[str] = []
    with os.scandir(folder) as entries:
        for n, entry in enumerate(entries):
            if n >= STRAY_SCAN_LIMIT:
                return [], False
            if entry.name.endswith(".mp4") and entry.is_file():
                names.append(entry.name)
    paths = [(folder / name).resolve() for name in names]
    known = history.known_paths(ledger, [str(p) for p in paths]) if ledger and ledger.path.is_file() else set()
    items = [GalleryItem(path=p, created=p.stat().st_mtime, video_id=p.stem) for p in paths if str(p) not in known]
    return sorted(items, key=lambda i: i.created, reverse=True), True


_THUMBS: dict[tuple[str, float], bytes] = {}
_POOL: list[Any] = []  # one worker thread, made on first use


def _thumb_pool() -> Any:
    """Thumbnails are made off the kernel's thread, one at a time: a page of tiles shows at once and
    fills in as they come (decoding and scaling 24 images would otherwise hold up the cell)."""
    if not _POOL:
        from concurrent.futures import ThreadPoolExecutor

        _POOL.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="sora-thumbs"))
    return _POOL[0]


def cached_jpeg(item: GalleryItem) -> bytes | None:
    try:
        return _THUMBS.get((str(item.path), item.path.stat().st_mtime))
    except OSError:
        return None


def _no_preview(width: int = THUMB_WIDTH) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, width * 9 // 16), (60, 60, 66)).save(buf, format="JPEG", quality=60)
    return buf.getvalue()


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
        #: what is loaded so far: the ledger's newest videos (a page at a time) and the stray files
        self.items: list[GalleryItem] = []
        self.shown: list[GalleryItem] = []
        self.total = 0
        self._loaded: list[GalleryItem] = []
        self._strays: list[GalleryItem] = []
        self._scanned = True
        self._cursor: Any = None
        self._exhausted = True
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
        self._pending: list[Any] = []
        self._render_lock = threading.RLock()
        self.search.observe(self._filter_changed, names="value")
        self.model_filter.observe(self._filter_changed, names="value")
        self.hide_flagged.observe(self._filter_changed, names="value")
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
        return f"Gallery({str(self.folder)!r}, {self._unfiltered_total()} videos)"

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
        """Re-read the ledger's first page and the folder (and start checking the loaded videos that
        have no quality signals yet)."""
        from ..jobs import history

        self._strays, self._scanned = stray_files(self.folder, self.ledger)
        models = history.models(self.ledger) if self.ledger.path.is_file() else []
        # assigned only when they change: each change renders (observers), and a refresh renders once below
        options = (ALL_MODELS, *models)
        if tuple(self.model_filter.options) != options:
            current = self.model_filter.value
            self.model_filter.options = options
            if self.model_filter.value != (current if current in options else ALL_MODELS):
                self.model_filter.value = current if current in options else ALL_MODELS
        self._render()
        if check:
            self._check_unchecked()

    def _check_unchecked(self) -> None:
        """Loaded videos without signals are checked in the background; tiles update after. Only the
        pages read so far: a long history is not decoded because the gallery was opened. Nothing is
        read here: the keys go to the checks' worker, which takes them one at a time after the page
        is shown (see `QualityChecks.check_keys`)."""
        from ..jobs.quality import checks_for

        keys = [i.key for i in self._loaded if i.key and i.flags is None and i.key not in self._checking]
        if not keys:
            return
        self._checking.update(keys)
        checks = checks_for(self.ledger)
        arrived = lambda: self._hop.call(self._signals_arrived)  # noqa: E731
        if self._hop.loop is not None and self._hop.loop.is_running():
            # in a kernel: queue them once this cell has returned and the page is on screen
            self._hop.loop.call_soon(checks.check_keys, keys, arrived)
        else:
            checks.check_keys(keys, arrived)

    def _signals_arrived(self) -> None:
        if not self._refresh_due:  # one refresh for a burst of results
            self._refresh_due = True
            self._hop.call(self._refresh_signals)

    def _refresh_signals(self) -> None:
        self._refresh_due = False
        self.refresh(check=False)

    def _filter_changed(self, _change: Any) -> None:
        self._render()

    def _filters(self) -> tuple[str, str | None]:
        model = self.model_filter.value
        return self.search.value.strip(), (None if not model or model == ALL_MODELS else model)

    def _reload(self) -> None:
        """Start the ledger pages again (a filter changed, or a refresh)."""
        from ..jobs import history

        text, model = self._filters()
        self._loaded, self._cursor, self._exhausted = [], None, not self.ledger.path.is_file()
        self.total = 0 if self._exhausted else history.count(self.ledger, status=("completed",), model=model,
                                                              text=text or None)

    def _load(self, wanted: int) -> None:
        """Read ledger pages until `wanted` videos with a file are loaded or the ledger ends."""
        from ..jobs import history
        from ..jobs.quality import checks_for

        text, model = self._filters()
        hide = bool(self.hide_flagged.value)
        while not self._exhausted and sum(not (hide and i.flags) for i in self._loaded) < wanted:
            got = history.page(self.ledger, limit=max(wanted - len(self._loaded), self.page_size),
                               status=("completed",), model=model, text=text or None, before=self._cursor)
            stored = checks_for(self.ledger).stored_among([r["key"] for r in got.rows])
            flags = {key: tuple(found.codes) for key, found in stored.items()}
            self._loaded.extend(i for i in (_item_of(r, flags) for r in got.rows) if i is not None)
            self._cursor, self._exhausted = got.next, got.next is None

    def filtered(self) -> list[GalleryItem]:
        """The loaded videos that match the filters, newest first. Stray files older than the last
        loaded ledger page wait until the ledger is exhausted, so the order is never wrong."""
        text, model = self._filters()
        hide = bool(self.hide_flagged.value)
        oldest = self._loaded[-1].created if self._loaded and not self._exhausted else None
        strays = [i for i in self._strays if i.matches(text, model or "") and (oldest is None or i.created >= oldest)]
        return sorted([i for i in (*self._loaded, *strays) if not (hide and i.flags)], key=lambda i: i.created,
                      reverse=True)

    def _more(self) -> None:
        self._limit += self.page_size
        self._render(reload=False)
        self._check_unchecked()

    def _render(self, reload: bool = True) -> None:
        # one render at a time: without a kernel loop to hop onto (scripts, tests), quality results
        # re-render from their worker thread while the caller may be changing a filter
        from ..jobs.quality import view_busy

        with self._render_lock, view_busy():
            self._render_locked(reload)

    def _render_locked(self, reload: bool) -> None:
        if reload:
            self._reload()
        self._load(self._limit)
        matches = self.filtered()
        self.items = sorted({*self._loaded, *self._strays}, key=lambda i: i.created, reverse=True)
        self.selected &= {i.path for i in self.items}
        self.shown = matches[: self._limit]
        self.grid.children = tuple(self._tile(i) for i in self.shown)
        live = {i.path for i in self.shown}
        for path in [p for p in self._tiles if p not in live]:
            self._tiles.pop(path)[1].close()  # tiles (and their thumbnails) exist only while shown
        text, model = self._filters()
        total = self.total + sum(i.matches(text, model or "") for i in self._strays)
        if self.hide_flagged.value and self._exhausted:  # flags are known for what is loaded
            total = len(matches)
        more = len(matches) > len(self.shown) or not self._exhausted
        self.more_button.layout.display = "" if more else "none"
        everything = self.total if (text or model or self.hide_flagged.value) else None
        of = f" of {self._unfiltered_total()}" if everything is not None else ""
        note = "" if self._scanned else " (folder too large to look for files the ledger does not list)"
        self.count.value = f'<span class="sora-muted">{total}{of} videos{note}</span>'

    def _unfiltered_total(self) -> int:
        from ..jobs import history

        ledger = history.count(self.ledger, status=("completed",)) if self.ledger.path.is_file() else 0
        return ledger + len(self._strays)

    def _tile(self, item: GalleryItem) -> w.VBox:
        cached = self._tiles.get(item.path)
        if cached is None or cached[0] != item.flags:  # new, or its signals arrived
            if cached is not None:
                cached[1].close()
            self._tiles[item.path] = (item.flags, self._make_tile(item))
        return self._tiles[item.path][1]

    def _shared(self) -> dict[str, w.Widget]:
        """Layouts and styles every tile uses, made once: a tile is 6 widgets instead of 16 (each
        Layout and style is a widget of its own), which is most of what a page of tiles costs."""
        if not hasattr(self, "_shared_parts"):
            from ipywidgets.widgets.widget_bool import CheckboxStyle
            from ipywidgets.widgets.widget_string import HTMLStyle

            self._shared_parts: dict[str, w.Widget] = {
                "thumb": w.Layout(width=f"{THUMB_WIDTH}px"), "caption": w.Layout(), "pick": w.Layout(width="90px"),
                "open": w.Layout(width="auto"), "row": w.Layout(align_items="center"),
                "tile": w.Layout(width=f"{THUMB_WIDTH + 14}px"), "pick_style": CheckboxStyle(),
                "open_style": w.ButtonStyle(), "html_style": HTMLStyle(),
            }
        return self._shared_parts

    def _make_tile(self, item: GalleryItem) -> w.VBox:
        shared = self._shared()
        cached = cached_jpeg(item)
        thumb = w.Image(value=cached or b"", format="jpeg", layout=shared["thumb"])
        if cached is None:
            self._fill_later(thumb, item)
        when = time.strftime("%b %d %H:%M", time.localtime(item.created)) if item.created else ""
        meta = " · ".join(x for x in (item.model, item.size, item.length, when) if x)
        caption = w.HTML(f'<div class="sora-card-title" style="max-width:{THUMB_WIDTH}px" title="{esc(item.prompt)}">'
                         f'{esc(shorten(item.title, 40))}</div><div class="sora-meta">{esc(meta)}</div>'
                         f"<div>{tile_badges(item.flags)}</div>",
                         layout=shared["caption"], style=shared["html_style"])
        pick = w.Checkbox(item.path in self.selected, description="compare", indent=False, layout=shared["pick"],
                          style=shared["pick_style"])
        pick.observe(lambda ch, p=item.path: self._select(p, ch["new"]), names="value")
        open_button = w.Button(description="Open", icon="play", tooltip="Open", layout=shared["open"],
                               style=shared["open_style"])
        open_button.add_class("sora-small")  # as _style.button makes them
        open_button.on_click(lambda _, it=item: self.play(it))
        tile = w.VBox([thumb, caption, w.HBox([open_button, pick], layout=shared["row"])], layout=shared["tile"])
        tile.add_class("sora-tile")
        return tile

    def _fill_later(self, image: w.Image, item: GalleryItem) -> None:
        def make() -> None:
            try:
                data = thumbnail_jpeg(item)
            except Exception:  # unreadable file: a grey placeholder, not an error
                data = _no_preview()
            self._hop.call(setattr, image, "value", data)  # on the kernel's loop when there is one

        self._pending.append(_thumb_pool().submit(make))

    def wait_thumbnails(self, timeout: float = 30.0) -> None:
        """Block until the shown tiles have their thumbnails (scripts and tests; a notebook need not)."""
        from concurrent.futures import wait

        pending, self._pending = self._pending, []
        wait(pending, timeout=timeout)

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
