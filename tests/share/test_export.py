"""export(): what gets selected, what the manifest says, and every refusal leaving nothing behind.

The ledger is filled by `Ledger.record` with real (tiny) H.264 files, so selection, lineage and
votes are tested without a server; the browser test plays what the embedded server made."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import jsonschema
import pytest

from sora_widgets.errors import InvalidRequestError, SoraError
from sora_widgets.jobs import Ledger
from sora_widgets.jobs.state import JobState
from sora_widgets.models import VideoRequest
from sora_widgets.share.export import export, schema, select_rows

from .test_mp4 import _encode


def _record(folder: Path, n: int, *, prompt: str, op: str = "create", parent: str | None = None,
            group: str | None = None, seed: int | None = None, cost: float = 0.1) -> JobState:
    folder.mkdir(parents=True, exist_ok=True)
    path = _encode(folder / f"video_{n}.mp4", frames=6 + n)
    state = JobState(request=VideoRequest(prompt=prompt, model="animatic", size="64x48", seconds=1, seed=seed),
                     backend="local", op=op, parent_id=parent, status="completed", progress=100,
                     video_id=f"video_{n}", path=path, estimated_cost=cost, created_at=1_800_000_000.0 + n,
                     finished_at=1_800_000_001.0 + n)
    from sora_widgets.share.export import _sha256

    state = state.evolve(sha256=_sha256(path))
    Ledger(folder).record(state, group_id=group)
    return state


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    folder = tmp_path / "sora_outputs"
    _record(folder, 0, prompt="a kite over dunes", group="g1", seed=7)
    _record(folder, 1, prompt="a kite over the sea", op="remix", parent="video_0", group="g1")
    _record(folder, 2, prompt="a lighthouse at night", op="extend", parent="video_1", cost=0.25)
    return folder


def _tree(root: Path) -> list[Path]:
    """Every file under root except SQLite's WAL side files (they come and go with connections)."""
    return sorted(p.relative_to(root) for p in root.rglob("*") if not p.name.startswith("ledger.sqlite-"))


def _validate(manifest: dict) -> None:
    jsonschema.validate(manifest, schema(), format_checker=jsonschema.FormatChecker())


def test_manifest_has_every_fact_and_validates(outputs: Path, tmp_path: Path) -> None:
    made = export(tmp_path / "report", folder=outputs, title="Kites & lights")
    manifest = json.loads((made.path / "manifest.json").read_text())
    _validate(manifest)
    assert manifest == made.manifest and manifest["total_cost"] == pytest.approx(0.45)
    first, _, last = manifest["clips"]
    assert first["prompt"] == "a kite over dunes" and first["seed"] == 7 and first["model"] == "animatic"
    assert first["parameters"]["size"] == "64x48" and "prompt" not in first["parameters"]
    assert first["video"]["video_codec"] == "h264" and first["video"]["faststart"]
    assert last["lineage"] == {"op": "extend", "parent_id": "video_1", "ancestors": ["video_1", "video_0"],
                               "group": None}
    assert (made.path / first["file"]).read_bytes() == (outputs / "video_0.mp4").read_bytes()
    assert (made.path / first["poster"]).stat().st_size > 0
    index = (made.path / "index.html").read_text()
    assert "<script" not in index and "http" not in index.replace(manifest["schema"], "")  # offline, no CDN
    assert "Kites &amp; lights" in index and index.count("<video ") == 3 and 'src="media/video_2.mp4"' in index


def test_selection(outputs: Path) -> None:
    assert [r["video_id"] for r in select_rows(outputs, last=2)] == ["video_1", "video_2"]
    assert [r["video_id"] for r in select_rows(outputs, group="g1")] == ["video_0", "video_1"]
    assert [r["video_id"] for r in select_rows(outputs, query="LIGHTHOUSE")] == ["video_2"]
    assert [r["video_id"] for r in select_rows(outputs, ids=["video_1.mp4", "video_0"])] == ["video_0", "video_1"]


