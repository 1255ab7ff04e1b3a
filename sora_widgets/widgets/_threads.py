"""Job observers may run on another thread (a runner's background loop); widget updates belong on
the loop the widget was built on (the kernel's). `LoopHop` remembers that loop and hops onto it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any


class LoopHop:
    def __init__(self) -> None:
        try:
            self.loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self.loop = None  # scripts and tests: update in place
        self.thread = threading.get_ident()

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run `fn(*args)` on the widget's loop: now when already there (or there is none), else
        scheduled thread-safely."""
        loop = self.loop
        if loop is not None and threading.get_ident() != self.thread and loop.is_running():
            loop.call_soon_threadsafe(fn, *args)
        else:
            fn(*args)
