"""One exception tree for the whole toolkit.

    SoraError                       base; str() is always one readable line (what, why, what to do)
    ├── ConfigurationError          missing key, unknown backend, bad settings
    ├── InvalidRequestError         refused locally before sending (also a ValueError)
    │   └── UnsupportedFeatureError the backend/model lacks the feature (remix, seed, ...)
    ├── BudgetExceededError         the submit would exceed the configured budget
    ├── APIConnectionError          the server could not be reached
    │   └── APITimeoutError         connect/read timed out
    ├── APIStatusError              the server answered 4xx/5xx (message, code, param, request id)
    │   ├── BadRequestError (400)   AuthenticationError (401)  PaymentRequiredError (402)
    │   ├── PermissionDeniedError (403)  NotFoundError (404)  ConflictError (409)
    │   ├── UnprocessableEntityError (422)  RateLimitError (429)  InternalServerError (5xx)
    ├── GenerationFailedError       the job ended failed/cancelled/expired; carries `code` and `video`
    ├── PollTimeoutError            the poll deadline passed; carries `video_id` to resume
    └── DownloadError               the content was empty, not an MP4, or could not be written

    KeyboardInterrupt
    └── PollInterrupted             Ctrl-C while waiting; carries `video_id` to resume. An interrupt, not an
                                    error: `except Exception` / `except SoraError` do not swallow it

`GenerationFailed` and `PollTimeout` are deprecated aliases of the `*Error` names (they warn on use).
Keys never appear in any message: messages are built from server text that went through `redact`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SoraError(Exception):
    """Base class. `hint` says what to do; `str()` joins message and hint on one line."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        text = self.message.replace("\n", " ").strip()
        return f"{text} — {self.hint}" if self.hint else text


class ConfigurationError(SoraError):
    pass


class InvalidRequestError(SoraError, ValueError):
    def __init__(self, message: str, *, param: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.param = param


class UnsupportedFeatureError(InvalidRequestError):
    pass


def from_validation_error(
    exc: Exception,
    *,
    names: Mapping[str, str] | None = None,
    hints: Mapping[str, str] | None = None,
    cls: type[InvalidRequestError] | None = None,
    fallback: str | None = None,
) -> InvalidRequestError:
    """THE translation of a pydantic `ValidationError` into the toolkit's one line (what, why, what
    to do), shared by the client, the magics, the Studio and the CLI.

    The first problem names its field (`names` maps a field to what the user typed, e.g. a flag
    `--seconds`), says why in words (never pydantic's wording with its URL) and carries a hint:
    `hints[field]`, else one derived from the problem, else `fallback`. The error's `param` is the field.
    """
    errors = getattr(exc, "errors", None)
    items: list[Any] = list(errors()) if callable(errors) else []
    if not items:
        return (cls or InvalidRequestError)(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    first = items[0]
    path = [str(p) for p in first.get("loc", ()) if p != "__root__" and not str(p).isdigit()]
    field = path[0] if path else ""
    label = (names or {}).get(field) or ".".join(path)
    what, why, hint = _explain(first, label)
    if len(items) > 1:
        why += f" (and {len(items) - 1} more problem{'s' if len(items) > 2 else ''})"
    if first.get("type") != "string_too_long":  # "shorten it by N" beats any general advice
        hint = (hints or {}).get(field) or hint
    hint = hint or FIELD_HINTS.get(field) or fallback or (f"check {label}" if label else
                                                                           "check the request")
    if what and field and label.startswith(field) and why.startswith(field):  # the validator named it already
        what = ""
    text = f"{what} {why}" if what and why.startswith("is ") else f"{what}: {why}" if what else why
    return (cls or InvalidRequestError)(text, param=field or None, hint=hint)


#: what to do about a bad `VideoRequest` field when the caller has no better hint
FIELD_HINTS: dict[str, str] = {
    "prompt": "describe the video: a subject and an action are enough",
    "seconds": "give a whole number of seconds the model offers",
    "seed": f"use a whole number from 0 to {2**32 - 1}",
    "size": "write it as WIDTHxHEIGHT, e.g. 1280x720",
    "fit": "allowed: cover, contain, none",
    "input_reference": "give a PNG, JPEG or WebP image (a file, bytes or an http(s) URL)",
}


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _explain(err: Mapping[str, Any], label: str) -> tuple[str, str, str | None]:
    """(what, why, hint) for one pydantic error dict, in plain words."""
    kind, ctx, value = str(err.get("type", "")), err.get("ctx") or {}, err.get("input")
    quiet = (value is None or isinstance(value, (dict, bytes, bytearray)) or kind.startswith("string_too")
             or kind == "extra_forbidden")
    what = label if quiet or not label else f"{label} {_shown(value)}"
    if kind == "string_too_long":
        size, limit = len(value) if isinstance(value, str) else 0, int(ctx.get("max_length", 0))
        extra = size - limit
        return (what, f"is {size:,} characters long, over the limit of {limit:,}",
                f"shorten it by {extra:,} character{'s' if extra > 1 else ''}")
    if kind == "string_too_short":
        return what, "is empty", None
    bounds = {"greater_than_equal": ("ge", "at least"), "greater_than": ("gt", "more than"),
              "less_than_equal": ("le", "at most"), "less_than": ("lt", "less than")}
    if kind in bounds:
        key, words = bounds[kind]
        bound = ctx.get(key)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return what, f"must be {words} {bound}", None
    plain = {"int_parsing": "must be a whole number", "int_from_float": "must be a whole number",
             "int_type": "must be a whole number", "float_parsing": "must be a number",
             "bool_parsing": "must be true or false", "missing": "is required",
             "extra_forbidden": "is not a known field"}
    if kind in plain:
        return what, plain[kind], ("check the spelling" if kind == "extra_forbidden" else None)
    if kind == "literal_error":
        return what, f"must be one of {ctx.get('expected', '?')}", None
    msg = " ".join(str(err.get("msg", "invalid value")).removeprefix("Value error, ").split())
    return what, msg, None


class BudgetExceededError(SoraError):
    pass


class APIConnectionError(SoraError):
    def __init__(self, message: str = "could not reach the video server", *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint or "check the base URL and that the server is running")


class APITimeoutError(APIConnectionError):
    def __init__(self, message: str = "the request to the video server timed out") -> None:
        super().__init__(message, hint="try again, or raise `timeout` in the settings")


class APIStatusError(SoraError):
    status_code: int = 0
    default_hint: str | None = None

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        param: str | None = None,
        type: str | None = None,
        request_id: str | None = None,
        body: Any = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint or self.default_hint)
        self.status_code = status_code
        self.code = code
        self.param = param
        self.type = type
        self.request_id = request_id
        self.body = body

    def __str__(self) -> str:
        base = super().__str__()
        rid = f" (request {self.request_id})" if self.request_id else ""
        return f"HTTP {self.status_code}: {base}{rid}"


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    default_hint = "check the API key (SORA_API_KEY or the backend's usual variable)"


class PaymentRequiredError(APIStatusError):
    default_hint = "the account has no credits left; add credits with the provider, then retry"


class PermissionDeniedError(APIStatusError):
    default_hint = "the key is valid but may not use this model or feature"


class NotFoundError(APIStatusError):
    default_hint = "check the id; jobs expire and deleted videos are gone"


class ConflictError(APIStatusError):
    pass


class UnprocessableEntityError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    default_hint = "the server is rate limiting; wait a moment or lower the batch concurrency"


class InternalServerError(APIStatusError):
    default_hint = "a server-side failure; retry later"


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: BadRequestError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    if status >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status, APIStatusError)


