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
from esper_emulator.operation import ServedRoute, enveloped_errors
from esper_emulator.routes import (
    applications,
    blueprints,
    command_api,
    command_requests,
    commands,
    content,
    converge,
    devices,
    devices_v2,
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
    blueprints,
    devices_v2,
    command_api,
    converge,
)


Endpoint = Callable[[Request], Awaitable[Response]]


def api_routes() -> list[PathRoute]:
    """Every served operation of the Esper API: one route per path, literal segments first."""
    by_path: dict[str, dict[str, Route]] = {}
    for area in AREAS:
        for route in area.ROUTES:
            for method in route.methods or ():
                by_path.setdefault(route.path, {})[method] = route
    return [_path_route(path, by_path[path]) for path in sorted(by_path, key=_literal_first)]


def enveloped_paths(routes: list[PathRoute]) -> Callable[[Scope], bool]:
    """Whether a request's path is one whose errors are in the ``{code, message, content}``
    envelope: for the refusals made before a route is reached (429, 503)."""
    enveloped = [route for route in routes if route.enveloped]

    def of(scope: Scope) -> bool:
        return any(route.matches(scope)[0] is Match.FULL for route in enveloped)

    return of


def _literal_first(path: str) -> list[tuple[bool, str]]:
    return [(part.startswith("{"), part) for part in path.split("/")]


def _path_route(path: str, served: dict[str, Route]) -> PathRoute:
    allow = ", ".join(sorted(served))
    endpoints: dict[str, Endpoint] = {method: route.endpoint for method, route in served.items()}
    enveloped = any(
        isinstance(route, ServedRoute) and enveloped_errors(route.op) for route in served.values()
    )

    async def dispatch(request: Request) -> Response:
        endpoint = endpoints.get(request.method)
        if endpoint is None:
            message = f'Method "{request.method}" not allowed.'
            return error_response(405, message, headers={"Allow": allow}, enveloped=enveloped)
        return await endpoint(request)

    route = PathRoute(path, dispatch, methods=list(endpoints))
    route.enveloped = enveloped
    return route


class PathRoute(Route):
    """A route that takes its path with any method; its endpoint answers the 405 itself.

    ``enveloped``: whether its operations answer errors in the envelope.
    """

    enveloped = False

    def __init__(self, path: str, endpoint: Endpoint, methods: list[str]) -> None:
        super().__init__(path, endpoint, methods=methods)
        self._slashes = path.count("/")

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Starlette's match, the method left out.

        A path with another number of segments is passed over without a regex: no
        parameter of an API path takes a slash, and each request meets most routes.
        """
        if not scope.get("root_path") and scope["path"].count("/") != self._slashes:
            return Match.NONE, {}
        match, child = super().matches(scope)
        return (Match.FULL if match is Match.PARTIAL else match), child

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the endpoint, whatever the method, and send its answer.

        Starlette's own wrapper of an endpoint is left out: what it raises goes to the
        app's ``ExceptionMiddleware``, whose handlers are the same.
        """
        response = await self.endpoint(Request(scope, receive, send))
        await response(scope, receive, send)
