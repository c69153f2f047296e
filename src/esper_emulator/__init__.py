"""A local emulator of the Esper device-management API.

``create_app(Settings(...))`` gives the ASGI app; ``EmulatorServer`` runs it on a free
port in a background thread; ``esper-emulator serve`` runs it from the command line.
"""

from esper_emulator.app import Emulator, create_app
from esper_emulator.server import EmulatorServer
from esper_emulator.settings import Settings

__all__ = ["Emulator", "EmulatorServer", "Settings", "create_app"]
