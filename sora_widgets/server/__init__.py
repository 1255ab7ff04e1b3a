"""The embedded OpenAI Videos API server and its offline preview renderer.

    from sora_widgets.server import ServerConfig, start_server
    server = start_server(ServerConfig(data_dir=tmp, generation_time=0))
    client = openai.OpenAI(base_url=server.base_url, api_key=server.api_key or "none")

Modules: `config` (ServerConfig, FaultConfig), `app` (routes), `gate` (auth, limits, faults),
`params` (request bodies), `service` (job creation), `jobs` (lifecycle), `store` (persistence),
`render` + `scene` + `camera` + `yuv` + `prompt_style` (previews), `faults`, `embedded`, `cli`.
Names are loaded lazily so importing this package does not import Starlette, uvicorn or PyAV.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "EmbeddedServer": "embedded",
    "FaultConfig": "config",
    "RenderSpec": "render",
    "ServerConfig": "config",
    "create_app": "app",
    "ensure_server": "embedded",
    "render": "render",
    "start_server": "embedded",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
