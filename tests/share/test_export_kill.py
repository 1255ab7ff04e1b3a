"""An export killed half-way (SIGKILL, in another process) leaves no half report under the final
name; the next export of the same selection succeeds. Files that PyAV cannot read are exported
as they are, with the reason in the manifest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema

from sora_widgets.jobs import Ledger
from sora_widgets.jobs.state import JobState
from sora_widgets.models import VideoRequest
from sora_widgets.share.export import export, schema

CLIPS, MB = 24, 2


def _outputs(folder: Path) -> None:
    folder.mkdir()
    ledger = Ledger(folder)
    for i in range(CLIPS):
        path = folder / f"video_{i}.mp4"
        path.write_bytes(os.urandom(MB << 20))  # not a video: the export must still cope
        ledger.record(JobState(request=VideoRequest(prompt=f"clip {i}"), backend="local", status="completed",
                               progress=100, video_id=f"video_{i}", path=path, created_at=1.0 + i))


def test_sigkill_mid_export_leaves_no_half_report(tmp_path: Path) -> None:
    outputs, target = tmp_path / "sora_outputs", tmp_path / "report"
    _outputs(outputs)
    code = f"from sora_widgets.share.export import export; export({str(target)!r}, folder={str(outputs)!r})"
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until it is writing media into its work folder
            work = [p for p in tmp_path.glob(".report.*") if (p / "media").is_dir()]
            if work and len(list((work[0] / "media").glob("*.mp4"))) >= 5:
                break
            time.sleep(0.005)
        else:
            raise AssertionError("the export never got going")
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert not target.exists()  # no report rather than half a report

    made = export(target, folder=outputs)  # the leftover work folder does not get in the way
    manifest = json.loads((target / "manifest.json").read_text())
    jsonschema.validate(manifest, schema(), format_checker=jsonschema.FormatChecker())
    # random bytes: PyAV either fails to open them or finds no playable video (it may guess an audio format)
    assert len(made.clips) == CLIPS and not any(c["video"].get("playable") for c in made.clips)
    assert (target / "media" / "video_7.mp4").read_bytes() == (outputs / "video_7.mp4").read_bytes()
