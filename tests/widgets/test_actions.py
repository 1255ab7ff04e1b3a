"""The `%%sora` cell a card offers parses back into the same request with the magic's parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from sora_widgets.models import VideoRequest
from sora_widgets.widgets import sora_cell

from .helpers import png_bytes


def test_sora_cell_round_trips_through_the_magic_parser(tmp_path: Path) -> None:
    from sora_widgets.magics.parser import parse_cell_line

    ref = tmp_path / "start.png"
    ref.write_bytes(png_bytes())
    request = VideoRequest(prompt="a heron fishing at dawn, it's quiet", model="sora-2", seconds=8,
                           size="1280x720", seed=7, negative_prompt="boats, people", input_reference=ref,
                           fit="contain")
    cell = sora_cell(request, backend="openai")
    head, _, body = cell.partition("\n")
    assert head.startswith("%%sora --backend openai -m sora-2 -s 8 --size 1280x720 --seed 7 --ref ")
    assert body == request.prompt
    args = parse_cell_line(head.removeprefix("%%sora").strip())
    assert (args.model, args.seconds, args.size, args.seed, args.fit, args.avoid, args.backend) == (
        "sora-2", 8, "1280x720", 7, "contain", "boats, people", "openai")
    assert Path(args.ref).resolve() == ref.resolve()


def test_follow_up_cells_name_the_source() -> None:
    from sora_widgets.magics.parser import parse_cell_line

    cell = sora_cell(VideoRequest(prompt="now in snow", seconds=4), op="remix", parent_id="video_123")
    assert cell.startswith("%%sora --remix video_123 -s 4\n")
    assert parse_cell_line(cell.splitlines()[0].removeprefix("%%sora")).operation == ("remix", "video_123")


def test_sora_cell_paths_are_relative_to_the_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17: "copy as %%sora" wrote absolute paths; the kernel's folder is the notebook's."""
    from PIL import Image

    from sora_widgets.widgets.card_actions import cell_buttons

    monkeypatch.chdir(tmp_path)
    (tmp_path / "frames").mkdir()
    Image.new("RGB", (64, 36)).save(tmp_path / "frames" / "start.png")
    request = VideoRequest(prompt="a kite", model="animatic", input_reference=tmp_path / "frames" / "start.png")
    cell = sora_cell(request)
    assert "--ref frames/start.png" in cell and str(tmp_path) not in cell
    html = cell_buttons(cell).outputs[0]["data"]["text/html"]
    assert "sora-copy-cell" in html and "sora-insert-cell" in html and "clipboard.writeText" in html
