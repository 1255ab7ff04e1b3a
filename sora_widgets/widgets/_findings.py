"""Lint findings under the composer's preview: one line each, and a button per automatic fix.

A fix works on the prompt *text* (`Fix.apply(text, request) -> (text, request changes)`). In the
structured mode the composer applies it to the one field that holds the flagged words, so the
other fields stay as the user typed them; request changes (duration, size…) go to the Studio's
parameters, and a negative prompt goes into the "avoid" field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ._style import button, esc

if TYPE_CHECKING:
    from ..capabilities import ModelCapabilities
    from ..models import VideoRequest
    from ..prompt.structured import Prompt
    from .composer import Composer

ICONS = {"error": "fa-times-circle", "warning": "fa-exclamation-triangle", "hint": "fa-lightbulb-o"}
CSS_CLASS = {"error": "error", "warning": "warning", "hint": "info"}
MAX_SHOWN = 6


def run_lint(prompt: Prompt | str, request: VideoRequest | None, capabilities: ModelCapabilities | None) -> list[Any]:
    """The prompt package's linter; a linter failure never breaks typing."""
    from ..prompt import lint

    try:
        return list(lint(prompt, request, capabilities))
    except Exception:
        import logging

        logging.getLogger("sora_widgets").debug("lint failed", exc_info=True)
        return []


class FindingsView(w.VBox):
    def __init__(self, composer: Composer) -> None:
        self.composer = composer
        self.items: list[Any] = []
        super().__init__(layout=w.Layout(width="100%"))
        self.add_class("sora-findings")

    def update(self, prompt: Prompt, text: str, request: VideoRequest | None,
               capabilities: ModelCapabilities | None) -> list[Any]:
        if not text.strip():
            self.items = []
            self.children = ()
            return []
        source: Prompt | str = prompt if self.composer.mode == "structured" else text
        if request is not None and request.prompt != text:
            try:
                request = request.with_(prompt=text)
            except ValueError:
                request = None
        self.items = run_lint(source, request, capabilities)
        rows = [self._row(f) for f in self.items[:MAX_SHOWN]]
        if len(self.items) > MAX_SHOWN:
            rows.append(w.HTML(f'<div class="sora-muted">…and {len(self.items) - MAX_SHOWN} more</div>'))
        self.children = tuple(rows)
        return self.items

    def _row(self, finding: Any) -> w.HBox:
        severity = getattr(finding, "severity", "hint")
        cls = CSS_CLASS.get(severity, "info")
        message = " ".join(str(getattr(finding, "message", finding)).split())
        label = w.HTML(f'<div class="sora-finding sora-finding-{cls}" title="{esc(getattr(finding, "code", ""))}">'
                       f'<i class="fa {ICONS.get(severity, "fa-info-circle")}"></i> {esc(message)}</div>',
                       layout=w.Layout(flex="1 1 auto", width="auto"))
        parts: list[w.Widget] = [label]
        fix = getattr(finding, "fix", None)
        if fix is not None:
            b = button("Fix", icon="magic", tooltip=f"Fix: {fix.description}")
            b.layout.flex = "0 0 auto"
            b.add_class("sora-fix")
            b.on_click(lambda _, f=finding: self.composer.apply_fix(f))
            parts.append(b)
        return w.HBox(parts, layout=w.Layout(align_items="center", width="100%"))
