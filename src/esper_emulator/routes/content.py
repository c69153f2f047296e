"""Content: upload, list, read, tag, delete, and download the file behind ``download_url``."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import msgspec
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from esper_emulator.errors import ApiError, bad_request
from esper_emulator.operation import Answer, Call, decode, page_body, serve
from esper_emulator.services.content import owner_of
from esper_emulator.uploads import receive_file
from esper_emulator.validation import check, check_nulls
from esperclient._operations import (
    DELETE_CONTENT,
    GET_ALL_CONTENT,
    GET_CONTENT,
    PATCH_CONTENT,
    POST_CONTENT,
    Operation,
)
from esperclient.models import Data

if TYPE_CHECKING:
    from esper_emulator.emulator import Emulator


def _integer_id(op: Operation[Any]) -> Operation[Any]:
    """``op`` with ``content_id`` read as an integer.

    The spec (and so the operation table) calls the path's ``content_id`` a UUID, but
    ``Content.id`` is an integer and is what a client has to address content by.
    """
    params = tuple(
        dataclasses.replace(p, type=int, uuid=False) if p.name == "content_id" else p
        for p in op.params
    )
    return dataclasses.replace(op, params=params)


async def post_content(call: Call) -> Answer:
    emulator = call.emulator
    upload = await receive_file(
        call.request,
        "key",
        emulator.settings.max_upload_bytes,
        emulator.settings.files_dir / "incoming",
    )
    try:
        with emulator.store.transaction():
            owner = owner_of(emulator.auth.info(call.token).user)
            return emulator.contents.add(call.enterprise_id, upload, owner)
    finally:
        upload.path.unlink(missing_ok=True)


def list_content(call: Call) -> Answer:
    page = call.emulator.contents.list_content(
        call.enterprise_id, call["search"], call["limit"], call["offset"]
    )
    return page_body(call, page.count, page.docs)


def get_content(call: Call) -> Answer:
    return call.emulator.contents.get(call.enterprise_id, call["content_id"])


def patch_content(call: Call) -> Answer:
    data = Data()
    if call.raw_body.strip():  # the body is optional: none changes nothing
        data = decode(call.raw_body, Data)
        check_nulls(msgspec.json.decode(call.raw_body), Data)
    check(data)
    return call.emulator.contents.update(call.enterprise_id, call["content_id"], data)


async def delete_content(call: Call) -> bytes:
    with call.emulator.store.transaction():
        path = call.emulator.contents.delete(call.enterprise_id, call["content_id"])
    path.unlink(missing_ok=True)  # only once the row is gone for good
    return b""


async def download_content(request: Request) -> Response:
    """The file of a content item (not in the spec: the target of ``download_url``)."""
    emulator: Emulator = request.app.state.emulator
    try:
        with emulator.store.transaction():
            enterprise_id, _ = emulator.auth.authenticate(request.headers.get("authorization"))
        emulator.auth.check_enterprise(enterprise_id, request.path_params["enterprise_id"])
        raw_id = request.path_params["content_id"]
        if not (raw_id.isascii() and raw_id.isdigit()):
            raise bad_request("content_id", f"A valid integer is required, got {raw_id!r}.")
        with emulator.store.transaction():
            content, path = emulator.contents.file(enterprise_id, int(raw_id))
    except ApiError as exc:
        return exc.response()
    return FileResponse(path, media_type=content.kind, filename=content.name)


ROUTES = [
    serve(POST_CONTENT, post_content),
    serve(GET_ALL_CONTENT, list_content),
    serve(_integer_id(GET_CONTENT), get_content),
    serve(_integer_id(PATCH_CONTENT), patch_content),
    serve(_integer_id(DELETE_CONTENT), delete_content),
    Route(
        "/api/v0/enterprise/{enterprise_id}/content/{content_id}/download/",
        download_content,
        methods=["GET"],
        name="download_content",
    ),
]
