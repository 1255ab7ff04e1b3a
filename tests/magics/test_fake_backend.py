"""The magics on a paid, remote-style backend (openai dialect) over httpx.MockTransport: cost
estimates, the budget guard and what is (not) sent are exact here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner

from ..fakes import FakeVideos
from .conftest import run


@pytest.fixture
def fake_runner(shell: Any, magics: Any, fake: FakeVideos, tmp_path: Path) -> JobRunner:
    settings = Settings(_env_file=None, backend="openai", base_url="http://fake.test/v1", api_key=fake.key,  # type: ignore[call-arg]
                        output_dir=tmp_path / "out", budget_session=1.0, poll_interval=0.01)
    runner = JobRunner(settings, transport=fake.transport(), sync_transport=fake.transport())
    magics.runner = runner
    return runner


def test_cost_estimate_in_dry_run_sends_nothing(shell: Any, fake_runner: JobRunner, fake: FakeVideos) -> None:
    ran = run(shell, "%%sora -s 4 -n 2 --dry-run\na kite over the sea, wide shot, golden hour light")
    assert fake.requests == [] and ran.err_lines == []
    assert "cost estimate: $0.80 (2 × $0.40)" in ran.result.text and "backend openai" in ran.result.text
    assert "size: 1280x720" in ran.result.text  # the default size (landscape on every backend) filled in


def test_paid_generation_and_budget(shell: Any, fake_runner: JobRunner, fake: FakeVideos) -> None:
    first = run(shell, "%%sora -s 4\na kite")
    assert first.err_lines == [] and fake.creates == 1
    assert first.result.cost == pytest.approx(0.4) and "$0.40" in first.result.text()
    sent = len(fake.requests)
    over = run(shell, "%%sora -s 8\na second kite")
    assert len(over.err_lines) == 1 and "nothing was sent" in over.err_lines[0]
    assert "budget_session" in over.err_lines[0] and over.err_lines[0].startswith("sora: this generation would cost")
    assert len(fake.requests) == sent and fake.creates == 1
    cost = run(shell, "%sora cost").result.text()
    assert "openai" in cost and "$0.40" in cost and "session $0.40 of $1.00" in cost


def test_remix_goes_to_the_remix_endpoint(shell: Any, fake_runner: JobRunner, fake: FakeVideos) -> None:
    src = run(shell, "%%sora -s 4\na kite").result
    ran = run(shell, f"%%sora -s 4 --remix {src.id}\nthe same kite at night")
    assert ran.err_lines == []
    posts = [r for r in fake.requests if r.method == "POST"]
    assert posts[-1].url.path == f"/v1/videos/{src.id}/remix"
    assert ran.result.metadata()["sora_widgets"]["parent_id"] == src.id


def test_moderation_failure_is_one_line(shell: Any, fake_runner: JobRunner, fake: FakeVideos) -> None:
    fake.fail_with = "moderation_blocked"
    ran = run(shell, "%%sora -s 4\nsomething blocked")
    assert ran.result is None and len(ran.err_lines) == 1
    assert "moderation" in ran.err_lines[0] and "rephrase" in ran.err_lines[0]
    assert fake_runner.ledger is not None and fake_runner.ledger.spend() == 0


def test_server_listing_and_unknown_status(shell: Any, fake_runner: JobRunner, fake: FakeVideos) -> None:
    src = run(shell, "%%sora -s 4\na kite").result
    assert src.id in run(shell, "%sora list --server").result.text()
    missing = run(shell, "%sora status video_9999")
    assert len(missing.err_lines) == 1 and missing.err_lines[0].startswith("sora: HTTP 404")
    assert "check the id" in missing.err_lines[0]


def test_sizes_of_the_backend_are_checked_before_sending(shell: Any, fake_runner: JobRunner,
                                                         fake: FakeVideos) -> None:
    ran = run(shell, "%%sora -m sora-2 --size 1792x1024\na wide shot")
    assert ran.err_lines == ["sora: size 1792x1024 is not supported by sora-2 on openai — allowed sizes: "
                             "720x1280, 1280x720"]
    assert fake.requests == []