class GenerationFailedError(SoraError):
    """The job finished without a video. `code` is the server's reason, e.g. `moderation_blocked`."""

    def __init__(self, video: Any, *, hint: str | None = None) -> None:
        err = getattr(video, "error", None)
        self.video = video
        self.video_id: str = getattr(video, "id", "")
        self.code: str | None = getattr(err, "code", None)
        status = getattr(video, "status", "failed")
        why = getattr(err, "message", "") or status
        if hint is None and self.code == "moderation_blocked":
            hint = "the prompt or reference was blocked by moderation; rephrase it and try again"
        super().__init__(f"video {self.video_id} {status}: {why}", hint=hint)


class PollTimeoutError(SoraError):
    def __init__(self, video_id: str, waited: float) -> None:
        self.video_id = video_id
        super().__init__(
            f"video {video_id} was not finished after {waited:.0f}s",
            hint=f"it may still finish: resume with client.poll({video_id!r}) or %sora resume",
        )


class PollInterrupted(KeyboardInterrupt):
    """Raised instead of a bare KeyboardInterrupt so the job id is never lost.

    It is an interrupt, not an error (a `KeyboardInterrupt`, not a `SoraError`): a script's
    `except Exception` lets Ctrl-C through. `str()` is one line like every error's."""

    def __init__(self, video_id: str, *, message: str | None = None, hint: str | None = None) -> None:
        self.video_id = video_id
        self.message = message or f"stopped waiting for video {video_id} (the job keeps running on the server)"
        self.hint = hint or f"resume with client.poll({video_id!r}) or %sora resume"
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class DownloadError(SoraError):
    pass


#: old name -> new name; the old names still work and warn
_DEPRECATED = {"GenerationFailed": "GenerationFailedError", "PollTimeout": "PollTimeoutError"}


def __getattr__(name: str) -> Any:
    if name in _DEPRECATED:
        import warnings

        new = _DEPRECATED[name]
        warnings.warn(f"sora_widgets.{name} is deprecated; use {new}", DeprecationWarning, stacklevel=2)
        return globals()[new]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def redact(text: str, *secrets: str | None) -> str:
    """Replace every secret that occurs in `text` (used on anything echoed from a server)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
