"""A ``multipart/form-data`` body that streams its file instead of reading it whole."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Union

FileInput = Union[str, "os.PathLike[str]", IO[bytes]]
"""A file parameter: a path, as esperclient 0.1.3 takes, or an open binary file."""

CHUNK = 256 * 1024


@dataclass(frozen=True)
class MultipartBody:
    """The body, its exact length and the ``Content-Type`` header that goes with it."""

    content_type: str
    length: int
    chunks: Callable[[], Iterator[bytes]]


def _file_name(file: FileInput) -> str:
    if isinstance(file, (str, os.PathLike)):
        return os.path.basename(os.fspath(file))
    return os.path.basename(str(getattr(file, "name", "") or "upload.bin"))


def _size(file: IO[bytes]) -> int:
    start = file.tell()
    end = file.seek(0, os.SEEK_END)
    file.seek(start)
    return end - start


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "")


def _text_part(boundary: str, field: str, value: str) -> str:
    return (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{_quoted(field)}"\r\n\r\n{value}\r\n'
    )


def multipart_file(
    field: str, file: FileInput, fields: Sequence[tuple[str, str]] = ()
) -> MultipartBody:
    """Describe a one-file form, text ``fields`` first; the file is read in chunks only
    while the body is sent.

    ``chunks`` may be called again (a retried request re-reads the file from the
    position it had when the body was built).
    """
    name = _file_name(file)
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    boundary = os.urandom(16).hex()
    head = (
        "".join(_text_part(boundary, key, value) for key, value in fields) + f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="{_quoted(field)}"; filename="{_quoted(name)}"\r\n'
        f"Content-Type: {mime}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    if isinstance(file, (str, os.PathLike)):
        path = os.fspath(file)
        size = os.path.getsize(path)

        def chunks() -> Iterator[bytes]:
            yield head
            with open(path, "rb") as handle:
                yield from iter(lambda: handle.read(CHUNK), b"")
            yield tail
    else:
        handle = file
        size = _size(handle)
        start = handle.tell()

        def chunks() -> Iterator[bytes]:
            handle.seek(start)
            yield head
            yield from iter(lambda: handle.read(CHUNK), b"")
            yield tail

    return MultipartBody(
        content_type=f"multipart/form-data; boundary={boundary}",
        length=len(head) + size + len(tail),
        chunks=chunks,
    )


def with_progress(
    chunks: Callable[[], Iterator[bytes]], total: int, on_progress: Callable[[int, int], None]
) -> Callable[[], Iterator[bytes]]:
    """``chunks`` that report ``on_progress(sent, total)`` as each chunk goes out."""

    def reported() -> Iterator[bytes]:
        sent = 0
        for chunk in chunks():
            sent += len(chunk)
            yield chunk
            on_progress(sent, total)

    return reported
