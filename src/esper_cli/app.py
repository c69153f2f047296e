"""The ``esper`` command line: global options, and the command groups wired together.

Global options come before the command (``esper --profile prod devices list``);
``--output`` is also taken by each command (``esper devices list -o json``).
Shell completion: ``esper --install-completion`` (bash, zsh, fish, PowerShell).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Annotated

import typer

from esper_cli import (
    apps,
    blueprints,
    commands,
    content,
    devices,
    emulator,
    enterprise,
    geofences,
    groups,
    policies,
    profile,
)
from esper_cli.errors import EsperGroup
from esper_cli.output import Format
from esper_cli.state import State
from esperclient import __version__

app = typer.Typer(
    name="esper",
    cls=EsperGroup,
    help="Manage an Esper enterprise from the command line: devices, apps, commands and more.",
    epilog="Settings: `esper configure`; precedence: options > ESPER_* variables > profile.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_show_locals=False,
    add_completion=True,
)


class _StderrHandler(logging.Handler):
    """Writes records to the current stderr (one line each)."""

    def emit(self, record: logging.LogRecord) -> None:
        """Write ``record`` as ``logger: message``."""
        typer.echo(f"{record.name}: {self.format(record)}", err=True)


def _log_requests(ctx: typer.Context) -> None:
    """Log the SDK's one line per request on stderr until the command ends."""
    logger = logging.getLogger("esperclient")
    handler = _StderrHandler()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def stop() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous)

    ctx.call_on_close(stop)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"esper {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    profile_name: Annotated[
        str | None,
        typer.Option(
            "--profile",
            "-p",
            envvar="ESPER_PROFILE",
            help="Profile to use (default: default).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(
            help="API URL or tenant name; overrides ESPER_HOST and the profile.",
            show_default=False,
        ),
    ] = None,
    enterprise_id: Annotated[
        str | None,
        typer.Option(
            "--enterprise",
            "-e",
            help="Enterprise id; overrides ESPER_ENTERPRISE_ID and the profile.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Format,
        typer.Option(
            "--output",
            "-o",
            envvar="ESPER_OUTPUT",
            case_sensitive=False,
            help="Output format: table, json, jsonl or csv.",
        ),
    ] = Format.TABLE,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress and no notes on stderr.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log each HTTP request on stderr.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Manage an Esper enterprise from the command line: devices, apps, commands and more."""
    state = State(
        profile=profile_name, host=host, enterprise=enterprise_id, output=output, quiet=quiet
    )
    ctx.obj = state
    ctx.call_on_close(state.close)
    if verbose:
        _log_requests(ctx)


app.command("configure")(profile.configure)
app.command("whoami")(profile.whoami)
app.command("profiles")(profile.profiles)
app.add_typer(devices.app, name="devices")
app.add_typer(apps.app, name="apps")
app.add_typer(commands.app, name="commands")
app.add_typer(groups.app, name="groups")
app.add_typer(policies.app, name="policies")
app.add_typer(geofences.app, name="geofences")
app.add_typer(content.app, name="content")
app.add_typer(blueprints.app, name="blueprints")
app.add_typer(enterprise.app, name="enterprise")
app.add_typer(emulator.app, name="emulator")
app.command("demo")(emulator.demo)


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``esper`` with ``argv`` (default: the process's arguments) and exit."""
    app(args=list(argv) if argv is not None else None, prog_name="esper")
