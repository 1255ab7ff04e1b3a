from __future__ import annotations

import subprocess
import sys

import sora_widgets
import sora_widgets.prompt as prompt_pkg


def test_public_names() -> None:
    assert len(set(prompt_pkg.__all__)) == len(prompt_pkg.__all__)
    for name in prompt_pkg.__all__:
        assert getattr(prompt_pkg, name) is not None
    assert sora_widgets.Prompt is prompt_pkg.Prompt and sora_widgets.lint is prompt_pkg.lint


def test_prompt_craft_imports_no_notebook_or_network_stack() -> None:
    code = (
        "import sys, sora_widgets.prompt as p; p.lint('A fox, 6 seconds'); p.Prompt.parse('A fox');"
        "bad = [m for m in ('ipywidgets', 'IPython', 'httpx', 'PIL', 'av') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
