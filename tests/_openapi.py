"""Contract checks against OpenAI's OpenAPI spec (the `/videos` part vendored in
`tests/contract/specs/openai-videos.json` by `tools/vendor_specs.py`; SOURCE.json there says from where).

    from tests._openapi import validate_openai_request, validate_openai_response, validating_hooks

    client = httpx.Client(event_hooks=validating_hooks())      # or httpx2.Client for the openai SDK
    validate_openai_request(request)             # raises AssertionError listing every violation
    validate_openai_response(request, response)

What is checked:
- Requests (openapi-core): path and method exist in the spec, query parameters, the JSON body
  against the operation's schema, and the bearer security scheme (a request without
  `Authorization` is a violation).
- Multipart request bodies: openapi-core cannot validate OAS 3.1 file parts (it hands bytes to a
  `type: string` check, which fails inside the `oneOf`s these schemas use), so the helper decodes
  the parts itself and validates the resulting object against the operation's multipart schema
  with the same JSON-Schema validator: a file part (one with a filename) counts as a binary
  string, an `application/json` part as the object it holds (the spec's default encoding for
  object properties), a text part as a string, and fields flattened as `key[sub]` (the
  convention of the Stainless-generated SDKs for nested objects) as `{"key": {"sub": ...}}`.
- 2xx JSON responses (openapi-core): the body against the operation's response schema
  (`VideoResource` with all 13 required keys, `VideoListResource`, ...), and a JSON content type.
- 2xx content downloads (`GET /videos/{id}/content`): the spec only says "binary" (and lists
  video/mp4, image/webp), so we check the Content-Type per variant (video -> video/mp4,
  thumbnail -> image/webp, spritesheet -> image/jpeg as the guide says) and the file's magic
  bytes (MP4 `ftyp`, WebP `RIFF....WEBP`, JPEG `FF D8 FF`).
- Error responses (non-2xx): the spec documents only 200 for the video paths, so the body is
  checked against `components.schemas.ErrorResponse` (`{"error": {message, type, param, code}}`
  with all four keys), and the Content-Type must be JSON.
- Not checked: response headers (the spec declares none for these paths).

`VideoModel` (anyOf string / string enum) is rewritten as the equivalent `{"type": "string"}` so
multipart parts decode as text. `strict=False` (the default) also widens exactly two enums:
`VideoSize` to any `WxH` and `VideoSeconds` to any digit string. The frozen spec lists OpenAI's
hosted values only; the guide documents more (1080p sizes, "16"/"20") and compatible servers
(our `local` backend's `animatic` model) use others. Everything else stays as the spec says.
Pass `strict=True` to validate the frozen enums.

Loading: the vendored file already holds only the `/videos` paths and the components they
reference; `x-oai-*` metadata and `examples` are dropped here so openapi-core builds it quickly.
URLs are mapped onto the spec's server: everything up to and including the first `/v1` segment is
replaced by `https://api.openai.com/v1`, so `http://127.0.0.1:PORT/v1/videos` validates as
`https://api.openai.com/v1/videos`.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SPEC_PATH = Path(__file__).resolve().parent / "contract" / "specs" / "openai-videos.json"
SPEC_SERVER = "https://api.openai.com"
API_PREFIX = "/v1"
_CONTENT_PATH = re.compile(r"^/v1/videos/[^/]+/content/?$")
_MAGIC = {
    "video": ("video/mp4", lambda b: b[4:8] == b"ftyp"),
    "thumbnail": ("image/webp", lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP"),
    "spritesheet": ("image/jpeg", lambda b: b[:3] == b"\xff\xd8\xff"),
}


# -- loading --------------------------------------------------------------------------------------
def _full_spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


def _refs(node: Any) -> set[str]:
    return set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(node)))


def _strip_meta(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_meta(v) for k, v in node.items() if not k.startswith("x-oai") and k != "examples"}
    if isinstance(node, list):
        return [_strip_meta(v) for v in node]
    return node


@functools.lru_cache(maxsize=1)
def _video_extract() -> dict[str, Any]:
    return _extract(_full_spec())


@functools.lru_cache(maxsize=2)
def video_spec(strict: bool = False) -> dict[str, Any]:
    """The `/videos` part of the spec: paths, referenced components, security, servers."""
    spec = copy.deepcopy(_video_extract())
    schemas = spec["components"]["schemas"]
    # `VideoModel` is anyOf(string, string enum), i.e. exactly "a string"; spelled that way so
    # openapi-core decodes the multipart part as text (for anyOf it falls back to bytes and then
    # reports a false violation on every SDK create request).
    schemas["VideoModel"] = {"type": "string"}
    if not strict:
        schemas["VideoSize"] = {"type": "string", "pattern": r"^\d+x\d+$"}
        schemas["VideoSeconds"] = {"type": "string", "pattern": r"^\d+$"}
    return spec


def _extract(full: dict[str, Any]) -> dict[str, Any]:
    paths = {p: _strip_meta(v) for p, v in full["paths"].items() if p == "/videos" or p.startswith("/videos/")}
    schemas: dict[str, Any] = {}
    pending = _refs(paths) | {"#/components/schemas/ErrorResponse"}
    while pending:
        ref = pending.pop()
        name = ref.rsplit("/", 1)[-1]
        if not ref.startswith("#/components/schemas/") or name in schemas:
            continue
        schemas[name] = _strip_meta(full["components"]["schemas"][name])
        pending |= _refs(schemas[name])
    return {
        "openapi": full["openapi"],
        "info": {"title": "OpenAI Videos (extract)", "version": str(full["info"].get("version", "0"))},
        "servers": [{"url": SPEC_SERVER + API_PREFIX}],
        "security": copy.deepcopy(full.get("security", [])),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": copy.deepcopy(full["components"].get("securitySchemes", {})),
        },
    }


@functools.lru_cache(maxsize=2)
def _openapi(strict: bool = False) -> Any:
    from openapi_core import Config, OpenAPI

    # The official spec is trusted: skipping its meta-validation saves seconds per session.
    return OpenAPI.from_dict(video_spec(strict), config=Config(spec_validator_cls=None))


@functools.lru_cache(maxsize=2)
def _error_validator(strict: bool = False) -> Any:
    from openapi_schema_validator import OAS31Validator

    spec = video_spec(strict)
    schema = {"$ref": "#/components/schemas/ErrorResponse", "components": spec["components"]}
    return OAS31Validator(schema)


# -- adapters (httpx and httpx2 objects have the same shape) -------------------------------------
def _api_path(url: Any) -> str | None:
    """'/v1/videos/...' from any URL whose path contains a '/v1' segment; None otherwise."""
    path = urlsplit(str(url)).path
    index = path.find(API_PREFIX + "/")
    if index < 0:
        return None
    return path[index:]


def _body(message: Any) -> bytes:
    try:
        return bytes(message.content)
    except Exception:  # a streamed body not read yet
        return bytes(message.read())


class _Request:
    """openapi-core's Request protocol over an httpx(2) request."""

    def __init__(self, request: Any) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        api_path = _api_path(request.url)
        if api_path is None:
            raise AssertionError(f"not an API URL (no /v1 segment): {request.url}")
        self.host_url = SPEC_SERVER
        self.path = api_path
        self.method = request.method.lower()
        self.body: bytes | None = _body(request) or None
        headers = dict(request.headers)
        self.content_type = str(headers.get("content-type", ""))
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True)),
            header=Headers(headers),
            cookie=ImmutableMultiDict(),
        )


