"""The Esper API routes, one module per area.

Each area's module gives one route per operation; ``api_routes`` serves each path
with one route that takes every method, so that a method the path does not serve is
a 405 whose ``Allow`` names all the methods it does, and so that a literal path
segment (``application/upload/``) is never taken for an id (``application/{id}/``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Receive, Scope, Send

from esper_emulator.errors import error_response
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


Endpoint = Callable[[Request], Awaitable[Response]]


def api_routes() -> list[Route]:
    """Every served operation of the Esper API: one route per path, literal segments first."""
    by_path: dict[str, dict[str, Endpoint]] = {}
    for area in AREAS:
        for route in area.ROUTES:
            for method in route.methods or ():
                by_path.setdefault(route.path, {})[method] = route.endpoint
    return [_path_route(path, by_path[path]) for path in sorted(by_path, key=_literal_first)]


def _literal_first(path: str) -> list[tuple[bool, str]]:
    return [(part.startswith("{"), part) for part in path.split("/")]


def _path_route(path: str, endpoints: dict[str, Endpoint]) -> Route:
    allow = ", ".join(sorted(endpoints))

    async def dispatch(request: Request) -> Response:
        endpoint = endpoints.get(request.method)
        if endpoint is None:
            message = f'Method "{request.method}" not allowed.'
            return error_response(405, message, headers={"Allow": allow})
        return await endpoint(request)

    return _PathRoute(path, dispatch, methods=list(endpoints))


class _PathRoute(Route):
    """A route that takes its path with any method; its endpoint answers the 405 itself."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Starlette's match, the method left out."""
        match, child = super().matches(scope)
        return (Match.FULL if match is Match.PARTIAL else match), child

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the endpoint, whatever the method."""
        await self.app(scope, receive, send)
