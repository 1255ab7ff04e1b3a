"""Sharing: outputs that degrade well outside Jupyter, static widget snapshots, and exports.

    clip.clip_html        a <video> that falls back to an (animated) still + caption + link
    poster                small JPEG / animated WebP previews as data URLs
    snapshot              static text/html of the widgets (no ipywidgets import here)
    export.export         a report folder (index.html, media/, manifest.json) or one HTML file
    mp4.inspect           codec, pixel format, audio and faststart of an MP4

Core layer: imports neither ipywidgets nor IPython.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {"Export": "export", "export": "export", "inspect": "mp4", "schema": "export"}
__all__ = ["Export", "export", "inspect", "schema"]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from .export import Export, export, schema
    from .mp4 import inspect
