"""Names and the error tree: `*Error` names, old names as warning aliases, everything exported, the
failure data model not mistaken for an exception, an interrupt that `except Exception` lets through."""

from __future__ import annotations

import _thread
import inspect
import threading
import warnings
from pathlib import Path

import pytest

import sora_widgets
from sora_widgets import errors
from sora_widgets.server.config import ServerConfig
from sora_widgets.server.embedded import start_server

TREE = [obj for _, obj in inspect.getmembers(errors, inspect.isclass)
        if obj.__module__ == errors.__name__ and issubclass(obj, BaseException)]


def test_the_whole_tree_is_exported_and_named_like_errors() -> None:
    assert len(TREE) > 15
    for cls in TREE:
        assert cls.__name__ in sora_widgets.__all__, cls
        assert getattr(sora_widgets, cls.__name__) is cls
        if issubclass(cls, Exception):
            assert cls.__name__.endswith("Error"), cls
        else:  # the one interrupt: named like KeyboardInterrupt, and not an error
            assert cls is errors.PollInterrupted and issubclass(cls, KeyboardInterrupt)


@pytest.mark.parametrize(("old", "new"), [("GenerationFailed", "GenerationFailedError"),
                                          ("PollTimeout", "PollTimeoutError"), ("VideoError", "VideoFailure")])
def test_old_names_still_work_and_warn(old: str, new: str) -> None:
    with pytest.warns(DeprecationWarning, match=new):
        alias = getattr(sora_widgets, old)
    assert alias is getattr(sora_widgets, new) and old not in sora_widgets.__all__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in sora_widgets.__all__:  # what `import *` touches: never a deprecated name
            getattr(sora_widgets, name)


def test_the_failure_model_is_data_not_an_exception() -> None:
    from sora_widgets import Video, VideoFailure

    assert not issubclass(VideoFailure, BaseException)
    video = Video(id="v", status="failed", error={"code": "moderation_blocked", "message": "no"})
    assert isinstance(video.error, VideoFailure)
    err = errors.GenerationFailedError(video)
    assert err.code == "moderation_blocked" and "\n" not in str(err)


def test_poll_interrupted_is_not_swallowed_by_except_exception(tmp_path: Path) -> None:
    server = start_server(ServerConfig(data_dir=tmp_path / "srv", api_key="k", generation_time=30.0))
    try:
        client = sora_widgets.SoraClient(backend="local", base_url=server.base_url, api_key="k",
                                         output_dir=tmp_path / "out")
        video = client.create(prompt="a slow kite", model="animatic", seconds=1, size="320x180")
        threading.Timer(0.5, _thread.interrupt_main).start()
        swallowed = False
        with pytest.raises(errors.PollInterrupted) as info:
            try:
                client.poll(video.id, timeout=20)
            except Exception:  # what a script writes around a call; Ctrl-C must get through
                swallowed = True
        assert not swallowed and info.value.video_id == video.id
        assert str(info.value).startswith(f"stopped waiting for video {video.id}") and " — " in str(info.value)
        client.close()
    finally:
        server.stop()
