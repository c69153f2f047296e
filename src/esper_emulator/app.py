"""``create_app``: the emulator as an ASGI application, built from its settings."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from esper_emulator import control
from esper_emulator.errors import error_response
from esper_emulator.faults import FaultMiddleware, Faults
from esper_emulator.routes import api_routes
from esper_emulator.services.apps import Apps
from esper_emulator.services.auth import Auth
from esper_emulator.services.clock import Clock
from esper_emulator.services.command_requests import CommandRequests
from esper_emulator.services.content import Contents
from esper_emulator.services.enterprise import Enterprises
from esper_emulator.services.fleet import Fleet
from esper_emulator.services.geofences import Geofences
from esper_emulator.services.groups import GroupCommands, Groups
from esper_emulator.services.policies import Policies
from esper_emulator.services.seed import Seeder
from esper_emulator.services.subscriptions import Subscriptions
from esper_emulator.settings import Settings
from esper_emulator.store import Store, create_store_engine

CLOCK_OFFSET = "clock_offset"


class Emulator:
    """One emulator's state and services, shared by its routes.

    ``faults`` is what the ``/api`` requests meet on the way in (rate limit, latency,
    injected faults) and what was counted; ``fleet.fail_next`` dooms the next commands.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = Store(create_store_engine(settings.db))
        with self.store.transaction():
            self.clock = Clock(float(self.store.meta_get(CLOCK_OFFSET) or 0.0))
        self.auth = Auth(self.store, self.clock)
        self.fleet = Fleet(self.store, self.clock, settings.latency_ms / 1000)
        self.apps = Apps(self.store, self.clock, settings.files_dir)
        self.seeder = Seeder(self.store, self.clock, self.auth)
        self.enterprises = Enterprises(self.store, self.clock)
        self.policies = Policies(self.store, self.clock)
        self.geofences = Geofences(self.store, self.clock)
        self.subscriptions = Subscriptions(self.store, self.clock)
        self.contents = Contents(self.store, self.clock, settings.files_dir)
        self.groups = Groups(self.store, self.clock)
        self.group_commands = GroupCommands(self.store, self.clock, self.fleet, self.groups)
        self.command_requests = CommandRequests(self.store, self.clock, self.fleet, self.groups)
        self.faults = Faults(settings)
        self.fleet.fail_next = settings.fail_next_commands

    def advance_clock(self, seconds: float) -> None:
        """Move simulated time forward (kept in the database) and apply what fell due."""
        with self.store.transaction():
            self.store.meta_set(CLOCK_OFFSET, repr(self.clock.offset + seconds))
        self.clock.advance(seconds)
        self.fleet.advance()

    def reset(self) -> None:
        """Delete every enterprise, device, app, command and uploaded file; restart the clock."""
        with self.store.transaction():
            self.store.wipe()
        self.clock.offset = 0.0
        self.apps.forget_files()

    def close(self) -> None:
        """Release the database."""
        self.store.close()


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


def create_app(settings: Settings | None = None, emulator: Emulator | None = None) -> Starlette:
    """The ASGI app; ``app.state.emulator`` holds its state.

    Every route under ``/api`` authenticates its caller; the ``/_emulator`` side door is
    served only when ``Settings.control`` is true (``None`` counts as closed here).
    """
    emulator = emulator or Emulator(settings or Settings())
    routes: list[Any] = api_routes()
    if emulator.settings.control:
        routes.append(control.mount(emulator.settings.control_token))
    app = Starlette(
        routes=routes,
        middleware=[Middleware(FaultMiddleware, faults=emulator.faults)],
        exception_handlers={
            HTTPException: _http_error,
            ClientDisconnect: _client_gone,
            Exception: _server_error,
        },
    )
    app.state.emulator = emulator
    return app
