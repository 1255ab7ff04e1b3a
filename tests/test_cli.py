from __future__ import annotations

import json
from pathlib import Path

import pytest

from sora_widgets.__main__ import main
from sora_widgets.media import probe


def test_generate_writes_a_verified_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "clip.mp4"
    assert main(["generate", "a kite over a hill, wide shot", "-m", "animatic", "-s", "1", "--size", "320x180",
                 "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert probe(out).size == "320x180"
    assert (tmp_path / "sora_outputs" / "ledger.sqlite").exists()


def test_generate_refuses_bad_input_in_one_line(capsys) -> None:
    assert main(["generate", "x", "-s", "5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "sora: 5 seconds is not supported by sora-2 on local — allowed seconds: 4, 8, 12"


def test_models_lists_capabilities(capsys) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "openrouter" in out and "animatic" in out and "1-20" in out


# -- issue 17: -o, one-line validation errors, friction ------------------------------------------
FAST = ["-m", "animatic", "-s", "1", "--size", "320x180"]


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("sora: "), err
    assert "Traceback" not in err and "pydantic" not in err and "errors.pydantic.dev" not in err
    return lines[0]


@pytest.mark.parametrize("out", ["clips/", "existing"])
def test_out_folder_gets_the_file_inside(out: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "existing").mkdir()
    assert main(["generate", "a kite over a hill", *FAST, "-o", out]) == 0
    printed = Path(capsys.readouterr().out.strip())
    folder = tmp_path / out.rstrip("/")
    assert folder.is_dir() and printed.parent == folder.resolve() and printed.suffix == ".mp4"
    assert probe(printed).size == "320x180"


@pytest.mark.parametrize(("argv", "expected"), [
    (["generate", "x", "-s", "0"], "sora: 0 seconds is not supported by sora-2 on local — allowed seconds: 4, 8, 12"),
    (["generate", "x", "-m", "animatic", "-s", "999"],
     "sora: 999 seconds is not supported by animatic on local — allowed seconds: 1-20"),
    (["generate", "   "], "sora: the prompt is empty — give it as the first argument"),
    (["generate", "x", "--size", "big"], "sora: --size 'big': size must look like '1280x720'"),
    (["generate", "x", "-s", "soon"], "sora: --seconds 'soon': must be a whole number"),
    (["generate", "x", "--extras", "[1]"], "sora: --extras '[1]': must be a JSON object"),
    (["generate", "x", "-n", "7"], "sora: variations must be 1-4, got 7"),
    (["generate", "x", "--nope"], "sora: unrecognized arguments: --nope"),
])
def test_bad_input_is_one_line_and_exit_2(argv: list[str], expected: str, capsys) -> None:
    assert main(argv) == 2
    assert _one_error_line(capsys.readouterr().err).startswith(expected)


def test_a_reference_that_is_not_an_image_is_one_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not an image")
    assert main(["generate", "x", "--ref", str(bad)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "--ref" in line and "is not an image" in line


def test_argparse_mistakes_are_one_line(capsys) -> None:
    assert main(["generate", "x", "-n", "two"]) == 2
    assert "invalid int value: 'two'" in _one_error_line(capsys.readouterr().err)


def test_version(capsys) -> None:
    from sora_widgets import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"sora_widgets {__version__}"


def test_progress_uses_carriage_returns_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "a kite over a hill", *FAST]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err and "completed" not in err.splitlines()[0]
    assert any(": queued" in line or ": in_progress" in line for line in err.splitlines())  # one line per status

    import io

    from sora_widgets.cli_common import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Terminal()
    progress = Progress(tty)
    from sora_widgets.jobs.state import JobState
    from sora_widgets.models import VideoRequest

    state = JobState(request=VideoRequest(prompt="x"), backend="local", status="in_progress", progress=40)
    progress(state)
    progress(state.evolve(progress=60))
    progress.close()
    assert tty.getvalue().count("\r") == 2 and tty.getvalue().endswith("\n")


def test_models_names_the_active_backend_and_its_base_url(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("SORA_BASE_URL", "http://127.0.0.1:9/v1")
    assert main(["models", "--backend", "openai"]) == 0
    assert "active backend: openai (openai) at http://127.0.0.1:9/v1" in capsys.readouterr().out
    monkeypatch.delenv("SORA_BASE_URL")
    assert main(["models", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["backend"] == "local" and "embedded server" in data["base_url"]
    assert any(m["model"] == "animatic" for m in data["models"]) or data["models"]


# -- issue 16: parity with %sora -----------------------------------------------------------------
def test_every_request_option_of_the_magic_is_a_cli_flag() -> None:
    from sora_widgets.__main__ import build_parser
    from sora_widgets.magics.parser import OPTIONS, SUBCOMMANDS

    parser = build_parser()
    generate = parser._subparsers._group_actions[0].choices["generate"]  # type: ignore[union-attr]
    cli_flags = {flag for action in generate._actions for flag in action.option_strings}
    # --compare opens a Compare widget (clips played in step in the browser): a notebook thing
    magic_only = {"--backend", "--name", "--no-wait", "--storyboard", "--dry-run", "-o", "--out", "--compare"}
    missing = {f for opt in OPTIONS for f in opt.flags} - cli_flags - magic_only
    assert not missing
    from sora_widgets.__main__ import COMMANDS

    notebook_only = {"help", "gallery", "studio", "config", "arena"}  # arena: blind votes in a widget
    assert set(SUBCOMMANDS) - notebook_only <= set(COMMANDS)


def test_generate_variations_and_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "a kite over a hill", *FAST, "-n", "2", "--seed", "3", "--json", "-o", "two.mp4"]) == 0
    jobs = json.loads(capsys.readouterr().out)
    assert [j["status"] for j in jobs] == ["completed", "completed"]
    assert [Path(j["path"]).name for j in jobs] == ["two-1.mp4", "two-2.mp4"]
    assert {j["request"]["seed"] for j in jobs} == {3, 4}  # variations differ

    assert main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {r["video_id"] for r in listed} == {j["id"] for j in jobs}
    assert main(["status", jobs[0]["id"], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "completed"
    assert main(["cancel", jobs[0]["id"]]) == 0
    assert "already ended: completed" in capsys.readouterr().out
    assert main(["download", jobs[1]["id"], "-o", "again/", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert Path(got["path"]).parent == (tmp_path / "again").resolve() and got["bytes"] > 1000
    assert main(["check", jobs[0]["id"], "--json"]) in (0, 1)  # 1 only when a signal is raised
    checked = json.loads(capsys.readouterr().out)
    assert len(checked) == 1 and "flags" in checked[0]
    assert main(["cost", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 0.0  # local is free
    assert main(["resume"]) == 0
    assert "nothing to resume" in capsys.readouterr().err
    assert main(["status", "video_nope"]) == 2
    assert _one_error_line(capsys.readouterr().err).startswith("sora: no job 'video_nope' in the ledger")


def test_lint_prints_findings_and_json(capsys) -> None:
    code = main(["lint", "a cat", "--json"])
    findings = json.loads(capsys.readouterr().out)
    assert code in (0, 1) and isinstance(findings, list) and all("code" in f for f in findings)


def test_ctrl_c_while_waiting_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import _thread
    import threading

    from sora_widgets.server.config import ServerConfig
    from sora_widgets.server.embedded import start_server

    server = start_server(ServerConfig(data_dir=tmp_path / "srv", api_key="k", generation_time=3.0))
    try:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("SORA_BASE_URL", server.base_url)
        monkeypatch.setenv("SORA_API_KEY", "k")
        timer = threading.Timer(1.0, _thread.interrupt_main)
        timer.start()
        try:
            assert main(["generate", "a slow sunrise", *FAST]) == 130
        finally:
            timer.cancel()
        err = capsys.readouterr().err
        line = err.strip().splitlines()[-1]  # after the summary and the progress lines
        assert "Traceback" not in err and line.startswith("sora: ")
        assert "stopped waiting for" in line and "python -m sora_widgets resume" in line
        assert main(["resume", "--json"]) == 0
        jobs = json.loads(capsys.readouterr().out)
        assert [j["status"] for j in jobs] == ["completed"] and Path(jobs[0]["path"]).is_file()
    finally:
        server.stop()
