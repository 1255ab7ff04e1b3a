"""Canonical data models shared by every layer.

`VideoRequest` is what a user asks for, independent of any backend; adapters turn it into wire
requests. `Video` is a job as any backend reports it, normalised. Models hold data and validation
only: no I/O here (reading a reference image file happens in `media.py`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_PROMPT_CHARS = 32000

TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled", "expired", "deleted"})

Variant = Literal["video", "thumbnail", "spritesheet"]
Fit = Literal["cover", "contain", "none"]

_SIZE_RE = re.compile(r"^(\d{2,5})x(\d{2,5})$")
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_image_mime(data: bytes) -> str | None:
    """The MIME type of PNG/JPEG/WebP/GIF bytes, or None when the bytes are not one of them."""
    for magic, mime in _IMAGE_MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def parse_size(size: str) -> tuple[int, int]:
    """'1280x720' -> (1280, 720); raises ValueError on anything else."""
    m = _SIZE_RE.match(size.strip())
    if not m:
        raise ValueError(f"size must look like '1280x720', got {size!r}")
    return int(m.group(1)), int(m.group(2))


def normal_size(size: str | None) -> str | None:
    """' 1280x720 ' -> '1280x720' (None stays None); raises ValueError when it is not WxH."""
    if size is None:
        return None
    w, h = parse_size(size)
    return f"{w}x{h}"


class ImageReference(BaseModel):
    """A reference image as given by the user: a local file, a URL, or raw bytes.

    PIL images are converted to PNG bytes on the way in so the request stays frozen and hashable.
    """

    model_config = ConfigDict(frozen=True)

    kind: Literal["path", "url", "bytes"]
    path: Path | None = None
    url: str | None = None
    data: bytes | None = Field(default=None, repr=False)
    mime: str | None = None
    name: str = "reference.png"

    @classmethod
    def coerce(cls, value: Any) -> ImageReference:
        if isinstance(value, ImageReference):
            return value
        if isinstance(value, dict):
            return cls.model_validate(value)
        if isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
            mime = sniff_image_mime(data)
            if mime is None:
                raise ValueError("input_reference bytes are not an image (allowed: PNG, JPEG, WebP)")
            return cls(kind="bytes", data=data, mime=mime, name=f"reference.{mime.split('/')[1]}")
        if hasattr(value, "save") and hasattr(value, "size") and hasattr(value, "mode"):
            import io

            buf = io.BytesIO()
            img = value if value.mode in ("RGB", "RGBA", "L") else value.convert("RGB")
            img.save(buf, format="PNG")
            return cls(kind="bytes", data=buf.getvalue(), mime="image/png", name="reference.png")
        if isinstance(value, str) and re.match(r"^(https?://|data:image/)", value):
            return cls(kind="url", url=value, name=value.rsplit("/", 1)[-1][:80] or "reference")
        if isinstance(value, (str, Path)):
            path = Path(value).expanduser()
            if not path.is_file():
                raise ValueError(f"input_reference file not found: {str(path)!r}")
            with path.open("rb") as fh:
                head = fh.read(16)
            mime = sniff_image_mime(head)
            if mime is None:
                raise ValueError(
                    f"input_reference {path.name!r} is not an image (allowed: PNG, JPEG, WebP)"
                )
            return cls(kind="path", path=path.resolve(), mime=mime, name=path.name)
        raise ValueError(
            "input_reference must be a file path, bytes, a PIL image or an http(s)/data URL, "
            f"not {type(value).__name__}"
        )

    def describe(self) -> str:
        if self.kind == "path":
            return str(self.path)
        if self.kind == "url":
            return (self.url or "")[:60] + ("…" if self.url and len(self.url) > 60 else "")
        return f"<{len(self.data or b'')} bytes {self.mime}>"


class VideoRequest(BaseModel):
    """A frozen, validated description of one generation, independent of any backend.

    `model`, `seconds` and `size` may be left as None: the backend's capabilities fill its
    defaults (see `capabilities.resolve`). Backend-specific wire fields go in `extras`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    model: str | None = None
    seconds: int | None = Field(default=None, ge=1, le=120)
    size: str | None = None
    resolution: str | None = None
    aspect_ratio: str | None = None
    input_reference: ImageReference | None = None
    fit: Fit = "cover"
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    negative_prompt: str | None = None
    audio: bool | None = None
    extras: dict[str, Any] = Field(default_factory=dict)

    @field_validator("prompt")
    @classmethod
    def _prompt_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("prompt is empty; describe the video you want")
        return v

    @field_validator("seconds", mode="before")
    @classmethod
    def _seconds_int(cls, v: Any) -> Any:
        if isinstance(v, str) and v.strip().isdigit():
            return int(v.strip())
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return v

    @field_validator("size")
    @classmethod
    def _size_shape(cls, v: str | None) -> str | None:
        return normal_size(v)

    @field_validator("input_reference", mode="before")
    @classmethod
    def _coerce_reference(cls, v: Any) -> Any:
        return None if v is None else ImageReference.coerce(v)

    @field_validator("negative_prompt")
    @classmethod
    def _blank_negative(cls, v: str | None) -> str | None:
        return v if v and v.strip() else None

    @model_validator(mode="after")
    def _size_or_resolution(self) -> VideoRequest:
        if self.size and self.resolution:
            raise ValueError("give either size or resolution + aspect_ratio, not both")
        return self

    def with_(self, **changes: Any) -> VideoRequest:
        """A validated copy with some fields changed (frozen models cannot be edited in place)."""
        data = self.model_dump()
        if "input_reference" not in changes:
            data["input_reference"] = self.input_reference
        data.update(changes)
        return VideoRequest.model_validate(data)

    def summary(self) -> dict[str, Any]:
        """A JSON-safe view (no image bytes) for ledgers, output metadata and dry runs."""
        out = self.model_dump(exclude={"input_reference"}, exclude_none=True, exclude_defaults=False)
        if not out.get("extras"):
            out.pop("extras", None)
        if self.input_reference is not None:
            out["input_reference"] = self.input_reference.describe()
        return out


