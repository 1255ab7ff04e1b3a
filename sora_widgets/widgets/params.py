"""`Parameters`: backend and model pickers, and controls that offer only what the chosen model
supports (read from its capabilities), a reference-image picker and a live cost estimate.

Every choice is a plain traitlet (`backend`, `model`, `seconds`, `size`, `resolution`,
`aspect_ratio`, `seed`, `audio`, `variations`, `reference`, `fit`, `cost`) that code can read and
`observe`; `request(prompt)` turns them into a `VideoRequest`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import traitlets as t
from pydantic import ValidationError

from ..capabilities import BackendCapabilities, ModelCapabilities, estimate_cost
from ..errors import from_validation_error
from ..models import VideoRequest
from ..request_table import BY_FIELD, PARAMS
from ._reference import ReferencePicker
from ._style import esc, show

if TYPE_CHECKING:
    from ..jobs import JobRunner

CapabilitiesFor = Callable[[str], BackendCapabilities]
#: the trait that holds a request field, where the names differ
TRAIT_OF = {"input_reference": "reference"}
LABEL = {"description_width": "84px"}
def row() -> w.Layout:
    return w.Layout(width="auto")  # fills the column (100% plus the widget margins would overflow)
#: offered when a model declares no size list (any size is accepted)
COMMON_SIZES = ("1280x720", "720x1280", "1920x1080", "1080x1920", "1024x1024", "640x360")


def _control(field: str) -> w.Dropdown:
    """A picker labelled and explained by the parameter table's row for `field`."""
    p = BY_FIELD[field]
    return w.Dropdown(description=p.label, tooltip=p.help, style=LABEL, layout=row())


def backend_choices() -> list[str]:
    """Backend kinds (local first) followed by the user's profile names."""
    from ..backends import BACKENDS
    from ..config import load_profiles

    kinds = sorted(BACKENDS, key=lambda k: (k != "local", k))
    try:
        profiles = [p for p in load_profiles() if p not in kinds]
    except Exception:  # a broken profiles file must not break the widget
        profiles = []
    return kinds + sorted(profiles)


def static_capabilities(backend: str) -> BackendCapabilities:
    """What a backend declares before any catalog is fetched (no network)."""
    from ..backends import backend_for
    from ..config import Settings

    return backend_for(Settings().with_(backend=backend)).capabilities


def size_label(size: str) -> str:
    try:
        width, height = (int(x) for x in size.split("x"))
    except ValueError:
        return size
    g = math.gcd(width, height)
    shape = "landscape" if width > height else "portrait" if height > width else "square"
    return f"{size} · {width // g}:{height // g} {shape}"


