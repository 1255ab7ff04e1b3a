from __future__ import annotations

import pytest
from pydantic import ValidationError

from sora_widgets.backends.local import LOCAL_CAPABILITIES
from sora_widgets.backends.openai import OPENAI_CAPABILITIES
from sora_widgets.capabilities import estimate_cost, resolve
from sora_widgets.errors import InvalidRequestError, UnsupportedFeatureError
from sora_widgets.models import ImageReference, Video, VideoPage, VideoRequest


def test_request_is_frozen_and_validated() -> None:
    req = VideoRequest(prompt="a fox", seconds="8", size="1280x720")
    assert req.seconds == 8
    with pytest.raises(ValidationError):
        req.prompt = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="prompt is empty"):
        VideoRequest(prompt="   ")
    with pytest.raises(ValidationError, match="either size or resolution"):
        VideoRequest(prompt="x", size="1280x720", resolution="720p")
    with pytest.raises(ValidationError, match="1280x720"):
        VideoRequest(prompt="x", size="wide")
    with pytest.raises(ValidationError, match=r"unknown_field|Extra inputs"):
        VideoRequest(prompt="x", duration=4)  # type: ignore[call-arg]


def test_reference_kinds(tmp_path) -> None:
    from PIL import Image

    img = Image.new("RGB", (8, 8), "red")
    assert VideoRequest(prompt="x", input_reference=img).input_reference.kind == "bytes"
    p = tmp_path / "r.png"
    img.save(p)
    assert VideoRequest(prompt="x", input_reference=p).input_reference.kind == "path"
    assert ImageReference.coerce("https://example.invalid/a.png").kind == "url"
    with pytest.raises(ValueError, match="not an image"):
        ImageReference.coerce(b"hello")
    with pytest.raises(ValueError, match="must be a file path"):
        ImageReference.coerce(42)


def test_video_tolerates_unknown_keys_and_statuses() -> None:
    v = Video.model_validate({"id": "video_1", "status": "expired", "seconds": "12", "quality": "standard",
                              "error": {"code": "x", "message": "m", "param": None}})
    assert v.status == "expired" and v.done and not v.ok and v.seconds == 12
    assert v.model_extra == {"quality": "standard"}
    assert Video.model_validate({"id": "v", "status": "cancelled"}).done
    assert Video.model_validate({"id": "v", "error": "plain string"}).error.message == "plain string"
    page = VideoPage.model_validate({"data": [{"id": "a"}], "has_more": False, "object": "list"})
    assert page.data[0].status == "queued"


def test_resolve_fills_defaults_and_names_allowed_values() -> None:
    req = resolve(VideoRequest(prompt="x"), LOCAL_CAPABILITIES)
    assert (req.model, req.seconds, req.size) == ("sora-2", 4, "1280x720")
    with pytest.raises(InvalidRequestError, match="choose one of: sora-2, sora-2-pro, animatic"):
        resolve(VideoRequest(prompt="x", model="veo"), LOCAL_CAPABILITIES)
    with pytest.raises(InvalidRequestError, match="allowed sizes: 1280x720, 720x1280"):
        resolve(VideoRequest(prompt="x", size="1792x1024"), LOCAL_CAPABILITIES)
    pro = resolve(VideoRequest(prompt="x", model="sora-2-pro", size="1792x1024"), LOCAL_CAPABILITIES)
    assert pro.size == "1792x1024"
    by_aspect = resolve(VideoRequest(prompt="x", aspect_ratio="9:16"), LOCAL_CAPABILITIES)
    assert by_aspect.size == "720x1280"
    with pytest.raises(UnsupportedFeatureError, match="audio"):
        resolve(VideoRequest(prompt="x", audio=True), LOCAL_CAPABILITIES)


def test_openai_prices() -> None:
    req = resolve(VideoRequest(prompt="x", model="sora-2-pro", size="1792x1024", seconds=8), OPENAI_CAPABILITIES)
    assert estimate_cost(req, OPENAI_CAPABILITIES) == pytest.approx(4.0)
    assert estimate_cost(req, OPENAI_CAPABILITIES, variations=2) == pytest.approx(8.0)
    assert estimate_cost(resolve(VideoRequest(prompt="x"), LOCAL_CAPABILITIES), LOCAL_CAPABILITIES) == 0
    # compatible servers may serve other model ids under the same contract
    assert resolve(VideoRequest(prompt="x", model="wan-2.2"), OPENAI_CAPABILITIES).model == "wan-2.2"
