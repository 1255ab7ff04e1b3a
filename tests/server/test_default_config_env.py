from __future__ import annotations

import pytest

from sora_widgets.errors import ConfigurationError
from sora_widgets.server.embedded import default_config


def test_blocked_words_and_generation_time_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SORA_LOCAL_BLOCKED_WORDS", "Forbidden, dragon ,")
    monkeypatch.setenv("SORA_LOCAL_GENERATION_TIME", "2.5")
    config = default_config()
    assert config.blocked_words == ("forbidden", "dragon") and config.generation_time == 2.5
    monkeypatch.setenv("SORA_LOCAL_GENERATION_TIME", "soon")
    with pytest.raises(ConfigurationError, match="SORA_LOCAL_BLOCKED_WORDS"):
        default_config()
