"""Options and helpers that many commands share: ``--output``, ``--limit``, ``--yes``..."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Annotated, Any

import typer

from esper_cli.errors import EXIT_USAGE, CliError
from esper_cli.output import PAGE_SIZE, Feed, Format, View, print_list
from esper_cli.state import State

OutputOpt = Annotated[
    Format | None,
    typer.Option(
        "--output",
        "-o",
        case_sensitive=False,
        help="table, json, jsonl or csv (default: the global --output).",
        show_default=False,
    ),
]
LimitOpt = Annotated[
    int | None,
    typer.Option("--limit", "-n", min=1, help="Show at most N items.", show_default=False),
]
PageSizeOpt = Annotated[
    int | None,
    typer.Option(
        "--page-size",
        min=1,
        help=f"Items asked for per request (default {PAGE_SIZE}); the output is the same.",
        show_default=False,
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
NameSearchOpt = Annotated[str | None, typer.Option(help="Part of the name.", show_default=False)]
WaitOpt = Annotated[
    bool,
    typer.Option(
        "--wait",
        "-w",
        help="Wait until the command is final and show how it ended.",
    ),
]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", min=0.0, help="Seconds --wait waits before giving up (exit 6)."),
]
IntervalOpt = Annotated[
    float, typer.Option("--interval", min=0.01, help="Seconds between two checks while waiting.")
]


def confirm(question: str, yes: bool) -> None:
    """Go on if ``yes`` or the user agrees; without a terminal, ``--yes`` is required."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise CliError(f"{question} Not confirmed: pass --yes to do it without asking", EXIT_USAGE)
    typer.confirm(question, abort=True)


def show_list(
    state: State,
    fmt: Format,
    view: View,
    pages: Feed[Any] | Iterable[Sequence[Any]],
    what: str,
) -> int:
    """Print a list; in a table, say on stderr when it is empty or cut by ``--limit``."""
    count = print_list(fmt, view, pages)
    if fmt is Format.TABLE:
        if count == 0:
            state.note(f"no {what}")
        elif isinstance(pages, Feed) and pages.truncated:
            of = f" of {pages.total}" if pages.total is not None else ""
            state.note(f"{count}{of} {what} shown (see more with --limit)")
    return count
