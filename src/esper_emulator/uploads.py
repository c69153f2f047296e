"""Receiving request bodies under a size limit: uploaded files and JSON.

A body stream is cut with a 413 as soon as it passes its limit (a declared
``Content-Length`` over it is refused before anything is read). An uploaded file is
copied in chunks to a temporary file, hashed on the way, and never held whole in
memory. The client's file name is returned as sent: ``safe_name`` makes it fit to
show, and it is never used as a path. A JSON body (``read_json``) is small by
contract and read whole, up to its own, much smaller limit.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.types import Message

from esper_emulator.errors import ApiError, bad_request

CHUNK = 1024 * 1024
MAX_NAME = 200
FALLBACK_NAME = "upload"


@dataclass(frozen=True)
class Received:
    """An uploaded file, copied to ``path``; ``filename`` is the client's, untrusted."""

    path: Path
    filename: str
    size: int
    sha256: str


def too_large(limit: int, what: str = "The upload") -> ApiError:
    """The 413 of a body over ``limit`` bytes."""
    return ApiError(413, f"{what} is larger than {limit} bytes.")


def limited(request: Request, limit: int, what: str = "The upload") -> Request:
    """``request`` whose body stream stops with a 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit, what)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise too_large(limit, what)
        return message

    return Request(request.scope, receive)


def is_json(content_type: str) -> bool:
    """Whether a ``Content-Type`` names JSON (``application/json``, ``...+json``)."""
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


async def read_json(request: Request, limit: int) -> Request:
    """``request`` with its JSON body read (at most ``limit`` bytes) and kept for ``body()``.

    A body over ``limit`` is a 413, a non-empty body whose ``Content-Type`` is not JSON a
    415 (an empty body needs no type). The returned request answers ``body()`` and
    ``stream()`` from what was read (Starlette keeps a read body), so later readers see
    the same bytes.
    """
    kept = limited(request, limit, "The request body")
    raw = await kept.body()
    content_type = request.headers.get("content-type", "")
    if raw and not is_json(content_type):
        raise ApiError(
            415, f"Unsupported media type {content_type!r} in request: send application/json."
        )
    return kept


async def read_form(request: Request, limit: int) -> FormData:
    """The multipart form of ``request`` (one file at most); 415, 413 or 400 otherwise."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(415, f"Unsupported media type {content_type!r}: send multipart/form-data.")
    try:
        return await limited(request, limit).form(max_files=1, max_fields=10)
    except ApiError:
        raise
    except Exception as exc:  # python-multipart and Starlette raise several types
        raise ApiError(400, f"The multipart body could not be read: {exc}") from None


async def receive_file(request: Request, field: str, limit: int, into: Path) -> Received:
    """Copy the uploaded ``field`` to a new temporary file in ``into``; the caller owns it."""
    form = await read_form(request, limit)
    try:
        upload = form.get(field)
        if not isinstance(upload, UploadFile):
            raise bad_request(field, "No file was submitted.")
        into.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=into, suffix=".upload")
        digest, size = hashlib.sha256(), 0
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := await upload.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        except BaseException:
            os.unlink(name)
            raise
        return Received(Path(name), upload.filename or "", size, digest.hexdigest())
    finally:
        await form.close()


def safe_name(raw: str) -> str:
    """``raw`` fit to show as a file name: its last path part, printable, at most 200 long.

    Directories (``../``, ``/abs/``, ``C:\\``) and control characters (NUL included)
    are dropped; nothing left, ``.`` or ``..`` gives ``"upload"``.
    """
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if name in ("", ".", ".."):
        return FALLBACK_NAME
    if len(name) > MAX_NAME:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 16 else ""
        name = stem[: MAX_NAME - len(ext)] + ext
    return name
