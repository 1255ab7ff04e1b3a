from __future__ import annotations

import httpx

from sora_widgets import SoraClient


def test_openrouter_polls_slowly_without_a_hint() -> None:
    client = SoraClient(backend="openrouter", api_key="k", transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert client.poll_delay(httpx.Response(200), None) == 10.0
    assert client.poll_delay(httpx.Response(200, headers={"openai-poll-after-ms": "2000"}), None) == 2.0
    local = SoraClient(backend="openai", api_key="k", transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert local.poll_delay(httpx.Response(200), None) == 1.0
