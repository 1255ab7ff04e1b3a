"""A client of a plain-http server builds its TLS side only when a request needs it, and then with
the default verification (the CA bundle loaded, certificates required)."""

from __future__ import annotations

import ssl

import httpx
import pytest

from sora_widgets import AsyncSoraClient, SoraClient
from sora_widgets._transport import AsyncTLSOnFirstUse, TLSOnFirstUse
from sora_widgets.config import Settings


def _https_mount(http: httpx.Client | httpx.AsyncClient) -> object:
    return next(t for pattern, t in http._mounts.items() if pattern.pattern == "https://")


def test_tls_is_built_on_the_first_https_request_with_default_verification() -> None:
    settings = Settings(_env_file=None, backend="openai", base_url="http://127.0.0.1:9/v1", api_key="k")
    with SoraClient(settings=settings) as client:
        lazy = _https_mount(client._http)
        assert isinstance(lazy, TLSOnFirstUse) and lazy._real is None
        with pytest.raises(httpx.ConnectError):  # nothing listens there; the point is what got built
            client._http.get("https://127.0.0.1:9/")
        assert lazy._real is not None
        context: ssl.SSLContext = lazy._real._pool._ssl_context
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        assert context.cert_store_stats()["x509_ca"] > 0


async def test_the_async_twin_does_the_same() -> None:
    settings = Settings(_env_file=None, backend="openai", base_url="http://127.0.0.1:9/v1", api_key="k")
    async with AsyncSoraClient(settings=settings) as client:
        lazy = _https_mount(client._http)
        assert isinstance(lazy, AsyncTLSOnFirstUse) and lazy._real is None
        with pytest.raises(httpx.ConnectError):
            await client._http.get("https://127.0.0.1:9/")
        assert lazy._real is not None and lazy._real._pool._ssl_context.cert_store_stats()["x509_ca"] > 0


def test_an_https_server_gets_the_ordinary_client() -> None:
    settings = Settings(_env_file=None, backend="openai", base_url="https://api.example.test/v1", api_key="k")
    with SoraClient(settings=settings) as client:
        assert not any(isinstance(t, TLSOnFirstUse) for t in client._http._mounts.values())
