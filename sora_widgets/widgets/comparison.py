"""`Compare`: clips side by side, kept in step — an anywidget (ES module `compare.js`, no build step).

    grid = compare("a kite over a beach", seeds=[1, 2, 3, 4])   # plan, budget check, submit, live grid
    Compare([result_a, "video_123", "clips/b.mp4"])              # results, ledger keys, paths, jobs

The traitlets are the contract with the front end (`cells`, `rows`, `cols`, `columns`, `view`,
`pair`, `blind`, `revealed`, `voting`, `message`). Everything about playback (one shared clock,
frame steps, wipe and difference views, keyboard) lives in the browser; the kernel only describes
the cells and answers the view's requests for a clip's bytes.

Why bytes over the comm and not a `/files/` URL: the kernel cannot know the notebook's path on
the server (nor whether the server even sees the kernel's disk: remote kernels, Binder, VS Code),
while the widget comm always reaches the view that asked. Bytes travel as binary buffers (no
base64), once per view and clip, only when a view asks, and never into the saved widget state
(they are not a trait). A saved notebook shows a still (`text/html`) instead.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets as t

from ..jobs.state import Job, JobState
from ..results import GenerationResult
from ._snapshot import Snapshotted
from ._threads import LoopHop

if TYPE_CHECKING:
    from ..jobs import JobRunner
    from ..jobs.grid import GridPlan

HERE = Path(__file__).resolve().parent
DEFAULT_COLUMNS = 4
#: a clip's bytes go to the browser through the widget comm and stay in its memory as a blob
MAX_CLIP_BYTES = 200 * 10**6
STILL_WIDTH = 168


@dataclass
class Clip:
    """One cell's source: a live job, or a finished file with what is known about it."""

    id: str
    label: str
    row: int = 0
    col: int = 0
    job: Job | None = None
    path: Path | None = None
    thumbnail: Path | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    quality: dict[str, Any] = field(default_factory=dict)
    prompt: str = ""
    contestant: str = ""
    status: str = "completed"
    progress: int = 100
    error: str | None = None
    #: probed once: fps, duration, width, height
    info: dict[str, Any] = field(default_factory=dict)

    def update_from(self, state: JobState) -> None:
        self.status, self.progress, self.error = state.status, state.progress, state.error
        req = state.request
        self.prompt = req.prompt
        self.meta = _meta(req.summary(), state.cost,
                          (state.finished_at - (state.submitted_at or state.created_at)) if state.finished_at else None)
        if getattr(state, "quality", None):
            self.quality = dict(state.quality)  # type: ignore[attr-defined]
        if state.ok and state.path is not None:
            self.path, self.thumbnail = Path(state.path), state.thumbnail

    @property
    def ready(self) -> bool:
        return self.path is not None and self.path.is_file() and self.status == "completed"


def _meta(req: dict[str, Any], cost: float | None, took: float | None) -> dict[str, Any]:
    """The overlay's details from a request summary (`VideoRequest.summary()`, a ledger row's request):
    values that read on their own, "animatic · seed 3 · 4 s · 320x180 · avoid text · $0.00 · took 7.5 s"."""
    seconds, seed, audio = req.get("seconds"), req.get("seed"), req.get("audio")
    shape = req.get("size") or " ".join(str(req[k]) for k in ("resolution", "aspect_ratio") if req.get(k))
    ref = req.get("input_reference")
    out = {"model": req.get("model"), "seed": f"seed {seed}" if seed is not None else None,
           "seconds": f"{seconds} s" if seconds else None, "size": shape,
           "avoid": f"avoid {req['negative_prompt']}" if req.get("negative_prompt") else None,
           "ref": f"ref {ref}" if ref else None,
           "fit": f"fit {req['fit']}" if ref and req.get("fit") not in (None, "cover") else None,
           "audio": None if audio is None else f"audio {'on' if audio else 'off'}",
           **{k: f"{k} {v}" for k, v in (req.get("extras") or {}).items()},
           "cost": f"${cost:.2f}" if cost is not None else None,
           "took": f"took {took:.1f} s" if took is not None else None}
    return {k: v for k, v in out.items() if v not in (None, "")}


def _probe(path: Path) -> dict[str, Any]:
    from ..media import probe

    try:
        info = probe(path)
    except Exception:  # an unreadable file still plays if the browser can; stepping falls back to 24 fps
        return {"fps": 24.0}
    return {"fps": round(info.fps, 4), "duration": round(info.duration, 4), "width": info.width,
            "height": info.height}


