"""%%sora and %sora end to end in an IPython shell against the embedded server (backend local,
model animatic, tiny sizes, no simulated generation time)."""

from __future__ import annotations

import _thread
import io
import json
import re
import sys
import threading
from pathlib import Path
from typing import Any

from sora_widgets.results import GenerationResult, GenerationResults

from .conftest import TINY, run


def requests_sent(server: Any) -> int:
    return int(server.stats.requests)


def test_generate_display_and_metadata(shell: Any, server: Any) -> None:
    shell.user_ns["mood"] = "moody"
    ran = run(shell, f"%%sora {TINY} --name clip\nA paper boat in a {{mood}} street, {{not_a_var}}\n")
    assert ran.err_lines == [] and ran.success
    res = ran.result
    assert isinstance(res, GenerationResult) and shell.user_ns["clip"] is res
    assert res.request.prompt == "A paper boat in a moody street, {not_a_var}"
    assert res.path.is_file() and res.path.read_bytes()[4:8] == b"ftyp"
    bundle, meta = res._repr_mimebundle_()
    assert bundle["text/plain"].startswith(f"video {res.id} · animatic · 320x180 · 1s · $0.00 · sora_outputs/")
    html = bundle["text/html"]
    assert f'<video src="sora_outputs/{res.path.name}"' in html
    assert re.search(r'class="sora-still"[^>]*><img src="data:image/(webp|jpeg);base64,', html)  # where <video> is not
    assert "video/mp4;base64" not in html and len(html) < 25_000
    info = meta["sora_widgets"]
    assert info["id"] == res.id and info["backend"] == "local" and info["cost"] == 0.0
    assert info["request"]["size"] == "320x180" and info["op"] == "create" and info["job"]
    assert info["path"] == f"sora_outputs/{res.path.name}"


def test_variations_side_by_side(shell: Any, server: Any) -> None:
    ran = run(shell, f'%%sora {TINY} -n 2 --name pair --avoid "blurry text"\na heron lifts off a pond')
    assert ran.err_lines == []
    res = ran.result
    assert all(r.request.negative_prompt == "blurry text" for r in res)
    assert isinstance(res, GenerationResults) and len(res) == 2 and shell.user_ns["pair"] is res
    assert res[0].request.seed != res[1].request.seed  # a different seed per variation
    bundle, meta = res._repr_mimebundle_()
    assert bundle["text/html"].count("<video ") == 2 and "display:flex" in bundle["text/html"]
    assert bundle["text/plain"].splitlines()[1].startswith("[1] video ")
    assert [m["id"] for m in meta["sora_widgets"]["results"]] == [r.id for r in res]
    assert isinstance(res[:1], GenerationResults)


def test_aspect_picks_a_size(shell: Any, server: Any) -> None:
    res = run(shell, "%%sora -m animatic -s 1 --aspect 9:16\na tall waterfall").result
    assert res.request.size == "360x640" and res.size == "360x640"


def test_out_copies_the_file(shell: Any, server: Any, tmp_path: Path) -> None:
    res = run(shell, f"%%sora {TINY} -o clips/\na lighthouse").result
    assert res.path == (tmp_path / "clips" / res.path.name).resolve() and res.path.is_file()
    assert res.metadata()["sora_widgets"]["path"] == f"clips/{res.path.name}"
    named = run(shell, f"%%sora {TINY} -o named/boat\na boat").result
    assert named.path.name == "boat.mp4" and named.path.is_file()
    two = run(shell, f"%%sora {TINY} -n 2 -o pair.mp4\na gull").result
    assert [p.name for p in two.paths] == ["pair-1.mp4", "pair-2.mp4"]


def test_reference_from_variables(shell: Any, server: Any) -> None:
    from PIL import Image

    shell.user_ns["img"] = Image.new("RGB", (64, 36), "orange")
    buf = io.BytesIO()
    Image.new("RGB", (32, 18), "teal").save(buf, format="PNG")
    shell.user_ns["raw"] = buf.getvalue()
    Image.new("RGB", (32, 18), "navy").save("frame.png")
    for ref in ("{img}", "{raw}", "frame.png"):
        ran = run(shell, f"%%sora {TINY} --ref {ref} --fit contain\nthe scene starts from this frame")
        assert ran.err_lines == [], ran.stderr
        summary = ran.result.request.summary()
        assert summary["fit"] == "contain" and summary["input_reference"]


def test_remix_edit_extend(shell: Any, server: Any) -> None:
    first = run(shell, f"%%sora {TINY}\na paper kite").result
    for op, extra in (("remix", ""), ("edit", ""), ("extend", " -s 1")):
        ran = run(shell, f"%%sora -m animatic --{op} {first.id}{extra}\nnow at night")
        assert ran.err_lines == [], ran.stderr
        meta = ran.result.metadata()["sora_widgets"]
        assert meta["op"] == op and meta["parent_id"] == first.id


