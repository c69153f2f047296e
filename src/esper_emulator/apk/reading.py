"""Read an APK's metadata as the emulator does on upload.

:func:`read_apk` hashes the file in chunks, extracts ``AndroidManifest.xml`` with
:mod:`zipfile` (bounded, so a zip bomb cannot exhaust memory) and decodes it. A label
given as a string resource (``@string/app_name``, as most apps do) is looked up in
``resources.arsc``, extracted with the same bound.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from esper_emulator.apk._format import (
    MANIFEST_NAME,
    RESOURCES_NAME,
    TYPE_INT_DEC,
    TYPE_INT_HEX,
    TYPE_REFERENCE,
    TYPE_STRING,
    InvalidApk,
)
from esper_emulator.apk.arsc import resolve_string
from esper_emulator.apk.axml import Attr, StartTag, decode_manifest

#: Largest accepted uncompressed size of ``AndroidManifest.xml`` (zip-bomb guard).
MAX_MANIFEST_BYTES = 5 * 1024 * 1024
#: Largest accepted uncompressed size of ``resources.arsc`` (large real apps have under 10 MB).
MAX_RESOURCES_BYTES = 32 * 1024 * 1024

_HASH_CHUNK = 1024 * 1024
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    struct.error,
    RuntimeError,  # includes NotImplementedError (unknown compression, encryption)
)


@dataclass(frozen=True)
class ApkInfo:
    """Metadata of an APK file, as declared by its manifest."""

    package_name: str
    version_code: int
    version_name: str | None
    min_sdk_version: str | None
    target_sdk_version: str | None
    label: str | None
    permissions: tuple[str, ...]
    sha256: str
    size_bytes: int


def read_apk(path: str | os.PathLike[str]) -> ApkInfo:
    """Read the manifest metadata, SHA-256 and size of the APK at ``path``.

    Raises :class:`InvalidApk` for any content that is not a usable APK, and
    ``OSError`` only when the file itself cannot be opened (e.g. missing).
    """
    with open(path, "rb") as fh:
        sha256, size = _hash_file(fh)
        if size == 0:
            raise InvalidApk("not an APK: the file is empty")
        fh.seek(0)
        try:
            archive = zipfile.ZipFile(fh)
        except _ZIP_ERRORS:
            raise InvalidApk("not an APK: the file is not a zip archive") from None
        with archive:
            manifest = _read_entry(archive, MANIFEST_NAME, MAX_MANIFEST_BYTES)
            if manifest is None:
                raise InvalidApk(f"not an APK: {MANIFEST_NAME} is missing")
            return _apk_info(decode_manifest(manifest), archive, sha256=sha256, size_bytes=size)


def _hash_file(fh: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: fh.read(_HASH_CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _read_entry(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    """Return the uncompressed entry ``name`` (None when absent), refusing oversized ones."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        raise InvalidApk(f"not an APK: {name} is too large ({info.file_size} bytes, limit {limit})")
    try:
        # zipfile stops at the declared size and then checks the CRC, and it
        # inflates at most max(n, 4 KiB) bytes per read(n): a header that
        # understates the size cannot make this read large.
        with archive.open(info) as entry:
            return entry.read(info.file_size + 1)
    except _ZIP_ERRORS as exc:
        raise InvalidApk(f"not an APK: {name} cannot be extracted ({exc})") from None


def _label(tags: list[StartTag], archive: zipfile.ZipFile) -> str | None:
    """The application's label: literal, or a string resource looked up in the APK."""
    application = next((t.attrs for t in tags if t.depth == 1 and t.tag == "application"), {})
    label = application.get("android:label")
    if label is None:
        return None
    if label.type == TYPE_STRING:
        return label.string
    if label.type != TYPE_REFERENCE:
        return None
    table = _read_entry(archive, RESOURCES_NAME, MAX_RESOURCES_BYTES)
    return None if table is None else resolve_string(table, label.data)


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _text(attr: Attr | None) -> str | None:
    """Return a literal attribute value as a string; None for references etc."""
    if attr is None:
        return None
    if attr.type == TYPE_STRING:
        return attr.string
    if attr.type in (TYPE_INT_DEC, TYPE_INT_HEX):
        return str(_int32(attr.data))
    return None


def _apk_info(
    tags: list[StartTag], archive: zipfile.ZipFile, *, sha256: str, size_bytes: int
) -> ApkInfo:
    if not tags or tags[0].tag != "manifest":
        raise InvalidApk(f"not an APK: {MANIFEST_NAME} has no <manifest> root element")
    manifest = tags[0].attrs
    package_name = _text(manifest.get("package"))
    if not package_name:
        raise InvalidApk("not an APK: the manifest has no package name")
    version_code = manifest.get("android:versionCode")
    if version_code is None:
        raise InvalidApk("not an APK: the manifest has no android:versionCode")
    if version_code.type not in (TYPE_INT_DEC, TYPE_INT_HEX):
        raise InvalidApk("not an APK: android:versionCode is not an integer")

    children = [t for t in tags if t.depth == 1]
    uses_sdk = next((t.attrs for t in children if t.tag == "uses-sdk"), {})
    permissions = (
        _text(t.attrs.get("android:name")) for t in children if t.tag == "uses-permission"
    )
    return ApkInfo(
        package_name=package_name,
        version_code=_int32(version_code.data),
        version_name=_text(manifest.get("android:versionName")),
        min_sdk_version=_text(uses_sdk.get("android:minSdkVersion")),
        target_sdk_version=_text(uses_sdk.get("android:targetSdkVersion")),
        label=_label(tags, archive),
        permissions=tuple(p for p in permissions if p),
        sha256=sha256,
        size_bytes=size_bytes,
    )
