"""Cold import of `sora_widgets` and `%load_ext sora_widgets` vs cold `import openai` (target <= 0.25).

Each measurement is a fresh interpreter timing only the import (interpreter start excluded); the
median of several runs is reported. `%load_ext` is timed in a shell that already imported IPython,
as in a kernel.
"""

from __future__ import annotations

from _common import Row, child_seconds, median_of, print_rows, row

RUNS = 7
TIMED = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
LOAD_EXT = (
    "from IPython.core.interactiveshell import InteractiveShell; sh = InteractiveShell.instance(); "
    "import time; t = time.perf_counter(); sh.run_line_magic('load_ext', 'sora_widgets'); "
    "print(time.perf_counter() - t)"
)


def main() -> list[Row]:
    openai = median_of(lambda: child_seconds(TIMED.format(stmt="import openai")), RUNS)
    ours = median_of(lambda: child_seconds(TIMED.format(stmt="import sora_widgets")), RUNS)
    client = median_of(lambda: child_seconds(TIMED.format(stmt="from sora_widgets import SoraClient")), RUNS)
    ext = median_of(lambda: child_seconds(LOAD_EXT), RUNS)
    return [
        row("cold import sora_widgets vs import openai", ours, openai, "<= 0.25", ours / openai <= 0.25),
        row("%load_ext sora_widgets vs import openai", ext, openai, "<= 0.25", ext / openai <= 0.25),
        row("from sora_widgets import SoraClient vs import openai", client, openai, "(info)", True,
            note="pulls in httpx + pydantic"),
    ]


if __name__ == "__main__":
    print_rows(main())
