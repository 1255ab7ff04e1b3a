"""The embedded server's renders: no false alarms on the guide's templates, seeds tell takes apart,
and the defects it renders on request are each caught with exactly their code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sora_widgets import SoraClient
from sora_widgets.prompt.templates import GUIDE_TEMPLATES
from sora_widgets.quality import signals

SMALL = {"model": "animatic", "size": "640x360"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoraClient]:
    with SoraClient(output_dir=tmp_path_factory.mktemp("renders")) as c:
        yield c


@pytest.mark.parametrize("name", list(GUIDE_TEMPLATES))
def test_normal_renders_of_every_guide_template_raise_nothing(client: SoraClient, name: str) -> None:
    # the template's own length; the animatic model at a small size keeps the test fast
    request = GUIDE_TEMPLATES[name].to_request(**SMALL)
    result = client.generate(request.with_(seconds=GUIDE_TEMPLATES[name].params["seconds"]))
    s = signals(result)
    assert s.asked["seconds"] == GUIDE_TEMPLATES[name].params["seconds"]
    assert s.flags == frozenset(), s.reasons()


def test_same_seed_is_a_duplicate_and_other_seeds_are_not(client: SoraClient) -> None:
    request = GUIDE_TEMPLATES["cinematic-scene"].to_request(seconds=3, **SMALL)
    first = client.generate(request.with_(seed=11))
    again = client.generate(request.with_(seed=11))
    other = client.generate(request.with_(seed=12))
    assert first.path != again.path
    flags = [s.flags for s in signals.batch([first, again, other])]
    assert flags == [{"duplicate"}, {"duplicate"}, frozenset()]


@pytest.mark.parametrize(("marker", "code"), [
    ("[defect: frozen]", "frozen"), ("[defect: black]", "black"), ("[defect: flicker]", "flicker"),
    ("[defect: short]", "duration"),
])
def test_defects_rendered_on_request_get_exactly_their_code(client: SoraClient, marker: str, code: str) -> None:
    prompt = GUIDE_TEMPLATES["basic-scene"].prompt.render()
    result = client.generate(f"{prompt} {marker}", seconds=4, **SMALL)
    assert result.video.seconds == 4  # the job reports what was asked, whatever the file holds
    assert signals(result).flags == {code}


def test_defects_combine(client: SoraClient, tmp_path: Path) -> None:
    result = client.generate("a kite over a beach [defects: frozen, short]", seconds=4, **SMALL)
    assert signals(result).flags == {"frozen", "duration"}