def test_dry_run_sends_nothing(shell: Any, server: Any) -> None:
    before = requests_sent(server)
    ran = run(shell, f"%%sora {TINY} -n 2 --seed 5 --dry-run\nA kite, 10 seconds long, no people")
    assert requests_sent(server) == before and ran.err_lines == []
    text = ran.result.text
    assert "nothing sent" in text and "POST /videos" in text and "seed: 5" in text
    assert "validation: ok" in text and "cost estimate: $0.00 (2 × $0.00)" in text
    assert "prose-params" in text and "negation" in text  # the linter's findings
    assert ran.result.data["request"]["model"] == "animatic"


def test_dry_run_reports_a_missing_key_without_failing(shell: Any) -> None:
    ran = run(shell, "%%sora --backend openai --dry-run\na kite")
    assert ran.err_lines == []
    assert "no API key for the 'openai' backend — set SORA_API_KEY or OPENAI_API_KEY" in ran.result.text


def test_failed_generation_is_one_line_and_tb_works(shell: Any, server: Any) -> None:
    server.config.blocked_words = ("forbidden",)
    try:
        ran = run(shell, f"%%sora {TINY}\na forbidden scene")
    finally:
        server.config.blocked_words = ()
    assert ran.result is None and len(ran.err_lines) == 1
    line = ran.err_lines[0]
    assert line.startswith("sora: video ") and "moderation" in line and " — " in line
    tb = run(shell, "%tb")
    assert "GenerationFailedError" in tb.stdout


def test_error_keeps_traceback_for_tb(shell: Any) -> None:
    ran = run(shell, "%%sora -m animatic -s 150\nx")
    # the model's own range, not pydantic's generic bound (issue 17)
    assert ran.err_lines == ["sora: 150 seconds is not supported by animatic on local — allowed seconds: 1-20"]
    assert "Traceback" not in ran.stdout + ran.stderr
    assert type(sys.last_value).__name__ == "MagicUsageError"
    tb = run(shell, "%tb")
    assert "Traceback" in tb.stdout and "MagicUsageError" in tb.stdout


def test_interrupt_stops_waiting_and_resume_finishes(shell: Any, server: Any) -> None:
    server.config.generation_time = 2.5
    timer = threading.Timer(0.8, _thread.interrupt_main)
    try:
        timer.start()
        ran = run(shell, f"%%sora {TINY} --name slow\na slow sunrise")
    finally:
        timer.cancel()
        server.config.generation_time = 0.0
    assert ran.result is None and len(ran.err_lines) == 1, ran.stderr
    line = ran.err_lines[0]
    assert line.startswith("sora: stopped waiting for video_") and "%sora resume" in line
    video_id = line.split("stopped waiting for ")[1].split(";")[0]
    row = shell.magics_manager.registry["SoraMagics"].default_runner().ledger.get(video_id)
    assert row["status"] == "interrupted"
    assert "sets slow" in line
    shell.user_ns.pop("slow", None)
    resumed = run(shell, "%sora resume")
    assert resumed.err_lines == [] and resumed.result.id == video_id and resumed.result.path.is_file()
    # issue 17: --name was lost after interrupt + resume
    assert shell.user_ns["slow"].id == video_id and "set slow" in resumed.stdout
    assert run(shell, "%sora resume").result.text.startswith("nothing to resume")


def test_no_wait_returns_at_once(shell: Any, server: Any, magics: Any) -> None:
    ran = run(shell, f"%%sora {TINY} --no-wait --name job\na quick sketch")
    assert ran.err_lines == [] and "started 1 job(s)" in ran.result.text
    state = shell.user_ns["job"].wait(timeout=30)
    assert state.ok
    assert run(shell, f"%sora status {state.video_id}").result.text.startswith(f"{state.video_id}: completed")


def test_no_wait_live_card(shell: Any, server: Any, magics: Any) -> None:
    from sora_widgets.magics.cell import Cell

    cell = Cell(f"{TINY} --no-wait", "a card", shell.user_ns, magics.runner_for, in_kernel=True, live_cards=True)
    card = cell.run()
    assert type(card).__name__ == "JobCard"
    assert card.job.wait(timeout=30).ok