def test_votes_from_a_votes_table(outputs: Path, tmp_path: Path) -> None:
    with sqlite3.connect(outputs / "ledger.sqlite") as db:
        db.execute("CREATE TABLE votes (winner TEXT, loser TEXT, at REAL)")
        db.execute("INSERT INTO votes VALUES ('video_1', 'video_0', 1.0)")
    manifest = export(tmp_path / "r", folder=outputs).manifest
    _validate(manifest)
    votes = {c["id"]: c["votes"] for c in manifest["clips"]}
    assert votes["video_0"] == votes["video_1"] == [{"winner": "video_1", "loser": "video_0", "at": 1.0}]
    assert votes["video_2"] == []


def test_single_file_inlines_and_respects_the_cap(outputs: Path, tmp_path: Path) -> None:
    made = export(tmp_path / "one.html", folder=outputs, single_file=True)
    text = made.path.read_text()
    assert made.path.is_file() and text.count("data:video/mp4;base64,") == 3 and 'src="media/' not in text
    with pytest.raises(InvalidRequestError, match="over the 0 MB single-file cap") as err:
        export(tmp_path / "two.html", folder=outputs, single_file=True, max_bytes=1000)
    assert "export a folder instead" in str(err.value)
    with pytest.raises(InvalidRequestError, match=r"an \.html file"):
        export(tmp_path / "three", folder=outputs, single_file=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.html", "sora_outputs"]


def test_refusals_change_nothing(outputs: Path, tmp_path: Path) -> None:
    made = export(tmp_path / "report", folder=outputs, last=1)
    before = _tree(tmp_path)
    with pytest.raises(InvalidRequestError, match="already exists"):
        export(made.path, folder=outputs)
    with pytest.raises(InvalidRequestError, match="nothing to export"):
        export(tmp_path / "none", folder=outputs, query="no such words")
    with pytest.raises(InvalidRequestError, match="no job ledger"):
        export(tmp_path / "none", folder=tmp_path / "empty")
    with pytest.raises(InvalidRequestError, match="at least 1"):
        export(tmp_path / "none", folder=outputs, last=0)
    assert _tree(tmp_path) == before
    again = export(made.path, folder=outputs, last=2, overwrite=True)  # replaces the old report
    assert len(json.loads((again.path / "manifest.json").read_text())["clips"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "sora_outputs"]


def test_a_changed_file_is_refused_and_no_half_report_remains(outputs: Path, tmp_path: Path) -> None:
    with open(outputs / "video_1.mp4", "ab") as f:
        f.write(b"tampered")
    with pytest.raises(SoraError, match="changed since it was downloaded"):
        export(tmp_path / "report", folder=outputs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sora_outputs"]  # no report, no temp folder


def test_missing_files_are_skipped_and_said(outputs: Path, tmp_path: Path) -> None:
    (outputs / "video_2.mp4").unlink()
    made = export(tmp_path / "report", folder=outputs)
    assert [c["id"] for c in made.clips] == ["video_0", "video_1"] and made.skipped == ["video_2"]
    assert made.manifest["skipped"] == ["video_2"] and "1 skipped" in made.text()
    _validate(made.manifest)


def test_quality_flags_travel_when_they_match_the_file(outputs: Path, tmp_path: Path) -> None:
    ledger = Ledger(outputs)
    rows = {r["video_id"]: r for r in ledger.rows()}
    ledger.save_signals(rows["video_0"]["key"], ["frozen", "black"], "{}", rows["video_0"]["sha256"])
    ledger.save_signals(rows["video_1"]["key"], ["flicker"], "{}", "0" * 64)  # computed for another file
    manifest = export(tmp_path / "r", folder=outputs).manifest
    _validate(manifest)
    quality = {c["id"]: c["quality"] for c in manifest["clips"]}
    assert quality == {"video_0": {"flags": ["frozen", "black"]}, "video_1": None, "video_2": None}
    assert "frozen, black" in (tmp_path / "r" / "index.html").read_text()
