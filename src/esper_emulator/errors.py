"""Errors in the bodies Esper's servers send.

Its Django services (``/enterprise/...``, ``/v0/enterprise/...``, ``/v1/...``) answer
``{"errors": [...], "message": "...", "status": N}``; its newer services
(``/commands/v0/...``, most of ``/v2/...``) answer the envelope
``{"code": N, "message": "...", "content": {}}``. Which one an operation sends is what its
description documents (``enveloped_errors``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from starlette.responses import Response


class ApiError(Exception):
    """A refusal: answered with ``status``, the Esper error body and any extra ``headers``."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors if errors is not None else [message]
        self.headers = dict(headers or {})

    def response(self, *, enveloped: bool = False) -> Response:
        """The HTTP answer: in the envelope when ``enveloped``."""
        return error_response(
            self.status, self.message, self.errors, self.headers, enveloped=enveloped
        )


def error_response(
    status: int,
    message: str,
    errors: list[Any] | None = None,
    headers: Mapping[str, str] | None = None,
    *,
    enveloped: bool = False,
) -> Response:
    """An Esper error body with ``status``: the envelope's when ``enveloped``."""
    body: dict[str, Any]
    if enveloped:
        body = {"code": status, "message": message, "content": {}}
    else:
        body = {
            "errors": errors if errors is not None else [message],
            "message": message,
            "status": status,
        }
    return Response(
        msgspec.json.encode(body),
        status_code=status,
        media_type="application/json",
        headers=dict(headers or {}),
    )


def bad_request(field: str, problem: str) -> ApiError:
    """A 400 that names the field at fault."""
    return ApiError(400, f"{field}: {problem}", [{field: [problem]}])


def not_authenticated(message: str) -> ApiError:
    """A 401, with the challenge that tells the client which scheme to use."""
    return ApiError(401, message, headers={"WWW-Authenticate": 'Bearer realm="api"'})


def not_found(what: str) -> ApiError:
    """A 404 for an object that does not exist (or is not this enterprise's)."""
    return ApiError(404, f"{what} not found.")
