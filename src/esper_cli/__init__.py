"""``esper``: a command line for the Esper device-management API, on ``esperclient.Esper``.

Install it with ``pip install 'esperclient[cli]'``; ``esper --help`` lists the commands.
``main`` is the console script's entry point; the command line itself is ``esper_cli.app``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

_CLI_DEPENDENCIES = ("typer", "rich", "click", "shellingham")


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``esper`` with ``argv`` (default: the process's arguments); exits with its status.

    Without the ``cli`` extra's dependencies it says how to install them instead of
    showing an import traceback.
    """
    try:
        from esper_cli.app import main as run
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in _CLI_DEPENDENCIES:
            raise
        print(
            f"esper: the command line needs {exc.name!r}: pip install 'esperclient[cli]'",
            file=sys.stderr,
        )
        raise SystemExit(1) from None
    run(argv)


__all__ = ["main"]
