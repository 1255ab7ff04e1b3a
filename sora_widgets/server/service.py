"""What each create-like endpoint does, independent of HTTP: check, build a job record, commit it.

Records hold the 13 public Video keys under "video" plus what rendering and restarts need (the
`RenderSpec`, the owner, timestamps). Files a job needs (reference image, source video) are copied
into its own folder, so deleting the source later cannot break a re-render after a restart.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import anyio

from ..backends.local import LOCAL_CAPABILITIES
from .api_errors import ApiError, invalid_type, missing_param, not_found
from .config import ServerConfig
from .jobs import RenderQueue
from .params import (
    Body,
    Upload,
    check_image,
    check_keys,
    model_of,
    optional_text,
    prompt_of,
    reference_of,
    seconds_of,
    seed_of,
    size_of,
    video_ref_of,
)
from .render import FPS, VIDEO_FILE, seed_for
from .store import JobStore, new_character_id, new_video_id

CREATE_KEYS = ("prompt", "model", "seconds", "size", "input_reference", "seed", "negative_prompt", "characters")
MAX_EXTENDED_SECONDS = 120
MAX_EXTENSIONS = 6
_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


class VideoService:
    def __init__(self, config: ServerConfig, store: JobStore, runner: RenderQueue) -> None:
        self.config = config
        self.store = store
        self.runner = runner

    # -- endpoints ---------------------------------------------------------------------------
    async def create(self, body: Body, key: str | None) -> tuple[dict[str, Any], bool]:
        check_keys(body, CREATE_KEYS)
        prompt = prompt_of(body)
        replay = self._replay("create", key)
        if replay is not None:
            return replay, True
        mc = model_of(body)
        seconds, size, seed = seconds_of(body, mc), size_of(body, mc), seed_of(body)
        optional_text(body, "negative_prompt")
        self._check_characters(body)
        ref = reference_of(body)
        mime = await anyio.to_thread.run_sync(check_image, ref.data, size) if ref else None
        if seed is None:
            ref_hash = hashlib.sha256(ref.data).hexdigest() if ref else ""
            seed = seed_for(mc.id, prompt, size, seconds, ref_hash)
        spec: dict[str, Any] = {"prompt": prompt, "size": size, "seconds": seconds, "seed": seed, "model": mc.id}
        record = self._record(mc.id, prompt, size, seconds, spec, "create")
        if ref is not None and mime is not None:
            name = f"reference.{_EXT[mime]}"
            _write_file(self.store.job_dir(record["video"]["id"]) / name, ref.data)
            spec["reference"] = name
        return self._commit(record, "create", key)

    async def remix(self, source_id: str, body: Body, key: str | None) -> tuple[dict[str, Any], bool]:
        check_keys(body, ("prompt",))
        prompt = prompt_of(body)
        replay = self._replay(f"remix:{source_id}", key)
        if replay is not None:
            return replay, True
        src = self._completed(source_id, None)
        record = self._derived(src, prompt, "remix")
        record["video"]["remixed_from_video_id"] = source_id
        return self._commit(record, f"remix:{source_id}", key)

    async def edit(self, body: Body, key: str | None) -> tuple[dict[str, Any], bool]:
        check_keys(body, ("video", "prompt", "model", "seed"))
        prompt = prompt_of(body)
        ref = video_ref_of(body)
        replay = self._replay("edit", key)
        if replay is not None:
            return replay, True
        if isinstance(ref, str):
            # With an id the model, size and length come from the source (as the guide says).
            return self._commit(self._derived(self._completed(ref, "video"), prompt, "edit"), "edit", key)
        mc = model_of(body)
        width, height, frames = await anyio.to_thread.run_sync(probe_video, ref.data)
        size = _upload_size(width, height, mc.sizes, mc.id)
        whole = max(1, frames // FPS)
        seconds = max([d for d in mc.durations if d <= whole] or [min(mc.durations)])
        seed = seed_of(body)
        if seed is None:
            seed = seed_for(mc.id, prompt, size, seconds, hashlib.sha256(ref.data).hexdigest())
        spec = {"prompt": prompt, "size": size, "seconds": seconds, "seed": seed, "model": mc.id,
                "reference_video": "input.mp4"}
        record = self._record(mc.id, prompt, size, seconds, spec, "edit")
        _write_file(self.store.job_dir(record["video"]["id"]) / "input.mp4", ref.data)
        return self._commit(record, "edit", key)

    async def extend(self, body: Body, key: str | None) -> tuple[dict[str, Any], bool]:
        check_keys(body, ("video", "prompt", "seconds", "model"))
        prompt = prompt_of(body)
        ref = video_ref_of(body)
        if "seconds" not in body.fields:
            raise missing_param("seconds")
        replay = self._replay("extend", key)
        if replay is not None:
            return replay, True
        if isinstance(ref, str):
            src = self._completed(ref, "video")
            mc = LOCAL_CAPABILITIES.models[src["video"]["model"]]
            size, before, chain = src["video"]["size"], int(src["video"]["seconds"]), src.get("extensions", 0)
            seed, source, limit = int(src["spec"]["seed"]), self.store.job_dir(ref) / VIDEO_FILE, None
        else:
            mc = model_of(body)
            width, height, frames = await anyio.to_thread.run_sync(probe_video, ref.data)
            size, before, chain = _upload_size(width, height, mc.sizes, mc.id), frames // FPS, 0
            if before < 1:
                raise ApiError(400, "Invalid file 'video': the video is shorter than one second.", param="video",
                               code="invalid_value")
            seed, source, limit = seed_for(mc.id, prompt, hashlib.sha256(ref.data).hexdigest()), None, before * FPS
        seconds = seconds_of(body, mc, required=True)
        total = before + seconds
        if total > MAX_EXTENDED_SECONDS:
            raise ApiError(400, f"Invalid value for 'seconds': the extended video would be {total} seconds long; "
                           f"the maximum is {MAX_EXTENDED_SECONDS}.", param="seconds", code="invalid_value")
        if chain >= MAX_EXTENSIONS:
            raise ApiError(400, f"This video was already extended {chain} times; the maximum is {MAX_EXTENSIONS}.",
                           param="video", code="invalid_value")
        spec = {"prompt": prompt, "size": size, "seconds": seconds, "seed": seed, "model": mc.id,
                "source_video": "source.mp4", "source_frames": limit}
        record = self._record(mc.id, prompt, size, total, spec, "extend")
        record["extensions"] = chain + 1
        target = self.store.job_dir(record["video"]["id"]) / "source.mp4"
        if source is not None:
            _link_or_copy(source, target)
        else:
            assert isinstance(ref, Upload)
            _write_file(target, ref.data)
        return self._commit(record, "extend", key)

    async def create_character(self, body: Body) -> dict[str, Any]:
        check_keys(body, ("video", "name"))
        name = body.fields.get("name")
        if name is None:
            raise missing_param("name")
        if not isinstance(name, str):
            raise invalid_type("name", "a string", name)
        if not 1 <= len(name.strip()) <= 80:
            raise ApiError(400, "Invalid 'name': expected a string of 1 to 80 characters.", param="name",
                           code="invalid_value")
        upload = body.files.get("video")
        if upload is None:
            if "video" in body.fields:
                raise invalid_type("video", "a file", body.fields["video"])
            raise missing_param("video")
        await anyio.to_thread.run_sync(probe_video, upload.data)
        char_id = new_character_id()
        record = {"id": char_id, "name": name.strip(), "created_at": int(time.time())}
        _write_file(self.store.character_dir(char_id) / "video.mp4", upload.data)
        self.store.save_character(record)
        return record

    # -- helpers -----------------------------------------------------------------------------
    def _record(self, model: str, prompt: str, size: str, seconds: int, spec: dict[str, Any],
                kind: str) -> dict[str, Any]:
        now = time.time_ns()
        video = {
            "id": new_video_id(), "object": "video", "model": model, "status": "queued", "progress": 0,
            "created_at": now // 1_000_000_000, "completed_at": None, "expires_at": None, "prompt": prompt,
            "size": size, "seconds": str(seconds), "remixed_from_video_id": None, "error": None,
        }
        return {"video": video, "created_ns": now, "kind": kind, "spec": spec, "blocked": self._blocked(prompt),
                "owner": None, "started_at": None, "generation_time": self.config.generation_time, "extensions": 0}

    def _derived(self, src: dict[str, Any], prompt: str, kind: str) -> dict[str, Any]:
        """A re-render of `src` with a new prompt: same seed, size, length and input files."""
        spec = dict(src["spec"], prompt=prompt)
        v = src["video"]
        record = self._record(v["model"], prompt, v["size"], int(v["seconds"]), spec, kind)
        record["extensions"] = src.get("extensions", 0)
        src_dir, dst_dir = self.store.job_dir(v["id"]), self.store.job_dir(record["video"]["id"])
        for field in ("reference", "reference_video", "source_video"):
            if spec.get(field):
                _link_or_copy(src_dir / spec[field], dst_dir / spec[field])
        return record

    def _completed(self, video_id: str, param: str | None) -> dict[str, Any]:
        src = self.store.load(video_id)
        if src is None:
            raise not_found("Video", video_id, param)
        status = src["video"]["status"]
        if status != "completed":
            raise ApiError(400, f"Video '{video_id}' is not completed (status: {status}); only completed videos "
                           "can be used as a source.", param=param, code="invalid_video_state")
        if not (self.store.job_dir(video_id) / VIDEO_FILE).is_file():
            raise ApiError(400, f"The files of video '{video_id}' have expired or were removed.", param=param,
                           code="video_expired")
        return src

    def _blocked(self, prompt: str) -> bool:
        return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", prompt, re.IGNORECASE) for w in self.config.blocked_words)

    def _check_characters(self, body: Body) -> None:
        chars = body.fields.get("characters")
        if chars is None:
            return
        if not isinstance(chars, list) or len(chars) > 2 or not all(isinstance(c, dict) for c in chars):
            raise ApiError(400, "Invalid 'characters': expected up to 2 objects like {\"id\": \"char_...\"}.",
                           param="characters", code="invalid_value")
        for c in chars:
            cid = c.get("id")
            if not isinstance(cid, str) or self.store.load_character(cid) is None:
                raise not_found("Character", str(cid), "characters")

    def _key_hash(self, scope: str, key: str) -> str:
        if not 1 <= len(key) <= 255 or not key.isprintable():
            raise ApiError(400, "Invalid 'Idempotency-Key' header: expected 1 to 255 printable characters.",
                           param="Idempotency-Key", code="invalid_value")
        return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()

    def _replay(self, scope: str, key: str | None) -> dict[str, Any] | None:
        if key is None:
            return None
        holder = self.store.lookup_key(self._key_hash(scope, key))
        return self.store.load(holder) if holder else None

    def _commit(self, record: dict[str, Any], scope: str, key: str | None) -> tuple[dict[str, Any], bool]:
        vid = record["video"]["id"]
        self.store.save(record)
        if key is not None:
            winner = self.store.claim_key(self._key_hash(scope, key), vid)
            if winner != vid:  # a concurrent request with the same key won the race
                self.store.delete(vid)
                won = self.store.load(winner)
                if won is not None:
                    return won, True
        self.runner.submit(record)
        return record, False


def _upload_size(width: int, height: int, sizes: tuple[str, ...], model: str) -> str:
    size = f"{width}x{height}"
    if size not in sizes:
        from .api_errors import quote_list

        raise ApiError(400, f"Invalid file 'video': its size {size} is not supported by {model}; expected one of "
                       f"{quote_list(sizes)}.", param="video", code="invalid_value")
    return size


def probe_video(data: bytes) -> tuple[int, int, int]:
    """(width, height, frames) of an uploaded video; a 400 if it is not a decodable video."""
    import io

    import av

    try:
        with av.open(io.BytesIO(data)) as container:
            if not container.streams.video:
                raise ApiError(400, "Invalid file 'video': it has no video stream.", param="video", code="invalid_file")
            frames, width, height = 0, 0, 0
            for frame in container.decode(video=0):
                frames, width, height = frames + 1, frame.width, frame.height
    except ApiError:
        raise
    except Exception:  # PyAV raises many FFmpeg error types for garbage input
        raise ApiError(400, "Invalid file 'video': expected an MP4 video that can be decoded.", param="video",
                       code="invalid_file") from None
    if frames == 0:
        raise ApiError(400, "Invalid file 'video': it has no frames.", param="video", code="invalid_file")
    return width, height, frames


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except FileExistsError:
        pass
    except OSError:
        shutil.copyfile(src, dst)
