"""The server's error responses: OpenAI's envelope `{"error": {message, type, param, code}}`.

Handlers raise `ApiError`; the app turns it into the envelope with the right status. Messages copy
OpenAI's wording where it is known (see notes/videos-api-openai.md), because clients and users
search for those exact sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class ApiError(Exception):
    """An HTTP error with OpenAI's envelope. Raise it anywhere in a handler."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return envelope(self.message, type=self.type, param=self.param, code=self.code)


def envelope(message: str, *, type: str, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def quote_list(values: Iterable[Any]) -> str:
    """"'4', '8', or '12'" — OpenAI's way of listing allowed values."""
    items = [f"'{v}'" for v in values]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} or {items[1]}"
    return ", ".join(items[:-1]) + f", or {items[-1]}"


def json_type_name(value: Any) -> str:
    """'an integer', 'a string', ... as OpenAI's "Invalid type" messages say it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "a file"


def shorten(value: Any, limit: int = 64) -> str:
    """Client input echoed in a message, cut short (a 10 kB model name stays out of the reply)."""
    text = "".join(ch for ch in str(value) if ch.isprintable())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def invalid_value(param: str, allowed: Iterable[Any], got: Any) -> ApiError:
    return ApiError(
        400,
        f"Invalid value for '{param}': expected one of {quote_list(allowed)}, but got '{shorten(got)}' instead.",
        param=param,
        code="invalid_value",
    )


def invalid_type(param: str, expected: str, got: Any) -> ApiError:
    return ApiError(
        400,
        f"Invalid type for '{param}': expected {expected}, but got {json_type_name(got)} instead.",
        param=param,
        code="invalid_type",
    )


def missing_param(param: str) -> ApiError:
    return ApiError(400, f"Missing required parameter: '{param}'.", param=param, code="missing_required_parameter")


def unknown_param(param: str) -> ApiError:
    shown = shorten(param)
    return ApiError(400, f"Unknown parameter: '{shown}'.", param=shown, code="unknown_parameter")


def not_found(what: str, ident: str, param: str | None = None) -> ApiError:
    return ApiError(404, f"{what} with id '{shorten(ident, 80)}' not found.", param=param, code="not_found")


#: OpenAI's words for an unexpected server error (every 500 this server sends uses them)
INTERNAL_ERROR_MESSAGE = "The server had an error while processing your request. Sorry about that!"


def internal_error_body() -> dict[str, Any]:
    return envelope(INTERNAL_ERROR_MESSAGE, type="server_error", code="internal_error")
