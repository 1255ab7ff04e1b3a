"""`client.videos`: openai-python's signatures, and an openai-python script run on `local`."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path
from typing import Any

import pytest
from openai.resources.videos import AsyncVideos as OpenAIAsyncVideos
from openai.resources.videos import Videos as OpenAIVideos

from sora_widgets import AsyncSoraClient, SoraClient
from sora_widgets.config import Settings
from sora_widgets.videos import AsyncVideos, VideoContent, Videos

from .videos_script import sora_script

METHODS = ("create", "retrieve", "poll", "create_and_poll", "list", "delete", "remix", "edit", "extend",
           "download_content", "create_character")
#: transport knobs of openai-python that have no meaning here (the client owns headers and timeouts);
#: `extra_body` is kept where it carries wire fields (create), as the request's `extras`
TRANSPORT = {"extra_headers", "extra_query", "timeout"}
FAST: dict[str, Any] = {"model": "animatic", "seconds": "1", "size": "320x180"}


@pytest.mark.parametrize(("ours", "theirs"), [(Videos, OpenAIVideos), (AsyncVideos, OpenAIAsyncVideos)])
@pytest.mark.parametrize("name", METHODS)
def test_signatures_match_openai_python(ours: type, theirs: type, name: str) -> None:
    mine = inspect.signature(getattr(ours, name)).parameters
    for pname, param in inspect.signature(getattr(theirs, name)).parameters.items():
        if pname in TRANSPORT or (pname == "extra_body" and name not in ("create", "create_and_poll")):
            continue
        assert pname in mine, f"{name}() lacks {pname}"
        assert mine[pname].kind == param.kind, f"{name}({pname}) is {mine[pname].kind}, openai has {param.kind}"
        required = param.default is inspect.Parameter.empty
        assert (mine[pname].default is inspect.Parameter.empty) == required, f"{name}({pname}) required?"
    theirs_fn = inspect.unwrap(getattr(theirs, name))  # openai wraps some in a deprecation warning
    assert inspect.iscoroutinefunction(getattr(ours, name)) == inspect.iscoroutinefunction(theirs_fn)


def test_openai_script_runs_on_local(tmp_path: Path) -> None:
    with SoraClient(backend="local", output_dir=tmp_path, settings=Settings(_env_file=None)) as client:  # type: ignore[call-arg]
        out = sora_script(client, tmp_path, **FAST)
        left = [v.id for v in client.videos.list()]
        after_remix = [v.id for v in client.list(after=out["remix"].id)]  # the toolkit's own list takes a cursor too
    video, second, remix = out["video"], out["second"], out["remix"]
    assert video.status == second.status == "completed" and out["again"].id == video.id
    assert (tmp_path / "video.mp4").read_bytes() == out["bytes"] and out["bytes"][4:8] == b"ftyp"
    assert out["first_page"].data[0].id == second.id and out["first_page"].has_more
    assert out["after"].data[0].id == video.id  # the cursor moved on
    assert out["every"][:2] == [second.id, video.id] and len(out["every"]) >= 2
    assert remix.remixed_from_video_id == video.id and remix.id not in (video.id, second.id)
    assert out["deleted"].deleted and out["deleted"].id == second.id
    assert second.id not in left and video.id in left
    assert after_remix[0] == video.id and remix.id not in after_remix


def test_async_twin_and_async_pages(tmp_path: Path) -> None:
    async def script() -> tuple[Any, ...]:
        async with AsyncSoraClient(backend="local", output_dir=tmp_path, settings=Settings(_env_file=None)) as c:  # type: ignore[call-arg]
            a = await c.videos.create_and_poll(prompt="a red kite over dunes", poll_interval_ms=50, **FAST)
            b = await c.videos.create_and_poll(prompt="a blue kite over dunes", poll_interval_ms=50, **FAST)
            page = await c.videos.list(limit=1)
            walked = [v.id async for v in c.videos.list(limit=1)]
            content = await c.videos.download_content(a.id)
            await content.awrite_to_file(tmp_path / "a.mp4")
            return a, b, page, walked, (await c.videos.delete(b.id))

    a, b, page, walked, deleted = asyncio.run(script())
    assert page.data[0].id == b.id and page.next_page_info() == {"after": b.id}
    assert walked[:2] == [b.id, a.id]
    assert (tmp_path / "a.mp4").read_bytes()[4:8] == b"ftyp" and deleted.deleted


def test_content_writes_whole_file_or_nothing(tmp_path: Path) -> None:
    content = VideoContent(b"\0\0\0\x18ftypmp42" + b"x" * 200_000, "video/mp4")
    target = tmp_path / "v.mp4"
    content.write_to_file(target)
    assert target.read_bytes() == content.read() and sum(map(len, content.iter_bytes(1000))) == 200_012
    assert [p.name for p in tmp_path.iterdir()] == ["v.mp4"]  # no temp file left behind


def test_openai_reference_forms(tmp_path: Path) -> None:
    from sora_widgets.videos import reference_value

    png = tmp_path / "r.png"
    from PIL import Image

    Image.new("RGB", (8, 8)).save(png)
    with png.open("rb") as fh:
        assert reference_value(fh) == png.read_bytes()
    assert reference_value(("r.png", png.read_bytes(), "image/png")) == png.read_bytes()
    assert reference_value({"image_url": "https://example.com/a.png"}) == "https://example.com/a.png"
    assert reference_value(png) == png
