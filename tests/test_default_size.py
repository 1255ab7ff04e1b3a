"""Issue 17: the default size was portrait on `openai` and landscape on `local`: one default, landscape."""

from __future__ import annotations

import pytest

from sora_widgets.backends import make_backend
from sora_widgets.capabilities import ModelCapabilities, resolve
from sora_widgets.models import VideoRequest, parse_size


@pytest.mark.parametrize("backend", ["local", "openai", "vllm-omni", "sglang", "litellm", "openrouter"])
def test_every_backend_defaults_to_landscape(backend: str) -> None:
    caps = make_backend(backend).capabilities
    for mc in caps.models.values():
        if mc.size_default:
            width, height = parse_size(mc.size_default)
            assert width > height, (backend, mc.id, mc.size_default)
        if mc.aspect_default:
            width, height = (float(x) for x in mc.aspect_default.split(":"))
            assert width >= height, (backend, mc.id, mc.aspect_default)


def test_portrait_first_lists_still_default_to_landscape() -> None:
    mc = ModelCapabilities(id="m", sizes=("720x1280", "1280x720"), aspect_ratios=("9:16", "1:1", "16:9"))
    assert (mc.size_default, mc.aspect_default) == ("1280x720", "16:9")


def test_a_request_without_size_is_sent_landscape_on_openai() -> None:
    caps = make_backend("openai").capabilities
    assert resolve(VideoRequest(prompt="a kite", model="sora-2"), caps).size == "1280x720"