class _Response:
    def __init__(self, response: Any) -> None:
        from werkzeug.datastructures import Headers

        self.status_code = int(response.status_code)
        self.headers = Headers(dict(response.headers))
        self.content_type = str(response.headers.get("content-type", ""))
        self.data = _body(response)


def _describe(errors: list[Exception]) -> list[str]:
    """openapi-core errors as text, with the JSON-Schema errors (often on the cause) listed."""
    out = []
    for err in errors:
        text = f"{type(err).__name__}: {err}"
        for source in (err, err.__cause__):
            for inner in getattr(source, "schema_errors", None) or []:
                text += f"\n    - {getattr(inner, 'message', inner)} at {list(getattr(inner, 'path', []))}"
        out.append(text)
    return out


def _fail(what: str, request: Any, problems: list[str]) -> None:
    if problems:
        listing = "\n  * ".join(problems)
        raise AssertionError(f"{what} of {request.method} {request.url} violates the OpenAI spec:\n  * {listing}")


_FLAT = re.compile(r"^([^\[\]]+)\[([^\[\]]+)\]$")


def _multipart_instance(content_type: str, body: bytes) -> dict[str, Any]:
    """A multipart body as the object its schema describes (see the module docstring)."""
    import email.parser
    import email.policy

    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise AssertionError("the multipart body could not be parsed")
    instance: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            value: Any = f"<{len(payload)} bytes>"
        elif part.get_content_type() == "application/json":
            value = json.loads(payload)
        else:
            value = payload.decode(part.get_content_charset() or "utf-8")
        match = _FLAT.match(str(name))
        if match:
            instance.setdefault(match.group(1), {})[match.group(2)] = value
        else:
            instance[str(name)] = value
    return instance


@functools.lru_cache(maxsize=64)
def _body_validator(path_template: str, method: str, strict: bool) -> Any:
    from openapi_schema_validator import OAS31Validator

    spec = video_spec(strict)
    media = spec["paths"][path_template][method]["requestBody"]["content"]["multipart/form-data"]
    return OAS31Validator({**media["schema"], "components": spec["components"]})


