"""``esper configure``, ``esper whoami``, ``esper profiles``: settings and who they are.

The key is only ever written to the profiles file (mode 0600): it is never printed,
echoed while typed, or put in an error message. ``configure`` checks the values with
the API before saving them (``--no-verify`` saves them unchecked).
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from esper_cli import config
from esper_cli.errors import EXIT_USAGE, CliError, describe
from esper_cli.options import OutputOpt, show_list
from esper_cli.output import Column, Format, View, print_one
from esper_cli.state import state_of
from esperclient import ApiException, Esper

WHOAMI_KEYS = (
    "profile",
    "host",
    "enterprise_id",
    "enterprise_name",
    "user",
    "scope",
    "expires_on",
    "sources",
)
WHOAMI = View.of_records(
    WHOAMI_KEYS,
    [
        Column("Profile", lambda r: r["profile"]),
        Column("Host", lambda r: _with_source(r, "host")),
        Column("Enterprise", lambda r: f"{r['enterprise_name']} ({r['enterprise_id']})"),
        Column("API key", lambda r: f"set (from {r['sources'].get('api_key', '?')})"),
        Column("User", lambda r: r["user"]),
        Column("Scope", lambda r: r["scope"]),
        Column("Expires", lambda r: r["expires_on"] or "never"),
    ],
)
PROFILE_KEYS = ("name", "current", "host", "enterprise_id", "api_key_set")
PROFILES = View.of_records(
    PROFILE_KEYS,
    [
        Column("", lambda r: "*" if r["current"] else ""),
        Column("PROFILE", lambda r: r["name"]),
        Column("HOST", lambda r: r["host"]),
        Column("ENTERPRISE", lambda r: r["enterprise_id"]),
        Column("API KEY", lambda r: "set" if r["api_key_set"] else "missing"),
    ],
)


def _with_source(record: dict[str, Any], key: str) -> str:
    source = record["sources"].get(key)
    return f"{record[key]} (from {source})" if source else str(record[key])


def _ask(label: str, current: str | None, *, secret: bool = False) -> str:
    """Prompt for a value; Enter keeps ``current`` (a secret's current value is never shown)."""
    if secret:
        suffix = " (Enter keeps the current one)" if current else ""
        while True:
            value = _ask_secret(f"{label}{suffix}")
            if value or current:
                return value or (current or "")
            typer.echo(f"{label} is required", err=True)
    answer: str = typer.prompt(label, default=current or None, show_default=bool(current))
    return answer.strip()


def _ask_secret(label: str) -> str:
    """A secret typed without echo; from a pipe, one line read as it is (nothing to hide)."""
    if sys.stdin.isatty():
        typed: str = typer.prompt(label, default="", hide_input=True, show_default=False)
        return typed.strip()
    typer.echo(f"{label}: ", nl=False, err=True)
    line = sys.stdin.readline()
    if not line:
        raise typer.Abort()
    return line.strip()


def _ask_all(current: dict[str, str]) -> dict[str, str | None]:
    """Every value, asked in turn; an empty or closed stdin is a usage error, said as such."""
    try:
        return {
            key: _ask(config.LABELS[key].capitalize(), current.get(key), secret=key == "api_key")
            for key in config.FIELDS
        }
    except typer.Abort:
        if sys.stdin.isatty():
            raise
        typer.echo()  # end the prompt's line
        raise CliError(
            "stdin is empty or closed: nothing to answer the questions for the host, "
            "API key and enterprise id",
            EXIT_USAGE,
            hint="give them as options: esper configure --host URL --enterprise ID "
            "--api-key - (the key read from stdin)",
        ) from None


def _read_key() -> str:
    """The key of ``--api-key -``: the first line of stdin."""
    key = sys.stdin.readline().strip()
    if not key:
        raise CliError("--api-key -: stdin is empty, no key to read", EXIT_USAGE)
    return key


def _verify(name: str, values: dict[str, str]) -> str:
    """Check the values with the API (the key may read the enterprise); its name."""
    try:
        with Esper(
            host=values["host"], api_key=values["api_key"], enterprise_id=values["enterprise_id"]
        ) as esper:
            return esper.enterprise.get().name or values["enterprise_id"]
    except ApiException as exc:
        message, _, code = describe(exc, host=values["host"], profile=name)
        raise CliError(
            message,
            code,
            hint=f"profile {name!r} not saved: check the values, or save them unchecked "
            "with --no-verify",
        ) from None


def configure(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            "-p",
            help="Profile to write (default: the global --profile, $ESPER_PROFILE or default).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(
            help="API URL (https://TENANT-api.esper.cloud/api) or just the tenant name.",
            show_default=False,
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option("--api-key", help="The API key; '-' reads it from stdin.", show_default=False),
    ] = None,
    enterprise: Annotated[
        str | None,
        typer.Option("--enterprise", "-e", help="The enterprise id.", show_default=False),
    ] = None,
    no_verify: Annotated[
        bool,
        typer.Option("--no-verify", help="Save without checking the values with the API."),
    ] = False,
) -> None:
    """Save host, API key and enterprise in a profile, once the API has accepted them.

    With no option it asks for each value (the key is not echoed). With options it asks
    nothing: values not given keep what the profile had.
    """
    run = state_of(ctx)
    name = config.check_profile_name(config.chosen_profile(profile or run.profile))
    current = config.read_profiles().get(name, {})
    given = {
        "host": host or run.host,
        "api_key": _read_key() if api_key == "-" else api_key,
        "enterprise_id": enterprise or run.enterprise,
    }
    if all(value is None for value in given.values()):
        given = _ask_all(current)
    values: dict[str, str] = {}
    for key in config.FIELDS:
        value = given[key] or current.get(key)
        if not value:
            flag = {"host": "--host", "api_key": "--api-key", "enterprise_id": "--enterprise"}[key]
            raise CliError(f"no {config.LABELS[key]} for profile {name!r}: give {flag}", EXIT_USAGE)
        values[key] = config.normalize_host(value) if key == "host" else value
    enterprise_id = values["enterprise_id"]
    if no_verify:
        shown = f"{enterprise_id} (not checked)"
    else:
        shown = f"{_verify(name, values)} ({enterprise_id})"
    path = config.save_profile(name, values)
    typer.echo(f"Saved profile {name!r} in {path}: {values['host']}, enterprise {shown}")


