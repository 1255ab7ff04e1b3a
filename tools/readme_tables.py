"""Rewrite the generated tables in README.md from the code's own capability data.

    .venv/bin/python tools/readme_tables.py          # rewrite
    .venv/bin/python tools/readme_tables.py --check  # exit 1 if README.md is out of date

The backend table is `sora_widgets.backends.describe.dialect_table(markdown=True)`, built from each
adapter's `operations`, `variants`, `delete_stops_render`, ... A test (tests/backends/test_describe.py)
fails when the README and the code disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- backend-table:start (tools/readme_tables.py) -->", "<!-- backend-table:end -->"


def render(text: str) -> str:
    from sora_widgets.backends.describe import dialect_table

    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    if not rest:
        raise SystemExit(f"README.md has no {START} marker")
    return f"{head}{START}\n{dialect_table(markdown=True)}\n{END}{tail}"


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in argv:
        if new != text:
            print("README.md's backend table is out of date: run tools/readme_tables.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