def _template_of(api_path: str) -> str | None:
    """The spec path (e.g. '/videos/{video_id}/remix') matching '/v1/videos/abc/remix'."""
    path = api_path[len(API_PREFIX) :]
    for template in video_spec()["paths"]:
        pattern = "^" + re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(template)) + "/?$"
        if re.match(pattern, path):
            return template
    return None


# -- public API ---------------------------------------------------------------------------------
def validate_openai_request(request: Any, *, strict: bool = False) -> None:
    """Raise AssertionError listing every way `request` (httpx or httpx2) breaks the spec."""
    adapted = _Request(request)
    problems: list[str] = []
    if adapted.content_type.split(";", 1)[0].strip().lower() == "multipart/form-data" and adapted.body:
        template = _template_of(adapted.path)
        operation = video_spec(strict)["paths"].get(template or "", {}).get(adapted.method, {})
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
            try:
                instance = _multipart_instance(adapted.content_type, adapted.body)
            except (AssertionError, ValueError) as exc:
                problems.append(f"multipart body: {exc}")
            else:
                for err in _body_validator(str(template), adapted.method, strict).iter_errors(instance):
                    problems.append(f"multipart body: {err.message} at {list(err.path)}")
            adapted.body = None  # the rest (path, query, security) goes to openapi-core
            adapted.content_type = ""
    problems += _describe(list(_openapi(strict).iter_request_errors(adapted)))
    _fail("request", request, problems)


def validate_openai_response(request: Any, response: Any, *, strict: bool = False) -> None:
    """Raise AssertionError listing every way `response` to `request` breaks the spec (see the module
    docstring for what is checked on binary and error responses)."""
    api_path = _api_path(request.url)
    if api_path is None:
        raise AssertionError(f"not an API URL (no /v1 segment): {request.url}")
    ctype = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    problems: list[str] = []
    if not 200 <= response.status_code < 300:
        problems += _check_error(response, ctype, strict)
    elif request.method.upper() == "GET" and _CONTENT_PATH.match(api_path):
        problems += _check_content(request, response, ctype)
    else:
        if ctype != "application/json":
            problems.append(f"Content-Type is {ctype!r}, expected 'application/json'")
        errors = list(_openapi(strict).iter_response_errors(_Request(request), _Response(response)))
        problems += _describe(errors)
    _fail(f"response {response.status_code}", request, problems)


def _check_error(response: Any, ctype: str, strict: bool) -> list[str]:
    problems = []
    if ctype != "application/json":
        problems.append(f"error response Content-Type is {ctype!r}, expected 'application/json'")
    try:
        body = json.loads(_body(response) or b"null")
    except ValueError:
        return [*problems, "error response body is not JSON"]
    for err in _error_validator(strict).iter_errors(body):
        problems.append(f"ErrorResponse: {err.message} at {list(err.path)}")
    return problems


def _check_content(request: Any, response: Any, ctype: str) -> list[str]:
    query = dict(parse_qsl(urlsplit(str(request.url)).query))
    variant = query.get("variant", "video")
    if variant not in _MAGIC:
        return [f"unknown variant {variant!r} answered with {response.status_code}"]
    expected, magic = _MAGIC[variant]
    problems = []
    if ctype != expected:
        problems.append(f"variant {variant!r}: Content-Type {ctype!r}, expected {expected!r}")
    if request.method.upper() == "GET" and not magic(_body(response)[:16]):
        problems.append(f"variant {variant!r}: the body does not start like a {expected} file")
    return problems


def validating_hooks(
    *, requests: bool = True, strict: bool = False, violations: list[str] | None = None
) -> dict[str, Any]:
    """`event_hooks` for an httpx/httpx2 Client that validate every request and response.

    Responses are read inside the hook (the client then reuses the bytes). URLs without a `/v1`
    segment are outside the spec and skipped. Pass `requests=False`
    for clients that send deliberately broken requests. With a `violations` list, problems are
    appended to it instead of raised: an SDK with retries would otherwise swallow an exception
    raised in a hook as a "connection error", so assert the list is empty at the end of the test.
    """

    def check(fn: Any, *args: Any) -> None:
        try:
            fn(*args, strict=strict)
        except AssertionError as exc:
            if violations is None:
                raise
            violations.append(str(exc))

    def on_request(request: Any) -> None:
        if requests and _api_path(request.url) is not None:
            check(validate_openai_request, request)

    def on_response(response: Any) -> None:
        response.read()
        if _api_path(response.request.url) is not None:  # the spec only covers /v1
            check(validate_openai_response, response.request, response)

    return {"request": [on_request], "response": [on_response]}
