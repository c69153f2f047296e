"""Content: files uploaded to the enterprise's library, with their tags and description.

A file is kept as ``<files_dir>/content/<enterprise>/<random hex>``: the client's file
name is only shown (sanitised), never used as a path. Content is addressed by its
integer id (the row's ``pk``), as the API does.
"""

from __future__ import annotations

import mimetypes
import os
import shutil
import uuid
from pathlib import Path

import msgspec

from esper_emulator.errors import bad_request, not_found
from esper_emulator.services.clock import Clock
from esper_emulator.services.urls import content_download_url, enterprise_url
from esper_emulator.store import Page, Store
from esper_emulator.store import records as records_db
from esper_emulator.store.records import StoredContent
from esper_emulator.uploads import Received, safe_name
from esperclient.models import Content, Data, Owner

PERMISSIONS = "rw-r--r--"
MAX_TAG = 255
_MAX_ID = 2**63 - 1  # larger ids cannot be stored, so they name no content


def owner_of(user: str | None) -> Owner:
    """The ``owner`` of content uploaded with a key of ``user`` (a stable integer id)."""
    user = user or "api"
    return Owner(id=int.from_bytes(user.encode()[:6], "big") % 2**31, username=user)


def check_tags(tags: list[str] | None) -> None:
    """A 400 naming ``tags`` unless every tag is 1 to 255 characters long."""
    for tag in tags or []:
        if not 1 <= len(tag) <= MAX_TAG:
            raise bad_request("tags", f"Each tag must be 1 to {MAX_TAG} characters long.")


class Contents:
    """The enterprise's content library and the files behind it."""

    def __init__(self, store: Store, clock: Clock, files: Path) -> None:
        self.store = store
        self.clock = clock
        self.files = files / "content"

    def add(self, enterprise_id: str, upload: Received, owner: Owner) -> Content:
        """Record ``upload`` as new content; its ``Content``.

        The file moves into the library once the row is written (a failed move undoes
        the row); until then it stays where it was received, for the caller to remove.
        """
        name = safe_name(upload.filename)
        stored = self.files / enterprise_id / uuid.uuid4().hex
        now = self.clock.utcnow()
        pk = records_db.add_content(self.store, enterprise_id, name, str(stored))
        content = Content.construct(
            id=pk,
            download_url=content_download_url(enterprise_id, pk),
            name=name,
            key=f"{stored.name}/{name}",
            is_dir=False,
            kind=mimetypes.guess_type(name)[0] or "application/octet-stream",
            hash=upload.sha256,
            size=str(upload.size),
            path=f"/{name}",
            permissions=PERMISSIONS,
            tags=[],
            description="",
            created=now,
            modified=now,
            enterprise=enterprise_url(enterprise_id),
            owner=owner,
        )
        self._save(pk, content)
        stored.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(os.fspath(upload.path), stored)
        return content

    def list_content(self, enterprise_id: str, search: str | None, limit: int, offset: int) -> Page:
        """A page of content; ``search`` matches a part of the name, a tag or the description."""
        return records_db.contents_page(self.store, enterprise_id, limit, offset, search)

    def get(self, enterprise_id: str, content_id: int) -> bytes:
        """The stored ``Content``; a 404 if the enterprise has no such content."""
        return self._row(enterprise_id, content_id).doc

    def update(self, enterprise_id: str, content_id: int, data: Data) -> Content:
        """Set the ``tags`` and ``description`` given in ``data``; bump ``modified``."""
        check_tags(data.tags)
        row = self._row(enterprise_id, content_id)
        content = msgspec.json.decode(row.doc, type=Content)
        if data.tags is None and data.description is None:
            return content
        if data.tags is not None:
            content.tags = list(dict.fromkeys(data.tags))
        if data.description is not None:
            content.description = data.description
        content.modified = self.clock.utcnow()
        self._save(row.pk, content)
        return content

    def delete(self, enterprise_id: str, content_id: int) -> Path:
        """Remove the content's row; the path of its file, to delete once committed."""
        row = self._row(enterprise_id, content_id)
        records_db.delete_content(self.store, row.pk)
        return Path(row.file_path)

    def file(self, enterprise_id: str, content_id: int) -> tuple[Content, Path]:
        """The ``Content`` and the kept file of a content item; a 404 if either is missing."""
        row = self._row(enterprise_id, content_id)
        path = Path(row.file_path)
        if not path.is_file():
            raise not_found("Content file")
        return msgspec.json.decode(row.doc, type=Content), path

    def _row(self, enterprise_id: str, content_id: int) -> StoredContent:
        row = None
        if 0 < content_id <= _MAX_ID:
            row = records_db.content(self.store, enterprise_id, content_id)
        if row is None:
            raise not_found("Content")
        return row

    def _save(self, pk: int, content: Content) -> None:
        records_db.save_content(self.store, pk, _search_text(content), msgspec.json.encode(content))


def _search_text(content: Content) -> str:
    """What ``search`` looks in: the name, each tag and the description, one per line."""
    return "\n".join([content.name or "", *(content.tags or []), content.description or ""])
