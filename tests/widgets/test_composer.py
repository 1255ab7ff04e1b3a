"""The composer: fields in the guide's order, chips into the right field, templates, free text,
the live preview and count, and lint findings with one-click fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sora_widgets.backends.local import LOCAL_CAPABILITIES
from sora_widgets.jobs import JobRunner
from sora_widgets.models import VideoRequest
from sora_widgets.prompt import GUIDE_TEMPLATES, Prompt
from sora_widgets.widgets import Composer, Studio

SORA2 = VideoRequest(prompt="-", model="sora-2", seconds=4, size="1280x720")


def test_fields_compose_the_value_and_prompt_traits() -> None:
    c = Composer()
    seen: list[str] = []
    c.observe(lambda ch: seen.append(ch["new"]), names="value")
    c.fields["subject"].value = "A red fox"
    c.fields["action"].value = "trots through fresh snow"
    c.fields["lighting"].value = "golden hour"
    c.fields["palette"].value = "white, amber, slate blue"
    c.fields["avoid"].value = "people, cars"
    assert c.prompt == Prompt(subject="A red fox", action="trots through fresh snow", lighting="golden hour",
                              palette=("white", "amber", "slate blue"), avoid=("people", "cars"))
    assert c.value == c.prompt.render() and seen[-1] == c.value
    assert "people" not in c.value and c.negative_prompt == "people, cars"
    assert f"{len(c.value)} / 32,000 characters" in c.count.value and "negative prompt: people, cars" in c.count.value
    assert 'title="subject">A red fox</span>' in c.preview.value


def test_setting_the_prompt_fills_the_fields() -> None:
    c = Composer(Prompt(subject="a paper boat", action="drifts down a street", movement="slow dolly in"))
    assert c.fields["subject"].value == "a paper boat" and c.fields["movement"].value == "slow dolly in"
    c.prompt = c.prompt.with_(mood="melancholic")
    assert c.fields["mood"].value == "melancholic" and "melancholic" in c.value


def test_chips_insert_into_the_right_field() -> None:
    c = Composer({"subject": "a lighthouse", "action": "stands against crashing waves"})
    c.chips.click("golden hour")
    c.chips.click("dramatic shadows")
    assert c.fields["lighting"].value == "golden hour, dramatic shadows"
    c.chips.click("dolly in")
    c.chips.click("slow pan")  # one camera move per shot: a move chip replaces
    assert c.fields["movement"].value == "slow pan"
    c.chips.click("aerial view")
    c.chips.click("wide shot")
    c.chips.click("photorealistic")
    c.chips.click("teal")
    assert (c.fields["angle"].value, c.fields["shot"].value) == ("aerial view", "wide shot")
    assert c.fields["style"].value == "photorealistic" and c.prompt.palette == ("teal",)
    # a real click sets the row's value; it is reset so the chip stays clickable
    row = c.chips.rows["lighting"]
    row.value = "neon glow"
    assert row.value is None and c.fields["lighting"].value.endswith("neon glow")


def test_free_text_mode_round_trips() -> None:
    c = Composer(Prompt(subject="a cat", action="sleeps on a windowsill", lighting="soft diffused light"))
    structured_text = c.value
    c.mode_picker.value = "free"
    assert c.mode == "free" and c.free_text.value == structured_text
    assert c.structured_box.layout.display == "none"
    c.free_text.value = structured_text + ", close-up"
    assert c.value.endswith("close-up") and c.prompt.shot == "close-up"
    c.chips.click("neon glow")  # in free mode a chip appends to the text
    assert c.value.endswith(", neon glow")
    c.mode_picker.value = "structured"
    assert c.fields["shot"].value == "close-up" and c.fields["subject"].value == "a cat"
    c.value = "a drone shot of a canyon"  # setting the value switches to free text
    assert c.mode == "free" and c.free_text.value == "a drone shot of a canyon"


def test_templates_fill_fields_and_parameters(runner: JobRunner) -> None:
    studio = Studio(runner=runner, model="sora-2")
    c = studio.composer
    c.templates.picker.value = "cinematic-scene"
    assert c.templates.picker.value == ""  # reset: the same template can be picked again
    assert c.prompt == GUIDE_TEMPLATES["cinematic-scene"].prompt
    assert studio.parameters.seconds == 8  # the template's 8 seconds, offered by sora-2


def test_templates_say_what_they_set_and_can_be_undone(runner: JobRunner) -> None:
    """Issue 17: a template overwrote the composition with no undo, the picker reset so the active
    template was unknown, and its 1080p became another size without saying so."""
    studio = Studio(runner=runner, model="animatic")
    c = studio.composer
    c.value = "my own careful prompt"
    studio.parameters.duration.value = 3
    c.templates.picker.value = "artistic-style"
    assert c.prompt == GUIDE_TEMPLATES["artistic-style"].prompt and studio.parameters.seconds == 7
    active = c.templates.active.value
    assert "artistic-style" in active and "1080p → 640x360" in active and "animatic" in active
    assert c.templates.undo_button.layout.display != "none"
    c.templates.undo_button.click()
    assert c.value == "my own careful prompt" and studio.parameters.seconds == 3
    assert "artistic-style" not in c.templates.active.value and c.templates.undo_button.layout.display == "none"


def test_user_templates_are_saved_and_listed() -> None:
    c = Composer(Prompt(subject="my robot", action="waves hello"))
    c.set_context(SORA2, LOCAL_CAPABILITIES)
    c.templates.save_button.click()
    c.templates.name.value = "robot-hello"
    c.templates.confirm.click()
    assert "Saved" in c.templates.message.value
    assert ("robot-hello (mine)", "robot-hello") in c.templates.picker.options
    c.prompt = Prompt(subject="something else")
    c.templates.picker.value = "robot-hello"
    assert c.prompt == Prompt(subject="my robot", action="waves hello")
    c.templates.save("basic-scene")
    assert "guide" in c.templates.message.value and "sora-error" in c.templates.message.value


def test_lint_findings_inline_with_fix_buttons() -> None:
    c = Composer()
    c.set_context(VideoRequest(prompt="-", model="sora-2"), LOCAL_CAPABILITIES)  # no duration chosen yet
    changed: list[VideoRequest] = []
    c.on_request_fix(changed.append)
    c.value = "A fluffy puppy playing in a meadow, no cars, 8 seconds, 1080p"
    codes = [f.code for f in c.findings]
    assert "negation" in codes and codes.count("prose-params") == 2
    rows = c.findings_view.children
    assert len(rows) == len(c.findings)
    fix_buttons = [r.children[1] for r in rows if len(r.children) > 1]
    assert len(fix_buttons) == 3 and all("sora-fix" in b._dom_classes for b in fix_buttons)
    first = next(r for r in rows if "no cars" in r.children[0].value)
    first.children[1].click()  # negation: cut from the text, into "avoid"
    assert "no cars" not in c.value and c.prompt.avoid == ("cars",)
    while any(f.code == "prose-params" for f in c.findings):
        row = next(r for r, f in zip(c.findings_view.children, c.findings, strict=True) if f.code == "prose-params")
        row.children[1].click()
    assert c.value == "A fluffy puppy playing in a meadow"
    assert [r.seconds for r in changed] == [8]  # "8 seconds" moved from the prose into the request


def test_fixes_edit_only_the_flagged_field() -> None:
    c = Composer(Prompt(subject="A kite", action="dances in the wind without strings", lighting="golden hour"))
    c.set_context(SORA2, LOCAL_CAPABILITIES)
    [negation] = [f for f in c.findings if f.code == "negation"]
    c.apply_fix(negation)
    assert c.fields["action"].value == "dances in the wind" and c.fields["lighting"].value == "golden hour"
    assert c.prompt.avoid == ("strings",)


def test_character_limit_follows_the_model(tmp_path: Path) -> None:
    from sora_widgets.capabilities import BackendCapabilities, ModelCapabilities

    tiny = BackendCapabilities(backend="t", default_model="m",
                               models={"m": ModelCapabilities(id="m", max_prompt_chars=20)})
    c = Composer("a long prompt about a heron fishing at dawn")
    c.set_context(VideoRequest(prompt="-", model="m"), tiny)
    assert "/ 20 characters" in c.count.value and "sora-over" in c.count.value
    assert any(f.code == "prompt-length" for f in c.findings)


@pytest.mark.parametrize("name", list(GUIDE_TEMPLATES))
def test_every_guide_template_renders(name: str) -> None:
    c = Composer()
    c.apply_template(name)
    assert c.value == GUIDE_TEMPLATES[name].prompt.render()


def test_prose_duration_is_proposed_not_dropped(runner: JobRunner) -> None:
    """Issue 17: the fix removed "6 seconds" and the default 4 s stayed, silently."""
    studio = Studio(runner=runner, model="animatic")
    studio.composer.value = "A red kite over a beach at dawn, wide shot, soft light, 6 seconds"
    [finding] = [f for f in studio.composer.findings if f.code == "prose-params"]
    assert "seconds=6" in finding.message
    studio.composer.apply_fix(finding)
    assert studio.parameters.seconds == 6 and "6 seconds" not in studio.composer.value
    # once a length is chosen, the prompt's words are only removed
    studio.parameters.duration.value = 3
    studio.composer.value = "A red kite over a beach at dawn, wide shot, soft light, 6 seconds"
    [finding] = [f for f in studio.composer.findings if f.code == "prose-params"]
    assert "already does" in finding.message
