"""The Esper API routes, one module per area; ``ROUTES`` lists them all."""

from __future__ import annotations

from starlette.routing import Route

from esper_emulator.routes import applications, commands, devices, enterprise


def api_routes() -> list[Route]:
    """Every served operation of the Esper API."""
    return [*enterprise.ROUTES, *devices.ROUTES, *applications.ROUTES, *commands.ROUTES]
