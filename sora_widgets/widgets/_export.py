"""What an Export button does: write a report with `share.export`, then say where (or why not)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..errors import SoraError
from ._style import esc

EXPORT_FOLDER = "sora_exports"


def default_export_path(name: str) -> Path:
    """`sora_exports/<name>-<time>` beside the notebook: a new folder per click, nothing overwritten."""
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)[:40] or "export"
    return Path(EXPORT_FOLDER) / f"{safe}-{time.strftime('%Y%m%d-%H%M%S')}"


def run_export(name: str, path: str | Path | None = None, **options: Any) -> tuple[Any, str, str | None]:
    """Export, and say how it went: (the result or None, one line, a link to index.html or None)."""
    from ..share.export import export

    target = Path(path) if path is not None else default_export_path(name)
    try:
        result = export(target, **options)
    except SoraError as exc:
        return None, f"Export failed: {exc}", None
    except OSError as exc:
        return None, (f"Export failed: could not write {target} ({exc.strerror or exc}) — "
                      "choose a writable folder"), None
    return result, result.text(), Path(os.path.relpath(result.index, Path.cwd())).as_posix()


def export_button_action(status: w.HTML, name: str, path: str | Path | None = None, **options: Any) -> Any:
    """Export and report in `status`: a link to index.html, or one line saying what went wrong."""
    target = Path(path) if path is not None else default_export_path(name)
    status.value = f'<div class="sora-muted">exporting to {esc(str(target))}…</div>'
    result, line, href = run_export(name, target, **options)
    if result is None:
        status.value = f'<div class="sora-error">✖ {esc(line)}</div>'
    else:
        status.value = (f'<div class="sora-ok">✔ {esc(line)} · <a href="{esc(href or "")}" target="_blank">'
                        f"open index.html</a></div>")
    return result
