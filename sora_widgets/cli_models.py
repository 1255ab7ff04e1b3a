"""`python -m sora_widgets models`: the backends and the active backend's capability table."""

from __future__ import annotations

from .cli_generate import configure_models as configure
from .cli_generate import run_models as run

__all__ = ["configure", "run"]
