"""Running a storyboard: every shot is a ledger job, one ledger group per storyboard.

`Production(board, runner)` makes the ledger match the board:

- a shot is *kept* when its latest take (the newest job labelled with its id in the group)
  finished with a file and was made from the shot's current request: nothing is sent again;
- an unfinished take (the kernel died, Ctrl-C) is *re-attached* by its id or idempotency key;
- a missing, failed or edited shot is *created*; so is an `extend` shot whose source changed (its
  video contains the source). A `chain` shot whose predecessor has a newer take is only reported
  stale (`status()`), unless `cascade=True`.

Strands (runs of chain/extend links) run in order, each on its own thread; independent strands run
concurrently, with the runner's concurrency limit on top. The group's record (`save_group`) holds
the storyboard's JSON, each take's lineage (the take it chained or extended from, its reference
image) and the last stitch, so `load(group_id)` in a new kernel picks everything up.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, InvalidRequestError, SoraError, UnsupportedFeatureError
from ..jobs.ledger import RESUMABLE
from ..jobs.state import Job, JobState
from ._status import RunHandle, ShotSeam, ShotStatus, Take

if TYPE_CHECKING:
    from ..jobs import JobRunner, Ledger
    from ..models import VideoRequest
    from ..quality import Signals
    from .model import Storyboard
    from .stitch import StitchResult

GROUP_KIND = "storyboard"
_SHOT_LABEL = re.compile(r"\[([^\[\]]+)\]$")
Listener = Callable[[str, "JobState | None"], Any]


class Production:
    """Runs one `Storyboard` on one `JobRunner`; see the module docstring."""

    def __init__(self, board: Storyboard, runner: JobRunner | None = None) -> None:
        if runner is None:
            from ..jobs import default_runner

            runner = default_runner()
        if runner.ledger is None:
            raise ConfigurationError("storyboards need the job ledger", hint="create the JobRunner with ledger=True")
        self.board = board
        self.runner = runner
        self.ledger: Ledger = runner.ledger
        #: live jobs by shot id (this process)
        self.jobs: dict[str, Job] = {}
        self.lineage: dict[str, dict[str, Any]] = {}
        self.last_stitch: dict[str, Any] | None = None
        # what each earlier take was made from (the same board parsed again in a new kernel):
        # without it, "made from an older take" could not follow the takes actually used
        group = self.ledger.group(board.id)
        if group is not None and group.get("kind") == GROUP_KIND:
            self.lineage = dict(group["data"].get("takes") or {})
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._active: RunHandle | None = None

    def __repr__(self) -> str:
        return f"Production({self.board.id!r}, shots={len(self.board.shots)})"

    def on_update(self, listener: Listener) -> None:
        """`listener(shot_id, state)` on every job change of this storyboard (state None: plan changed)."""
        self._listeners.append(listener)

    def _notify(self, shot_id: str, state: JobState | None) -> None:
        for listener in list(self._listeners):
            try:
                listener(shot_id, state)
            except Exception:  # a broken observer must not stop the run
                import logging

                logging.getLogger("sora_widgets").exception("storyboard listener failed")

    # -- what the ledger says -----------------------------------------------------------------
    def takes(self) -> dict[str, list[Take]]:
        """Every take of every shot id, oldest first."""
        out: dict[str, list[Take]] = {}
        for row in self.ledger.rows(group_id=self.board.id):
            m = _SHOT_LABEL.search(row["label"] or "")
            if m:
                out.setdefault(m.group(1), []).append(Take.from_row(row, m.group(1)))
        return out

    def current(self, takes: dict[str, list[Take]] | None = None) -> list[Take | None]:
        """The latest take of each shot, in board order."""
        takes = self.takes() if takes is None else takes
        return [takes[s.id][-1] if takes.get(s.id) else None for s in self.board.shots]

    def in_use(self, takes: dict[str, list[Take]] | None = None) -> list[Take | None]:
        """The take of each shot that the film uses now: the latest one with a video (a new take
        that is still running or failed replaces nothing yet), else the latest."""
        takes = self.takes() if takes is None else takes
        out: list[Take | None] = []
        for shot in self.board.shots:
            mine = takes.get(shot.id) or []
            done = [t for t in mine if t.ok]
            out.append(done[-1] if done else (mine[-1] if mine else None))
        return out

    def _prepared(self, index: int) -> VideoRequest:
        return self.runner.prepare(self.board.request(index))[0]

    def _changed(self, index: int, take: Take) -> bool:
        """The shot was edited since `take` (prompt, length, model, size, own reference, continuity)."""
        mode = self.board.continuity(index)
        if (take.op == "extend") != (mode == "extend"):
            return True
        made_as = self.lineage.get(take.key, {}).get("continuity")
        if made_as is not None and made_as != mode:
            return True
        now = self._prepared(index).summary()
        was = dict(take.request)
        if "seed" not in now:  # a new take (↻) has its own seed; the shot itself asks for none
            was.pop("seed", None)
        if mode != "independent":  # a chained shot's reference is derived, not part of the shot
            now.pop("input_reference", None)
            was.pop("input_reference", None)
        if take.op == "extend":  # the server takes model and size from the source
            for key in ("model", "size", "resolution", "aspect_ratio", "fit"):
                now.pop(key, None)
                was.pop(key, None)
        return now != was

    def _stale(self, index: int, take: Take, prev: Take | None) -> bool:
        mode = self.board.continuity(index)
        if mode == "independent" or prev is None:
            return False
        if mode == "extend":
            return take.parent_id != prev.video_id
        source = self.lineage.get(take.key, {}).get("from")
        return source is not None and source != prev.key

    def status(self) -> list[ShotStatus]:
        out = []
        takes = self.takes()
        current, used = self.current(takes), self.in_use(takes)
        for i, (shot, take) in enumerate(zip(self.board.shots, current, strict=True)):
            mode = self.board.continuity(i)
            if take is None:
                out.append(ShotStatus(i, shot.id, mode, "missing"))
                continue
            prev = used[i - 1] if i else None  # "made from an older take" compares with the take in use
            out.append(ShotStatus(i, shot.id, mode, take.status, take.key, take.video_id, take.path, take.thumbnail,
                                  take.error, stale=self._stale(i, take, prev), changed=self._safe_changed(i, take)))
        return out

    def _safe_changed(self, index: int, take: Take) -> bool:
        try:
            return self._changed(index, take)
        except SoraError:
            return True  # the current request is not even valid: certainly not what was made

    # -- planning -----------------------------------------------------------------------------
    def _plan_run(self, cascade: bool) -> dict[int, str]:
        """keep | attach | create for every shot (see the module docstring)."""
        current = self.current()
        plan: dict[int, str] = {}
        for strand in self.board.strands():
            redo_before = False
            for i in strand:
                take, mode = current[i], self.board.continuity(i)
                prev = current[i - 1] if i else None
                action = "keep" if take is not None and take.ok else "attach"
                if take is None or take.status not in ("completed", *RESUMABLE) or self._changed(i, take):
                    action = "create"
                elif (mode == "extend" or (mode == "chain" and cascade)) and (
                        redo_before or self._stale(i, take, prev)):
                    action = "create"  # an extension contains its source; a re-chain was asked for
                plan[i] = action
                redo_before = action == "create"
        return plan

    def _plan_regenerate(self, index: int, downstream: bool) -> dict[int, str]:
        """`index` is 0-based here (the widget's cards); `Storyboard.regenerate` takes shot numbers."""
        if not 0 <= index < len(self.board.shots):
            raise IndexError(f"no shot {index + 1}; shots are 1-{len(self.board.shots)}")
        plan = dict.fromkeys(range(len(self.board.shots)), "keep")
        plan[index] = "retake"  # a new take: a new seed, so it really differs
        follow = ("chain", "extend") if downstream else ("extend",)
        j = index + 1
        while j < len(self.board.shots) and self.board.continuity(j) in follow:
            plan[j] = "create"
            j += 1
        return plan

    def _validate(self, plan: dict[int, str]) -> None:
        """Refuse before anything is sent: invalid requests, unsupported continuity, budget."""
        current = self.current()
        caps = self.runner.capabilities
        total = 0.0
        for i, action in sorted(plan.items()):
            if action not in ("create", "retake"):
                continue
            req, cost = self.runner.prepare(self.board.request(i))
            total += cost
            mode = self.board.continuity(i)
            mc = caps.model(req.model)
            if mode == "extend" and not mc.supports("extend"):
                raise UnsupportedFeatureError(
                    f"shot {i + 1} extends shot {i}, but {mc.id} on the {caps.backend} backend has no extension "
                    "endpoint", param="continuity",
                    hint="use continuity 'chain' (the last frame becomes the reference) or a backend with extend")
            if mode == "chain" and not (mc.input_reference or mc.frame_images):
                raise UnsupportedFeatureError(
                    f"shot {i + 1} chains from shot {i}, but {mc.id} on {caps.backend} takes no reference image",
                    param="continuity", hint="use continuity 'independent'")
            prev = current[i - 1] if i else None
            if mode != "independent" and plan.get(i - 1) == "keep" and (prev is None or not prev.ok):
                raise InvalidRequestError(
                    f"shot {i + 1} continues from shot {i}, which has no video yet",
                    hint="run the whole storyboard first (board.run())")
        # the whole plan must fit before the first shot is sent (each shot then reserves its own)
        self.runner.budget.check(total, f"storyboard {self.board.id}")

    # -- running ------------------------------------------------------------------------------
    def start(self, plan: dict[int, str] | None = None, *, cascade: bool = False) -> RunHandle:
        """Validate, then run the plan (default: `run`'s) in the background."""
        if self._active is not None and not self._active.done():
            raise InvalidRequestError(f"storyboard {self.board.id} is already running",
                                      hint="wait for it (handle.wait()) or stop it (handle.interrupt())")
        plan = self._plan_run(cascade) if plan is None else plan
        self._validate(plan)
        self._materialise_references()
        self.save()
        handle = RunHandle(self)
        self._active = handle
        work = [[i for i in strand if plan[i] != "keep"] for strand in self.board.strands()]
        work = [w for w in work if w]
        threads = [threading.Thread(target=self._strand, args=(w, plan, handle), daemon=True,
                                    name=f"storyboard-{self.board.id}-{n}") for n, w in enumerate(work)]
        for t in threads:
            t.start()

        def finish() -> None:
            for t in threads:
                t.join()
            try:
                self.save()
                handle.future.set_result(self.status())
            except Exception as exc:
                handle.future.set_exception(exc)
            self._notify("", None)

        threading.Thread(target=finish, daemon=True, name=f"storyboard-{self.board.id}").start()
        return handle

    def run(self, *, cascade: bool = False) -> list[ShotStatus]:
        """Generate what is missing or edited (and stale `extend` shots); block until done."""
        return self.start(cascade=cascade).wait()

    def regenerate(self, index: int, *, downstream: bool = False, wait: bool = True) -> list[ShotStatus]:
        """A new take of shot `index` (0-based: `Storyboard.regenerate` takes the printed shot
        number); following `extend` shots too (their video contains it), and
        following `chain` shots when `downstream`. Nothing else is touched."""
        handle = self.start_regenerate(index, downstream=downstream)
        return handle.wait() if wait else []

    def start_regenerate(self, index: int, *, downstream: bool = False) -> RunHandle:
        """`regenerate` in the background (the widget's ↻ button)."""
        return self.start(self._plan_regenerate(index, downstream))

    def _strand(self, indices: list[int], plan: dict[int, str], handle: RunHandle) -> None:
        for i in indices:
            if handle.stop.is_set():
                return
            shot_id = self.board.shots[i].id
            try:
                job = self._attach(i) if plan[i] == "attach" else self._create(i, retake=plan[i] == "retake")
            except Exception as exc:  # reported by RunHandle.wait; the other strands go on
                handle.errors[f"{i + 1}"] = str(exc) if isinstance(exc, SoraError) else f"{type(exc).__name__}: {exc}"
                self._notify(shot_id, None)
                return
            state = job.wait()
            self.save()
            if not state.ok:
                return  # what follows in this strand continues from this shot

    def _watch(self, shot_id: str, job: Job) -> Job:
        with self._lock:
            self.jobs[shot_id] = job
        job.observe(lambda state: self._notify(shot_id, state))
        return job

    def _label(self, index: int) -> str:
        name = self.board.title or "storyboard"
        return f"{name} · shot {index + 1} [{self.board.shots[index].id}]"

    def _create(self, index: int, *, retake: bool = False) -> Job:
        board, shot = self.board, self.board.shots[index]
        mode = board.continuity(index)
        request = board.request(index)
        if retake and request.seed is None and self._takes_seed(request):
            import secrets

            request = request.with_(seed=secrets.randbelow(2**32))
        op, parent, source = "create", None, None
        reference: str | None = None
        if mode != "independent":
            prev = self.current()[index - 1]
            if prev is None or not prev.ok:
                raise InvalidRequestError(f"shot {index} has no video to continue from")
            source = prev.key
            if mode == "chain":
                reference = str(self._chain_reference(index, prev))
                request = request.with_(input_reference=reference)
            else:
                op, parent = "extend", prev.video_id
        job = self.runner.submit(request, op=op, parent_id=parent, label=self._label(index), group_id=board.id,
                                 background=True)
        with self._lock:
            self.lineage[job.key] = {"shot": shot.id, "continuity": mode, "from": source, "reference": reference}
        self.save()
        return self._watch(shot.id, job)

    def _takes_seed(self, request: VideoRequest) -> bool:
        try:
            return bool(self.runner.capabilities.model(request.model).seed)
        except SoraError:
            return False

    def _chain_reference(self, index: int, prev: Take) -> Path:
        """The previous take's last frame, fitted to this shot's size, saved as a PNG."""
        from ..media import fit_image, last_frame
        from ..models import parse_size

        assert prev.path is not None
        image = last_frame(prev.path)
        size = self._prepared(index).size
        if size:
            image = fit_image(image, parse_size(size), self.board.fit)
        target = self.folder() / f"{self.board.shots[index].id}-from-{prev.key}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        image.save(target, format="PNG")
        return target

    def _attach(self, index: int) -> Job:
        """Resume one take (only this storyboard's own, not every unfinished job of the backend)."""
        take = self.current()[index]
        assert take is not None
        jobs = self.runner.resume([take.key], background=True)
        if not jobs:
            raise SoraError(f"shot {index + 1}'s job {take.key} cannot be resumed on the {self.runner.backend} backend",
                            hint="run the storyboard with the runner (backend, output folder) that started it")
        return self._watch(self.board.shots[index].id, jobs[0])

    # -- files and the ledger group -----------------------------------------------------------
    def folder(self) -> Path:
        """Where this storyboard's own files go (reference images)."""
        return Path(self.runner.settings.output_dir) / "storyboards" / self.board.id

    def _materialise_references(self) -> None:
        """Image bytes become PNG files, so the group record stays small and readable."""
        for shot in self.board.shots:
            ref = shot.reference
            if ref is not None and ref.kind == "bytes" and ref.data:
                target = self.folder() / f"{shot.id}-reference.{(ref.mime or 'image/png').split('/')[1]}"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(ref.data)
                shot.reference = ref.coerce(target)

    def save(self) -> None:
        """Write the group record: the storyboard, lineage of every take, current takes, last stitch."""
        with self._lock:
            current = self.current()
            data = {
                "version": 1,
                "storyboard": self.board.model_dump(mode="json"),
                "takes": dict(self.lineage),
                "shots": [{"id": s.id, "key": t.key if t else None, "video_id": t.video_id if t else None,
                           "path": str(t.path) if t and t.path else None}
                          for s, t in zip(self.board.shots, current, strict=True)],
                "stitch": self.last_stitch,
            }
            path = self.last_stitch["path"] if self.last_stitch else None
            self.ledger.save_group(self.board.id, GROUP_KIND, data, path)

    # -- quality ------------------------------------------------------------------------------
    def signals(self) -> dict[str, Signals | None]:
        """Quality signals of each shot's current take, by shot id (stored with the job, or computed
        now and stored; blocking)."""
        out: dict[str, Signals | None] = {}
        for status in self.status():
            row = self.ledger.get(status.key) if status.ok and status.key else None
            if row is not None:
                out[status.shot_id] = self.runner.quality.check_now(row)
        return out

    def seams(self) -> list[ShotSeam]:
        """The cut into every shot from the previous one, where both have a take (decodes them once;
        see `quality.signals.seams`). A jump into a `chain` shot is a seam to fix; into an
        `independent` shot it is an ordinary cut; an `extend` shot contains its predecessor."""
        from ..quality import signals

        statuses = self.status()
        out = []
        for prev, cur in itertools.pairwise(statuses):
            if prev.ok and cur.ok and cur.continuity != "extend":
                assert prev.path is not None and cur.path is not None
                [seam] = signals.seams([prev.path, cur.path])
                out.append(ShotSeam(cur.index, cur.continuity, seam))
        return out

    # -- stitching ----------------------------------------------------------------------------
    def stitch_inputs(self) -> list[ShotStatus]:
        """The takes that make up the film: a shot that the next shot extends is inside that video."""
        statuses = self.status()
        bad = [s for s in statuses if not s.ok]
        if bad:
            which = ", ".join(f"{s.index + 1} ({s.status})" for s in bad)
            raise InvalidRequestError(f"shots {which} have no video yet", hint="run the storyboard first (board.run())")
        stale = [s for s in statuses if s.stale and s.continuity == "extend"]
        if stale:
            raise InvalidRequestError(
                f"shot {stale[0].index + 1} extends an older take of shot {stale[0].index}",
                hint="board.run() makes a new extension of the current take")
        n = len(statuses)
        return [s for i, s in enumerate(statuses) if not (i + 1 < n and self.board.continuity(i + 1) == "extend")]

    def default_stitch_path(self, first: Path, crossfade: int = 0) -> Path:
        """`<board id>-<title>.mp4`; a crossfade version gets its own name (`…-xfade6.mp4`), so it
        never overwrites the hard-cut film."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.board.title.lower()).strip("-")
        fade = f"-xfade{crossfade}" if crossfade else ""
        return first.parent / f"{self.board.id}{'-' + slug if slug else ''}{fade}.mp4"

    def stitch(self, path: str | Path | None = None, *, crossfade: int = 0) -> StitchResult:
        """One MP4 of the current takes, beside the shots (or at `path`), recorded in the group."""
        from .stitch import stitch

        inputs = self.stitch_inputs()
        paths = [s.path for s in inputs if s.path is not None]
        target = Path(path) if path else self.default_stitch_path(paths[0], crossfade)
        result = stitch(paths, target, crossfade=crossfade, fit=self.board.fit)
        with self._lock:
            self.last_stitch = {**result.summary(), "keys": [s.key for s in inputs], "at": time.time()}
        self.save()
        return result


def load(board_cls: type[Storyboard], group_id: str, runner: JobRunner | None = None) -> Storyboard:
    """The storyboard recorded in ledger group `group_id`, bound to a `Production` on `runner`
    (`board_cls` is passed in by `Storyboard.load`, so this module never imports the model)."""
    if runner is None:
        from ..jobs import default_runner

        runner = default_runner()
    group = runner.ledger.group(group_id) if runner.ledger is not None else None
    if group is None or group.get("kind") != GROUP_KIND:
        where = runner.ledger.path if runner.ledger is not None else "no ledger"
        raise InvalidRequestError(f"no storyboard {group_id!r} in the ledger ({where})",
                                  hint="use the same output_dir as the run that made it")
    data = group["data"]
    board = board_cls.model_validate(data["storyboard"])
    production = board.production(runner)
    production.lineage = dict(data.get("takes") or {})
    production.last_stitch = data.get("stitch")
    return board

