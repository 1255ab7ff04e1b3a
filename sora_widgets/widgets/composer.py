"""`Composer`: write a prompt the way the guide structures it.

Structured fields (subject, action/scene, setting, lighting, camera shot/angle/movement, style,
palette, mood, audio/dialogue; things to avoid), keyword chips that fill the right field, a
template picker, a free-text mode, a live preview with a character count, and lint findings with
a button per fix.

`composer.value` (str, the final prompt text) and `composer.prompt` (a structured `Prompt`) are
traitlets: read them or `observe` them. Setting `composer.prompt` fills the fields; setting
`composer.value` switches to free text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w
import traitlets as t

from ..errors import SoraError
from ..models import MAX_PROMPT_CHARS, VideoRequest
from ..prompt import Prompt, Template
from ._chips import ChipBoard
from ._findings import FindingsView
from ._style import esc, section
from ._templates import TemplatePicker

#: (field, label, placeholder) in the guide's order
FIELDS = (
    ("subject", "Subject", "who or what: appearance, clothing, details"),
    ("action", "Action", "the one action of this shot"),
    ("setting", "Setting", "where: location, weather, time"),
    ("lighting", "Lighting", "golden hour, neon glow, soft daylight…"),
    ("shot", "Shot", "wide shot, close-up, 35mm lens…"),
    ("angle", "Angle", "low angle, aerial view…"),
    ("movement", "Movement", "one camera move: slow dolly in…"),
    ("style", "Style", "cinematic, 16mm film, watercolor…"),
    ("palette", "Palette", "3-5 colours: teal, amber, cream"),
    ("mood", "Mood", "serene, tense, playful…"),
    ("audio", "Audio", "sound, music or a line of dialogue"),
)
#: camera fields get suggestions from the shot grammar
SUGGEST = {"shot": ("shot_types", "lenses"), "angle": ("angles",), "movement": ("camera_moves",)}
#: fields where a chip replaces the value (one shot, one angle, one move per shot) instead of adding
SINGLE = frozenset({"shot", "angle", "movement"})
LIST_FIELDS = frozenset({"palette", "avoid"})

LABEL = {"description_width": "70px"}


def _text(value: Any) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value or "")


class Composer(w.VBox):
    """See the module docstring. `Composer(prompt=None)` takes a `Prompt`, a dict of fields or text;
    with `preview=False` the preview/findings box (`composer.review`) is left for the caller to place."""

    value = t.Unicode("", help="the final prompt text (what is sent)")
    prompt = t.Instance(Prompt, args=(), help="the prompt by fields (parsed from the text in free mode)")
    mode = t.Enum(("structured", "free"), "structured", help="structured fields or free text")
    findings: t.List[Any] = t.List(help="lint findings for the current prompt and request")

    def __init__(self, prompt: Prompt | dict[str, Any] | str | None = None, *, preview: bool = True) -> None:
        self._syncing = False
        self._request: VideoRequest | None = None
        self._capabilities: Any = None
        self._request_fix: list[Callable[[VideoRequest], Any]] = []
        self.fields: dict[str, w.Text | w.Combobox] = {}
        for name, label, hint in FIELDS:
            self.fields[name] = self._field(name, label, hint)
        self.fields["avoid"] = self._field("avoid", "Avoid", "what must not appear (sent as the negative prompt)")
        self.mode_picker = w.ToggleButtons(options=[("Structured", "structured"), ("Free text", "free")],
                                           value="structured", style={"button_width": "96px"})
        self.templates = TemplatePicker(self.apply_template, self._template_state, self.undo_template)
        self._before_template: tuple[str, Prompt, str, VideoRequest | None] | None = None
        self.free_text = w.Textarea(placeholder="Describe the video: subject, action, setting, style, camera…",
                                    layout=w.Layout(width="100%", height="120px"))
        self.chips = ChipBoard(self.add_keyword)
        grid = w.GridBox([self.fields[n] for n, _, _ in FIELDS],
                         layout=w.Layout(grid_template_columns="1fr 1fr", grid_gap="4px 12px", width="100%"))
        self.structured_box = w.VBox([grid, section("Keywords"), self.chips])
        self.free_box = w.VBox([self.free_text])
        self.preview = w.HTML()
        self.count = w.HTML()
        self.findings_view = FindingsView(self)
        top = w.HBox([self.mode_picker, self.templates],
                     layout=w.Layout(justify_content="space-between", align_items="center", flex_flow="row wrap"))
        #: the live preview, count and findings; `preview=False` leaves it for the caller to place
        self.review = w.VBox([section("Prompt"), self.preview, self.count, self.findings_view],
                             layout=w.Layout(width="100%"))
        parts = [top, self.structured_box, self.free_box, self.fields["avoid"]]
        super().__init__([*parts, self.review] if preview else parts, layout=w.Layout(width="100%"))
        self.add_class("sora-composer")
        self.free_box.layout.display = "none"
        self.mode_picker.observe(lambda ch: self.set_mode(ch["new"]), names="value")
        self.free_text.observe(lambda _: self._free_changed(), names="value")
        self.observe(self._prompt_set, names="prompt")
        self.observe(self._value_set, names="value")
        self._load(prompt)

    def __repr__(self) -> str:
        return f"Composer({self.mode}, {len(self.value)} chars: {self.value[:60]!r})"

    def _field(self, name: str, label: str, hint: str) -> w.Text | w.Combobox:
        widget: w.Text | w.Combobox
        if name in SUGGEST:
            from ..prompt.vocabulary import VOCABULARY

            options = [term for cat in SUGGEST[name] for term in VOCABULARY[cat]]
            widget = w.Combobox(options=options, ensure_option=False, placeholder=hint, description=label,
                                style=LABEL, layout=w.Layout(width="auto"))
        else:
            widget = w.Text(placeholder=hint, description=label, style=LABEL, layout=w.Layout(width="auto"))
        widget.add_class(f"sora-field-{name}")
        widget.observe(lambda _: self._fields_changed(), names="value")
        return widget

    # -- loading and syncing ------------------------------------------------------------------
    def _load(self, prompt: Prompt | dict[str, Any] | str | None) -> None:
        if isinstance(prompt, str):
            self.value = prompt
        elif isinstance(prompt, dict):
            self.prompt = Prompt(**prompt)
        else:
            self.prompt = prompt or Prompt()
        self._refresh()

    def _fields_changed(self) -> None:
        if self._syncing:
            return
        data = {name: widget.value for name, widget in self.fields.items()}
        try:
            prompt = Prompt(**data)
        except ValueError:
            return
        self._syncing = True
        try:
            if self.mode == "free":
                prompt = self._parse(self.free_text.value).with_(avoid=prompt.avoid)
            self.prompt = prompt
            self.value = self.free_text.value if self.mode == "free" else prompt.render()
        finally:
            self._syncing = False
        self._refresh()

    def _free_changed(self) -> None:
        if self._syncing or self.mode != "free":
            return
        self._fields_changed()

    def _prompt_set(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        prompt: Prompt = change["new"]
        self._syncing = True
        try:
            for name, widget in self.fields.items():
                widget.value = _text(getattr(prompt, name))
            if self.mode == "free":
                self.free_text.value = prompt.render()
            self.value = prompt.render()
        finally:
            self._syncing = False
        self._refresh()

    def _value_set(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self.free_text.value = change["new"]
            if self.mode != "free":
                self.mode = "free"
                self.mode_picker.value = "free"
                self._show_mode()
            self.prompt = self._parse(change["new"]).with_(avoid=self.prompt.avoid if self.prompt else ())
        finally:
            self._syncing = False
        self._refresh()

    @staticmethod
    def _parse(text: str) -> Prompt:
        try:
            return Prompt.parse(text) if text.strip() else Prompt()
        except Exception:  # parsing is best effort; the text itself is what is sent
            return Prompt(action=text)

    # -- public ---------------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        """"structured" (fields) or "free" (one text box). Switching carries the prompt across."""
        if mode == self.mode and self.mode_picker.value == mode:
            return
        self._syncing = True
        try:
            self.mode = mode  # type: ignore[assignment]
            self.mode_picker.value = mode
            if mode == "free":
                self.free_text.value = self.value
            else:
                parsed = self._parse(self.free_text.value).with_(avoid=self.prompt.avoid)
                for name, widget in self.fields.items():
                    widget.value = _text(getattr(parsed, name))
                self.prompt = parsed
                self.value = parsed.render()
        finally:
            self._syncing = False
        self._show_mode()
        self._refresh()

    def _show_mode(self) -> None:
        free = self.mode == "free"
        self.free_box.layout.display = "" if free else "none"
        self.structured_box.layout.display = "none" if free else ""

    def set_field(self, name: str, value: str) -> None:
        self.fields[name].value = value

    def add_keyword(self, term: str, field: str) -> None:
        """Put a keyword into `field` (what a chip click does): replaces the single-choice camera
        fields, adds to the others (skipping duplicates)."""
        if self.mode == "free":
            text = self.free_text.value.rstrip().rstrip(",")
            if term.lower() not in text.lower():
                self.free_text.value = f"{text}, {term}" if text else term
            return
        widget = self.fields[field]
        current = widget.value.strip().rstrip(",")
        if field in SINGLE or not current:
            widget.value = term
        elif term.lower() not in current.lower():
            widget.value = f"{current}, {term}"

    def apply_template(self, template: Template | Prompt | str) -> str:
        """Fill every field from a template (by name, a `Template` or a `Prompt`); its parameters
        (duration, resolution), snapped to the model, go to the `on_request_fix` handlers. Returns a
        note on those parameters that says where one was changed to fit the model ("1080p →
        1280x720"). `undo_template()` puts back what was there before."""
        from ..prompt import get_template

        if isinstance(template, str):
            template = get_template(template)
        self._before_template = (self.mode, self.prompt, self.value, self._request)
        prompt = template.prompt if isinstance(template, Template) else template
        if self.mode != "structured":
            self.set_mode("structured")
        self.prompt = prompt
        if not (isinstance(template, Template) and template.params):
            return ""
        mc = self._model_capabilities()
        overrides = {"model": self._request.model} if self._request is not None else {}
        try:
            request = template.to_request(mc, **overrides)
        except (SoraError, ValueError) as exc:
            return f"its parameters do not fit this model ({exc})"
        for handler in self._request_fix:
            handler(request)
        return template_note(template.params, self._request or request, getattr(mc, "id", None))

    def undo_template(self) -> None:
        """Put back the prompt (and the request parameters) from before the last template."""
        if self._before_template is None:
            return
        mode, prompt, value, request = self._before_template
        self._before_template = None
        if mode == "free":
            self.value = value
        else:
            self.prompt = prompt
        if request is not None:
            for handler in self._request_fix:
                handler(request)

    def _template_state(self) -> tuple[Prompt, dict[str, Any]]:
        params: dict[str, Any] = {}
        if self._request is not None:
            params = {k: v for k, v in (("seconds", self._request.seconds), ("size", self._request.size),
                                         ("resolution", self._request.resolution),
                                         ("aspect_ratio", self._request.aspect_ratio)) if v is not None}
        return self.prompt, params

    def _model_capabilities(self) -> Any:
        mc = self._capabilities
        if mc is not None and hasattr(mc, "models"):
            try:
                return mc.model(self._request.model if self._request is not None else None)
            except SoraError:
                return None
        return mc

    @property
    def negative_prompt(self) -> str | None:
        return self.prompt.negative_prompt

    def set_context(self, request: VideoRequest | None = None, capabilities: Any = None) -> None:
        """The request and capabilities the prompt will be used with (the Studio keeps this current);
        the linter and the character limit read them."""
        self._request, self._capabilities = request, capabilities
        self._refresh()

    def on_request_fix(self, handler: Callable[[VideoRequest], Any]) -> None:
        """`handler(request)` when a lint fix changes the request (duration, size…), not the text."""
        self._request_fix.append(handler)

    def apply_fix(self, finding: Any) -> None:
        """Apply a lint finding's fix: to the flagged field in structured mode, to the text in free
        mode; a negative prompt goes to "avoid", other request changes to `on_request_fix` handlers."""
        fix = getattr(finding, "fix", None)
        if fix is None:
            return
        text = self.value
        request = self._request.with_(prompt=text) if self._request is not None and text.strip() else None
        new_text, changes = fix.apply(text, request)
        changes = dict(changes)
        negative = changes.pop("negative_prompt", None)
        if new_text != text:
            if self.mode == "free":
                self.free_text.value = new_text
            elif not self._fix_field(finding, fix, request):
                self.prompt = self._parse(new_text).with_(avoid=self.prompt.avoid)
        if negative:
            items = [*self.prompt.avoid, *(x for x in _split(negative) if x not in self.prompt.avoid)]
            self.fields["avoid"].value = ", ".join(items)
        if changes and request is not None:
            updated = request.with_(**changes)
            for handler in self._request_fix:
                handler(updated)

    def _fix_field(self, finding: Any, fix: Any, request: VideoRequest | None) -> bool:
        span = getattr(finding, "span", None)
        if not span:
            return False
        for name, (start, end) in self.prompt.field_spans().items():
            if name in LIST_FIELDS or not (start <= span[0] and span[1] <= end):
                continue
            widget = self.fields[name]
            fixed, _ = fix.apply(widget.value, request)
            if fixed != widget.value:
                widget.value = fixed.strip()
                return True
        return False

    @property
    def limit(self) -> int:
        return int(getattr(self._model_capabilities(), "max_prompt_chars", MAX_PROMPT_CHARS))

    # -- preview and lint -----------------------------------------------------------------------
    def _refresh(self) -> None:
        text = self.value
        if not text.strip():
            body = '<span class="sora-muted">Fill in a subject and an action to start — or pick a template.</span>'
        elif self.mode == "structured":
            body = self._highlighted(self.prompt)
        else:
            body = esc(text)
        self.preview.value = f'<div class="sora-preview">{body}</div>'
        limit = self.limit
        over = " sora-over" if len(text) > limit else ""
        neg = self.negative_prompt
        neg_text = f" · avoid → negative prompt: {esc(neg)}" if neg else ""
        self.count.value = f'<div class="sora-count{over}">{len(text):,} / {limit:,} characters{neg_text}</div>'
        self.findings = self.findings_view.update(self.prompt, text, self._request, self._model_capabilities())

    @staticmethod
    def _highlighted(prompt: Prompt) -> str:
        text = prompt.render()
        spans = sorted(prompt.field_spans().items(), key=lambda kv: kv[1][0])
        out, pos = [], 0
        for name, (start, end) in spans:
            if start < pos:
                continue
            out.append(esc(text[pos:start]))
            out.append(f'<span class="sora-f sora-f-{name}" title="{name}">{esc(text[start:end])}</span>')
            pos = end
        out.append(esc(text[pos:]))
        return "".join(out)


def template_note(asked: dict[str, Any], request: VideoRequest, model: str | None) -> str:
    """"7 s · 1080p → 1280x720 (changed to what animatic offers)": the template's parameters
    against `request`, the request as it now stands (after the parameters took them)."""
    parts, swapped = [], False
    if asked.get("seconds") is not None:
        was, now = int(asked["seconds"]), request.seconds
        parts.append(f"{was} s" if was == now else f"{was} s → {now} s")
        swapped |= was != now
    for key in ("resolution", "size"):
        if asked.get(key):
            used = request.size or " ".join(x for x in (request.resolution, request.aspect_ratio) if x)
            same = str(asked[key]) in (used, request.resolution)
            parts.append(str(asked[key]) if same else f"{asked[key]} → {used}")
            swapped |= not same
    note = " · ".join(parts)
    return f"{note} (changed to what {model} offers)" if swapped and model else note


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]
