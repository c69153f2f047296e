"""``create_app``: the emulator as an ASGI application, built from its settings."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from esper_emulator import control
from esper_emulator.emulator import Emulator
from esper_emulator.errors import error_response
from esper_emulator.faults import FaultMiddleware
from esper_emulator.routes import api_routes, enveloped_paths
from esper_emulator.settings import Settings


async def _http_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):  # registered for HTTPException only
        return await _server_error(request, exc)
    messages = {404: "Not found.", 405: f'Method "{request.method}" not allowed.'}
    message = messages.get(exc.status_code, str(exc.detail))
    return error_response(exc.status_code, message, headers=exc.headers)


async def _client_gone(request: Request, exc: Exception) -> Response:
    # The client hung up before its body arrived (its timeout, say): not a server error,
    # and nothing was done. No one reads this answer.
    return error_response(400, "The client closed the connection before sending its body.")


async def _server_error(request: Request, exc: Exception) -> Response:
    # Starlette re-raises after this answer and uvicorn then drops the connection: say so,
    # or a client reuses it for its next request and fails.
    return error_response(500, "Internal server error.", headers={"Connection": "close"})


def create_app(
    settings: Settings | None = None,
    emulator: Emulator | None = None,
) -> Starlette:
    """The ASGI app; ``app.state.emulator`` holds its state.

    Every route under ``/api`` authenticates its caller; the ``/_emulator`` side door is
    served only when ``Settings.control`` is true (``None`` counts as closed here).
    """
    emulator = emulator or Emulator(settings or Settings())
    emulator.shared.join()
    served = api_routes()
    routes: list[Any] = list(served)
    if emulator.settings.control:
        routes.append(control.mount(emulator.settings.control_token))
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                FaultMiddleware,
                faults=emulator.faults,
                enveloped=enveloped_paths(served),
                refresh=emulator.shared.refresh,
            )
        ],
        exception_handlers={
            HTTPException: _http_error,
            ClientDisconnect: _client_gone,
            Exception: _server_error,
        },
    )
    app.state.emulator = emulator
    return app
