"""A local emulator of the Esper device-management API.

``create_app(Settings(...))`` gives the ASGI app; ``EmulatorServer`` runs it on a free
port in a background thread; ``esper-emulator serve`` runs it from the command line.

Names load on first use, so ``import esper_emulator.pytest_plugin`` (which pytest does in
every run where esperclient is installed) costs nothing and needs none of the
emulator's own dependencies.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from esper_emulator.app import Emulator as Emulator
    from esper_emulator.app import create_app as create_app
    from esper_emulator.server import EmulatorServer as EmulatorServer
    from esper_emulator.settings import Settings as Settings

_HOMES = {
    "Emulator": "esper_emulator.app",
    "create_app": "esper_emulator.app",
    "EmulatorServer": "esper_emulator.server",
    "Settings": "esper_emulator.settings",
}
__all__ = ["Emulator", "EmulatorServer", "Settings", "create_app"]


def __getattr__(name: str) -> object:
    """Import ``name`` on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module 'esper_emulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
