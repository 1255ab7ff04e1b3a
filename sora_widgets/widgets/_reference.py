"""The reference-image picker: upload a file or type a path, see a thumbnail, choose the fit."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import ipywidgets as w
import traitlets as t

from ..models import ImageReference
from ._style import button, esc, show

THUMB_HEIGHT = 72


def thumbnail_png(data: bytes, height: int = THUMB_HEIGHT) -> bytes:
    """A small PNG preview of image bytes (keeps the widget state tiny)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        img = img.convert("RGB")
        img.thumbnail((height * 3, height))
        buf = io.BytesIO()
        img.save(buf, format="PNG")
    return buf.getvalue()


def short_name(name: str, limit: int = 28) -> str:
    """A file name that fits a narrow panel: the start and the end, with … between."""
    if len(name) <= limit:
        return name
    half = (limit - 1) // 2
    return f"{name[:half]}…{name[-half:]}"


def _shown_path(value: Any) -> str:
    """A path as typed, or relative to the working folder (the notebook's) when it is inside it,
    so a long absolute path (a saved last frame) does not overflow the panel."""
    import os

    text = str(value)
    if os.path.isabs(text):
        try:
            rel = os.path.relpath(text)
        except ValueError:  # another drive (Windows)
            return text
        return rel if not rel.startswith("..") else text
    return text


class ReferencePicker(w.VBox):
    """`value` is None, a `Path` or image bytes; `fit` is "cover" or "contain"; `error` is the one
    line saying why the last input was unusable ("" when fine). An unusable input never drops the
    reference that was there: `value` keeps it, and the Studio refuses to generate until the input
    is fixed or cleared."""

    value = t.Any(None, allow_none=True, help="the reference image: None, a Path or bytes")
    fit = t.Unicode("cover", help="cover (crop) or contain (pad) when the size differs")
    error = t.Unicode("", help="why the last input is unusable; empty when the reference is fine")

    def __init__(self) -> None:
        self.upload = w.FileUpload(accept="image/png,image/jpeg,image/webp", multiple=False,
                                   description="Upload", layout=w.Layout(width="auto"))
        self.upload.add_class("sora-small")
        self.path = w.Text(placeholder="or a path, e.g. frames/start.png", continuous_update=False,
                           layout=w.Layout(flex="1 1 auto", width="auto"))
        self.fit_picker = w.Dropdown(options=[("crop to fit", "cover"), ("pad to fit", "contain")], value="cover",
                                     layout=w.Layout(width="120px"))
        self.clear_button = button("", icon="times", tooltip="No reference image")
        self.thumb = w.Image(format="png", layout=w.Layout(height=f"{THUMB_HEIGHT}px", width="auto"))
        self.thumb.add_class("sora-thumb")
        self.info = w.HTML()
        self.preview = w.HBox([self.thumb, w.VBox([self.info, w.HBox([self.fit_picker, self.clear_button])])],
                              layout=w.Layout(align_items="center"))
        show(self.preview, False)
        self.upload.observe(self._uploaded, names="value")
        self.path.observe(lambda ch: self.set(ch["new"] or None), names="value")
        self.fit_picker.observe(lambda ch: setattr(self, "fit", ch["new"]), names="value")
        self.clear_button.on_click(lambda _: self.set(None))
        label = w.Label("Reference", layout=w.Layout(width="84px"))
        super().__init__([w.HBox([label, self.upload, self.path]), self.preview], layout=w.Layout(width="100%"))
        self.add_class("sora-reference")

    def _uploaded(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        self.set(bytes(item["content"]), name=str(item.get("name", "upload")))
        self.upload.value = ()  # the bytes live in `value`; do not keep a second copy in the widget state

    def set(self, value: Any, *, name: str | None = None) -> None:
        """Use a path, bytes, a PIL image or None; shows a thumbnail, or one line when it is unusable."""
        if value is None or value == "":
            self.error = ""
            self.value = None
            self.thumb.value = b""
            self.info.value = ""
            show(self.preview, False)
            if self.path.value:
                self.path.value = ""
            return
        try:
            ref = ImageReference.coerce(Path(value) if isinstance(value, str) else value)
            data = ref.data if ref.kind == "bytes" else (ref.path.read_bytes() if ref.path else None)
            if data is None:
                raise ValueError("only local files and uploads can be previewed")
            self.thumb.value = thumbnail_png(data)
        except Exception as exc:
            why = (str(exc).splitlines()[0] if str(exc) else type(exc).__name__).removeprefix("input_reference ")
            self.error = why
            kept = self.value is not None
            also = " — the earlier reference is kept; fix this or clear it (✕)" if kept else ""
            self.info.value = f'<div class="sora-error">{esc(why)}{esc(also)}</div>'
            show(self.preview, True, "flex")
            show(self.thumb, kept)
            return
        self.error = ""
        show(self.thumb, True)
        self.value = ref.path if ref.kind == "path" else ref.data
        label = short_name(name or (ref.path.name if ref.path else ref.name))
        self.info.value = f'<div class="sora-meta" title="{esc(str(value))}">{esc(label)}</div>'
        if ref.kind == "path" and self.path.value != str(value):
            self.path.value = _shown_path(value)
        show(self.preview, True, "flex")
