"""Look and feel shared by every widget: one scoped stylesheet and small HTML helpers.

Stock ipywidgets only: the stylesheet travels in an `HTML` widget (`<style>` is kept by the HTML
view in JupyterLab 4 and Notebook 7), classes are added with `add_class`, and colours come from
JupyterLab's CSS variables so light and dark themes both work.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

CSS = """
.sora-root { font-family: var(--jp-ui-font-family); color: var(--jp-ui-font-color1); }
.sora-studio { border: 1px solid var(--jp-border-color2); border-radius: 12px; padding: 12px 16px 14px;
  background: var(--jp-layout-color1); box-shadow: 0 1px 4px rgba(0,0,0,.06); }
.sora-title { font-size: 16px; font-weight: 650; letter-spacing: .01em; }
.sora-title .sora-sub { font-size: 12px; font-weight: 400; color: var(--jp-ui-font-color2); margin-left: 8px; }
.sora-panel { border: 1px solid var(--jp-border-color2); border-radius: 10px; padding: 8px 12px 10px;
  background: var(--jp-layout-color0); }
.sora-section { font-size: 10.5px; font-weight: 650; text-transform: uppercase; letter-spacing: .07em;
  color: var(--jp-ui-font-color2); margin: 8px 0 2px; }
.sora-muted { color: var(--jp-ui-font-color2); font-size: 12px; }
.sora-preview { font-family: var(--jp-content-font-family); font-size: 13px; line-height: 1.45;
  background: var(--jp-layout-color2); border-radius: 8px; padding: 8px 10px; white-space: pre-wrap;
  max-height: 9em; overflow: auto; border-left: 3px solid var(--jp-brand-color1); }
.sora-count { font-size: 11px; color: var(--jp-ui-font-color2); text-align: right; }
.sora-count.sora-over { color: var(--jp-error-color1); font-weight: 600; }
.jupyter-widgets.jupyter-button.sora-chip { height: 24px; line-height: 22px; border-radius: 12px;
  padding: 0 10px; margin: 2px 4px 2px 0; font-size: 12px; width: auto;
  background: var(--jp-layout-color2); color: var(--jp-ui-font-color1);
  border: 1px solid var(--jp-border-color2); box-shadow: none; }
span.sora-chip { display: inline-block; height: 24px; line-height: 22px; border-radius: 12px;
  padding: 0 10px; font-size: 12px; white-space: nowrap; background: var(--jp-brand-color3);
  border: 1px solid var(--jp-brand-color2); color: var(--jp-ui-font-color1); }
.sora-reference-chip .jupyter-button { width: 28px; height: 24px; padding: 0; margin-left: 2px; }
.sora-active-template { font-size: 12px; color: var(--jp-ui-font-color2); white-space: nowrap; }
.jupyter-widgets.jupyter-button.sora-chip:hover { background: var(--jp-brand-color3);
  border-color: var(--jp-brand-color2); }
.jupyter-widgets.jupyter-button.sora-small { height: 26px; line-height: 24px; font-size: 12px;
  padding: 0 10px; width: auto; border-radius: 6px; }
.jupyter-widgets.jupyter-button.sora-generate { height: 34px; font-size: 14px; font-weight: 600;
  border-radius: 8px; padding: 0 22px; width: auto; }
.sora-card { border: 1px solid var(--jp-border-color2); border-radius: 10px; padding: 8px 10px 10px;
  margin: 6px 10px 6px 0; background: var(--jp-layout-color0); box-shadow: 0 1px 3px rgba(0,0,0,.07); }