def clip_from(item: Any, index: int, ledger: Any = None) -> Clip:
    """A Clip from a GenerationResult, JobState, Job, gallery item, path, or ledger key/video id."""
    if isinstance(item, Clip):
        return item
    if isinstance(item, Job):
        clip = Clip(id=item.key, label=item.state.label or f"clip {index + 1}", job=item)
        clip.update_from(item.state)
        clip.contestant = item.state.label or clip.label
        return clip
    if isinstance(item, JobState):
        clip = Clip(id=item.key, label=item.label or item.video_id or f"clip {index + 1}")
        clip.update_from(item)
        return clip
    if isinstance(item, GenerationResult):
        req = item.request
        return Clip(id=item.id, label=item.id, path=Path(item.path), thumbnail=item.thumbnail, prompt=req.prompt,
                    meta=_meta({**req.summary(), "model": item.model, "seconds": item.seconds, "size": item.size},
                               item.cost, None),
                    quality=dict(item.extra.get("quality") or {}))
    if hasattr(item, "path") and hasattr(item, "video_id"):  # GalleryItem
        return Clip(id=item.video_id or str(item.path), label=item.video_id or item.path.name, path=Path(item.path),
                    thumbnail=item.thumbnail, prompt=item.prompt,
                    meta=_meta({"model": item.model, "seconds": item.seconds, "size": item.size}, None, None))
    text = str(item)
    path = Path(text).expanduser()
    if path.is_file():
        return Clip(id=f"file:{path.resolve()}", label=path.name, path=path.resolve())
    row = ledger.get(text) if ledger is not None else None
    if row is None:
        raise ValueError(f"{text!r} is neither a video file nor a job in the ledger "
                         "(give a path, a GenerationResult, a job, or a video id / job key from %sora list)")
    return clip_from_row(row)


def clip_from_row(row: dict[str, Any], label: str | None = None) -> Clip:
    req = row.get("request") or {}
    took = (row["finished_at"] - (row.get("submitted_at") or row["created_at"])) if row.get("finished_at") else None
    cost = row.get("actual_cost") if row.get("actual_cost") is not None else row.get("estimated_cost")
    return Clip(id=row["key"], label=label or row.get("label") or row.get("video_id") or row["key"],
                path=Path(row["path"]) if row.get("path") else None,
                thumbnail=Path(row["thumbnail"]) if row.get("thumbnail") else None, prompt=row.get("prompt") or "",
                meta=_meta({**req, "model": row.get("model") or req.get("model")}, cost, took),
                status=row.get("status") or "completed", progress=int(row.get("progress") or 0),
                error=row.get("error"), quality=dict(row.get("quality") or {}))


class _WidgetBundle(anywidget.AnyWidget):
    """anywidget returns (data, metadata); the snapshot mixin (like ipywidgets) works on the data dict."""

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:  # type: ignore[override]
        out = super()._repr_mimebundle_(**kwargs)
        return out[0] if isinstance(out, tuple) else out