def test_subcommands(shell: Any, server: Any, tmp_path: Path) -> None:
    assert "%%sora [options]" in run(shell, "%sora help").result.text
    assert "no jobs in this session yet" in run(shell, "%sora status").result.text
    res = run(shell, f"%%sora {TINY}\na red balloon").result
    status = run(shell, "%sora status").result
    assert res.id in status.text() and "completed" in status.text()
    assert run(shell, f"%sora status {res.id}").result.text.startswith(f"{res.id}: completed")
    listing = run(shell, "%sora list").result
    assert res.id in listing.text() and "red balloon" in listing.text() and len(listing) == 1
    assert res.id in run(shell, "%sora list 5 --server").result.text()
    got = run(shell, f"%sora download {res.id} -o copies/").result
    assert got.path == (tmp_path / "copies" / f"{res.id}.mp4").resolve() and got.path.is_file()
    assert got.request.prompt == "a red balloon"
    models = run(shell, "%sora models").result.text()
    assert "animatic" in models and "1-20" in models and "320x180" in models
    cost = run(shell, "%sora cost").result.text()
    assert "backend  local" in cost and "budgets:" in cost
    lint = run(shell, "%sora lint -m animatic -s 2 a girl's kite, 8 seconds long").result
    assert "prose-params" in lint.text and "already does" in lint.text
    # issue 17: with no -s, the prose length is proposed (snapped to the model), not dropped for the default
    lint = run(shell, "%sora lint -m animatic a girl's kite, 8 seconds long").result
    assert "move it there (seconds=8)" in lint.text
    assert type(run(shell, "%sora studio").result).__name__ == "Studio"
    gallery = run(shell, "%sora gallery")
    assert gallery.err_lines == [] and type(gallery.result).__name__ == "Gallery"


def test_config_sets_defaults_until_restart(shell: Any, server: Any) -> None:
    ran = run(shell, "%sora config model=animatic seconds=1 size=320x180 api_key=sk-very-secret")
    assert ran.err_lines == []
    text = ran.result.text
    assert "model = animatic   (set by %sora config)" in text and "sk-very-secret" not in text
    assert "api_key = set" in text
    res = run(shell, "%%sora\ndefaults from config").result
    assert (res.request.model, res.request.seconds, res.request.size) == ("animatic", 1, "320x180")
    # k= removes an override; jobs of the session survive the change
    cleared = run(shell, "%sora config seconds= api_key=").result.text
    assert "seconds = None" in cleared and "api_key = not set" in cleared
    assert res.id in run(shell, "%sora status").result.text()
    bad = run(shell, "%sora config seconds=soon")
    assert bad.err_lines == ["sora: bad value for seconds 'soon': must be a whole number — seconds: default length "
                             "in whole seconds; `%sora config "
                             "seconds=` removes the override"]
    assert "model = animatic" in run(shell, "%sora config").result.text  # unchanged by the bad value


def test_backend_option_uses_its_own_runner(shell: Any, magics: Any) -> None:
    from sora_widgets.magics import settings_for_backend

    base = magics.default_runner()
    settings = settings_for_backend(base, "openai")
    assert settings.backend == "openai" and settings.base_url is None
    assert settings.output_dir == base.settings.output_dir
    assert magics.runner_for("openai") is magics.runner_for("openai") is not base
    assert magics.runner_for(None) is base and magics.runner_for("local") is base


def test_progress_display_updates_in_place_in_a_kernel(shell: Any, server: Any, magics: Any,
                                                       monkeypatch: Any) -> None:
    monkeypatch.setattr(type(magics), "in_kernel", property(lambda self: True))
    server.config.generation_time = 0.6
    try:
        ran = run(shell, f"%%sora {TINY}\na slow pan over hills")
    finally:
        server.config.generation_time = 0.0
    assert ran.err_lines == [] and isinstance(ran.result, GenerationResult)
    shown = [o for o in ran.outputs if not o.update]
    updates = [o for o in ran.outputs if o.update]
    assert len(shown) == 1 and shown[0].data == {"text/plain": ""}  # one output, shown empty (nbval sees this)
    assert "<progress" in updates[0].data["text/html"]  # ...then filled and updated in place
    assert len(updates) >= 2 and any("in_progress" in o.data.get("text/plain", "") for o in updates)
    ids = {o.transient["display_id"] for o in ran.outputs}
    assert len(ids) == 1
    assert updates[-1].data == {"text/plain": ""}  # emptied at the end: the result is what stays


def test_subcommand_arguments_take_variables(shell: Any, server: Any) -> None:
    ran = run(shell, f"%%sora {TINY} --name clip\na paper boat, wide shot\n")
    assert ran.success
    ran = run(shell, "%sora status {clip.id}")
    assert ran.err_lines == [] and shell.user_ns["clip"].id in str(ran.result)


def test_export_writes_the_ledger_for_analysis(shell: Any, tmp_path: Path) -> None:
    made = run(shell, f"%%sora {TINY}\na paper boat on a rainy street")
    assert made.err_lines == []
    done = run(shell, "%sora ledger history/jobs.jsonl")
    assert done.err_lines == [] and "exported 1 jobs" in str(done.result)
    rows = [json.loads(line) for line in (tmp_path / "history" / "jobs.jsonl").read_text().splitlines()]
    assert rows[0]["status"] == "completed" and rows[0]["prompt"] == "a paper boat on a rainy street"
    bad = run(shell, "%sora ledger")
    assert len(bad.err_lines) == 1 and "needs one file name" in bad.err_lines[0]
