"""The action bar of a finished job card: download, remix/edit/extend (asks for the new prompt
inline), last frame → next reference, copy as a `%%sora` cell, delete (asks to confirm)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as w

from ..errors import SoraError
from ..jobs.deletion import delete_job
from ..jobs.state import JobState
from ._actions import save_last_frame, sora_cell
from ._style import button, esc, show

if TYPE_CHECKING:
    from .card import JobCard

FOLLOW_UPS = (("remix", "Remix", "random", "A new take on this video with a changed prompt"),
              ("edit", "Edit", "pencil", "Change something in this video"),
              ("extend", "Extend", "forward", "Continue this video"))


def download_link(path: Path, label: str = "Download MP4") -> w.Output:
    """A link that works in JupyterLab and Notebook 7: an HTML output inside an `Output` widget goes
    through the notebook's renderer, which turns the relative path into a `/files/` download URL."""
    try:
        rel = os.path.relpath(path).replace(os.sep, "/")
    except ValueError:  # another drive (Windows)
        rel = str(path)
    out = w.Output(layout=w.Layout(width="auto"))
    out.add_class("sora-download")
    anchor = (f'<a href="{esc(rel)}" download="{esc(path.name)}" title="{esc(rel)}" class="sora-download-link" '
              'style="display:block;box-sizing:border-box;margin:0;height:26px;line-height:24px;font-size:12px;'
              'padding:0 10px;border-radius:6px;'
              'border:1px solid var(--jp-border-color2);text-decoration:none;'
              f'color:var(--jp-ui-font-color1);background:var(--jp-layout-color2)">⬇ {esc(label)}</a>')
    # set the output directly: IPython's formatter may be configured without text/html (terminal shells)
    out.outputs = ({"output_type": "display_data", "metadata": {},
                    "data": {"text/html": anchor, "text/plain": f"{label}: {rel}"}},)
    return out


_COPY_JS = ("(function(b){const t=JSON.parse(b.dataset.cell);"
            "navigator.clipboard.writeText(t).then(()=>{b.textContent='✓ Copied: paste it into a cell'},"
            "()=>{b.textContent='Copy blocked by the browser: select the text above'});})(this)")
_INSERT_JS = ("(async function(b){const app=window.jupyterapp;const t=JSON.parse(b.dataset.cell);"
              "const nb=app&&app.shell.currentWidget;"
              "if(!nb||!nb.content||!nb.content.activeCell){b.textContent='No notebook here: use Copy';return;}"
              "await app.commands.execute('notebook:insert-cell-below');"
              "nb.content.activeCell.model.sharedModel.setSource(t);b.textContent='✓ Inserted below';})(this)")


def cell_buttons(text: str) -> w.Output:
    """Copy (clipboard) and, where the page exposes JupyterLab's app, "new cell below": plain HTML
    buttons whose click runs in the browser (a user gesture, which the clipboard requires)."""
    data = esc(json.dumps(text))
    style = ('style="height:26px;font-size:12px;padding:0 10px;margin:4px 6px 0 0;border-radius:6px;cursor:pointer;'
             'border:1px solid var(--jp-border-color2);background:var(--jp-layout-color2);'
             'color:var(--jp-ui-font-color1)"')
    copy = (f'<button class="sora-copy-cell" data-cell="{data}" {style} onclick="{esc(_COPY_JS)}">'
            '<i class="fa fa-clipboard"></i> Copy</button>')
    insert = (f'<button class="sora-insert-cell" data-cell="{data}" {style} onclick="{esc(_INSERT_JS)}">'
              '<i class="fa fa-plus"></i> New cell below</button>')
    # shown only where the app is reachable (window.jupyterapp); elsewhere Copy does the job
    probe = ('<img src="data:," alt="" style="display:none" onerror="if(!window.jupyterapp){'
             "this.parentNode.querySelector('.sora-insert-cell').style.display='none'}\">")
    out = w.Output(layout=w.Layout(width="auto"))
    out.outputs = ({"output_type": "display_data", "metadata": {},
                    "data": {"text/html": f"<div>{copy}{insert}{probe}</div>",
                             "text/plain": "copy the %%sora cell above"}},)
    return out


