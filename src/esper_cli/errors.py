"""What goes wrong, in one line on stderr, with a hint when one helps, and an exit status.

Exit statuses (also in ``docs/cli.md``):

====  ==========================================================================
0     success
1     the request failed: refused (400, 409...), a server error, a command that
      ended in failure, a bulk command where some device did not succeed
2     usage: a bad option or argument (including those click reports)
3     credentials: none configured, or the key was refused (401) or not allowed (403)
4     not found (404, or no device/group/... by that name)
5     the server could not be reached (refused, unknown host, TLS, no answer in time)
6     a wait gave up: the command is still not final after ``--timeout``
130   interrupted (Ctrl-C)
141   stdout was closed before the output ended (``esper ... | head -1``): the
      status of a Unix tool stopped by SIGPIPE; nothing on stderr
====  ==========================================================================

No message carries the API key: every line is scrubbed of the secrets in use.
"""

from __future__ import annotations

import http
import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from esperclient import (
    ApiConnectionError,
    ApiException,
    ApiStatusError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    CommandFailedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    WaitTimeoutError,
    ends_in_api,
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_CONFIG = 3
EXIT_NOT_FOUND = 4
EXIT_UNREACHABLE = 5
EXIT_WAIT_TIMEOUT = 6
EXIT_INTERRUPTED = 130
EXIT_CLOSED_STDOUT = 141  # 128 + SIGPIPE


class CliError(Exception):
    """A failure the command line reports itself: a message, an exit status, maybe a hint."""

    def __init__(self, message: str, code: int = EXIT_FAILURE, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.hint = hint


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (of 4 characters or more) replaced by ``****``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "****")
    return text


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _field_text(exc: BadRequestError, message: str) -> str:
    """The fields at fault that the server's message does not already name."""
    parts = []
    for name, problems in exc.field_errors.items():
        text = "; ".join(problems)
        if f"{name}:" not in message:
            parts.append(f"{name}: {text}")
    return " (" + "; ".join(parts) + ")" if parts else ""


def _unreachable(exc: ApiConnectionError, host: str | None) -> str:
    where = host or "the server"
    text = exc.message or ""
    if isinstance(exc, ApiTimeoutError):
        return f"no answer from {where} in time"
    if "Connection refused" in text:
        return f"could not connect to {where}: connection refused"
    lookups = ("Name or service not known", "nodename nor servname", "getaddrinfo failed")
    if any(marker in text for marker in lookups):
        return f"could not connect to {where}: unknown host"
    if text.startswith("TLS failed"):
        return f"could not connect to {where}: TLS failed"
    return f"could not connect to {where}: {text}"


def _host_fix(host: str | None, configure: str) -> str | None:
    """For a 404: the host to use instead, when the one in use does not end in ``/api``."""
    if not host or ends_in_api(host):
        return None
    return f"use {host.rstrip('/')}/api as the host (--host, ESPER_HOST or `{configure}`)"


def describe(
    exc: BaseException, *, host: str | None = None, profile: str | None = None
) -> tuple[str, str | None, int]:
    """The one-line message, the hint (or ``None``) and the exit status for ``exc``."""
    configure = "esper configure" + (
        f" --profile {profile}" if profile not in (None, "default") else ""
    )
    if isinstance(exc, CliError):
        return exc.message, exc.hint, exc.code
    if isinstance(exc, CommandFailedError):
        return str(exc.message), None, EXIT_FAILURE
    if isinstance(exc, WaitTimeoutError):
        hint = "it keeps running: follow it with `esper commands status`"
        return str(exc.message), hint, EXIT_WAIT_TIMEOUT
    if isinstance(exc, ApiConnectionError):
        hint = f"check the host (--host, ESPER_HOST or `{configure}`) and that the server is up"
        return _unreachable(exc, host), hint, EXIT_UNREACHABLE
    if isinstance(exc, ApiStatusError):
        status = int(exc.status or 0)
        said = exc.message or exc.reason
        message = f"{status} {_phrase(status)}" + (f": {said}" if said else "")
        if isinstance(exc, BadRequestError):
            return message + _field_text(exc, exc.message or ""), None, EXIT_FAILURE
        if isinstance(exc, AuthenticationError):
            hint = f"the API key was refused: run `{configure}` or check ESPER_API_KEY"
            return message, hint, EXIT_CONFIG
        if isinstance(exc, PermissionDeniedError):
            hint = (
                "the key may not act on this enterprise: check --enterprise / ESPER_ENTERPRISE_ID"
            )
            return message, hint, EXIT_CONFIG
        if isinstance(exc, NotFoundError):
            return message, _host_fix(host, configure), EXIT_NOT_FOUND
        if isinstance(exc, RateLimitError):
            after = exc.retry_after
            hint = f"try again in {after:g} s" if after is not None else "try again later"
            return message, hint, EXIT_FAILURE
        return message, None, EXIT_FAILURE
    if isinstance(exc, ApiException):
        return str(exc.message or exc.reason or type(exc).__name__), None, EXIT_FAILURE
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        return f"{where}{exc.strerror or exc}", None, EXIT_FAILURE
    return f"{type(exc).__name__}: {exc}", None, EXIT_FAILURE


def report(
    exc: BaseException,
    *,
    host: str | None = None,
    profile: str | None = None,
    secrets: Sequence[str] = (),
) -> int:
    """Write ``exc`` as ``error: ...`` (and ``hint: ...``) on stderr; its exit status."""
    message, hint, code = describe(exc, host=host, profile=profile)
    message = " ".join(message.split())  # one line, whatever the server sent
    typer.echo(redact(f"error: {message}", secrets), err=True)
    if hint:
        typer.echo(redact(f"hint: {hint}", secrets), err=True)
    return code


def closed_stdout() -> int:
    """The reader of stdout went away (``esper ... | head -1``); the exit status to end with.

    stdout is pointed at the null device, so the flush on the way out cannot fail again.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)
    except (OSError, ValueError):  # no file behind stdout, as when a test captures it
        pass
    return EXIT_CLOSED_STDOUT


HANDLED: tuple[type[BaseException], ...] = (CliError, ApiException, OSError)


class EsperGroup(TyperGroup):
    """The root command group: turns the errors of every subcommand into ``report``."""

    def invoke(self, ctx: Any) -> Any:
        """Run the subcommand; a handled error becomes its message and exit status.

        ``ctx`` is click's context (typer's own copy of click in recent versions).
        """
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise typer.Exit(closed_stdout()) from None
        except HANDLED as exc:
            raise typer.Exit(self._report(ctx, exc)) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None

    def get_help_option(self, ctx: Any) -> Any:
        """The ``--help`` option; every flag of the tree is then shown bare (no ``<bool>``)."""
        option = super().get_help_option(ctx)
        _show_flags_bare(self, option, ctx)
        return option

    @staticmethod
    def _report(ctx: Any, exc: BaseException) -> int:
        state = ctx.obj
        context = getattr(state, "error_context", None)
        if callable(context):
            host, profile, secrets = context()
            return report(exc, host=host, profile=profile, secrets=secrets)
        return report(exc)


def _show_flags_bare(command: Any, help_option: Any, ctx: Any) -> None:
    """Give every on/off flag of ``command`` and its subcommands, ``--help`` included, an
    empty metavar: typer's rich help would print ``<bool>`` beside each."""
    for param in [*command.params, help_option]:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        _show_flags_bare(sub, sub.get_help_option(ctx), ctx)
