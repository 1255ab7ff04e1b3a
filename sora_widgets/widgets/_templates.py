"""The template picker: the guide's templates and the user's own (`templates.json`), and saving
the current prompt as a new one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..errors import SoraError
from ._style import button, esc, show

NONE = ""


def template_options() -> list[tuple[str, str]]:
    from ..prompt import GUIDE_TEMPLATES, list_templates

    options = [("Template…", NONE)]
    for name in list_templates():
        tag = "guide" if name in GUIDE_TEMPLATES else "mine"
        options.append((f"{name} ({tag})", name))
    return options


class TemplatePicker(w.HBox):
    """`TemplatePicker(apply, current, undo=None)`: `apply(template)` on a pick returns a note on
    the parameters it set (shown beside the active template's name); `current()` gives (prompt,
    params) to save; `undo()` puts back what was there before the last pick (the Undo button)."""

    def __init__(self, apply: Callable[[Any], Any], current: Callable[[], tuple[Any, dict[str, Any]]],
                 undo: Callable[[], Any] | None = None) -> None:
        self._apply = apply
        self._current = current
        self._undo = undo
        #: the name of the template last applied ("" after Undo)
        self.active_name = ""
        self.active = w.HTML()
        self.active.add_class("sora-active-template")
        self.undo_button = button("Undo", icon="undo", tooltip="Put back the prompt and parameters from before "
                                  "the template")
        self.undo_button.add_class("sora-template-undo")
        self.undo_button.on_click(lambda _: self.undo())
        show(self.undo_button, False)
        self.picker = w.Dropdown(options=template_options(), value=NONE, layout=w.Layout(width="230px"))
        self.picker.add_class("sora-templates")
        self.save_button = button("Save…", icon="save", tooltip="Save the current prompt as a template")
        self.name = w.Text(placeholder="template name", layout=w.Layout(width="150px"))
        self.confirm = button("Save", style="success")
        self.message = w.HTML()
        self.save_row = w.HBox([self.name, self.confirm])
        show(self.save_row, False)
        self.picker.observe(self._picked, names="value")
        self.save_button.on_click(lambda _: show(self.save_row, self.save_row.layout.display == "none", "flex"))
        self.confirm.on_click(lambda _: self.save(self.name.value))
        super().__init__([self.picker, self.save_button, self.save_row, self.active, self.undo_button, self.message],
                         layout=w.Layout(align_items="center", flex_flow="row wrap"))

    def _picked(self, change: dict[str, Any]) -> None:
        name = change["new"]
        if not name:
            return
        self.pick(name)
        self.picker.value = NONE

    def pick(self, name: str) -> None:
        from ..prompt import get_template

        try:
            template = get_template(name)
        except SoraError as exc:
            self.message.value = f'<span class="sora-error">{esc(exc)}</span>'
            return
        self.message.value = ""
        note = self._apply(template)
        self.active_name = name
        extra = f" · {esc(note)}" if note else ""
        self.active.value = f'<span title="the template last applied">template: <b>{esc(name)}</b>{extra}</span>'
        show(self.undo_button, self._undo is not None)

    def undo(self) -> None:
        """Put back what the last template replaced; the active template is cleared."""
        if self._undo is None:
            return
        self._undo()
        self.active_name = ""
        self.active.value = '<span class="sora-muted">template undone</span>'
        show(self.undo_button, False)

    def save(self, name: str) -> bool:
        from ..prompt import save_template

        prompt, params = self._current()
        try:
            save_template(name, prompt, params=params)
        except SoraError as exc:
            self.message.value = f'<span class="sora-error">{esc(str(exc))}</span>'
            return False
        self.picker.options = template_options()
        self.picker.value = NONE
        self.name.value = ""
        show(self.save_row, False)
        self.message.value = f'<span class="sora-ok">Saved “{esc(name.strip())}”.</span>'
        return True