class CardActions(w.VBox):
    """Buttons and the inline panel under a finished video; hidden until the job completes."""

    def __init__(self, card: JobCard) -> None:
        self.card = card
        self.buttons = w.HBox(layout=w.Layout(flex_flow="row wrap", align_items="center"))
        self.panel = w.VBox()
        self.message = w.HTML()
        self.follow_up_buttons: dict[str, w.Button] = {}
        self.cell = w.Textarea(layout=w.Layout(width="100%", height="84px"))
        self.cell.add_class("sora-cell")
        self._confirming = False
        self.delete_button = button("Delete", icon="trash", tooltip="Delete the video on the server and here")
        self.delete_button.on_click(lambda _: self.delete())
        self.frame_button = button("Last frame → reference", icon="image",
                                   tooltip="Use the final frame as the reference image of the next generation")
        self.frame_button.on_click(lambda _: self.use_last_frame())
        self.cell_button = button("%%sora", icon="code", tooltip="This generation as a %%sora cell: copy it or "
                                  "insert it as a new cell")
        self.cell_button.on_click(lambda _: self.toggle_cell())
        super().__init__([self.buttons, self.panel, self.message], layout=w.Layout(margin="4px 0 0 0"))
        show(self, False)

    def show_for(self, state: JobState) -> None:
        items: list[w.Widget] = []
        if state.path is not None:
            items.append(download_link(Path(state.path)))
        mc = self.card.model_capabilities()
        for op, label, icon, tip in FOLLOW_UPS:
            if mc is not None and mc.supports(op) and state.video_id:
                b = button(label, icon=icon, tooltip=tip)
                b.on_click(lambda _, op=op: self.ask(op))
                self.follow_up_buttons[op] = b
                items.append(b)
        items += [self.frame_button, self.cell_button, self.delete_button]
        self.buttons.children = tuple(items)
        show(self, True)

    # -- follow-ups -----------------------------------------------------------------------------
    def ask(self, op: str) -> None:
        """Show the inline prompt for remix/edit/extend."""
        state = self.card.state
        # remix and extend start from the source prompt (a remix sends the whole new prompt: edit
        # what should change); an edit describes only the change
        text = w.Text(value=state.request.prompt if op in ("remix", "extend") else "",
                      placeholder={"remix": "The whole new prompt: change what should be different",
                                   "edit": "Describe the edit",
                                   "extend": "What happens next?"}[op],
                      layout=w.Layout(flex="1 1 auto", width="auto"))
        text.add_class(f"sora-{op}-prompt")
        extra: list[w.Widget] = []
        seconds: w.Dropdown | None = None
        mc = self.card.model_capabilities()
        if op == "extend" and mc is not None and mc.durations:
            seconds = w.Dropdown(options=[(f"+{d} s", d) for d in mc.durations], value=mc.durations[0],
                                 layout=w.Layout(width="90px"))
            extra.append(seconds)
        go = button({"remix": "Remix", "edit": "Edit", "extend": "Extend"}[op], icon="play", style="primary")
        close = button("", icon="times", tooltip="Close")
        go.on_click(lambda _: self.follow_up(op, text.value, seconds.value if seconds else None))
        close.on_click(lambda _: setattr(self.panel, "children", ()))
        self.panel.children = (w.HBox([text, *extra, go, close], layout=w.Layout(width="100%")),)

    def follow_up(self, op: str, prompt: str, seconds: int | None = None) -> list:
        """Start a remix/edit/extend of this video; returns the new jobs (empty on a refusal)."""
        state = self.card.state
        if not prompt.strip():
            self.say("Write the new prompt first.", error=True)
            return []
        changes: dict[str, object] = {"prompt": prompt.strip()}
        if seconds is not None:
            changes["seconds"] = seconds
        try:
            request = state.request.with_(**changes)
            job = self.card.get_runner().submit(request, op=op, parent_id=state.video_id,
                                                label=f"{op.capitalize()}: {prompt.strip()}")
        except (SoraError, ValueError) as exc:
            self.say(str(exc).splitlines()[0], error=True)
            return []
        self.panel.children = ()
        self.say(f"{op.capitalize()} started.")
        self.card.publish_new_jobs([job])
        return [job]

    # -- other actions ----------------------------------------------------------------------------
    def use_last_frame(self) -> Path | None:
        state = self.card.state
        if state.path is None:
            return None
        try:
            png = save_last_frame(Path(state.path))
        except Exception as exc:  # a broken file must not raise into the frontend
            self.say(f"could not read the last frame: {exc}", error=True)
            return None
        if self.card.publish_reference(png):
            self.say("Now the reference image of the next Generate (the chip beside the Generate button; "
                     "✕ there removes it).")
        else:
            self.say(f"Last frame saved as {png} — pass it as input_reference (or --ref).")
        return png

    def toggle_cell(self) -> None:
        """Show the `%%sora` cell with buttons that copy it to the clipboard or insert it as a new
        notebook cell below (paths relative to the notebook)."""
        state = self.card.state
        self.cell.value = sora_cell(state.request, op=state.op, parent_id=state.parent_id, backend=state.backend)
        if self.cell in self.panel.children:
            self.panel.children = ()
            return
        self.panel.children = (self.cell, cell_buttons(self.cell.value))

    def delete(self) -> bool:
        """First call asks to confirm; the second deletes on the server and locally."""
        if not self._confirming:
            self._confirming = True
            self.delete_button.description = "Really delete?"
            self.delete_button.button_style = "danger"
            return False
        state = self.card.state
        complaint = delete_job(self.card.get_runner(), state)  # server, files, and the ledger says "deleted"
        problem = f" (server: {complaint})" if complaint else ""
        if self.card.player is not None:
            self.card.player.close()
            self.card.player = None
        self.card.body.children = ()
        self.buttons.children = ()
        self.panel.children = ()
        self.card.status.value = '<div><span class="sora-pill sora-s-deleted">deleted</span></div>'
        self.say(f"Deleted {state.video_id or 'the video'}{problem}.", error=bool(problem))
        return True

    def say(self, text: str, *, error: bool = False) -> None:
        cls = "sora-error" if error else "sora-ok"
        self.message.value = f'<div class="{cls}">{esc(text)}</div>' if text else ""
