"""Which frontend runs the kernel, and the hook that lets a live one get a widget player.

VS Code's notebook renderer shows HTML outputs in a webview that does not serve the notebook's
folder, so a `<video src="sora_outputs/…">` cannot load there; its widget renderer does play an
`ipywidgets.Video` (the bytes travel through the comm). So in VS Code a clip's bundle also carries a
widget view. Elsewhere it does not: JupyterLab would show "model not found" for it once the kernel
is gone, where the HTML keeps working.

Detection: VS Code's Jupyter extension starts Python kernels with PYDEVD_IPYTHON_COMPATIBLE_DEBUGGING=1
(microsoft/vscode-jupyter, src/kernels/raw/launcher/kernelEnvVarsService.node.ts); kernels that a
Jupyter server starts (JupyterLab, Notebook 7, remote servers used from VS Code) have JPY_SESSION_NAME
(jupyter_server, services/sessions/sessionmanager.py). `SORA_WIDGET_PLAYER=1/0` overrides both.

The core cannot import ipywidgets, so the widget layer registers the view maker (`register_live_view`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

LiveView = Callable[[Any], "dict[str, Any] | None"]
_live_view: LiveView | None = None


def in_vscode() -> bool:
    return "PYDEVD_IPYTHON_COMPATIBLE_DEBUGGING" in os.environ and "JPY_SESSION_NAME" not in os.environ


def wants_widget_player() -> bool:
    forced = os.environ.get("SORA_WIDGET_PLAYER", "").strip().lower()
    if forced in ("1", "true", "yes", "on"):
        return True
    if forced in ("0", "false", "no", "off"):
        return False
    return in_vscode()


def register_live_view(maker: LiveView | None) -> None:
    """`maker(result)` returns extra mimebundle entries (a widget view) for a finished clip."""
    global _live_view
    _live_view = maker


def live_view(result: Any) -> dict[str, Any]:
    """Extra bundle entries for `result` when the frontend wants a widget player, else {}."""
    if _live_view is None or not wants_widget_player():
        return {}
    try:
        return _live_view(result) or {}
    except Exception:  # no kernel comm (a script), unreadable file: the HTML is still there
        return {}
