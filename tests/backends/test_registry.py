"""Choosing an adapter from settings and profiles, and describing what each backend offers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sora_widgets import SoraClient
from sora_widgets.backends import (
    BACKENDS,
    LiteLLMBackend,
    OpenAIBackend,
    OpenRouterBackend,
    SGLangBackend,
    VllmOmniBackend,
    backend_for,
    backends_offering,
    backends_table,
    capability_rows,
    capability_table,
    describe_backends,
    make_backend,
)
from sora_widgets.config import Settings
from sora_widgets.errors import ConfigurationError

from ..conftest import call
from .conftest import ScriptedServer, form_body

PROFILES = '''
[profiles.gpu-wan]
kind = "vllm-omni"
base_url = "http://gpu-box.test:8091/v1"
key_env = "WAN_BOX_KEY"
model = "Wan-AI/Wan2.2-T2V-A14B-Diffusers"
seconds = 5
size = "832x480"

[profiles.team-gateway]
kind = "litellm"
base_url = "http://gateway.test:4000/v1"
key_env = "TEAM_GATEWAY_KEY"
model = "veo-3-fast"

[profiles.mystery-box]
base_url = "http://unknown.test/v1"

[profiles.fast]
kind = "openai"
dialect = "fastvideo"
base_url = "http://fastvideo.test/v1"
'''


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "profiles.toml").write_text(PROFILES, encoding="utf-8")
    monkeypatch.setenv("SORA_CONFIG_DIR", str(folder))
    monkeypatch.setenv("WAN_BOX_KEY", "wan-box-secret-key-123")
    return folder


def _settings(**kw: object) -> Settings:
    return Settings(_env_file=None, **kw)  # type: ignore[call-arg]


@pytest.mark.parametrize(("backend", "dialect", "cls"), [
    ("openai", None, OpenAIBackend), ("vllm-omni", None, VllmOmniBackend), ("sglang", None, SGLangBackend),
    ("fastvideo", None, SGLangBackend), ("litellm", None, LiteLLMBackend), ("openrouter", None, OpenRouterBackend),
    ("openai", "vllm-omni", VllmOmniBackend), ("openai", "SGLang", SGLangBackend),
    ("openai-compatible", None, OpenAIBackend),
])
def test_kind_and_dialect_pick_the_adapter(backend: str, dialect: str | None, cls: type) -> None:
    assert type(backend_for(_settings(backend=backend, dialect=dialect))) is cls


def test_profiles_pick_kind_dialect_and_unknown_servers_get_openai(profiles: Path) -> None:
    assert isinstance(backend_for(_settings(backend="gpu-wan")), VllmOmniBackend)
    assert isinstance(backend_for(_settings(backend="team-gateway")), LiteLLMBackend)
    assert type(backend_for(_settings(backend="mystery-box"))) is OpenAIBackend
    fast = backend_for(_settings(backend="fast"))
    assert isinstance(fast, SGLangBackend) and fast.base_url == "http://fastvideo.test/v1"


def test_unknown_backend_names_the_choices() -> None:
    with pytest.raises(ConfigurationError, match="local, openai, vllm-omni, sglang, litellm, openrouter"):
        make_backend("sora-cloud")


async def test_profile_end_to_end(profiles: Path, twin: str) -> None:
    """kind + base_url + key_env + defaults from profiles.toml reach the wire."""
    from sora_widgets import AsyncSoraClient

    server = ScriptedServer().on("POST", "/videos", {"id": "video-1", "status": "queued", "created_at": 1})
    cls = SoraClient if twin == "sync" else AsyncSoraClient
    client = cls(backend="gpu-wan", settings=_settings(), transport=server.transport())
    video = await call(client, "create", prompt="a koi pond")
    sent = server.last
    assert str(sent.url) == "http://gpu-box.test:8091/v1/videos"
    assert sent.headers["authorization"] == "Bearer wan-box-secret-key-123"
    assert form_body(sent)["model"] == "Wan-AI/Wan2.2-T2V-A14B-Diffusers"
    assert (form_body(sent)["seconds"], form_body(sent)["size"]) == ("5", "832x480")
    assert video.id == "video-1"
    await call(client, "create", prompt="shorter", seconds=3, size="1280x720")  # explicit beats profile
    assert (form_body(server.last)["seconds"], form_body(server.last)["size"]) == ("3", "1280x720")


async def test_profile_key_missing_names_the_variable(profiles: Path, twin: str) -> None:
    from sora_widgets import AsyncSoraClient

    server = ScriptedServer()
    cls = SoraClient if twin == "sync" else AsyncSoraClient
    client = cls(backend="team-gateway", settings=_settings(), transport=server.transport())
    with pytest.raises(ConfigurationError, match="no API key for the 'team-gateway' backend"):
        await call(client, "create", prompt="x")
    assert server.requests == []


def test_backends_offering_follows_registration_order() -> None:
    assert list(BACKENDS)[:2] == ["local", "openai"]
    assert backends_offering("remix") == ["local", "openai", "litellm"]
    assert backends_offering("list") == ["local", "openai", "vllm-omni", "sglang"]  # not litellm: 400 there
    assert backends_offering("delete") == ["local", "openai", "vllm-omni", "sglang"]
    assert "openrouter" in backends_offering("audio") and backends_offering("teleport") == []


def test_describe_backends_rows_and_table(profiles: Path) -> None:
    rows = {row["name"]: row for row in describe_backends()}
    assert {"local", "openai", "vllm-omni", "sglang", "litellm", "openrouter", "gpu-wan", "mystery-box"} <= set(rows)
    json.dumps(list(rows.values()))  # plain values only
    router = rows["openrouter"]
    assert router["operations"] == ["create", "retrieve", "content"]
    assert router["unsupported"] == ["list", "delete", "remix", "edit", "extend", "characters"]
    assert router["catalog"] == "not fetched yet" and router["key_env"] == "OPENROUTER_API_KEY"
    assert rows["sglang"]["aliases"] == ["fastvideo", "sglang-diffusion"]
    wan = rows["gpu-wan"]
    assert wan["profile"] and wan["kind"] == "vllm-omni" and wan["key_env"] == "WAN_BOX_KEY"
    assert wan["defaults"] == {"model": "Wan-AI/Wan2.2-T2V-A14B-Diffusers", "seconds": 5, "size": "832x480"}
    assert rows["mystery-box"]["kind"] == "openai"
    table = backends_table()
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["name", "kind", "base"] and set(lines[1]) <= {"-", " "}
    assert any(line.startswith("openrouter ") and "list, delete, remix" in line for line in lines)
    assert any(line.startswith("gpu-wan ") and "http://gpu-box.test:8091/v1" in line for line in lines)


def test_capability_rows_and_table() -> None:
    rows = capability_rows(make_backend("local").capabilities)
    sora = next(r for r in rows if r["model"] == "sora-2")
    assert sora["default"] and sora["seconds"] == [4, 8, 12] and sora["remix"] and sora["reference"]
    json.dumps(rows)
    table = capability_table(make_backend("openai").capabilities)
    assert "sora-2 *" in table and "$0.30-0.50/s" in table and table.endswith("* default model")
    open_table = capability_table(make_backend("sglang").capabilities)
    assert "server-default *" in open_table and " any " in open_table
