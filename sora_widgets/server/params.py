"""Reading and checking request bodies: JSON or multipart, as the spec allows everywhere.

The official SDK sends create/edit/extend as multipart with nested objects flattened as
`video[id]` and `seconds` as a string, and remix as JSON; raw HTTP clients send JSON with nested
objects. Both become one `Body`, then one set of checks with OpenAI's messages. Model, seconds and
size are checked against `LOCAL_CAPABILITIES`, the table the client and the widgets read too.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..backends.local import LOCAL_CAPABILITIES
from ..capabilities import ModelCapabilities
from ..models import MAX_PROMPT_CHARS, sniff_image_mime
from .api_errors import ApiError, invalid_type, invalid_value, missing_param, shorten, unknown_param

if TYPE_CHECKING:
    from starlette.requests import Request

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
_FLAT_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\[([A-Za-z_][A-Za-z0-9_]*)\]$")
#: the largest text part of a multipart body (a data-URL reference may be up to 20 MB)
MAX_FORM_FIELD = 21 * 1024 * 1024 + 4096


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Body:
    """A request body as fields (JSON values; strings from a form) and uploaded files."""

    fields: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)
    form: bool = False


async def read_body(request: Request) -> Body:
    """Parse JSON, multipart or urlencoded; an empty body is an empty JSON object."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return await _read_form(request)
    raw = await request.body()
    if not raw.strip() and ctype in ("", "application/json"):
        return Body()
    if ctype not in ("application/json", "") and not ctype.endswith("+json"):
        raise ApiError(
            415,
            f"Unsupported content type '{shorten(ctype)}'. Send application/json or multipart/form-data.",
            code="unsupported_content_type",
        )
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
            "your HTTP library correctly. The API expects a JSON payload, but what was sent was not valid JSON.)",
            code="invalid_json",
        ) from None
    if not isinstance(data, dict):
        raise ApiError(400, "The JSON body of your request must be an object.", code="invalid_json")
    return Body(fields=data)


#: object-valued parameters: in multipart they may also arrive as one JSON part (the spec's default
#: encoding for object properties) instead of flattened `key[sub]` fields
OBJECT_FIELDS = ("video", "input_reference")


