"""Secret hygiene: the key never appears in anything the toolkit produces."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sora_widgets import SoraClient
from sora_widgets.config import Settings
from sora_widgets.errors import SoraError
from sora_widgets.jobs import JobRunner, reset_session_spend

from .fakes import FakeVideos, connection_drop, error_response


def test_key_never_leaks(fake: FakeVideos, tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys) -> None:
    reset_session_spend()
    caplog.set_level(logging.DEBUG)
    key = fake.key
    produced: list[str] = []
    settings = Settings(_env_file=None, backend="openai", base_url="http://fake.test/v1", api_key=key,
                        output_dir=tmp_path / "out", max_retries=1)
    client = SoraClient(settings=settings, transport=fake.transport())
    produced += [repr(client), repr(settings), str(settings.masked()), settings.model_dump_json()]
    # a server that echoes the key back in its error message must not make us print it
    fake.script.append(("/videos", error_response(400, f"bad key {key} in request")))
    fake.script.extend([("/videos/nope", error_response(500, "boom"))] * 2)
    fake.script.extend([("/videos", connection_drop)] * 2)
    for action in (
        lambda: client.create(prompt="x"),
        lambda: client.retrieve("nope"),
        lambda: client.create(prompt="y"),
        lambda: SoraClient(settings=settings, api_key="wrong", transport=fake.transport()).retrieve("v"),
    ):
        with pytest.raises(SoraError) as info:
            action()
        produced += [str(info.value), repr(info.value), str(info.value.args)]
    runner = JobRunner(settings, transport=fake.transport(), sync_transport=fake.transport())
    state = runner.run("a kite")
    assert state.ok
    produced.append(repr(runner))
    produced += [r.getMessage() for r in caplog.records]
    out = capsys.readouterr()
    produced += [out.out, out.err]
    blob = "\n".join(produced)
    assert key not in blob
    assert "bad key *** in request" in blob  # echoed secrets are redacted, the message is kept
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes(), path
