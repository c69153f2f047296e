"""A local emulator of the Esper device-management API.

``create_app(Settings(...))`` gives the ASGI app; ``EmulatorServer`` runs it on a free
port in a background thread; ``esper-emulator serve`` runs it from the command line
(``main`` is that script's entry point).

Names load on first use, so ``import esper_emulator.pytest_plugin`` (which pytest does in
every run where esperclient is installed) costs nothing and needs none of the
emulator's own dependencies. Without them (the ``emulator`` extra), the names and the
script say what to install instead of showing an import traceback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

TYPE_CHECKING = False
if TYPE_CHECKING:
    from esper_emulator.app import create_app as create_app
    from esper_emulator.emulator import Emulator as Emulator
    from esper_emulator.server import EmulatorServer as EmulatorServer
    from esper_emulator.settings import Settings as Settings

_HOMES = {
    "Emulator": "esper_emulator.emulator",
    "create_app": "esper_emulator.app",
    "EmulatorServer": "esper_emulator.server",
    "Settings": "esper_emulator.settings",
}
__all__ = [
    "INSTALL",
    "Emulator",
    "EmulatorServer",
    "MissingExtraError",
    "Settings",
    "create_app",
    "load",
    "main",
]
INSTALL = "pip install 'esperclient[emulator]'"
"""How to install the emulator's dependencies (the ``emulator`` extra)."""


class MissingExtraError(ModuleNotFoundError):
    """One of the emulator's dependencies is not installed; the message says what to install."""


def load(module: str) -> ModuleType:
    """Import ``module``; ``MissingExtraError`` when a dependency of the emulator is missing."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in ("esper_emulator", "esperclient"):
            raise
        raise MissingExtraError(
            f"the Esper emulator needs {exc.name!r}: {INSTALL}", name=exc.name
        ) from exc


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``esper-emulator`` with ``argv`` (default: the process's arguments) and exit."""
    try:
        cli = load("esper_emulator.cli")
    except MissingExtraError as exc:
        print(f"esper-emulator: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    raise SystemExit(cli.main(argv))


def __getattr__(name: str) -> object:
    """Import ``name`` on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module 'esper_emulator' has no attribute {name!r}")
    value = getattr(load(_HOMES[name]), name)
    globals()[name] = value
    return value
