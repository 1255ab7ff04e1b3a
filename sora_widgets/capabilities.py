"""What a backend/model can do, and checking a request against it before anything is sent.

Capabilities replace hard-coded enums: validation, the widgets' choices, the magics' error messages
and cost estimates all read them. Each backend declares its own (the `local` backend in
`backends/local.py`, OpenRouter from its model catalog).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .errors import InvalidRequestError, UnsupportedFeatureError
from .models import MAX_PROMPT_CHARS, VideoRequest, parse_size

FEATURES = ("remix", "edit", "extend", "characters")


class ModelCapabilities(BaseModel):
    """One model on one backend. Empty tuples mean "not restricted / not applicable"."""

    model_config = ConfigDict(frozen=True)

    id: str
    label: str = ""
    durations: tuple[int, ...] = (4, 8, 12)
    sizes: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()
    aspect_ratios: tuple[str, ...] = ()
    frame_images: tuple[str, ...] = ()
    input_reference: bool = True
    audio: bool = False
    seed: bool = False
    negative_prompt: bool = False
    remix: bool = False
    edit: bool = False
    extend: bool = False
    characters: bool = False
    max_prompt_chars: int = MAX_PROMPT_CHARS
    max_variations: int = 4
    default_seconds: int | None = None
    default_size: str | None = None
    #: USD per second of output; keys are sizes or resolutions, "*" applies to any
    price_per_second: dict[str, float] = Field(default_factory=dict)
    #: flat USD per video when the backend prices that way (OpenRouter SKUs)
    price_per_video: float | None = None

    def supports(self, feature: str) -> bool:
        return bool(getattr(self, feature, False))

    @property
    def seconds_default(self) -> int:
        if self.default_seconds is not None:
            return self.default_seconds
        return self.durations[0] if self.durations else 4

    @property
    def size_default(self) -> str | None:
        """The declared default, else the first landscape size: one default (landscape) on every
        backend, whatever order a backend lists its sizes in."""
        if self.default_size:
            return self.default_size
        return next((s for s in self.sizes if _landscape(s)), self.sizes[0] if self.sizes else None)

    @property
    def aspect_default(self) -> str | None:
        """The first landscape aspect ratio offered (16:9 first), else the first one."""
        if not self.aspect_ratios:
            return None
        if "16:9" in self.aspect_ratios:
            return "16:9"
        return next((a for a in self.aspect_ratios if _landscape(a.replace(":", "x"))), self.aspect_ratios[0])


def _landscape(shape: str) -> bool:
    try:
        w, h = (float(x) for x in shape.lower().split("x"))
    except ValueError:
        return False
    return w > h


class BackendCapabilities(BaseModel):
    model_config = ConfigDict(frozen=True)

    backend: str
    models: dict[str, ModelCapabilities]
    default_model: str
    #: True when unknown model ids may still be sent (gateways serve models we cannot list)
    open_models: bool = False

    def model(self, model_id: str | None) -> ModelCapabilities:
        mid = model_id or self.default_model
        if mid in self.models:
            return self.models[mid]
        if self.open_models:
            base = self.models[self.default_model]
            return base.model_copy(update={"id": mid, "label": mid})
        raise InvalidRequestError(
            f"model {mid!r} is not offered by the {self.backend!r} backend",
            param="model",
            hint=f"choose one of: {', '.join(self.models)}",
        )

    def offering(self, feature: str) -> list[str]:
        return [m.id for m in self.models.values() if m.supports(feature)]


def format_choices(values: Sequence[Any], empty: str = "") -> str:
    """`1, 2, 3, 4, 8` -> `1-4, 8`: runs of three or more integers read better as ranges; other
    values are listed. The one formatter for allowed values (errors, `models` tables)."""
    if not values:
        return empty
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return ", ".join(str(v) for v in values)
    runs: list[list[int]] = []
    for v in sorted(values):
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(str(x) for x in r) for r in runs)


def check_seconds(seconds: int, mc: ModelCapabilities, backend: str) -> None:
    """Refuse a length the model does not offer, naming the model's own range (not a generic bound)."""
    if mc.durations and seconds not in mc.durations:
        raise InvalidRequestError(
            f"{seconds} seconds is not supported by {mc.id} on {backend}",
            param="seconds",
            hint=f"allowed seconds: {format_choices(mc.durations)}",
        )


