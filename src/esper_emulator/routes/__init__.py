"""The Esper API routes, one module per area."""

from __future__ import annotations

from starlette.routing import Route

from esper_emulator.routes import (
    applications,
    command_requests,
    commands,
    content,
    devices,
    enterprise,
    geofences,
    groups,
    policies,
    subscriptions,
)

AREAS = (
    enterprise,
    devices,
    applications,
    commands,
    groups,
    command_requests,
    policies,
    geofences,
    subscriptions,
    content,
)


def api_routes() -> list[Route]:
    """Every served operation of the Esper API."""
    return [route for area in AREAS for route in area.ROUTES]