.sora-card video { border-radius: 6px; background: #000; display: block; max-width: 100%; }
.sora-pill { display: inline-block; border-radius: 10px; padding: 1px 8px; font-size: 11px;
  font-weight: 650; letter-spacing: .02em; margin-right: 6px; }
.sora-s-pending, .sora-s-submitting, .sora-s-queued { background: #eceff1; color: #37474f; }
.sora-s-in_progress, .sora-s-downloading { background: #e3f2fd; color: #0d47a1; }
.sora-s-completed { background: #e8f5e9; color: #1b5e20; }
.sora-s-failed, .sora-s-expired, .sora-s-unknown { background: #ffebee; color: #b71c1c; }
.sora-s-cancelled, .sora-s-interrupted, .sora-s-deleted, .sora-s-needs_choice { background: #fff8e1; color: #8d6e00; }
.sora-card-title { font-size: 12.5px; font-weight: 600; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; max-width: 100%; }
.sora-card .widget-html, .sora-card .widget-html-content { min-width: 0; max-width: 100%; overflow: hidden; }
.sora-meta { font-size: 11.5px; color: var(--jp-ui-font-color2); }
.sora-error { color: var(--jp-error-color1); font-size: 12.5px; }
.sora-ok { color: var(--jp-success-color1); font-size: 12.5px; }
.sora-finding { font-size: 12px; line-height: 1.4; padding: 4px 8px; border-radius: 6px; margin: 2px 0; }
.sora-finding .fa { margin-right: 3px; }
.sora-finding-error { background: #ffebee; color: #b71c1c; }
.sora-finding-warning { background: #fff8e1; color: #6d4c00; }
.sora-finding-info { background: #e3f2fd; color: #0d47a1; }
.sora-cost { font-size: 13px; font-weight: 600; }
.sora-tile { border: 1px solid var(--jp-border-color2); border-radius: 8px; padding: 6px;
  margin: 4px 8px 4px 0; background: var(--jp-layout-color0); }
.sora-tile img { border-radius: 4px; }
.sora-thumb img { border-radius: 6px; border: 1px solid var(--jp-border-color2); }
.sora-root .widget-label { color: var(--jp-ui-font-color2); }
.sora-download { margin: 2px 4px 2px 0; }
.sora-download .jp-OutputArea-child, .sora-download .jp-OutputArea-output,
.sora-download .jp-RenderedHTMLCommon { padding: 0 !important; margin: 0 !important; min-height: 0; }
.sora-download .jp-OutputArea-prompt { display: none; }
.sora-title .fa { color: var(--jp-brand-color1); margin-right: 4px; }
"""

STATUS_LABELS = {
    "pending": "pending",
    "submitting": "submitting",
    "queued": "queued",
    "in_progress": "rendering",
    "downloading": "downloading",
    "completed": "done",
    "failed": "failed",
    "cancelled": "cancelled",
    "expired": "expired",
    "interrupted": "interrupted",
    "unknown": "unknown",
    "needs_choice": "pick one",
    "deleted": "deleted",
}

BAR_STYLES = {"completed": "success", "failed": "danger", "expired": "danger", "unknown": "danger",
              "cancelled": "warning", "interrupted": "warning", "deleted": "warning", "needs_choice": "warning"}


_SHEET: w.HTML | None = None


def stylesheet() -> w.HTML:
    """The stylesheet as a zero-size widget, shared: one widget model however many cards, studios
    and galleries include it (each view adds the same `<style>`)."""
    global _SHEET
    if _SHEET is None or getattr(_SHEET, "comm", None) is None:  # first use, or closed by the user
        _SHEET = w.HTML(f"<style>{CSS}</style>", layout=w.Layout(height="0px", margin="0", overflow="hidden"))
        _SHEET.add_class("sora-style")
    return _SHEET


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def pill(status: str) -> str:
    label = STATUS_LABELS.get(status, status)
    return f'<span class="sora-pill sora-s-{esc(status)}">{esc(label)}</span>'


def section(title: str) -> w.HTML:
    return w.HTML(f'<div class="sora-section">{esc(title)}</div>')


def seconds_text(value: float | None) -> str:
    if value is None:
        return ""
    value = max(0.0, value)
    if value < 60:
        return f"{value:.1f}s" if value < 10 else f"{value:.0f}s"
    minutes, secs = divmod(int(value), 60)
    return f"{minutes}m{secs:02d}s"


def show(widget: w.Widget, visible: bool, display: str = "") -> None:
    """Hide or show without removing the widget (keeps the layout stable)."""
    widget.layout.display = display if visible else "none"


def button(description: str, *, icon: str = "", tooltip: str = "", style: str = "",
           classes: tuple[str, ...] = ("sora-small",)) -> w.Button:
    b = w.Button(description=description, icon=icon, tooltip=tooltip or description, button_style=style,
                 layout=w.Layout(width="auto"))
    for cls in classes:
        b.add_class(cls)
    return b


def shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