def resolve(request: VideoRequest, caps: BackendCapabilities) -> VideoRequest:
    """Fill the backend's defaults into `request` and check every field against the model.

    Raises `InvalidRequestError` naming the allowed values; returns a complete request otherwise.
    Nothing here touches the network.
    """
    mc = caps.model(request.model)
    changes: dict[str, Any] = {}
    if request.model != mc.id:
        changes["model"] = mc.id
    if len(request.prompt) > mc.max_prompt_chars:
        raise InvalidRequestError(
            f"prompt is {len(request.prompt)} characters; {mc.id} accepts at most {mc.max_prompt_chars}",
            param="prompt",
            hint="shorten the prompt",
        )
    seconds = request.seconds if request.seconds is not None else mc.seconds_default
    check_seconds(seconds, mc, caps.backend)
    changes["seconds"] = seconds
    if request.resolution or request.aspect_ratio:
        _check_choice(request.resolution, mc.resolutions, "resolution", mc.id)
        _check_choice(request.aspect_ratio, mc.aspect_ratios, "aspect_ratio", mc.id)
        if request.resolution is None and mc.sizes and not mc.resolutions:
            changes["size"] = _size_for_aspect(request.aspect_ratio or "", mc)
            changes["aspect_ratio"] = None
    else:
        size = request.size or mc.size_default
        if size is None and mc.resolutions:
            changes["resolution"] = mc.resolutions[0]
        elif size is not None:
            if mc.sizes and size not in mc.sizes:
                raise InvalidRequestError(
                    f"size {size} is not supported by {mc.id} on {caps.backend}",
                    param="size",
                    hint=f"allowed sizes: {format_choices(mc.sizes)}",
                )
            changes["size"] = size
    if request.input_reference is not None and not (mc.input_reference or mc.frame_images):
        raise UnsupportedFeatureError(
            f"{mc.id} on {caps.backend} does not take a reference image",
            param="input_reference",
            hint=_offered_by(caps, "input_reference"),
        )
    for field, flag in (("seed", "seed"), ("negative_prompt", "negative_prompt"), ("audio", "audio")):
        value = getattr(request, field)
        if value not in (None, False) and not mc.supports(flag):
            raise UnsupportedFeatureError(
                f"{mc.id} on {caps.backend} does not support {field.replace('_', ' ')}",
                param=field,
                hint=_offered_by(caps, flag),
            )
    return request.with_(**changes)


def _check_choice(value: str | None, allowed: tuple[str, ...], param: str, model: str) -> None:
    if value is not None and allowed and value not in allowed:
        raise InvalidRequestError(
            f"{param.replace('_', ' ')} {value} is not supported by {model}",
            param=param,
            hint=f"allowed: {format_choices(allowed)}",
        )
    if value is not None and not allowed and param == "resolution":
        raise InvalidRequestError(
            f"{model} takes an exact size, not a resolution", param=param, hint="use size, e.g. 1280x720"
        )


def _size_for_aspect(aspect: str, mc: ModelCapabilities) -> str:
    """Pick the first listed size whose aspect ratio matches, for backends that only take sizes."""
    try:
        aw, ah = (int(x) for x in aspect.split(":"))
    except ValueError as exc:
        raise InvalidRequestError(f"aspect ratio {aspect!r} is not like 16:9", param="aspect_ratio") from exc
    for size in mc.sizes:
        w, h = parse_size(size)
        if abs(w / h - aw / ah) < 0.02:
            return size
    raise InvalidRequestError(
        f"no size of {mc.id} has aspect ratio {aspect}", param="aspect_ratio", hint=f"sizes: {format_choices(mc.sizes)}"
    )


def _offered_by(caps: BackendCapabilities, feature: str) -> str:
    models = caps.offering(feature)
    if models:
        return f"models on {caps.backend} that offer it: {', '.join(models)}"
    return f"no model on {caps.backend} offers it; see `sora_widgets.backends.BACKENDS` for others"


def estimate_cost(request: VideoRequest, caps: BackendCapabilities, variations: int = 1) -> float:
    """USD estimate for `variations` generations of `request` (0.0 for free backends)."""
    mc = caps.model(request.model)
    seconds = request.seconds or mc.seconds_default
    if mc.price_per_video is not None:
        return round(mc.price_per_video * variations, 4)
    rate = rate_per_second(mc, request.size, request.resolution)
    return round(rate * seconds * variations, 4)


def rate_per_second(mc: ModelCapabilities, size: str | None, resolution: str | None) -> float:
    """USD per second for a job of `size` or `resolution` on `mc` (0.0 when unpriced).

    Keys are sizes ("1280x720"), resolutions ("1080p", "4K") or "*" (any other). A size also finds
    its resolution's price (1920x1080 -> "1080p"), so a 1080p job never falls back to a cheaper
    base rate; when neither is known the dearest rate is used, so a budget check errs on the safe side.
    """
    prices = mc.price_per_second
    if not prices:
        return 0.0
    for key in (size, resolution, resolution.lower() if resolution else None, *_tiers(size)):
        if key and key in prices:
            return prices[key]
    if size or resolution:
        return prices.get("*", max(prices.values()))
    return max(prices.values())


def _tiers(size: str | None) -> tuple[str, ...]:
    """The resolution names a size goes by: 1920x1080 -> ("1080p",), 3840x2160 -> ("2160p", "4K")."""
    if not size:
        return ()
    try:
        short = min(parse_size(size))
    except ValueError:
        return ()
    named = {1440: "2K", 2160: "4K", 4320: "8K"}
    return (f"{short}p", named[short]) if short in named else (f"{short}p",)
