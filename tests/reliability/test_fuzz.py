"""Fuzz request validation (client side) and the server's input handling with hypothesis:
nothing crashes, every rejection is one clear line, the server never answers 5xx."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sora_widgets import SoraClient
from sora_widgets.errors import InvalidRequestError
from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import start_server

pytestmark = pytest.mark.reliability

KEY = "fuzz-secret-0123456789abcdef"
models = st.sampled_from(["sora-2", "sora-2-pro", "animatic", "veo-3", "", "SORA-2"])
sizes = st.one_of(st.sampled_from(["1280x720", "720x1280", "320x180", "1792x1024", "0x0", "12x", "wide"]),
                  st.text(max_size=12))
seconds = st.one_of(st.integers(-5, 200), st.sampled_from(["4", "8", "x", "", "4.0"]), st.floats(allow_nan=True))
prompts = st.one_of(st.text(max_size=60), st.just(""), st.just("   "), st.just("x" * 32001))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    srv = start_server(ServerConfig(data_dir=tmp_path_factory.mktemp("fuzzsrv"), api_key=KEY, generation_time=0))
    yield srv
    srv.stop()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prompt=prompts, model=models, size=sizes, secs=seconds, seed=st.one_of(st.none(), st.integers(-3, 2**33)))
def test_client_validation_never_crashes(prompt, model, size, secs, seed) -> None:
    sent: list[httpx.Request] = []
    client = SoraClient(backend="local", base_url="http://never.test/v1",
                        transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500)))
    try:
        client.request_for(None, {"prompt": prompt, "model": model or None, "size": size, "seconds": secs,
                                  "seed": seed})
    except InvalidRequestError as exc:
        text = str(exc)
        assert text and "\n" not in text and len(text) < 400
    assert sent == []


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=20))
bodies = st.recursive(
    scalars,
    lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=10), kids, max_size=4)),
    max_leaves=10,
)
fields = st.fixed_dictionaries({}, optional={"prompt": bodies, "model": bodies, "seconds": bodies, "size": bodies,
                                             "input_reference": bodies, "video": bodies})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(fields, bodies), path=st.sampled_from(["/videos", "/videos/edits", "/videos/extensions",
                                                             "/videos/video_x/remix", "/videos/characters"]))
def test_server_never_answers_5xx(server, body, path: str) -> None:
    r = httpx.post(server.base_url + path, json=body, headers={"Authorization": f"Bearer {KEY}"}, timeout=10)
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        err = r.json()["error"]
        assert err["message"] and "\n" not in err["message"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200), ctype=st.sampled_from(["application/json", "multipart/form-data; boundary=x",
                                                         "text/plain", "application/x-www-form-urlencoded"]))
def test_server_survives_garbage(server, raw: bytes, ctype: str) -> None:
    r = httpx.post(server.base_url + "/videos", content=raw,
                   headers={"Authorization": f"Bearer {KEY}", "Content-Type": ctype}, timeout=10)
    assert 400 <= r.status_code < 500, r.text
