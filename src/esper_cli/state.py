"""What every command of one ``esper`` run shares: the global options, settings, client."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import typer

from esper_cli import config
from esper_cli.errors import EXIT_CONFIG, CliError
from esper_cli.output import Format
from esperclient import Esper


@dataclass
class State:
    """The global options, and the settings and client made from them when first needed.

    Commands that do not talk to the API (``configure``, ``--help``) never resolve the
    settings, so they work before anything is configured.
    """

    profile: str | None = None
    host: str | None = None
    enterprise: str | None = None
    output: Format = Format.TABLE
    quiet: bool = False
    _settings: config.Settings | None = field(default=None, repr=False)
    _client: Esper | None = field(default=None, repr=False)

    def settings(self) -> config.Settings:
        """The resolved settings (options, then environment, then profile)."""
        if self._settings is None:
            self._settings = config.resolve(self.profile, self.host, self.enterprise)
            path = config.config_path()
            if config.exposed(path):
                self.note(f"warning: {path} can be read by other users: chmod 600 {path}")
        return self._settings

    def client(self) -> Esper:
        """The API client for the settings; a clear error when one of them is missing."""
        if self._client is None:
            settings = self.settings()
            missing = settings.missing()
            if missing:
                names = ", ".join(config.LABELS[name] for name in missing)
                variables = ", ".join(config.ENV_VARS[name] for name in missing)
                flag = (
                    ""
                    if settings.profile == config.DEFAULT_PROFILE
                    else f" --profile {settings.profile}"
                )
                raise CliError(
                    f"no {names} configured (profile {settings.profile!r})",
                    EXIT_CONFIG,
                    hint=f"run `esper configure{flag}` or set {variables}",
                )
            self._client = Esper(
                host=settings.host,
                api_key=settings.api_key,
                enterprise_id=settings.enterprise_id,
            )
        return self._client

    def format(self, override: Format | None = None) -> Format:
        """The output format: the command's ``--output``, else the global one."""
        return override or self.output

    def note(self, text: str) -> None:
        """A message for people on stderr (not with ``--quiet``)."""
        if not self.quiet:
            typer.echo(text, err=True)

    def error_context(self) -> tuple[str | None, str | None, list[str]]:
        """The host, profile and secrets (to scrub) that error messages may need."""
        secrets = [os.environ.get(config.ENV_VARS["api_key"]) or ""]
        settings = self._settings
        if settings is None:
            return self.host, self.profile, secrets
        return settings.host, settings.profile, [settings.api_key or "", *secrets]

    def close(self) -> None:
        """Release the client's connections."""
        if self._client is not None:
            self._client.close()
            self._client = None


def state_of(ctx: typer.Context) -> State:
    """The run's ``State`` (made by the root callback)."""
    return ctx.ensure_object(State)
