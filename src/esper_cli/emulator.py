"""``esper emulator serve`` and ``esper demo``: the local Esper API emulator.

``esper emulator serve ARGS`` is exactly ``esper-emulator serve ARGS`` (the arguments,
``--help`` included, go to the emulator's own parser); ``esper demo`` is ``make demo``.
Both need the ``emulator`` extra.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import typer

from esper_cli.errors import CliError

app = typer.Typer(
    help="The local Esper API emulator (needs the emulator extra).", no_args_is_help=True
)

_PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


def load(module: str) -> ModuleType:
    """Import a module of the emulator; a clear error when the emulator extra is missing."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in ("esper_cli", "esperclient"):
            raise
        raise CliError(
            f"the emulator is not installed (no module {exc.name!r})",
            hint="pip install 'esperclient[emulator]'",
        ) from None


@app.command("serve", context_settings=_PASS_THROUGH, add_help_option=False)
def serve(ctx: typer.Context) -> None:
    """Serve the Esper API locally: the same options as `esper-emulator serve --help`."""
    cli = load("esper_emulator.cli")
    raise typer.Exit(cli.main(["serve", *ctx.args]))


def demo() -> None:
    """Walk through the API against a fresh emulator (what `make demo` runs)."""
    load("esper_emulator.cli")  # the demo serves it in a child process: check it is there
    walkthrough = load("esper_emulator.demo")
    raise typer.Exit(walkthrough.main())
