"""Content files: upload (streamed to disk), list, describe, delete."""

from __future__ import annotations

from starlette.routing import Route

ROUTES: list[Route] = []
