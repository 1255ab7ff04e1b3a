"""Loading the extension: fast, no heavy imports, from %load_ext or a profile's ipython_config.py,
and unloadable."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

HEAVY = ("pydantic", "httpx", "ipywidgets", "av", "numpy", "starlette", "uvicorn", "PIL")


def test_load_ext_is_light() -> None:
    code = textwrap.dedent(f"""
        import sys, time
        from IPython.testing.globalipapp import start_ipython
        ip = start_ipython()
        before = set(sys.modules)
        t = time.perf_counter()
        ip.run_line_magic("load_ext", "sora_widgets")
        took = time.perf_counter() - t
        new = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in {HEAVY!r})
        print(repr((took, new, "sora" in ip.magics_manager.magics["cell"], "sora" in ip.magics_manager.magics["line"])))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    took, new, cell, line = eval(out.stdout.strip().splitlines()[-1])
    assert new == [] and cell and line
    assert took < 0.2


def test_loaded_from_ipython_config(tmp_path: Path) -> None:
    profile = tmp_path / "ipython" / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_config.py").write_text(
        'c.InteractiveShellApp.extensions = ["sora_widgets"]\nc.SoraMagics.live_cards = False\n'
    )
    env = {**os.environ, "IPYTHONDIR": str(tmp_path / "ipython")}
    code = "%sora models\nprint('live_cards', get_ipython().magics_manager.registry['SoraMagics'].live_cards)"
    script = tmp_path / "check.ipy"
    script.write_text(code)
    out = subprocess.run([sys.executable, "-m", "IPython", "--no-banner", "--colors=nocolor", str(script)],
                         capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "live_cards False" in out.stdout
    assert out.stderr.strip() == ""


def test_models_output_via_script(tmp_path: Path) -> None:
    script = tmp_path / "models.ipy"
    script.write_text("%load_ext sora_widgets\nt = %sora models\nprint(t.text())\n%sora nope\n")
    out = subprocess.run([sys.executable, "-m", "IPython", "--no-banner", "--colors=nocolor", str(script)],
                         capture_output=True, text=True, timeout=60, cwd=tmp_path,
                         env={**os.environ, "IPYTHONDIR": str(tmp_path / "ipy")})
    assert "animatic" in out.stdout and "1-20" in out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sora: unknown subcommand 'nope' — subcommands: help, status")


def test_unload_and_reload(ip: Any) -> None:
    ip.run_line_magic("unload_ext", "sora_widgets")
    assert "sora" not in ip.magics_manager.magics["cell"] and "sora" not in ip.magics_manager.magics["line"]
    assert "SoraMagics" not in ip.magics_manager.registry
    ip.run_line_magic("load_ext", "sora_widgets")
    assert "sora" in ip.magics_manager.magics["cell"] and "SoraMagics" in ip.magics_manager.registry


def test_magic_help_docstring(ip: Any) -> None:
    doc = ip.magics_manager.magics["cell"]["sora"].__doc__
    assert "%sora help" in doc
