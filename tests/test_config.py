from __future__ import annotations

from pathlib import Path

import pytest

from sora_widgets.config import Settings, load_profiles
from sora_widgets.errors import ConfigurationError


def test_env_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("SORA_BACKEND=openai\nSORA_SECONDS=8\n")
    s = Settings()
    assert s.backend == "openai" and s.seconds == 8
    monkeypatch.setenv("SORA_BACKEND", "local")
    assert Settings().backend == "local"  # the environment wins over .env


def test_key_fallbacks_and_masking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-openai-env-123")
    s = Settings(_env_file=None, backend="openai")  # type: ignore[call-arg]
    assert s.resolved_api_key(("OPENAI_API_KEY",)) == "sk-from-openai-env-123"
    monkeypatch.setenv("SORA_API_KEY", "sk-sora-specific-456")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.resolved_api_key(("OPENAI_API_KEY",)) == "sk-sora-specific-456"
    assert "sk-sora" not in repr(s) and "sk-sora" not in str(s.masked())
    assert s.masked()["api_key"].startswith("set")


def test_profiles(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SORA_CONFIG_DIR", str(tmp_path))
    (tmp_path / "profiles.toml").write_text(
        '[profiles.gpu]\nkind = "openai"\nbase_url = "http://gpu:8000/v1"\nkey_env = "GPU_KEY"\n'
    )
    monkeypatch.setenv("GPU_KEY", "gpu-secret-789")
    s = Settings(_env_file=None, backend="gpu")  # type: ignore[call-arg]
    assert s.kind() == "openai" and s.resolved_api_key() == "gpu-secret-789"
    (tmp_path / "profiles.toml").write_text("[profiles\n")
    with pytest.raises(ConfigurationError, match="cannot read"):
        load_profiles()


def test_bad_values_rejected() -> None:
    with pytest.raises(ValueError):
        Settings(_env_file=None, max_retries=-1)  # type: ignore[call-arg]
    assert Settings(_env_file=None).with_(seconds=12).seconds == 12  # type: ignore[call-arg]
