"""Comparison grids: axes -> cells (rows and columns from what varies), the whole grid priced and
budgeted before anything is sent, one-line errors for bad axes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sora_widgets.config import Settings
from sora_widgets.errors import BudgetExceededError, InvalidRequestError
from sora_widgets.jobs import JobRunner, reset_session_spend
from sora_widgets.jobs.grid import GROUP_KIND, plan_grid
from sora_widgets.models import VideoRequest

from ..fakes import FakeVideos


@pytest.fixture(autouse=True)
def _fresh_budget() -> None:
    reset_session_spend()


def make_runner(fake: FakeVideos, tmp_path: Path, backend: str = "openai", **settings) -> JobRunner:
    s = Settings(_env_file=None, backend=backend, base_url="http://fake.test/v1", api_key=fake.key,
                 output_dir=tmp_path / "out", **settings)
    return JobRunner(s, transport=fake.transport(), sync_transport=fake.transport())


def test_axes_expand_into_rows_and_columns(fake: FakeVideos, tmp_path: Path) -> None:
    runner = make_runner(fake, tmp_path)
    plan = plan_grid(runner, "a kite", models=["sora-2", "sora-2-pro"], seconds=[4, 8], size="1280x720")
    assert [c.label for c in plan.cells] == ["model=sora-2, seconds=4", "model=sora-2, seconds=8",
                                            "model=sora-2-pro, seconds=4", "model=sora-2-pro, seconds=8"]
    assert plan.rows == ["model=sora-2", "model=sora-2-pro"] and plan.cols == ["4", "8"]
    assert [(c.row, c.col) for c in plan.cells] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert all(c.request.size == "1280x720" for c in plan.cells)  # a single value is fixed, not an axis
    # priced per cell from the backend's table: sora-2 $0.10/s, pro $0.30/s at 720p
    assert [c.cost for c in plan.cells] == pytest.approx([0.4, 0.8, 1.2, 2.4])
    assert plan.total_cost == pytest.approx(4.8)
    assert plan.cells[2].contestant == "model=sora-2-pro, seconds=4"
    assert plan.summary() == "2×2 grid (model ×2, seconds ×2); estimated $4.80"
    assert repr(plan) == f"GridPlan({plan.summary()})"
    assert fake.requests == []  # planning sends nothing


def test_one_axis_is_one_row_and_plurals_are_understood(fake: FakeVideos, tmp_path: Path) -> None:
    runner = make_runner(fake, tmp_path, backend="local")  # its animatic model takes a seed (sora-2 does not)
    plan = plan_grid(runner, VideoRequest(prompt="a kite", model="animatic", seconds=4), seeds=[1, 2, 3, 4])
    assert [c.request.seed for c in plan.cells] == [1, 2, 3, 4]
    assert plan.rows == [""] and plan.cols == ["1", "2", "3", "4"]
    assert [c.label for c in plan.cells] == ["seed=1", "seed=2", "seed=3", "seed=4"]
    prompts = plan_grid(runner, prompts=["a kite", "a boat"], seeds=[1, 2], model="animatic")
    assert [c.request.prompt for c in prompts.cells] == ["a kite", "a kite", "a boat", "a boat"]
    assert prompts.cells[0].contestant == "seed=1"  # the prompt is not what is being judged


def test_the_budget_is_checked_for_the_whole_grid_before_anything_is_sent(fake: FakeVideos, tmp_path: Path) -> None:
    runner = make_runner(fake, tmp_path, budget_session=1.0)
    plan = plan_grid(runner, "a kite", seconds=[4, 8])  # $0.40 + $0.80 = $1.20 > $1.00
    with pytest.raises(BudgetExceededError, match=r"about \$1.20") as info:
        plan.submit(runner)
    assert "nothing was sent" in str(info.value)
    assert fake.requests == [] and fake.creates == 0
    assert runner.ledger is not None and runner.ledger.rows() == []


def test_a_grid_within_budget_runs_and_is_recorded_as_a_group(fake: FakeVideos, tmp_path: Path) -> None:
    runner = make_runner(fake, tmp_path, budget_session=1.0)
    plan = plan_grid(runner, "a kite", seconds=4, sizes=["1280x720", "720x1280"])
    jobs = plan.submit(runner)
    states = [runner.wait(j) for j in jobs]
    assert all(s.ok for s in states) and fake.creates == 2
    assert runner.ledger is not None
    group = runner.ledger.group(plan.group_id)
    assert group is not None and group["kind"] == GROUP_KIND
    assert [c["key"] for c in group["data"]["cells"]] == [j.key for j in jobs]
    assert {r["group_id"] for r in runner.ledger.rows()} == {plan.group_id}


@pytest.mark.parametrize(("axes", "message"), [
    ({"sedes": [1, 2]}, "did you mean seeds"),
    ({"seeds": []}, "has no values"),
    ({"seed": [1], "seeds": [2]}, "repeats"),
    ({"seconds": [7, 8]}, "allowed seconds"),
    ({"sizes": ["1280x720"] * 9, "seconds": [4, 8], "models": ["sora-2", "sora-2-pro", "x", "y"]}, "at most 64"),
])
def test_bad_axes_are_one_line_errors_and_send_nothing(fake: FakeVideos, tmp_path: Path, axes: dict,
                                                       message: str) -> None:
    with pytest.raises(InvalidRequestError, match=message) as info:
        plan_grid(make_runner(fake, tmp_path), "a kite", **axes)
    assert "\n" not in str(info.value) and fake.requests == []


def test_no_prompt_is_an_error(fake: FakeVideos, tmp_path: Path) -> None:
    with pytest.raises(InvalidRequestError, match="needs a prompt"):
        plan_grid(make_runner(fake, tmp_path), seeds=[1, 2])
