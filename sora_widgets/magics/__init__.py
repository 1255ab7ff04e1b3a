"""`%%sora` and `%sora`: IPython magics over the same job runner as the widgets.

    %load_ext sora_widgets                      (or c.InteractiveShellApp.extensions = ["sora_widgets"])

    %%sora -m animatic -s 2 --size 640x360 --name clip
    A paper boat drifts down a rain-soaked street at dusk, {mood} neon reflections

    %sora help | status [ID] | list | check [ID|--last N] | download ID | resume | cancel ID | gallery | studio | cost
          | models | config [k=v ...] | lint TEXT

Text becomes a `VideoRequest` (see `parser.py`, `cell.py`) and goes through `jobs.default_runner()`:
the same path, ledger and budget as the Studio. Errors are one line on stderr with a hint and no
traceback; the exception stays in `sys.last_value` so `%tb` and `%debug` work. Loading is cheap:
everything beyond IPython's own modules is imported on first use.

Configurable (`%config SoraMagics.live_cards = False`, or `c.SoraMagics.live_cards` in a profile).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand
from traitlets import Bool

if TYPE_CHECKING:
    from ..jobs import JobRunner


@magics_class
class SoraMagics(Magics):
    """The `%%sora` cell magic and the `%sora` line magic."""

    live_cards = Bool(
        True, help="`%%sora --no-wait` returns a live JobCard widget (in a kernel with ipywidgets); "
        "else a one-line text handle"
    ).tag(config=True)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        #: tests inject a runner (e.g. one over httpx.MockTransport); else the shared default runner
        self.runner: JobRunner | None = None

    # -- runners ---------------------------------------------------------------------------
    def default_runner(self) -> JobRunner:
        if self.runner is not None:
            return self.runner
        from ..jobs import default_runner

        return default_runner()

    def runner_for(self, backend: str | None) -> JobRunner:
        """The default runner, or (for `--backend`) one on another backend with the same settings
        (budgets, defaults, folder): `jobs.runner_for` builds it."""
        from .. import jobs
        from ..errors import ConfigurationError
        from .settings import unknown_backend

        try:
            return jobs.runner_for(backend, base=self.default_runner())
        except ConfigurationError:
            raise unknown_backend(str(backend)) from None

    @property
    def in_kernel(self) -> bool:
        return getattr(self.shell, "kernel", None) is not None

    # -- the magic -------------------------------------------------------------------------
    @no_var_expand
    @line_cell_magic
    def sora(self, line: str, cell: str | None = None) -> Any:
        """Generate a video from the cell body (`%%sora [options]`), or run a subcommand
        (`%sora help` lists both)."""
        from .display import report

        ns = self.shell.user_ns if self.shell is not None else {}
        try:
            if cell is None:
                from .commands import Commands

                return Commands(self.default_runner, ns, in_kernel=self.in_kernel)(line)
            from .cell import Cell

            live = self.live_cards and self.in_kernel
            return Cell(line, cell, ns, self.runner_for, in_kernel=self.in_kernel, live_cards=live).run()
        except KeyboardInterrupt as exc:  # also PollInterrupted: the job id and how to resume
            report(exc if str(exc) else _interrupted_early())
        except Exception as exc:  # one line, no traceback; %tb shows it
            report(exc)
        return None


def _interrupted_early() -> BaseException:
    from ..errors import SoraError

    return SoraError("interrupted", hint="nothing was started; run the cell again")


def settings_for_backend(base: JobRunner, backend: str) -> Any:
    """The base runner's settings on another backend (see `jobs.settings_for`)."""
    from ..errors import ConfigurationError
    from ..jobs.defaults import settings_for
    from .settings import unknown_backend

    try:
        return settings_for(backend, base.settings)
    except ConfigurationError:
        raise unknown_backend(backend) from None


def keep_empty_body(lines: list[str]) -> list[str]:
    """Input transformer: a `%%sora` cell with a blank body keeps one blank line, so the magic runs
    and says that the cell body is the prompt (IPython itself would refuse an empty body with
    "Did you mean the line magic?", which misleads here)."""
    if not lines or not lines[0].startswith("%%sora") or any(x.strip() for x in lines[1:]):
        return lines
    head = lines[0] if lines[0].endswith("\n") else lines[0] + "\n"
    word = head[2:].split(None, 1)[0] if head[2:].strip() else ""
    return [head, "\n"] if word == "sora" else lines


def load_ipython_extension(ipython: Any) -> None:
    ipython.register_magics(SoraMagics)
    cleanup = getattr(ipython, "input_transformers_cleanup", None)
    if cleanup is not None and keep_empty_body not in cleanup:
        cleanup.append(keep_empty_body)
    from ..share.frontend import register_live_view

    register_live_view(_player_view)


def _player_view(result: Any) -> Any:
    """A widget player for a clip (VS Code); ipywidgets is imported only when one is needed."""
    from ..widgets.player import live_view

    return live_view(result)


def unload_ipython_extension(ipython: Any) -> None:
    manager = ipython.magics_manager
    for kind in ("line", "cell"):
        manager.magics[kind].pop("sora", None)
    cleanup = getattr(ipython, "input_transformers_cleanup", None)
    if cleanup is not None and keep_empty_body in cleanup:
        cleanup.remove(keep_empty_body)
    instance = manager.registry.pop("SoraMagics", None)
    if instance is not None and instance in getattr(ipython, "configurables", []):
        ipython.configurables.remove(instance)


__all__ = ["SoraMagics", "load_ipython_extension", "unload_ipython_extension"]