def _json_object(text: str | bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


async def _read_form(request: Request) -> Body:
    body = Body(form=True)
    async with request.form(max_files=8, max_fields=64, max_part_size=MAX_FORM_FIELD) as form:
        for key, value in form.multi_items():
            if key in OBJECT_FIELDS and isinstance(value, str) and value.lstrip().startswith("{"):
                parsed = _json_object(value)
                if parsed is not None:
                    body.fields[key] = parsed
                    continue
            if isinstance(value, str):
                m = _FLAT_KEY.match(key)
                if m:  # video[id] -> {"video": {"id": ...}}
                    parent = body.fields.setdefault(m.group(1), {})
                    if not isinstance(parent, dict):
                        raise ApiError(400, f"Conflicting values for '{m.group(1)}'.", param=m.group(1))
                    parent[m.group(2)] = value
                else:
                    body.fields[key] = value
            else:
                data = await value.read()
                ctype = (value.content_type or "application/octet-stream").split(";", 1)[0].strip().lower()
                parsed = _json_object(data) if key in OBJECT_FIELDS and ctype == "application/json" else None
                if parsed is not None:
                    body.fields[key] = parsed
                else:
                    body.files[key] = Upload(value.filename or key, ctype, data)
    return body


def check_keys(body: Body, allowed: tuple[str, ...]) -> None:
    for key in list(body.fields) + list(body.files):
        if key not in allowed:
            raise unknown_param(key)


def prompt_of(body: Body) -> str:
    prompt = body.fields.get("prompt")
    if prompt is None:
        raise missing_param("prompt")
    if not isinstance(prompt, str):
        raise invalid_type("prompt", "a string", prompt)
    if not prompt.strip():
        raise ApiError(
            400,
            "Invalid 'prompt': string too short. Expected a string with minimum length 1, but got an empty "
            "string instead.",
            param="prompt",
            code="string_below_min_length",
        )
    if len(prompt) > MAX_PROMPT_CHARS:
        raise ApiError(
            400,
            f"Invalid 'prompt': string too long. Expected a string with maximum length {MAX_PROMPT_CHARS}, "
            f"but got a string with length {len(prompt)} instead.",
            param="prompt",
            code="string_above_max_length",
        )
    return prompt


def model_of(body: Body, default: str | None = None) -> ModelCapabilities:
    model = body.fields.get("model")
    if model is None:  # null counts as "not given", like every optional field here
        model = default or LOCAL_CAPABILITIES.default_model
    if not isinstance(model, str):
        raise invalid_type("model", "a string", model)
    if model not in LOCAL_CAPABILITIES.models:
        raise invalid_value("model", LOCAL_CAPABILITIES.models, model)
    return LOCAL_CAPABILITIES.models[model]


def seconds_of(body: Body, mc: ModelCapabilities, *, required: bool = False) -> int:
    allowed = [str(d) for d in mc.durations]
    value = body.fields.get("seconds")
    if value is None:
        if required:
            raise missing_param("seconds")
        return mc.seconds_default
    if not isinstance(value, str):
        raise invalid_type("seconds", f"one of {_quoted(allowed)}", value)
    if value.strip() not in allowed:
        raise invalid_value("seconds", allowed, value)
    return int(value.strip())


def size_of(body: Body, mc: ModelCapabilities) -> str:
    value = body.fields.get("size")
    if value is None:
        return mc.size_default or mc.sizes[0]
    if not isinstance(value, str):
        raise invalid_type("size", "a string", value)
    if value.strip() not in mc.sizes:
        raise invalid_value("size", mc.sizes, value)
    return value.strip()


def seed_of(body: Body) -> int | None:
    value = body.fields.get("seed")
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**32 - 1:
        raise ApiError(400, "Invalid 'seed': expected an integer between 0 and 4294967295.", param="seed",
                       code="invalid_value")
    return value


def optional_text(body: Body, key: str, max_len: int = MAX_PROMPT_CHARS) -> str | None:
    value = body.fields.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid_type(key, "a string", value)
    if len(value) > max_len:
        raise ApiError(400, f"Invalid '{key}': string too long (maximum {max_len}).", param=key,
                       code="string_above_max_length")
    return value


def reference_of(body: Body) -> Upload | None:
    """The `input_reference` image as bytes: a file part, or `{image_url: data URL}`."""
    if "input_reference" in body.files:
        return body.files["input_reference"]
    ref = body.fields.get("input_reference")
    if ref is None:
        return None
    if isinstance(ref, str):
        if body.form:
            raise invalid_type("input_reference", "a file", ref)
        raise invalid_type("input_reference", "an object", ref)
    if not isinstance(ref, dict):
        raise invalid_type("input_reference", "an object", ref)
    extra = set(ref) - {"image_url", "file_id"}
    if extra:
        raise unknown_param(f"input_reference.{sorted(extra)[0]}")
    if ref.get("file_id") is not None:
        raise ApiError(400, "Invalid 'input_reference.file_id': this server has no Files API; upload the image "
                       "or send it as a base64 data URL in 'image_url'.", param="input_reference", code="invalid_value")
    url = ref.get("image_url")
    if not isinstance(url, str) or not url:
        raise ApiError(400, "Invalid 'input_reference': provide exactly one of 'image_url' or 'file_id'.",
                       param="input_reference", code="invalid_value")
    return Upload("reference", "", decode_data_url(url, "input_reference.image_url"))


def decode_data_url(url: str, param: str) -> bytes:
    if not url.startswith("data:"):
        raise ApiError(400, f"Invalid '{param}': this offline server cannot fetch URLs; send the image as a base64 "
                       "data URL (data:image/png;base64,...) or as a file.", param=param, code="invalid_value")
    head, sep, payload = url.partition(",")
    if not sep or ";base64" not in head:
        raise ApiError(400, f"Invalid '{param}': expected a base64 data URL.", param=param, code="invalid_value")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, f"Invalid '{param}': the data URL is not valid base64.", param=param,
                       code="invalid_value") from None


def check_image(data: bytes, size: str) -> str:
    """Validate a reference image against the requested `size`; returns its MIME type."""
    import io

    from PIL import Image, UnidentifiedImageError

    mime = sniff_image_mime(data)
    if mime not in IMAGE_TYPES:
        raise ApiError(
            400,
            "Invalid file 'input_reference': unsupported image format. Supported formats are "
            "'image/jpeg', 'image/png', and 'image/webp'.",
            param="input_reference",
            code="invalid_image_format",
        )
    try:
        with Image.open(io.BytesIO(data)) as img:
            got = img.size
            expected = tuple(int(v) for v in size.split("x"))
            if got != expected:
                raise ApiError(400, "Inpaint image must match the requested width and height", param="input_reference",
                               code="invalid_value")
            img.load()  # a truncated or corrupt file fails here, not in the renderer
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ApiError(400, "Invalid file 'input_reference': the image could not be decoded.",
                       param="input_reference", code="invalid_image") from None
    return mime


def video_ref_of(body: Body) -> str | Upload:
    """The `video` of an edit/extension: an id (`{id}` / `video[id]`) or an uploaded file."""
    if "video" in body.files:
        return body.files["video"]
    ref = body.fields.get("video")
    if ref is None:
        raise missing_param("video")
    if isinstance(ref, dict):
        extra = set(ref) - {"id"}
        if extra:
            raise unknown_param(f"video.{sorted(extra)[0]}")
        vid = ref.get("id")
        if not isinstance(vid, str) or not vid:
            raise missing_param("video.id")
        return vid
    raise invalid_type("video", "an object with an 'id'" + (" or a file" if body.form else ""), ref)


def _quoted(values: list[str]) -> str:
    from .api_errors import quote_list

    return quote_list(values)
