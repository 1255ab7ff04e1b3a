"""OpenRouter prices: estimates from the catalog's SKUs, and `usage.cost` as the job's actual cost in
the ledger, the result, the spend report and the budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from sora_widgets.backends.openrouter_catalog import parse_catalog
from sora_widgets.capabilities import estimate_cost, resolve
from sora_widgets.config import Settings
from sora_widgets.jobs import JobRunner, reset_session_spend
from sora_widgets.models import VideoRequest

from .conftest import MP4, ScriptedServer
from .test_openrouter import video_model

#: OpenRouter's SKU names for a per-second model with a dearer 1080p tier
SKUS = {"per-video-second": "0.10", "per-video-second-1080p": "0.16"}
CATALOG_BODY = {"data": [
    video_model("kling/kling-3", supported_durations=[5, 8], supported_resolutions=["720p", "1080p"],
                supported_aspect_ratios=["16:9"], pricing_skus=SKUS),
    video_model("wan/wan-sized", supported_durations=[5, 8], supported_sizes=["1280x720", "1920x1080"],
                pricing_skus=SKUS),
]}


@pytest.fixture(autouse=True)
def _fresh_budget() -> None:
    reset_session_spend()


@pytest.mark.parametrize(("model", "fields", "expected"), [
    ("kling/kling-3", {"resolution": "1080p"}, 8 * 0.16),
    ("kling/kling-3", {"resolution": "720p"}, 8 * 0.10),
    ("kling/kling-3", {}, 8 * 0.10),  # resolves to the first listed resolution, 720p
    ("wan/wan-sized", {"size": "1920x1080"}, 8 * 0.16),  # a size finds its resolution's SKU
    ("wan/wan-sized", {"size": "1280x720"}, 8 * 0.10),
])
def test_estimate_uses_the_sku_of_the_resolution(model: str, fields: dict[str, str], expected: float) -> None:
    caps = parse_catalog(CATALOG_BODY)
    assert caps.models[model].price_per_second == {"*": 0.10, "1080p": 0.16}
    req = resolve(VideoRequest(prompt="x", model=model, seconds=8, **fields), caps)
    assert estimate_cost(req, caps) == pytest.approx(expected)


def test_unknown_resolution_is_estimated_at_the_dearest_rate() -> None:
    mc = parse_catalog(CATALOG_BODY).models["kling/kling-3"]
    from sora_widgets.capabilities import rate_per_second

    assert rate_per_second(mc, None, None) == 0.16
    assert rate_per_second(mc, None, "1080P") == 0.16 and rate_per_second(mc, None, "480p") == 0.10


def _openrouter(cost: float) -> ScriptedServer:
    done = {"id": "job-1", "polling_url": "/api/v1/videos/job-1", "status": "completed",
            "unsigned_urls": ["https://cdn.test/1.mp4"], "usage": {"cost": cost, "is_byok": False}}
    return (ScriptedServer()
            .on("GET", "/videos/models", CATALOG_BODY)
            .on("POST", "/videos", {"id": "job-1", "polling_url": "/api/v1/videos/job-1", "status": "pending"},
                status=202)
            .on("GET", "/videos/job-1", done)
            .on("GET", "/videos/job-1/content", MP4))


def test_usage_cost_is_the_actual_cost_everywhere(tmp_path: Path) -> None:
    server = _openrouter(0.93)
    settings = Settings(_env_file=None, backend="openrouter", base_url="http://openrouter.test/api/v1",  # type: ignore[call-arg]
                        api_key="or-test-key-0123456789", output_dir=tmp_path, budget_session=2.3,
                        budget_total=2.3)
    runner = JobRunner(settings, transport=server.transport(), sync_transport=server.transport())
    job = VideoRequest(prompt="a paper lantern rising", model="kling/kling-3", seconds=8, resolution="1080p")
    state = runner.run(job)
    assert state.status == "completed"
    assert state.estimated_cost == pytest.approx(1.28)  # the 1080p SKU, reserved up front
    assert state.actual_cost == pytest.approx(0.93) and state.cost == pytest.approx(0.93)
    assert state.result().cost == pytest.approx(0.93)  # what a card and %sora cost show
    assert runner.ledger is not None
    assert runner.ledger.get(state.key)["actual_cost"] == pytest.approx(0.93)  # type: ignore[index]
    assert runner.ledger.spend() == pytest.approx(0.93)
    assert runner.ledger.spend_report()["backend"] == {"openrouter": pytest.approx(0.93)}
    # settled: the budget holds what was really charged, not the 1.28 reserved
    assert runner.budget.session_spent == pytest.approx(0.93)
    # A second 1080p job (1.28 reserved) fits in 2.30 only because the first kept 0.93, not 1.28.
    again = runner.run(job.with_(prompt="a second lantern"))
    assert again.status == "completed" and runner.budget.session_spent == pytest.approx(1.86)