class VideoFailure(BaseModel):
    """Why a job failed: the `error` object of a failed job (`moderation_blocked`, `internal_error`, ...).

    Data, not an exception (the exceptions live in `errors.py`); `VideoError` is its deprecated old name."""

    model_config = ConfigDict(extra="allow")

    code: str | None = None
    message: str = ""

    @field_validator("code", mode="before")
    @classmethod
    def _code(cls, v: Any) -> Any:
        # vLLM-Omni reports the HTTP status as an integer code (`"code": 500`); keep it as text
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


class Video(BaseModel):
    """A generation job as reported by a backend. Unknown keys and statuses are kept, not rejected."""

    model_config = ConfigDict(extra="allow")

    id: str
    object: str = "video"
    status: str = "queued"
    progress: int = 0
    created_at: int | None = None
    completed_at: int | None = None
    expires_at: int | None = None
    model: str | None = None
    prompt: str | None = None
    size: str | None = None
    seconds: int | None = None
    remixed_from_video_id: str | None = None
    error: VideoFailure | None = None
    #: actual cost in USD when the backend reports one (OpenRouter `usage.cost`)
    cost: float | None = None

    @field_validator("seconds", mode="before")
    @classmethod
    def _seconds(cls, v: Any) -> Any:
        if v is None or isinstance(v, int):
            return v
        try:
            return int(float(v))
        except (TypeError, ValueError):
            return None

    @field_validator("progress", mode="before")
    @classmethod
    def _progress(cls, v: Any) -> Any:
        try:
            return max(0, min(100, int(float(v))))
        except (TypeError, ValueError):
            return 0

    @field_validator("error", mode="before")
    @classmethod
    def _error(cls, v: Any) -> Any:
        if isinstance(v, str):
            return {"code": None, "message": v}
        return v

    @property
    def done(self) -> bool:
        """True once the job will not change any more (completed, failed, cancelled, expired)."""
        return self.status in TERMINAL_STATUSES

    @property
    def ok(self) -> bool:
        return self.status == "completed"


class VideoPage(BaseModel):
    """One page of `GET /videos`."""

    model_config = ConfigDict(extra="allow")

    data: list[Video] = Field(default_factory=list)
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool = False


class DeletedVideo(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    object: str = "video.deleted"
    deleted: bool = True
    #: whether the server also stopped rendering (None: unknown). SGLang and FastVideo only drop
    #: the record and keep rendering; vLLM-Omni aborts a running job first.
    stopped: bool | None = None


class VideoCharacter(BaseModel):
    """A character made from a video (`create_character`): the API's object, not a storyboard's
    `sora_widgets.storyboard.Character` description."""

    model_config = ConfigDict(extra="allow")

    id: str | None = None
    name: str | None = None
    created_at: int | None = None


def __getattr__(name: str) -> Any:
    if name == "Character":  # renamed: the storyboard has its own Character
        import warnings

        warnings.warn("sora_widgets.models.Character is deprecated; use VideoCharacter", DeprecationWarning,
                      stacklevel=2)
        return VideoCharacter
    if name == "VideoError":  # renamed: it is data, and `except VideoError` caught nothing
        import warnings

        warnings.warn("sora_widgets.VideoError is deprecated; use VideoFailure (the exceptions are in "
                      "sora_widgets.errors)", DeprecationWarning, stacklevel=2)
        return VideoFailure
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
