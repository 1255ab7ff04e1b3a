"""In VS Code (its Jupyter extension starts kernels with PYDEVD_IPYTHON_COMPATIBLE_DEBUGGING=1 and no
Jupyter server's JPY_SESSION_NAME) a clip's bundle also carries a widget player, which VS Code plays
where its webview cannot load `sora_outputs/…`; elsewhere the bundle stays HTML-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import TINY, run

VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize(("env", "widget"), [
    ({"PYDEVD_IPYTHON_COMPATIBLE_DEBUGGING": "1"}, True),                               # VS Code's own kernel
    ({"PYDEVD_IPYTHON_COMPATIBLE_DEBUGGING": "1", "JPY_SESSION_NAME": "a.ipynb"}, False),  # via a Jupyter server
    ({}, False),                                                                        # JupyterLab, Notebook 7
    ({"SORA_WIDGET_PLAYER": "1"}, True),                                                # forced on
    ({"PYDEVD_IPYTHON_COMPATIBLE_DEBUGGING": "1", "SORA_WIDGET_PLAYER": "0"}, False),    # forced off
])
def test_clip_bundle_per_frontend(shell: Any, server: Any, monkeypatch: pytest.MonkeyPatch, env: dict[str, str],
                                  widget: bool) -> None:
    for name in ("PYDEVD_IPYTHON_COMPATIBLE_DEBUGGING", "JPY_SESSION_NAME", "SORA_WIDGET_PLAYER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = run(shell, f"%%sora {TINY}\na red balloon").result
    data, _ = result._repr_mimebundle_()
    assert "<video" in data["text/html"] and data["text/plain"].startswith("video ")  # always there
    assert (VIEW in data) is widget
    if widget:
        import warnings

        from ipywidgets import Widget

        with warnings.catch_warnings():  # the registry's accessor is deprecated; it is still the registry
            warnings.simplefilter("ignore", DeprecationWarning)
            player = Widget.widgets[data[VIEW]["model_id"]]
        assert player.value == Path(result.path).read_bytes()
