"""Applications: list, upload (streamed to disk, parsed as an APK), versions."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.types import Message

from esper_emulator.apk import InvalidApk, read_apk
from esper_emulator.errors import ApiError, bad_request
from esper_emulator.operation import Call, page_body, serve
from esperclient._operations import GET_ALL_APPLICATIONS, GET_APP_VERSIONS, UPLOAD

CHUNK = 1024 * 1024


async def list_applications(call: Call) -> bytes:
    with call.emulator.store.transaction():
        page = call.emulator.apps.list_apps(
            call.enterprise_id, call.params, call["limit"], call["offset"]
        )
    return page_body(call, page.count, page.docs)


async def list_versions(call: Call) -> bytes:
    with call.emulator.store.transaction():
        page = call.emulator.apps.list_versions(
            call.enterprise_id, call["application_id"], call.params, call["limit"], call["offset"]
        )
    return page_body(call, page.count, page.docs)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"The upload is larger than {limit} bytes.")


def _limited(request: Request, limit: int) -> Request:
    """``request`` whose body stream stops with a 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and int(declared) > limit:
        raise _too_large(limit)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise _too_large(limit)
        return message

    return Request(request.scope, receive)


async def _read_form(request: Request, limit: int) -> FormData:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(415, f"Unsupported media type {content_type!r}: send multipart/form-data.")
    try:
        return await _limited(request, limit).form(max_files=1, max_fields=10)
    except ApiError:
        raise
    except Exception as exc:  # python-multipart and Starlette raise several types
        raise ApiError(400, f"The multipart body could not be read: {exc}") from None


async def _receive_file(call: Call, field: str) -> Path:
    """Copy the uploaded ``field`` to a temporary file under the emulator's file store."""
    form = await _read_form(call.request, call.emulator.settings.max_upload_bytes)
    try:
        upload = form.get(field)
        if not isinstance(upload, UploadFile):
            raise bad_request(field, "No file was submitted.")
        tmp_dir = call.emulator.settings.files_dir / "incoming"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=".apk")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := await upload.read(CHUNK):
                    out.write(chunk)
        except BaseException:
            os.unlink(name)
            raise
        return Path(name)
    finally:
        await form.close()


async def upload(call: Call) -> bytes:
    path = await _receive_file(call, "app_file")
    try:
        try:
            apk = await run_in_threadpool(read_apk, path)  # hashing a big file takes a while
        except InvalidApk as exc:
            raise bad_request("app_file", str(exc)) from None
        with call.emulator.store.transaction():
            return call.emulator.apps.add_version(call.enterprise_id, apk, path)
    finally:
        if path.exists():
            path.unlink()


ROUTES = [
    serve(GET_ALL_APPLICATIONS, list_applications),
    serve(UPLOAD, upload),
    serve(GET_APP_VERSIONS, list_versions),
]