class Compare(Snapshotted, _WidgetBundle):  # type: ignore[misc]  # _WidgetBundle makes them agree
    """Clips in a grid with one transport; see the module docstring."""

    #: largest clip sent to the browser (set it per widget, e.g. `grid.max_clip_bytes = 500e6`)
    max_clip_bytes: float = MAX_CLIP_BYTES
    _esm = HERE / "compare.js"
    _css = HERE / "compare.css"

    cells = t.List(t.Dict(), help="one dict per clip: id, label, row, col, status, progress, meta, src, fps, ...").tag(
        sync=True)
    rows = t.List(t.Unicode(), help="row headings (the product of the varying axes except the last)").tag(sync=True)
    cols = t.List(t.Unicode(), help="column headings (the last varying axis)").tag(sync=True)
    columns = t.Int(DEFAULT_COLUMNS, help="clips per row when the grid has one row").tag(sync=True)
    title = t.Unicode("", help="shown above the transport").tag(sync=True)
    view = t.Enum(["grid", "wipe", "difference"], "grid", help="grid, or A|B wipe / difference of `pair`").tag(
        sync=True)
    pair = t.List(t.Int(), [0, 1], help="the two cells (indexes) the wipe and difference views show").tag(sync=True)
    width = t.Int(320, help="CSS pixels per clip in the grid").tag(sync=True)
    blind = t.Bool(False, help="hide labels and details (blind A/B)").tag(sync=True)
    revealed = t.Bool(False, help="in blind mode: labels shown (after a vote)").tag(sync=True)
    voting = t.Bool(False, help="show the vote bar (A, B, tie, skip; keys a, b, t, s)").tag(sync=True)
    message = t.Unicode("", help="a status line under the transport").tag(sync=True)
    _uid = t.Unicode(help="stable id: the views of one widget share a clock and the clips' blob URLs").tag(
        sync=True)

    @t.default("_uid")
    def _default_uid(self) -> str:
        import uuid

        return uuid.uuid4().hex

    def __init__(self, items: Iterable[Any] = (), *, title: str = "", columns: int | None = None,
                 view: str = "grid", width: int | None = None, runner: JobRunner | None = None,
                 rows: Sequence[str] | None = None, cols: Sequence[str] | None = None, **kwargs: Any) -> None:
        ledger = runner.ledger if runner is not None else None
        items = list(items)
        if ledger is None and any(isinstance(i, str) and not Path(i).expanduser().is_file() for i in items):
            from ..jobs import default_runner

            ledger = default_runner().ledger
        self.clips: list[Clip] = [clip_from(item, i, ledger) for i, item in enumerate(items)]
        ncols = columns or min(DEFAULT_COLUMNS, max(1, len(self.clips)))
        for i, clip in enumerate(self.clips):
            if rows is None:
                clip.row, clip.col = divmod(i, ncols)
        super().__init__(title=title, columns=ncols, view=view, width=width or _default_width(len(self.clips)),
                         rows=list(rows or []), cols=list(cols or []), **kwargs)
        self._hop = LoopHop()
        self._lock = threading.Lock()
        self._done = threading.Event()
        #: the ledger group of a compare() grid (`%sora arena GROUP`, `Arena(group_id)`)
        self.group_id: str | None = None
        self._push_pending = False
        self._ledger = ledger
        self._quality_asked: set[str] = set()
        for clip in self.clips:
            if clip.job is None and clip.ready and not clip.quality:
                self._known_quality(clip)
        self._unsubscribe = [c.job.observe(self._observer(c)) for c in self.clips if c.job is not None]
        self.on_msg(self._on_msg)
        self._push()

    # -- building ------------------------------------------------------------------------------
    @classmethod
    def from_jobs(cls, jobs: Sequence[Job], plan: GridPlan | None = None, **kwargs: Any) -> Compare:
        """A live grid over running jobs (labels and positions from `plan` when given)."""
        clips = []
        for i, job in enumerate(jobs):
            clip = clip_from(job, i)
            if plan is not None:
                cell = plan.cells[i]
                clip.label, clip.row, clip.col, clip.contestant = cell.label, cell.row, cell.col, cell.contestant
            clips.append(clip)
        if plan is not None and len(plan.rows) > 1:
            kwargs.setdefault("rows", plan.rows)
            kwargs.setdefault("cols", plan.cols)
        view = cls(clips, **kwargs)
        view.group_id = plan.group_id if plan is not None else None
        return view

    @classmethod
    def from_group(cls, group_id: str | None = None, *, runner: JobRunner | None = None, **kwargs: Any) -> Compare:
        """A grid that `compare()` recorded in the ledger (the newest one when `group_id` is None): after
        a kernel restart, `%sora resume` finishes its jobs and this shows them again."""
        from ..jobs import default_runner
        from ..jobs.grid import GROUP_KIND
        from ..judge import VoteStore

        runner = runner or default_runner()
        ledger = runner.ledger
        gid = group_id or (VoteStore(ledger).latest_group(GROUP_KIND) if ledger is not None else None)
        group = ledger.group(gid) if ledger is not None and gid else None
        if group is None:
            raise ValueError(f"no comparison grid {gid!r} in the ledger at {runner.settings.output_dir}"
                             if gid else "there is no comparison grid in the ledger yet")
        data = group["data"]
        clips = []
        for cell in data["cells"]:
            row = ledger.get(cell["key"]) if ledger is not None else None
            clip = clip_from_row(row, label=cell["label"]) if row else Clip(
                id=cell["key"], label=cell["label"], status="unknown", progress=0, error="not in the ledger")
            clip.row, clip.col, clip.contestant = cell["row"], cell["col"], cell.get("contestant", "")
            clips.append(clip)
        multi = len(data.get("rows") or []) > 1
        kwargs.setdefault("title", clips[0].prompt if clips else "")
        view = cls(clips, rows=data["rows"] if multi else None, cols=data["cols"] if multi else None, **kwargs)
        view.group_id = gid
        return view

    def __repr__(self) -> str:
        return f"Compare({self.summary()})"

    def summary(self) -> str:
        ready = sum(c.ready for c in self.clips)
        failed = sum(c.status in ("failed", "cancelled", "expired") for c in self.clips)
        extra = f", {failed} failed" if failed else ""
        return f"{len(self.clips)} clips: {ready} ready{extra}"

    # -- state -> front end ---------------------------------------------------------------------
    def _cell(self, clip: Clip) -> dict[str, Any]:
        cell: dict[str, Any] = {
            "id": clip.id, "label": clip.label, "row": clip.row, "col": clip.col, "status": clip.status,
            "progress": clip.progress, "error": clip.error, "meta": clip.meta, "quality": clip.quality,
        }
        if clip.ready and clip.path is not None:
            if not clip.info:
                clip.info = _probe(clip.path)
            cell.update(clip.info)
            stat = clip.path.stat()
            cell["src"] = f"{stat.st_size}-{stat.st_mtime_ns}"  # a new token when the file changes
        return cell

    def _push(self) -> None:
        self.cells = [self._cell(c) for c in self.clips]
        finished = all(c.ready or c.status in ("failed", "cancelled", "expired", "interrupted") for c in self.clips)
        if finished and not self._done.is_set():
            self._done.set()

    def _observer(self, clip: Clip) -> Callable[[JobState], None]:
        return lambda state: self._on_state(clip, state)

    def _on_state(self, clip: Clip, state: JobState) -> None:
        clip.update_from(state)
        if state.ok:
            self._watch_quality(clip, state)
        with self._lock:  # coalesce: many job updates in a burst become one push to the front end
            if self._push_pending:
                return
            self._push_pending = True
        self._hop.call(self._flush)

    # -- quality signals, when present (jobs.quality computes them after each download) ---------------
    def _watch_quality(self, clip: Clip, state: JobState) -> None:
        """Wait for the background check the runner started when the file arrived (or find it stored);
        the overlay fills in when it is done. Nothing is decoded on the kernel's thread."""
        if clip.quality or clip.id in self._quality_asked or self._ledger is None:
            return
        self._quality_asked.add(clip.id)
        from ..jobs.quality import checks_for

        try:
            future = checks_for(self._ledger).check(state)
        except Exception:  # the grid works without signals
            return
        future.add_done_callback(lambda f: self._hop.call(self._set_signals, clip, f))

    def _set_signals(self, clip: Clip, future: Any) -> None:
        try:
            found = future.result()
        except Exception:
            return
        if found is not None:
            clip.quality = quality_summary(found)
            self._push()

    def _known_quality(self, clip: Clip) -> None:
        """A finished file's signals if some process already measured them (never decodes)."""
        from ..jobs.quality import known_signals

        try:
            found = known_signals(clip.path, self._ledger)
        except Exception:
            return
        if found is not None:
            clip.quality = quality_summary(found)

    def _flush(self) -> None:
        with self._lock:
            self._push_pending = False
        self._push()

    def _on_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        kind = content.get("type")
        if kind == "need":
            for ident in content.get("ids", []):
                self._send_clip(str(ident))
        elif kind in ("vote", "next"):
            self._on_vote_msg(content)
        elif kind == "export":
            self.export()

    def export(self, path: str | Path | None = None, **options: Any) -> Any:
        """Write the grid's finished clips as a report (`sora_widgets.export`): the Export button.
        The status line under the transport says where it went, or why not; returns the Export."""
        from ._export import run_export

        ids = [x for c in self.clips if c.ready and c.path is not None for x in (c.id, c.path.name)]
        if self.blind:
            self.message = "A blind A/B session is not exported: it would name the clips before the votes."
            return None
        if not ids:
            self.message = "Nothing to export yet: no clip in this grid has finished."
            return None
        folder = self._ledger.folder if self._ledger is not None else None
        result, line, href = run_export(self.title or "compare", path, ids=ids, folder=folder,
                                        title=options.pop("title", None) or self.title or None, **options)
        self.message = line if result is None else f"Exported {line} → {href}"
        return result

    def _on_vote_msg(self, content: dict[str, Any]) -> None:
        """Blind voting is the Arena's business; a plain grid ignores votes."""

    def _send_clip(self, ident: str) -> None:
        clip = next((c for c in self.clips if c.id == ident), None)
        if clip is None or not clip.ready or clip.path is None:
            return
        cell = self._cell(clip)
        size = clip.path.stat().st_size
        limit = self.max_clip_bytes
        if size > limit:  # the browser would hold it all in memory: say so instead of stalling the page
            self.send({"type": "video", "id": ident, "src": cell["src"],
                       "error": f"{size / 1e6:.1f} MB is too large to play here (limit {limit / 1e6:.1f} MB); "
                                f"open {clip.path.name} in a player"})
            return
        self.send({"type": "video", "id": ident, "src": cell["src"], "mime": "video/mp4"},
                  buffers=[clip.path.read_bytes()])

    def set_quality(self, which: int | str, signals: dict[str, Any]) -> None:
        """Show quality signals (e.g. {"sharpness": 0.82, "flicker": 0.1}) in a clip's overlay, by index
        or clip id. Clips whose job state or ledger row carries `quality` show it without this."""
        clip = self.clips[which] if isinstance(which, int) else next(c for c in self.clips if c.id == which)
        clip.quality = dict(signals)
        self._push()

    # -- waiting ------------------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> Compare:
        """Block until every clip is finished (from a script, or a cell that wants the whole grid). The
        jobs run on the runner's background loop, so waiting never stalls them."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for clip in self.clips:
            if clip.job is not None:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                clip.job.wait(left)
                clip.update_from(clip.job.state)
        self._push()
        return self

    @property
    def results(self) -> list[GenerationResult]:
        """Finished clips as results (jobs that failed are left out)."""
        return [c.job.state.result() for c in self.clips if c.job is not None and c.job.state.ok]

    # -- display ----------------------------------------------------------------------------------
    def snapshot_html(self) -> str:
        """The static snapshot for places without a kernel (see `_snapshot.Snapshotted`): a poster and
        the details per clip; in a blind arena before the vote, letters only."""
        from ..share.snapshot import Still, snapshot_html

        blind = self.blind and not self.revealed
        stills = [Still(title="AB"[i] if blind and i < 2 else clip.label,
                        meta="" if blind else " · ".join(str(v) for v in clip.meta.values()),
                        status=clip.status, path=clip.path if clip.ready else None,
                        thumbnail=clip.thumbnail, note=clip.error or "") for i, clip in enumerate(self.clips)]
        return snapshot_html(self.title or "Compare", self.summary(), stills, video=not blind)

    def close(self) -> None:
        for unsubscribe in getattr(self, "_unsubscribe", ()):  # also when __init__ failed half-way
            unsubscribe()
        super().close()


def quality_summary(found: Any) -> dict[str, Any]:
    """Quality signals as the overlay shows them: "signals ok", or the flags ("signals frozen, black");
    `_ok` and `_why` (one line per flag) style the line and give it a tooltip."""
    codes = list(found.codes)
    return {"signals": ", ".join(codes) if codes else "ok", "_ok": not codes, "_why": "\n".join(found.reasons())}


def _default_width(n: int) -> int:
    return 420 if n <= 2 else 320 if n <= 4 else 240


def compare(prompt: Any = None, /, *, runner: JobRunner | None = None, columns: int | None = None,
            dry_run: bool = False, title: str | None = None, **axes: Any) -> Any:
    """Generate a grid and compare it live: `compare("a kite", seeds=[1, 2, 3, 4], models=["a", "b"])`.

    Lists are axes, single values fixed parameters (`seconds=4`). The whole grid is validated and
    priced, and the budget checked for all of it, before anything is sent (a `BudgetExceededError`
    or `InvalidRequestError` then, with nothing sent). Jobs run through the runner with its
    concurrency limit on its background loop; the returned `Compare` fills in live and the kernel
    stays free. `dry_run=True` returns the plan (cells and cost) and sends nothing.
    """
    from ..jobs import default_runner
    from ..jobs.grid import plan_grid

    runner = runner or default_runner()
    plan = plan_grid(runner, prompt, **axes)
    if dry_run:
        return plan
    jobs = plan.submit(runner)
    text = plan.cells[0].request.prompt if plan.cells else ""
    heading = title if title is not None else (text if len(text) <= 90 else text[:88] + "…")
    return Compare.from_jobs(jobs, plan, title=heading, columns=columns, runner=runner)