def whoami(ctx: typer.Context, output: OutputOpt = None) -> None:
    """Show the host, enterprise and key's scope and expiry in use (never the key)."""
    run = state_of(ctx)
    esper = run.client()
    settings = run.settings()
    info = esper.token.info()
    enterprise = esper.enterprise.get()
    record = {
        "profile": settings.profile,
        "host": settings.host,
        "enterprise_id": settings.enterprise_id,
        "enterprise_name": enterprise.name,
        "user": info.user,
        "scope": list(info.scope or []),
        "expires_on": info.expires_on.isoformat() if info.expires_on else None,
        "sources": dict(settings.sources),
    }
    if info.enterprise and info.enterprise != settings.enterprise_id:
        run.note(f"warning: the key belongs to enterprise {info.enterprise}")
    print_one(run.format(output), WHOAMI, record)


def profiles(ctx: typer.Context, output: OutputOpt = None) -> None:
    """List the saved profiles (the one in use is starred); never their keys."""
    run = state_of(ctx)
    current = config.chosen_profile(run.profile)
    rows = [
        {
            "name": name,
            "current": name == current,
            "host": values.get("host"),
            "enterprise_id": values.get("enterprise_id"),
            "api_key_set": bool(values.get("api_key")),
        }
        for name, values in sorted(config.read_profiles().items())
    ]
    fmt = run.format(output)
    show_list(run, fmt, PROFILES, [rows], "profiles")
    if fmt is Format.TABLE:
        run.note(f"profiles file: {config.config_path()}")
