from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from sora_widgets.backends.local import LOCAL_CAPABILITIES
from sora_widgets.config import config_dir
from sora_widgets.errors import ConfigurationError, InvalidRequestError
from sora_widgets.prompt import (
    GUIDE_TEMPLATES,
    Prompt,
    delete_template,
    get_template,
    lint,
    list_templates,
    load_templates,
    save_template,
    templates_path,
)

from .corpus import ARTISTIC_STYLE, BASIC_SCENE, CHARACTER_ANIMATION, CINEMATIC_SCENE

GUIDE_TEXT = {
    "basic-scene": BASIC_SCENE,
    "cinematic-scene": CINEMATIC_SCENE,
    "character-animation": CHARACTER_ANIMATION,
    "artistic-style": ARTISTIC_STYLE,
}


def test_the_guide_examples_as_templates() -> None:
    assert list(GUIDE_TEMPLATES) == list(GUIDE_TEXT)
    for name, template in GUIDE_TEMPLATES.items():
        assert template.source == "guide" and template.description
        text = template.prompt.render()
        # the same words as the guide, minus the parameters the prose tried to set
        assert set(text.replace(",", " ").split()) <= set(GUIDE_TEXT[name].replace(",", " ").split())
        assert "prose-params" not in [f.code for f in lint(template.prompt)]
        assert template.params["resolution"] == "1080p"
    assert [t.params["seconds"] for t in GUIDE_TEMPLATES.values()] == [6, 8, 5, 7]
    assert GUIDE_TEMPLATES["cinematic-scene"].notes == ("24fps: no request field sets the frame rate",)
    assert GUIDE_TEMPLATES["basic-scene"].prompt.render() == BASIC_SCENE.removesuffix(", 6 seconds, 1080p")


def test_template_requests_snap_to_the_model() -> None:
    basic = GUIDE_TEMPLATES["basic-scene"]
    request = basic.to_request()
    assert (request.seconds, request.size, request.resolution) == (6, "1920x1080", None)
    pro = basic.to_request(LOCAL_CAPABILITIES.models["sora-2-pro"])
    assert (pro.seconds, pro.size) == (4, "1920x1080")
    sora2 = basic.to_request(LOCAL_CAPABILITIES.models["sora-2"], seed=3)
    assert (sora2.seconds, sora2.size, sora2.seed) == (4, None, 3)  # no 1080p on sora-2: its default applies


def test_save_load_list_delete(tmp_path: Path) -> None:
    assert templates_path() == config_dir() / "templates.json"
    assert load_templates() == {}
    fox = Prompt(subject="A red fox", action="trots through snow", lighting="golden hour", avoid=("cars",))
    saved = save_template("fox", fox, params={"seconds": 8}, description="winter")
    assert saved.source == "user"
    save_template("street", "A quiet street at dawn with no cars, wide shot")
    loaded = load_templates()
    assert loaded["fox"] == saved and loaded["street"].prompt.avoid == ("cars",)
    assert list_templates() == [*GUIDE_TEMPLATES, "fox", "street"]
    assert get_template("fox").params == {"seconds": 8} and get_template("basic-scene").source == "guide"
    save_template("fox", fox.with_(subject="A grey wolf"))
    assert load_templates()["fox"].prompt.subject == "A grey wolf"
    assert delete_template("fox") and not delete_template("fox")
    assert list(load_templates()) == ["street"]
    data = json.loads(templates_path().read_text())
    assert data["version"] == 1 and set(data["templates"]) == {"street"}


def test_save_refuses_bad_input() -> None:
    with pytest.raises(InvalidRequestError):
        save_template("basic-scene", "A cat")
    with pytest.raises(InvalidRequestError):
        save_template("  ", "A cat")
    with pytest.raises(InvalidRequestError, match="unknown template parameters: fps"):
        save_template("cat", "A cat", params={"fps": 24})
    with pytest.raises(InvalidRequestError, match="seconds"):
        save_template("cat", "A cat", params={"seconds": 0})
    with pytest.raises(InvalidRequestError, match="no template named"):
        get_template("nope")


@pytest.mark.parametrize(
    "content",
    ["{not json", "[1, 2]", '{"templates": []}', '{"templates": {"x": {"prompt": {"colour": "red"}}}}', "\xff"],
)
def test_a_broken_file_is_one_line_never_a_crash(content: str) -> None:
    bad_entry_only = "colour" in content
    path = templates_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="latin-1")
    with pytest.raises(ConfigurationError) as info:
        load_templates()
    assert "\n" not in str(info.value) and str(path) in str(info.value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert list_templates() == list(GUIDE_TEMPLATES)
    assert len(caught) == 1 and "\n" not in str(caught[0].message)
    if bad_entry_only:  # the file is readable: saving keeps the bad entry verbatim for the user to repair
        save_template("cat", "A cat")
        assert json.loads(path.read_text())["templates"]["x"] == {"prompt": {"colour": "red"}}
        return
    with pytest.raises(ConfigurationError):
        save_template("cat", "A cat")  # never overwrite a file the user may want to repair
    assert path.read_text(encoding="latin-1") == content


def test_explicit_path(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere.json"
    save_template("cat", "A cat sleeps on a windowsill", path=path)
    assert list(load_templates(path)) == ["cat"] and load_templates() == {}
