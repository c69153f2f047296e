"""Blueprints v2 (``/v2/blueprints/``) and their versions.

A refused body is a 400 whose envelope carries the problem as its ``content`` text
(``{"code": 400, "message": ..., "content": "<field>: <problem>"}``), as the spec
documents for these operations. The lists page by ``limit`` and ``offset``, which the
spec does not declare but Esper's support tool sends.
"""

from __future__ import annotations

import functools
from typing import Any

import msgspec
from starlette.responses import Response

from esper_emulator.errors import ApiError, bad_request
from esper_emulator.operation import Answer, Call, Handler, decode, page_body, serve
from esper_emulator.services.blueprints import Query
from esperclient._generated.v2 import (
    DELETE_V2_BLUEPRINTS_BY_BLUEPRINT_ID,
    GET_V2_BLUEPRINTS,
    GET_V2_BLUEPRINTS_BY_BLUEPRINT_ID,
    GET_V2_BLUEPRINTS_VERSIONS,
    GET_V2_BLUEPRINTS_VERSIONS_BY_VERSION_ID,
    POST_V2_BLUEPRINTS,
    PUT_V2_BLUEPRINTS_BY_BLUEPRINT_ID,
    BlueprintCreate,
    BlueprintV2Put,
)
from esperclient._operations import Operation

LIST_BLUEPRINTS = GET_V2_BLUEPRINTS.with_query("limit", "offset")
LIST_VERSIONS = GET_V2_BLUEPRINTS_VERSIONS.with_query("limit", "offset")


class TextBadRequest(ApiError):
    """A 400 whose envelope's ``content`` is the problem as text."""

    def response(self, *, enveloped: bool = False) -> Response:
        """The envelope, with the message as ``content`` too."""
        body = {"code": self.status, "message": self.message, "content": self.message}
        return Response(msgspec.json.encode(body), status_code=400, media_type="application/json")


def _text_errors(handler: Handler) -> Handler:
    """``handler``, its 400s answered with the problem as the ``content`` text."""

    @functools.wraps(handler)
    def run(call: Call) -> Answer:
        try:
            return handler(call)
        except ApiError as exc:
            if exc.status != 400:
                raise
            raise TextBadRequest(400, exc.message, exc.errors) from None

    return run


def _user(call: Call) -> str | None:
    return call.emulator.auth.info(call.token).user


def _query(call: Call, op: Operation[Any]) -> Query:
    references = {
        param.key: call[param.name]
        for param in op.in_("query")
        if param.key.startswith("settings__") and call[param.name]
    }
    return Query(
        ordering=call["ordering"],
        references=references,
        name=call["name"],
        name_exact=call["name_exact"],
        version_number=_integer("version_number", call["version_number"]),
        publish=_boolean("publish", call["publish"]),
    )


def _integer(name: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(name, f"A valid integer is required, got {raw!r}.") from None


def _boolean(name: str, raw: str | None) -> bool | None:
    if raw is None:
        return None
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise bad_request(name, f"Must be true or false, got {raw!r}.")


def list_blueprints(call: Call) -> Answer:
    query = _query(call, LIST_BLUEPRINTS)
    page = call.emulator.blueprints.list_blueprints(
        call.enterprise_id, query, call["limit"], call["offset"]
    )
    return page_body(call, page.count, page.docs)


@_text_errors
def create_blueprint(call: Call) -> Answer:
    body = decode(call.raw_body or b"{}", BlueprintCreate)
    return call.emulator.blueprints.create(call.enterprise_id, body, _user(call))


def get_blueprint(call: Call) -> Answer:
    return call.emulator.blueprints.get(call.enterprise_id, call["blueprint_id"])


@_text_errors
def update_blueprint(call: Call) -> Answer:
    body = decode(call.raw_body or b"{}", BlueprintV2Put)
    return call.emulator.blueprints.update(
        call.enterprise_id, call["blueprint_id"], body, _user(call)
    )


def delete_blueprint(call: Call) -> Answer:
    call.emulator.blueprints.delete(call.enterprise_id, call["blueprint_id"])
    return b""


def list_versions(call: Call) -> Answer:
    query = _query(call, LIST_VERSIONS)
    page = call.emulator.blueprints.versions(
        call.enterprise_id, call["blueprint_id"], query, call["limit"], call["offset"]
    )
    return page_body(call, page.count, page.docs)


def get_version(call: Call) -> Answer:
    return call.emulator.blueprints.version(
        call.enterprise_id, call["blueprint_id"], call["version_id"]
    )


ROUTES = [
    serve(LIST_BLUEPRINTS, list_blueprints),
    serve(POST_V2_BLUEPRINTS, create_blueprint),
    serve(GET_V2_BLUEPRINTS_BY_BLUEPRINT_ID, get_blueprint),
    serve(PUT_V2_BLUEPRINTS_BY_BLUEPRINT_ID, update_blueprint),
    serve(DELETE_V2_BLUEPRINTS_BY_BLUEPRINT_ID, delete_blueprint),
    serve(LIST_VERSIONS, list_versions),
    serve(GET_V2_BLUEPRINTS_VERSIONS_BY_VERSION_ID, get_version),
]