class Parameters(w.VBox):
    """See the module docstring. `Parameters(backend="local", model="animatic")`."""

    backend = t.Unicode("local", help="backend kind or profile name")
    model = t.Unicode("", help="model id on the backend")
    seconds = t.Int(4, help="duration in seconds")
    size = t.Unicode(None, allow_none=True, help="WxH, when the model takes exact sizes")
    resolution = t.Unicode(None, allow_none=True, help="e.g. 720p, when the model takes resolutions")
    aspect_ratio = t.Unicode(None, allow_none=True, help="e.g. 16:9, with `resolution`")
    seed = t.Int(None, allow_none=True, help="fixed seed, or None for a random one")
    audio = t.Bool(None, allow_none=True, help="ask for an audio track (True/False), or None: the model has none")
    variations = t.Int(1, min=1, max=4, help="how many versions to generate (1-4)")
    reference = t.Any(None, allow_none=True, help="input_reference: a path, bytes or None")
    fit = t.Unicode("cover", help="how the reference is fitted to the size: cover or contain")
    negative_prompt = t.Unicode(None, allow_none=True, help="what to avoid (the Composer's Avoid section sets it)")
    extras = t.Dict(help="backend-specific wire fields carried into the request")
    cost = t.Float(0.0, help="estimated USD for the whole generation (all variations)")
    capabilities = t.Instance(ModelCapabilities, allow_none=True, help="the chosen model's capabilities")
    seconds_chosen = t.Bool(False, help="the duration was picked (by the user, a template or a fix), not the "
                            "model's default")

    def __init__(self, backend: str | None = None, model: str | None = None, *, runner: JobRunner | None = None,
                 capabilities_for: CapabilitiesFor | None = None) -> None:
        self.runner = runner
        self._capabilities_for = capabilities_for
        #: why the backend's model list could not be loaded ("" when it was)
        self.catalog_error = ""
        self._updating = False
        self.backend_caps: BackendCapabilities | None = None
        backend = backend or (runner.backend if runner is not None else "local")
        choices = backend_choices()
        if backend not in choices:
            choices.append(backend)
        self.backend_picker = w.Dropdown(options=choices, value=backend, description="Backend", style=LABEL,
                                         layout=row())
        self.model_picker = _control("model")
        self.duration = _control("seconds")
        self.size_picker = _control("size")
        self.resolution_picker = _control("resolution")
        self.aspect_picker = _control("aspect_ratio")
        self.seed_fixed = w.Checkbox(False, description="Fixed seed", indent=False, layout=w.Layout(width="110px"))
        self.seed_value = w.BoundedIntText(42, min=0, max=2**32 - 1, layout=w.Layout(width="110px"), disabled=True)
        self.seed_row = w.HBox([w.Label(BY_FIELD["seed"].label, layout=w.Layout(width="84px")), self.seed_fixed,
                               self.seed_value])
        self.audio_box = w.Checkbox(False, description=BY_FIELD["audio"].label, tooltip=BY_FIELD["audio"].help,
                                    style=LABEL, layout=row())
        self.variation_picker = w.ToggleButtons(options=[1, 2, 3, 4], value=1, style={"button_width": "40px"})
        self.variation_row = w.HBox([w.Label("Variations", layout=w.Layout(width="84px")), self.variation_picker],
                                    layout=w.Layout(align_items="center"))
        self.reference_picker = ReferencePicker()
        self.cost_label = w.HTML()
        self.note = w.HTML()
        for control, name in ((self.backend_picker, "backend"), (self.model_picker, "model"),
                              (self.duration, "duration"), (self.size_picker, "size"),
                              (self.resolution_picker, "resolution"), (self.aspect_picker, "aspect"),
                              (self.variation_picker, "variations")):
            control.add_class(f"sora-{name}")  # stable hooks for browser tests and user CSS
        for control in (self.model_picker, self.duration, self.size_picker, self.resolution_picker,
                        self.aspect_picker, self.seed_fixed, self.seed_value, self.audio_box,
                        self.variation_picker):
            control.observe(self._controls_changed, names="value")
        self.backend_picker.observe(lambda ch: self.set_backend(ch["new"]), names="value")
        self.reference_picker.observe(self._on_reference, names=["value", "fit"])
        super().__init__([self.backend_picker, self.model_picker, self.duration, self.size_picker,
                          self.resolution_picker, self.aspect_picker, self.seed_row, self.audio_box,
                          self.variation_row, self.reference_picker, self.cost_label, self.note],
                         layout=w.Layout(width="100%"))
        self.add_class("sora-params")
        self.set_backend(backend, model=model)

    def __repr__(self) -> str:
        where = self.size or " ".join(x for x in (self.resolution, self.aspect_picker.value) if x)
        return f"Parameters(backend={self.backend!r}, model={self.model!r}, {self.seconds}s, {where})"

    # -- choosing ---------------------------------------------------------------------------------
    def _load_capabilities(self, backend: str) -> BackendCapabilities:
        self.note.value = ""
        self.catalog_error = ""
        try:
            if self._capabilities_for is not None:
                return self._capabilities_for(backend)
            if self.runner is not None and self.runner.backend == backend:
                return self.runner.capabilities
            from ..jobs import runner_for

            # a runner reads the backend's catalog when it has one (OpenRouter), else its declarations
            return runner_for(backend, base=self.runner).capabilities
        except Exception as exc:
            caps = static_capabilities(backend)
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.catalog_error = why
            self.note.value = (f'<div class="sora-error">No model list for {esc(backend)}: {esc(why)}. '
                               "Fix that, then choose the backend again to load it.</div>")
            return caps

    def set_backend(self, backend: str, *, model: str | None = None) -> None:
        """Switch backend: reload its models and refresh every choice."""
        caps = self._load_capabilities(backend)
        self.backend_caps = caps
        self._updating = True
        try:
            if self.backend_picker.value != backend:
                self.backend_picker.value = backend
            options = [(mc.label or mc.id, mc.id) for mc in caps.models.values()]
            if self.catalog_error:  # the declared placeholders say nothing a user can act on
                options = [(f"{mc.id} (model list not loaded)", mc.id) for mc in caps.models.values()]
            chosen = model or (self.model if self.model in caps.models else caps.default_model)
            if chosen not in caps.models:
                options.append((chosen, chosen))
            self.model_picker.options = options
            self.model_picker.value = chosen
        finally:
            self._updating = False
        self.backend = backend
        self.set_model(chosen)

    def set_model(self, model: str) -> None:
        """Switch model: offer only its durations, sizes and features; keep what is still valid."""
        assert self.backend_caps is not None
        mc = self.backend_caps.model(model)
        self._updating = True
        try:
            if self.model_picker.value != model:
                self.model_picker.value = model
            durations = mc.durations or (mc.seconds_default,)
            self.duration.options = [(f"{d} s", d) for d in durations]
            default = mc.seconds_default if mc.seconds_default in durations else durations[0]
            self.duration.value = self.seconds if self.seconds in durations else default
            exact = bool(mc.sizes) or not (mc.resolutions or mc.aspect_ratios)
            sizes = mc.sizes or COMMON_SIZES
            self.size_picker.options = [(size_label(s), s) for s in sizes]
            self.size_picker.value = self.size if self.size in sizes else (mc.size_default or sizes[0])
            self.resolution_picker.options = list(mc.resolutions)
            if mc.resolutions:
                keep = self.resolution if self.resolution in mc.resolutions else mc.resolutions[0]
                self.resolution_picker.value = keep
            self.aspect_picker.options = list(mc.aspect_ratios)
            if mc.aspect_ratios:
                keep = self.aspect_ratio if self.aspect_ratio in mc.aspect_ratios else (
                    mc.aspect_default or mc.aspect_ratios[0])
                self.aspect_picker.value = keep
            show(self.size_picker, exact)
            show(self.resolution_picker, not exact and bool(mc.resolutions))
            show(self.aspect_picker, not exact and bool(mc.aspect_ratios))
            show(self.seed_row, mc.seed, "flex")
            show(self.audio_box, mc.audio)
            top = max(1, min(4, mc.max_variations))
            self.variation_picker.options = list(range(1, top + 1))
            self.variation_picker.value = min(self.variations, top)
            show(self.reference_picker, mc.input_reference or bool(mc.frame_images), "flex")
        finally:
            self._updating = False
        self.capabilities = mc
        self._controls_changed()

    # -- reading ----------------------------------------------------------------------------------
    def _controls_changed(self, change: dict[str, Any] | None = None) -> None:
        if self._updating:
            return
        if change is not None and change.get("owner") is self.model_picker:
            self.set_model(change["new"])
            return
        if change is not None and change.get("owner") is self.duration:
            self.seconds_chosen = True
        mc = self.capabilities
        if mc is None:
            return
        self.seed_value.disabled = not self.seed_fixed.value
        with self.hold_trait_notifications():
            self.model = mc.id
            self.seconds = int(self.duration.value)
            exact = self.size_picker.layout.display != "none"
            self.size = self.size_picker.value if exact else None
            self.resolution = self.resolution_picker.value if not exact and mc.resolutions else None
            self.aspect_ratio = self.aspect_picker.value if not exact and mc.aspect_ratios else None
            self.seed = int(self.seed_value.value) if (mc.seed and self.seed_fixed.value) else None
            self.audio = bool(self.audio_box.value) if mc.audio else None
            self.variations = int(self.variation_picker.value)
        self._update_cost()

    def _on_reference(self, change: dict[str, Any]) -> None:
        self.reference = self.reference_picker.value
        self.fit = self.reference_picker.fit

    def set_reference(self, value: Any) -> None:
        """Use `value` (path, bytes or PIL image) as the reference image of the next generation."""
        self.reference_picker.set(value)

    def request(self, prompt: str, **changes: Any) -> VideoRequest:
        """The `VideoRequest` these parameters describe, for `prompt` (plus any field overrides);
        one value per row of the parameter table (`request_table.PARAMS`)."""
        fields: dict[str, Any] = {"prompt": prompt}
        for p in PARAMS:
            value = getattr(self, TRAIT_OF.get(p.field, p.field))
            if value is not None and value != {}:
                fields[p.field] = value
        if self.reference is None:
            fields.pop("fit", None)
        fields.update(changes)
        try:
            return VideoRequest.model_validate(fields)
        except ValidationError as exc:  # the toolkit's one line, not pydantic's dump
            raise from_validation_error(exc) from None

    def apply(self, request: VideoRequest) -> list[str]:
        """Show `request`'s parameters in the controls (to continue from an earlier generation).

        Returns the fields the chosen model does not offer (left as they were)."""
        if request.model and request.model != self.model:
            self.set_model(request.model)
        skipped: list[str] = []
        self._updating = True
        try:
            for field, control in (("seconds", self.duration), ("size", self.size_picker),
                                   ("resolution", self.resolution_picker), ("aspect_ratio", self.aspect_picker)):
                value = getattr(request, field)
                if value is None:
                    continue
                if value in _option_values(control):
                    control.value = value
                else:
                    skipped.append(field)
            self.seed_fixed.value = request.seed is not None
            if request.seed is not None:
                self.seed_value.value = request.seed
            self.audio_box.value = bool(request.audio)
        finally:
            self._updating = False
        self.negative_prompt = request.negative_prompt
        self.extras = dict(request.extras)
        ref = request.input_reference
        self.set_reference(ref.path if ref is not None and ref.kind == "path" else
                           ref.data if ref is not None and ref.kind == "bytes" else None)
        self.reference_picker.fit_picker.value = request.fit if request.fit in ("cover", "contain") else "cover"
        self._controls_changed()
        return skipped

    def _update_cost(self) -> None:
        caps, mc = self.backend_caps, self.capabilities
        if caps is None or mc is None:
            return
        try:
            cost = estimate_cost(self.request("cost"), caps, self.variations)
        except Exception:  # an incomplete choice: no estimate rather than an error
            cost = 0.0
        self.cost = cost
        priced = bool(mc.price_per_second) or mc.price_per_video is not None
        n = f" for {self.variations} videos" if self.variations > 1 else ""
        if cost > 0:
            text = f"≈ ${cost:.2f}{n}"
        elif priced or caps.backend == "local":
            text = "free" + (" (offline preview)" if caps.backend == "local" else "")
        else:
            text = "price unknown for this model"
        self.cost_label.value = f'<div class="sora-cost">Estimated cost: {esc(text)}</div>'



def _option_values(control: w.Dropdown) -> list[Any]:
    return [o[1] if isinstance(o, tuple) else o for o in control.options]
