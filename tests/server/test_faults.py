"""Fault injection: each mode, its scoping, faults after a create, and clients that survive them."""

from __future__ import annotations

import logging
import time

import httpx
import openai
import pytest

from sora_widgets.server.config import FaultConfig
from sora_widgets.server.faults import FaultInjector

from .helpers import FAST, create, wait_for


def test_429_carries_retry_after(servers, client_for):
    server = servers.start(faults=FaultConfig(rates={"429": 1.0}, retry_after=0.05))
    response = client_for(server).get("/videos")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1" and response.headers["retry-after-ms"] == "50"
    assert response.headers["x-request-id"].startswith("req_") and response.headers["x-sora-fault"] == "429"
    assert response.json()["error"]["code"] == "rate_limit_exceeded"


@pytest.mark.parametrize(("mode", "code"), [("500", "internal_error"), ("503", "service_unavailable")])
def test_server_errors(servers, client_for, mode, code):
    server = servers.start(faults=FaultConfig(rates={mode: 1.0}))
    response = client_for(server).post("/videos", json=FAST | {"prompt": "x"})
    assert response.status_code == int(mode)
    assert response.json()["error"]["code"] == code and response.json()["error"]["type"] == "server_error"
    assert server.stats.unexpected_errors == 0 and server.stats.faults == 1


def test_slow_responses(servers, client_for):
    server = servers.start(faults=FaultConfig(rates={"slow": 1.0}, slow_seconds=0.3))
    started = time.monotonic()
    assert client_for(server).get("/videos").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_dropped_connections_send_nothing(servers, client_for, caplog):
    server = servers.start(faults=FaultConfig(rates={"drop": 1.0}))
    api = client_for(server)
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
                api.get("/videos")
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            api.post("/videos", json=FAST | {"prompt": "x"})
    # uvicorn did not notice an app error (it would have logged one and sent a 500)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    server.set_faults(FaultConfig())
    assert api.get("/videos").status_code == 200


@pytest.mark.parametrize("mode", ["500", "503", "drop"])
def test_faults_after_create_keep_the_job_and_the_key_recovers_it(servers, client_for, mode):
    server = servers.start(faults=FaultConfig(rates={mode: 1.0}, operations={mode: {"create"}}, after_create=1.0))
    api = client_for(server)
    key = {"Idempotency-Key": f"lost-{mode}"}
    try:
        lost = api.post("/videos", json=FAST | {"prompt": "lost response"}, headers=key)
        assert lost.status_code == int(mode)
    except (httpx.RemoteProtocolError, httpx.ReadError):
        assert mode == "drop"
    listed = api.get("/videos").json()["data"]  # reads are not faulted here
    assert len(listed) == 1, "the job was created although the response was lost"
    server.set_faults(FaultConfig())
    retry = api.post("/videos", json=FAST | {"prompt": "lost response"}, headers=key)
    assert retry.status_code == 200 and retry.json()["id"] == listed[0]["id"]
    assert retry.headers["idempotent-replayed"] == "true"
    assert len(api.get("/videos").json()["data"]) == 1


def test_operations_scope_each_mode(servers, client_for):
    server = servers.start(faults=FaultConfig.parse("503=1@create"))
    api = client_for(server)
    assert api.get("/videos").status_code == 200
    assert api.post("/videos", json=FAST | {"prompt": "x"}).status_code == 503
    server.set_faults(FaultConfig.parse("503=1@none"))
    video = create(api)
    server.set_faults(FaultConfig.parse("500=1@content"))
    wait_for(api, video["id"])
    assert api.get(f"/videos/{video['id']}/content").status_code == 500
    server.set_faults(FaultConfig.parse("500=1@delete"))
    assert api.delete(f"/videos/{video['id']}").status_code == 500
    assert httpx.get(server.base_url.replace("/v1", "/healthz")).status_code == 200  # never faulted


def test_seeded_faults_repeat():
    config = FaultConfig.parse("429=0.2,500=0.1,503=0.1,slow=0.1,drop=0.1,seed=42")
    a, b = FaultInjector(config), FaultInjector(config)
    draws_a = [a.draw("read") for _ in range(200)]
    assert draws_a == [b.draw("read") for _ in range(200)]
    counts = {m: sum(1 for d in draws_a if d and d.mode == m) for m in ("429", "500", "503", "slow", "drop")}
    assert all(counts.values()) and sum(1 for d in draws_a if d is None) > 50


def test_fault_spec_parsing():
    config = FaultConfig.parse("429=0.1, 500=0.05,503=0.05,slow=0.05,drop=0.05@create+read,seed=7,slow_s=0.2")
    assert dict(config.rates) == {"429": 0.1, "500": 0.05, "503": 0.05, "slow": 0.05, "drop": 0.05}
    assert config.operations["drop"] == {"create", "read"} and config.seed == 7 and config.slow_seconds == 0.2
    assert config.strikes("429", "content") and not config.strikes("drop", "content")
    assert FaultConfig.parse("").enabled is False and FaultConfig.parse(None).rates == {}
    assert FaultConfig.parse(config.to_spec()).rates == config.rates
    for bad in ("404=0.1", "429=2", "429=0.6,500=0.6", "drop=0.1@nowhere", "seed", "429=abc", "429=nan"):
        with pytest.raises(ValueError):
            FaultConfig.parse(bad)


def test_the_official_sdk_survives_a_flaky_server(servers, sdk_for):
    # The CLI help's example rates; seed 1 strikes the create (500) and an early poll (drop).
    faults = FaultConfig.parse("429=0.1,500=0.05,503=0.05,slow=0.05,drop=0.05,seed=1,retry_after=0.01,slow_s=0.05")
    server = servers.start(faults=faults)
    client = sdk_for(server, max_retries=8)
    video = client.videos.create_and_poll(prompt="A storm over the sea, handheld", **FAST)
    assert video.status == "completed"
    assert client.videos.download_content(video.id).read()[4:8] == b"ftyp"
    assert server.stats.faults > 0 and server.stats.unexpected_errors == 0


def test_sdk_gives_up_on_persistent_rate_limits(servers, sdk_for):
    server = servers.start(faults=FaultConfig(rates={"429": 1.0}, retry_after=0.01))
    with pytest.raises(openai.RateLimitError):
        sdk_for(server, max_retries=2).videos.list()
    assert server.stats.faults == 3
