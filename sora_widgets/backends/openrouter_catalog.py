"""OpenRouter's `GET /videos/models` catalog turned into capabilities and prices, cached per process.

The catalog is the only honest source of what a model takes (OpenRouter rejects values outside a
model's lists with HTTP 400), so validation, the widgets' choices and cost estimates all read it.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from typing import Any

from ..capabilities import BackendCapabilities, ModelCapabilities

#: how long a fetched catalog is reused by new clients in the same process (seconds)
CATALOG_TTL = 600.0
#: the catalog's default model when the caller names none and it is listed
PREFERRED_DEFAULT = "google/veo-3.1"

_RESOLUTION = re.compile(r"(?<![0-9a-z])(\d{3,4}p|[1248]k)(?![0-9a-z])", re.IGNORECASE)
_PER_VIDEO_SKUS = frozenset({"generate", "generation", "per_generation", "video", "per_video", "request"})


class CatalogCache:
    """Parsed catalogs by base URL, each valid for `ttl` seconds. Thread-safe; no I/O."""

    def __init__(self, ttl: float = CATALOG_TTL) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[float, BackendCapabilities]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> BackendCapabilities | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stamp, caps = entry
            if time.monotonic() - stamp > self.ttl:
                del self._entries[key]
                return None
            return caps

    def put(self, key: str, caps: BackendCapabilities) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), caps)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


#: the process-wide cache the OpenRouter adapter uses
CATALOG = CatalogCache()


def parse_catalog(data: Any, *, preferred: str | None = PREFERRED_DEFAULT) -> BackendCapabilities:
    """`{data: [VideoModel]}` -> capabilities. Models without an id are skipped, not fatal."""
    entries = data.get("data") if isinstance(data, Mapping) else None
    models: dict[str, ModelCapabilities] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and entry["id"]:
            mc = model_capabilities(entry)
            models[mc.id] = mc
    if not models:
        raise ValueError("OpenRouter's video model catalog is empty")
    default = preferred if preferred in models else next(iter(models))
    return BackendCapabilities(backend="openrouter", models=models, default_model=default, open_models=False)


def model_capabilities(entry: Mapping[str, Any]) -> ModelCapabilities:
    """One `VideoModel`: discrete durations, resolutions, aspect ratios, sizes, frame types, flags."""
    frames = _strings(entry.get("supported_frame_images"))
    per_second, per_video = parse_pricing(entry.get("pricing_skus"))
    return ModelCapabilities(
        id=str(entry["id"]),
        label=str(entry.get("name") or entry["id"]),
        durations=tuple(sorted({int(d) for d in _list(entry.get("supported_durations")) if _is_int(d)})),
        resolutions=_strings(entry.get("supported_resolutions")),
        aspect_ratios=_strings(entry.get("supported_aspect_ratios")),
        sizes=_strings(entry.get("supported_sizes")),
        frame_images=frames,
        # Our single reference image becomes a frame image, so a model without frames takes none.
        input_reference=bool(frames),
        audio=bool(entry.get("generate_audio")),
        seed=bool(entry.get("seed")),
        price_per_second=per_second,
        price_per_video=per_video,
    )


def parse_pricing(skus: Any) -> tuple[dict[str, float], float | None]:
    """`pricing_skus` (a map of strings) -> (USD per second by resolution or "*", USD per video).

    SKU names are not standardised; seen in the wild: `generate` (the spec's example), names with
    `duration_seconds` (USD per second, maybe with `_720p`, `with_audio`), `cents_per_second...`
    and `video_tokens...` (per token, not convertible without the token count: ignored). Where
    several SKUs price the same thing (with and without audio) the highest wins, so an estimate
    checked against a budget errs on the safe side; for the same reason "*" (any resolution) is the
    dearest per-second rate. The real charge arrives as `usage.cost`.
    """
    per_second: dict[str, float] = {}
    per_video: float | None = None
    for name, raw in (skus.items() if isinstance(skus, Mapping) else ()):
        price = _price(raw)
        key = str(name).lower()
        if price is None or "token" in key:
            continue
        if key.startswith("cents") or "_cents" in key:
            price /= 100.0
        if "second" in key or key.endswith("_sec") or "per_sec" in key:
            match = _RESOLUTION.search(key)
            res = _canonical_resolution(match.group(1)) if match else "*"
            per_second[res] = max(price, per_second.get(res, 0.0))
        elif key in _PER_VIDEO_SKUS or key.startswith(("generate", "per_video")):
            per_video = max(price, per_video or 0.0)
    if per_second and "*" not in per_second:
        # A request whose resolution is not known yet is estimated at the dearest rate.
        per_second["*"] = max(per_second.values())
    return per_second, per_video


def _canonical_resolution(token: str) -> str:
    return token.upper() if token.lower().endswith("k") else token.lower()


def _price(raw: Any) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in _list(value) if isinstance(v, (str, int)))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
