"""Command requests (v0): one command to many devices or groups, tracked per device."""

from __future__ import annotations

from starlette.routing import Route

ROUTES: list[Route] = []
