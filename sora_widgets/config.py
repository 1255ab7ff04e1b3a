"""Settings from the environment, a `.env` file and named profiles in a TOML file.

Every variable is `SORA_*` (e.g. `SORA_BACKEND=openrouter`). The API key may also come from the
backend's usual variable (`OPENAI_API_KEY`, `OPENROUTER_API_KEY`, ...). Keys are `SecretStr`: they
never appear in a repr, a log line, an error or a file the toolkit writes.

Profiles (`profiles.toml` in `config_dir()`), one table per name:

    [profiles.my-wan]
    kind = "vllm-omni"                  # a backend kind: local, openai, vllm-omni, sglang, litellm, openrouter
    base_url = "http://gpu-box:8091/v1"
    key_env = "WAN_KEY"                 # optional: the variable holding the key
    model = "Wan-AI/Wan2.2-T2V-A14B"    # optional defaults: model, seconds, size
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from .errors import ConfigurationError

ENV_PREFIX = "SORA_"
ENV_FILE = ".env"


def config_dir() -> Path:
    """The user config folder (`SORA_CONFIG_DIR` overrides it; tests point it at a temp dir)."""
    override = os.environ.get("SORA_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("sora_widgets", appauthor=False))


def data_dir() -> Path:
    """Where the embedded server keeps jobs and files (`SORA_DATA_DIR` overrides it)."""
    override = os.environ.get("SORA_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("sora_widgets", appauthor=False))


def _environment(env_file: str | Path | None) -> dict[str, str]:
    """`SORA_*` values, the environment over the `.env` file, keyed by field name (names are not
    case-sensitive). Read here rather than by pydantic-settings, whose import (with asyncio, which it
    pulls in) cost more than everything else a first request does (benchmarks/bench_cold.py)."""
    found: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        from dotenv import dotenv_values

        for name, value in dotenv_values(env_file, encoding="utf-8").items():
            if value is not None and name.upper().startswith(ENV_PREFIX):
                found[name[len(ENV_PREFIX):].lower()] = value
    for name, value in os.environ.items():
        if name.upper().startswith(ENV_PREFIX):
            found[name[len(ENV_PREFIX):].lower()] = value
    return found


class Settings(BaseModel):
    """Effective configuration. Build with `Settings()`; override fields as keyword arguments.

    Precedence: keyword arguments, then `SORA_*` environment variables, then `.env` in the working
    folder (`_env_file=None` skips it, or names another file), then the defaults."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    def __init__(self, _env_file: str | Path | None = ENV_FILE, **values: Any) -> None:
        found = _environment(_env_file)
        super().__init__(**{**{k: v for k, v in found.items() if k in type(self).model_fields}, **values})

    backend: str = Field("local", description="local, openai, vllm-omni, sglang, litellm, openrouter or a profile")
    base_url: str | None = Field(None, description="server base URL, e.g. http://127.0.0.1:8000/v1")
    api_key: SecretStr | None = Field(None, description="API key (else the backend's usual variable)")
    key_env: str | None = Field(None, description="name of another variable that holds the key")
    dialect: str | None = Field(None, description="wire dialect for an OpenAI-compatible server")
    output_dir: Path = Field(Path("sora_outputs"), description="where videos and the job ledger go")
    model: str | None = None
    seconds: int | None = None
    size: str | None = None
    timeout: float = Field(60.0, gt=0, description="read timeout per request, seconds")
    connect_timeout: float = Field(5.0, gt=0)
    max_retries: int = Field(2, ge=0, le=10)
    poll_interval: float = Field(1.0, gt=0, description="seconds between polls when the server gives no hint")
    poll_timeout: float = Field(900.0, gt=0, description="give up waiting for a job after this many seconds")
    concurrency: int = Field(4, ge=1, le=32, description="jobs in flight at once in a batch")
    rate_limit: float = Field(0.0, ge=0, description="max create requests per second per backend (0 = none)")
    budget_session: float | None = Field(None, ge=0, description="USD allowed per kernel session")
    budget_total: float | None = Field(None, ge=0, description="USD allowed in total for this output folder")
    local_generation_time: float = Field(1.5, ge=0, description="simulated seconds per job on `local`")

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed (None values are ignored), validated again."""
        data = {k: getattr(self, k) for k in type(self).model_fields}
        data.update({k: v for k, v in changes.items() if v is not None})
        return type(self).model_validate(data)

    def profile(self) -> dict[str, Any]:
        """The profile named by `backend`, or an empty dict when it is a plain backend kind."""
        return load_profiles().get(self.backend, {})

    def kind(self) -> str:
        return str(self.profile().get("kind", self.backend))

    def resolved_api_key(self, default_envs: tuple[str, ...] = ()) -> str | None:
        """The key from settings, the profile's `key_env`, or the backend's usual variables."""
        if self.api_key is not None and self.api_key.get_secret_value():
            return self.api_key.get_secret_value()
        names = [n for n in (self.key_env, self.profile().get("key_env")) if n]
        names.extend(default_envs)
        for name in names:
            value = os.environ.get(str(name))
            if value:
                return value
        return None

    def masked(self) -> dict[str, Any]:
        """Settings for display: keys shown as set/unset only."""
        out = self.model_dump(mode="json")
        key = self.api_key.get_secret_value() if self.api_key else None
        out["api_key"] = f"set (…{len(key)} chars)" if key else "not set"
        return out


def load_profiles(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """Named backend profiles from `profiles.toml`; a broken file is a one-line ConfigurationError."""
    path = path or config_dir() / "profiles.toml"
    if not path.is_file():
        return {}
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}", hint="fix or remove the file") from None
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigurationError(f"{path}: [profiles] must be a table of tables")
    return {str(k): dict(v) for k, v in profiles.items() if isinstance(v, dict)}
