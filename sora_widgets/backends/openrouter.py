"""The `openrouter` backend: OpenRouter's own asynchronous video API (alpha in 2026).

Contract: OpenRouter's OpenAPI spec (vendored trimmed in tests/contract/specs/) (`/videos`, `VideoGenerationRequest`,
`VideoGenerationResponse`, `VideoModel`). Base `https://openrouter.ai/api/v1`, key
`OPENROUTER_API_KEY` as a Bearer token.

- `POST /videos` answers **202** `{id, polling_url, status: "pending"}`; `parse_video` reads it
  like any Video (`pending` -> `queued`).
- `GET /videos/{id}`: `pending|in_progress|completed|failed|cancelled|expired`, `error` as a
  string, `usage.cost` in USD (recorded as `Video.cost`), `unsigned_urls` kept as they came.
- `GET /videos/{id}/content?index=N`: the MP4 itself; no thumbnail or spritesheet variants.
- `GET /videos/models`: each model's durations, resolutions, aspect ratios, sizes, frame types,
  audio, seed and `pricing_skus` (see `openrouter_catalog.py`, cached per process).
- No list, delete, remix, edit, extend or characters: refused before anything is sent.

Request mapping: `seconds` -> `duration` (int); `size`, or `resolution` + `aspect_ratio`;
`seed`; `audio` -> `generate_audio`; the reference image -> `frame_images[0]` as the first frame
(`extras={"frame_type": "last_frame"}` makes it the last frame instead, and
`extras={"last_frame": <http(s) or data URL, or image bytes>}` adds a last frame). Other extras are
sent as they are (e.g. `callback_url`, `provider`, `input_references`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, ClassVar

from ..capabilities import BackendCapabilities, ModelCapabilities
from ..errors import APIStatusError, InvalidRequestError, SoraError, UnsupportedFeatureError
from ..models import Video, VideoRequest, sniff_image_mime
from .base import STATUS_SYNONYMS, Backend, PreparedReference, WireRequest
from .openrouter_catalog import CATALOG, PREFERRED_DEFAULT, parse_catalog

FRAME_TYPES = ("first_frame", "last_frame")

#: before the catalog arrives: one model, nothing restricted yet (the client fetches the catalog
#: before it validates anything, so these values are only seen by `backends_offering`)
OPENROUTER_CAPABILITIES = BackendCapabilities(
    backend="openrouter",
    default_model=PREFERRED_DEFAULT,
    open_models=True,
    models={
        PREFERRED_DEFAULT: ModelCapabilities(
            id=PREFERRED_DEFAULT, label="catalog not fetched yet", durations=(), frame_images=FRAME_TYPES,
            audio=True, seed=True,
        )
    },
)

#: status -> (what happened and why, what to do), replacing a bare "HTTP 402"
_PLAIN_ERRORS: dict[int, tuple[str, str]] = {
    401: (
        "OpenRouter did not accept the API key",
        "set OPENROUTER_API_KEY to a key from https://openrouter.ai/keys",
    ),
    402: (
        "OpenRouter refused the job because the account has run out of credits",
        "add credits at https://openrouter.ai/credits (or pick a cheaper model, shorter duration or "
        "lower resolution), then run it again",
    ),
    413: (
        "OpenRouter refused the request as too large (the limit is 50 MiB; reference images travel inline)",
        "use a smaller reference image, or pass it as an http(s) URL",
    ),
    429: (
        "OpenRouter is rate limiting this key: too many requests in a short time (retries did not help)",
        "wait a minute before trying again; for batches lower `concurrency` in the settings",
    ),
}


class OpenRouterBackend(Backend):
    kind = "openrouter"
    key_envs = ("OPENROUTER_API_KEY",)
    default_base_url = "https://openrouter.ai/api/v1"
    dynamic_capabilities = True
    operations = frozenset({"create", "retrieve", "content"})
    status_map: ClassVar[Mapping[str, str]] = {**STATUS_SYNONYMS, "pending": "queued"}
    default_capabilities = OPENROUTER_CAPABILITIES
    min_poll_interval = 10.0  # OpenRouter asks clients to poll every 10-30 s
    variants = ("video",)
    body_encoding = "JSON (reference images inline as data URLs)"

    def seconds_value(self, seconds: int) -> Any:
        return int(seconds)  # sent as the integer `duration`
    model_names = "GET /videos/models (catalog with prices)"
    failure_report = "status failed + error as a string"

    # -- capabilities -----------------------------------------------------------------------
    def _catalog_key(self) -> str:
        return (self.base_url or self.default_base_url or "").rstrip("/")

    def models_request(self) -> WireRequest | None:
        """The catalog request, or None when this process fetched it less than a TTL ago."""
        cached = CATALOG.get(self._catalog_key())
        if cached is not None:
            self.set_capabilities(cached)
            return None
        return WireRequest("GET", "/videos/models")

    def parse_models(self, data: Any) -> BackendCapabilities:
        try:
            caps = parse_catalog(data, preferred=PREFERRED_DEFAULT)
        except ValueError as exc:
            raise SoraError(f"OpenRouter's video model list could not be used: {exc}",
                            hint="try again later; OpenRouter's video API is in alpha") from None
        CATALOG.put(self._catalog_key(), caps)
        return caps

    # -- requests ---------------------------------------------------------------------------
    def create(self, req: VideoRequest, ref: PreparedReference | None = None) -> WireRequest:
        mc = self.capabilities.model(req.model)
        body: dict[str, Any] = {"model": req.model or mc.id, "prompt": req.prompt}
        if req.seconds is not None:
            body["duration"] = int(req.seconds)
        if req.size:
            body["size"] = req.size
        else:
            # An aspect ratio alone would leave the resolution to the provider; pin the model's first
            # listed one so the job (and its price) is what the catalog said.
            resolution = req.resolution or (mc.resolutions[0] if req.aspect_ratio and mc.resolutions else None)
            if resolution:
                body["resolution"] = resolution
            if req.aspect_ratio:
                body["aspect_ratio"] = req.aspect_ratio
        if req.seed is not None:
            body["seed"] = req.seed
        if req.audio is not None:
            body["generate_audio"] = req.audio
        extras = dict(req.extras)
        frames = _frame_images(mc, ref, extras)
        if frames:
            body["frame_images"] = frames
        body.update(extras)
        return WireRequest("POST", "/videos", json=body, creates=True)

    def content(self, video_id: str, variant: str = "video", index: int = 0) -> WireRequest:
        if variant != "video":
            raise UnsupportedFeatureError(
                f"OpenRouter has no {variant} for a video, only the video itself",
                param="variant",
                hint="download the video; sora_widgets.media.first_frame() makes a still from it",
            )
        if index < 0:
            raise InvalidRequestError("the output index must be 0 or more", param="index")
        return WireRequest(
            "GET", f"/videos/{video_id}/content", params={"index": index},
            headers={"Accept": "video/mp4, */*;q=0.5"},
        )

    # -- responses --------------------------------------------------------------------------
    def parse_video(self, data: Any) -> Video:
        if isinstance(data, dict):
            usage = data.get("usage")
            cost = usage.get("cost") if isinstance(usage, dict) else None
            if data.get("cost") is None and isinstance(cost, (int, float)) and not isinstance(cost, bool):
                data = {**data, "cost": float(cost)}
        video = super().parse_video(data)
        if video.status == "completed" and video.progress == 0:
            video = video.model_copy(update={"progress": 100})  # OpenRouter reports no progress
        return video

    def parse_error(
        self, status: int, body: bytes, headers: dict[str, str], *, secrets: tuple[str | None, ...] = ()
    ) -> APIStatusError:
        err = super().parse_error(status, body, headers, secrets=secrets)
        plain = _PLAIN_ERRORS.get(status)
        if plain is not None:
            what, todo = plain
            said = err.message.strip()
            err.message = f"{what} (OpenRouter said: {said})" if said and said != f"HTTP {status}" else what
            err.hint = todo
        return err


def _frame_images(mc: ModelCapabilities, ref: PreparedReference | None, extras: dict[str, Any]) -> list[dict[str, Any]]:
    """`frame_images` from the reference image and the frame extras (which are consumed)."""
    kind = str(extras.pop("frame_type", "first_frame"))
    last = extras.pop("last_frame", None)
    if kind not in FRAME_TYPES:
        raise InvalidRequestError(f"frame_type {kind!r} is not one of {', '.join(FRAME_TYPES)}", param="frame_type")
    frames: list[tuple[str, str]] = []
    if ref is not None:
        frames.append((kind, ref.data_url()))
    if last is not None:
        if kind == "last_frame" and ref is not None:
            raise InvalidRequestError("two last frames given", param="last_frame",
                                      hint="drop frame_type='last_frame' or the last_frame extra")
        frames.append(("last_frame", _image_url(last)))
    for frame_type, _ in frames:
        if mc.frame_images and frame_type not in mc.frame_images:
            raise UnsupportedFeatureError(
                f"{mc.id} on OpenRouter does not take a {frame_type.replace('_', ' ')} image",
                param="frame_images",
                hint=f"it takes: {', '.join(mc.frame_images)}",
            )
    return [{"type": "image_url", "image_url": {"url": url}, "frame_type": t} for t, url in frames]


def _image_url(value: Any) -> str:
    """A URL for the `last_frame` extra: http(s)/data URLs as they are, image bytes as a data URL."""
    if isinstance(value, str) and value.startswith(("http://", "https://", "data:image/")):
        return value
    if isinstance(value, (bytes, bytearray)):
        mime = sniff_image_mime(bytes(value))
        if mime is not None:
            return f"data:{mime};base64," + base64.b64encode(bytes(value)).decode()
    raise InvalidRequestError(
        "last_frame must be an http(s) or data: URL, or PNG/JPEG/WebP bytes", param="last_frame",
        hint="read the file yourself (Path(...).read_bytes()) or upload it and pass its URL",
    )
