"""Device groups and the commands sent to a group."""

from __future__ import annotations

from starlette.routing import Route

ROUTES: list[Route] = []
