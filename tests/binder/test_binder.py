"""Build the Binder environment the way repo2docker would, as far as this machine allows: a fresh
virtual environment from binder/requirements.txt, binder/postBuild run in a copy of the repository,
then every notebook executed through binder/start. repo2docker itself validates the folder with
`--no-build` (it renders the Dockerfile; no Docker engine is needed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINDER = REPO / "binder"


def test_repo2docker_accepts_the_config() -> None:
    exe = Path(sys.executable).parent / "repo2docker"
    assert exe.exists(), "repo2docker is missing: install the test extras (pip install -e '.[test]')"
    out = subprocess.run([str(exe), "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan", str(REPO)],
                         capture_output=True, text=True, timeout=300)
    text = out.stdout + out.stderr
    assert out.returncode == 0, text[-3000:]
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in text
    assert "./binder/postBuild" in text and 'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in text
    assert "python=3.11" in text or "python-3.11" in text


def test_binder_files_follow_the_conventions() -> None:
    assert not (REPO / ".binder").exists(), "binder/ and .binder/ together are an error for repo2docker"
    assert not (BINDER / "environment.yml").exists(), "environment.yml would silently replace requirements.txt"
    for script in ("postBuild", "start"):
        assert os.access(BINDER / script, os.X_OK), f"binder/{script} must be executable"
    assert (BINDER / "start").read_text().rstrip().endswith('exec "$@"')
    readme = (REPO / "README.md").read_text()
    assert "mybinder.org/badge_logo.svg" in readme and "urlpath=lab/tree/notebooks/01_quickstart.ipynb" in readme


@pytest.mark.timeout(1200)
def test_fresh_environment_from_binder_files_runs_the_notebooks(tmp_path: Path) -> None:
    env_dir = tmp_path / "binder-env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    pip = [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(BINDER / "requirements.txt")], check=True, timeout=900)
    repo = tmp_path / "repo"
    shutil.copytree(REPO, repo, ignore=shutil.ignore_patterns(".venv", "node_modules", ".git", "sora_outputs",
                                                              "sora_exports", "test-artifacts", "__pycache__",
                                                              "*.egg-info"))
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path / "home")}
    for key in [k for k in env if k.startswith("SORA_")]:
        env.pop(key)
    subprocess.run(["./binder/postBuild"], cwd=repo, env=env, check=True, timeout=600)
    page_config = env_dir / "etc" / "jupyter" / "labconfig" / "page_config.json"
    disabled = json.loads(page_config.read_text()).get("disabledExtensions", {})
    assert disabled.get("@jupyterlab/apputils-extension:announcements") is True  # no popup at launch
    notebooks = sorted(str(p.relative_to(repo)) for p in (repo / "notebooks").glob("*.ipynb"))
    assert len(notebooks) >= 7
    run = subprocess.run(
        ["./binder/start", str(env_dir / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
         "--output-dir", str(tmp_path / "executed"), "--ExecutePreprocessor.timeout=600",
         "--ExecutePreprocessor.store_widget_state=False", *notebooks],
        cwd=repo, env={**env, "SORA_LOCAL_GENERATION_TIME": "0.2"}, capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stderr[-4000:]
    executed = list((tmp_path / "executed").glob("*.ipynb"))
    assert len(executed) == len(notebooks)
    quick = json.loads((tmp_path / "executed" / "01_quickstart.ipynb").read_text())
    text = json.dumps(quick)
    assert "<video src=\\\"sora_outputs/video_" in text and "video/mp4;base64" not in text
