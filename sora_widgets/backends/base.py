"""The adapter contract: build wire requests and parse wire responses. No I/O in adapters.

The client turns a `WireRequest` into an HTTP request and hands the decoded response back to the
adapter's `parse_*` methods, which return the canonical models of `sora_widgets.models`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..capabilities import BackendCapabilities
from ..errors import APIStatusError, InvalidRequestError, UnsupportedFeatureError, status_error_class
from ..models import DeletedVideo, Video, VideoPage, VideoRequest

#: every operation the client may ask an adapter for; `Backend.operations` says which a backend has
OPERATIONS = ("create", "retrieve", "list", "delete", "content", "remix", "edit", "extend", "characters")
#: the content variants of the OpenAI contract; `Backend.variants` says which a backend has
VARIANTS = ("video", "thumbnail", "spritesheet")

#: status words other servers use, mapped onto the canonical ones (`models.TERMINAL_STATUSES` and queued/in_progress).
#: Matched case-insensitively; a status not listed here is kept exactly as the server sent it.
STATUS_SYNONYMS: Mapping[str, str] = {
    "pending": "queued",
    "submitted": "queued",
    "waiting": "queued",
    "processing": "in_progress",
    "running": "in_progress",
    "generating": "in_progress",
    "succeeded": "completed",
    "success": "completed",
    "complete": "completed",
    "done": "completed",
    "error": "failed",
    "errored": "failed",
    "canceled": "cancelled",
}

#: the OpenAI SDK's Accept for content, plus a wildcard so servers (and Prism mocks) that only know
#: the concrete media types (video/mp4, image/webp) still answer instead of sending 406
CONTENT_ACCEPT = "application/binary, */*;q=0.5"


@dataclass(frozen=True)
class PreparedReference:
    """A reference image ready to send: fitted bytes (a file part) or a URL the server fetches."""

    data: bytes | None = None
    mime: str = "image/png"
    filename: str = "reference.png"
    url: str | None = None

    def data_url(self) -> str:
        import base64

        if self.url:
            return self.url
        return f"data:{self.mime};base64," + base64.b64encode(self.data or b"").decode()


@dataclass(frozen=True)
class WireRequest:
    """One HTTP request, relative to the backend's base URL."""

    method: str
    path: str
    params: dict[str, Any] | None = None
    json: dict[str, Any] | None = None
    #: form fields; with `files` the body is multipart, with `data` alone it is urlencoded
    data: dict[str, str] | None = None
    #: file parts (filename, bytes, mime); a part with filename None is a plain text field, which
    #: is how a dialect forces multipart for a form without any file (see `text_parts`)
    files: dict[str, tuple[str | None, bytes, str | None]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    #: create-like POSTs get an Idempotency-Key so a retry cannot bill twice
    creates: bool = False
    #: a nicety the server may lack (`GET /v1/models` on an older server): failing is not an error
    optional: bool = False


#: which backend kinds offer a feature, for error hints; `registry` (which imports this module) installs it
_offering: list[Callable[[str], list[str]]] = [lambda feature: []]


def install_offering_lookup(lookup: Callable[[str], list[str]]) -> None:
    _offering[0] = lookup


class Backend:
    """Base adapter for the OpenAI Videos dialect; other dialects override what differs."""

    kind: ClassVar[str] = "openai"
    #: environment variables that may hold the key, in order
    key_envs: ClassVar[tuple[str, ...]] = ("OPENAI_API_KEY",)
    default_base_url: ClassVar[str | None] = None
    requires_key: ClassVar[bool] = True
    #: True when capabilities come from the server (`models_request`/`parse_models`)
    dynamic_capabilities: ClassVar[bool] = False
    #: True when the server de-duplicates creates by Idempotency-Key (safe to re-send on resume)
    honours_idempotency: ClassVar[bool] = False
    #: seconds between polls when the server sends no hint (providers ask for slower polling)
    min_poll_interval: ClassVar[float] = 0.0

    #: operations the server has at all (see `OPERATIONS`); others are refused before sending
    operations: ClassVar[frozenset[str]] = frozenset(OPERATIONS)
    #: content variants the server really returns; others are refused before sending, because a
    #: server that ignores `variant` answers with the MP4, which must never land in a .webp
    variants: ClassVar[tuple[str, ...]] = VARIANTS
    #: what DELETE does to a job still rendering: True = the server stops the work, False = it
    #: only forgets the record while the GPU keeps rendering, None = not documented
    delete_stops_render: ClassVar[bool | None] = None
    #: how a failed job is reported, for the capability table (one short phrase)
    failure_report: ClassVar[str] = "status failed + error {code, message}"
    #: where the served model names come from (an endpoint, or "built in")
    model_names: ClassVar[str] = "built in"
    #: how the create body travels, for the capability table
    body_encoding: ClassVar[str] = "JSON; multipart with a reference file"
    #: server status word (lower case) -> canonical status
    status_map: ClassVar[Mapping[str, str]] = STATUS_SYNONYMS

    #: what the backend offers before any catalog is fetched; each subclass sets its own
    default_capabilities: ClassVar[BackendCapabilities]

    def __init__(self, capabilities: BackendCapabilities | None = None) -> None:
        self._capabilities = capabilities or self.default_capabilities
        #: the server this adapter talks to, when known (set by `backend_for`); keys catalog caches
        self.base_url: str | None = None

    # -- capabilities -----------------------------------------------------------------------
    @property
    def capabilities(self) -> BackendCapabilities:
        return self._capabilities

    def set_capabilities(self, caps: BackendCapabilities) -> None:
        self._capabilities = caps

    def models_request(self) -> WireRequest | None:
        return None

    def parse_models(self, data: Any) -> BackendCapabilities:
        return self._capabilities

    # -- auth -------------------------------------------------------------------------------
    def auth_headers(self, api_key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {api_key}"} if api_key else {}

    # -- operations -------------------------------------------------------------------------
    def require_operation(self, operation: str) -> None:
        """Refuse, before anything is sent, an operation this server does not have at all."""
        if operation in self.operations:
            return
        others = _offering[0](operation)
        raise UnsupportedFeatureError(
            f"{operation} is not available on the {self.kind} backend",
            param=operation,
            hint=f"backends that offer {operation}: {', '.join(others) or 'none'}",
        )

    def require_variant(self, variant: str) -> None:
        """Refuse, before anything is sent, a content variant this server cannot return."""
        if variant in self.variants:
            return
        raise UnsupportedFeatureError(
            f"the {self.kind} backend has no {variant} for a video, only: {', '.join(self.variants)}",
            param="variant",
            hint="download the video; sora_widgets.media.first_frame() makes a still from it",
        )

    # -- requests ---------------------------------------------------------------------------
    def seconds_value(self, seconds: int) -> Any:
        """How `seconds` travels: the OpenAI contract uses the strings "4", "8", "12"."""
        return str(seconds)

    def create_fields(self, req: VideoRequest) -> dict[str, Any]:
        fields: dict[str, Any] = {"prompt": req.prompt}
        if req.model:
            fields["model"] = req.model
        if req.seconds is not None:
            fields["seconds"] = self.seconds_value(req.seconds)
        if req.size:
            fields["size"] = req.size
        # Non-contract fields only travel when set, so a strict server never sees them by default.
        if req.seed is not None:
            fields["seed"] = req.seed
        if req.negative_prompt:
            fields["negative_prompt"] = req.negative_prompt
        fields.update(req.extras)
        return fields

    def create(self, req: VideoRequest, ref: PreparedReference | None = None) -> WireRequest:
        fields = self.create_fields(req)
        if ref is not None and ref.data is not None:
            return WireRequest(
                "POST",
                "/videos",
                data=_form(fields),
                files={"input_reference": (ref.filename, ref.data, ref.mime)},
                creates=True,
            )
        if ref is not None:
            fields["input_reference"] = {"image_url": ref.data_url()}
        return WireRequest("POST", "/videos", json=fields, creates=True)

    def retrieve(self, video_id: str) -> WireRequest:
        return WireRequest("GET", f"/videos/{video_id}")

    def list(self, *, after: str | None = None, limit: int = 100, order: str = "desc") -> WireRequest:
        self.require_operation("list")
        params: dict[str, Any] = {"limit": limit, "order": order}
        if after:
            params["after"] = after
        return WireRequest("GET", "/videos", params=params)

    def delete(self, video_id: str) -> WireRequest:
        self.require_operation("delete")
        return WireRequest("DELETE", f"/videos/{video_id}")

    def content(self, video_id: str, variant: str = "video", index: int = 0) -> WireRequest:
        """The job's bytes. `index` picks one of several outputs on servers that make several."""
        self.require_operation("content")
        self.require_variant(variant)
        if index:
            raise InvalidRequestError(
                f"the {self.kind} backend makes one video per job; there is no output #{index}",
                param="index",
                hint="use index=0",
            )
        return WireRequest(
            "GET",
            f"/videos/{video_id}/content",
            params={"variant": variant},
            headers={"Accept": CONTENT_ACCEPT},
        )

    def remix(self, video_id: str, prompt: str) -> WireRequest:
        self.require_operation("remix")
        return WireRequest("POST", f"/videos/{video_id}/remix", json={"prompt": prompt}, creates=True)

    def edit(self, video_id: str, prompt: str) -> WireRequest:
        self.require_operation("edit")
        return WireRequest("POST", "/videos/edits", json={"video": {"id": video_id}, "prompt": prompt}, creates=True)

    def extend(self, video_id: str, prompt: str, seconds: int) -> WireRequest:
        self.require_operation("extend")
        body = {"video": {"id": video_id}, "prompt": prompt, "seconds": self.seconds_value(seconds)}
        return WireRequest("POST", "/videos/extensions", json=body, creates=True)

    def character(self, name: str, video: bytes, filename: str = "character.mp4") -> WireRequest:
        """`POST /videos/characters` (multipart only, per the OpenAI contract)."""
        self.require_operation("characters")
        return WireRequest(
            "POST", "/videos/characters", data={"name": name},
            files={"video": (filename, video, "video/mp4")}, creates=True,
        )

    # -- responses --------------------------------------------------------------------------
    def result_in_error(self, wire: WireRequest, status: int, body: bytes) -> bool:
        """True when an error status still carries the answer (vLLM-Omni sends a failed job's Video
        with the failure's HTTP status): the client then reads the body instead of retrying."""
        return False

    def normalise_status(self, status: Any) -> Any:
        """The canonical word for a server's status; unknown words are kept as they came."""
        if isinstance(status, str):
            return self.status_map.get(status.lower(), status)
        return status

    def parse_video(self, data: Any) -> Video:
        if isinstance(data, dict) and "status" in data:
            status = self.normalise_status(data["status"])
            if status != data["status"]:
                data = {**data, "status": status}
        return Video.model_validate(data)

    def parse_page(self, data: Any) -> VideoPage:
        return VideoPage(
            data=[self.parse_video(v) for v in data.get("data", [])],
            first_id=data.get("first_id"),
            last_id=data.get("last_id"),
            has_more=bool(data.get("has_more")),
        )

    def parse_deleted(self, data: Any, video_id: str) -> DeletedVideo:
        gone = DeletedVideo.model_validate(data)
        return gone if gone.stopped is not None else gone.model_copy(update={"stopped": self.delete_stops_render})

    def parse_error(
        self, status: int, body: bytes, headers: dict[str, str], *, secrets: tuple[str | None, ...] = ()
    ) -> APIStatusError:
        """Map an error response onto the error tree; the server's own words are kept."""
        from ..errors import redact

        payload: Any = None
        try:
            payload = json.loads(body.decode("utf-8", "replace") or "null")
        except ValueError:
            payload = None
        err = payload.get("error") if isinstance(payload, dict) else None
        code = param = etype = None
        if isinstance(err, dict):
            message = str(err.get("message") or "")
            code = _str_or_none(err.get("code"))
            param = _str_or_none(err.get("param"))
            etype = _str_or_none(err.get("type"))
        elif isinstance(err, str):
            message = err
        elif isinstance(payload, dict) and "detail" in payload:
            message = _detail_text(payload["detail"])
        elif isinstance(payload, dict) and isinstance(payload.get("message"), str):
            # vLLM's older flat envelope: {"object": "error", "message": ..., "type": ..., "code": 400}
            message = payload["message"]
            code = _str_or_none(payload.get("code"))
            etype = _str_or_none(payload.get("type"))
        else:
            message = body[:200].decode("utf-8", "replace").strip() or f"HTTP {status}"
        cls = status_error_class(status)
        return cls(
            redact(message or f"HTTP {status}", *secrets),
            status_code=status,
            code=code,
            param=param,
            type=etype,
            request_id=headers.get("x-request-id"),
            body=None,
        )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _detail_text(detail: Any) -> str:
    """FastAPI-style `{"detail": ...}`: a string or a list of validation errors."""
    if isinstance(detail, list):
        parts = []
        for item in detail:
            if isinstance(item, dict):
                loc = ".".join(str(x) for x in item.get("loc", [])[1:])
                parts.append(f"{loc}: {item.get('msg', '')}" if loc else str(item.get("msg", "")))
        return "; ".join(parts) or "invalid request"
    return str(detail)


def text_parts(fields: dict[str, str]) -> dict[str, tuple[str | None, bytes, str | None]]:
    """Form fields as multipart parts without a filename (httpx sends them as plain fields)."""
    return {key: (None, value.encode("utf-8"), None) for key, value in fields.items()}


def _form(fields: dict[str, Any]) -> dict[str, str]:
    """Multipart text fields; nested dicts are flattened as `key[sub]` like the official SDK."""
    out: dict[str, str] = {}
    for key, value in fields.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                out[f"{key}[{sub}]"] = str(inner)
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif value is not None:
            out[key] = str(value)
    return out
