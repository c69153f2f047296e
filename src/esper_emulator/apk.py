"""Read the metadata of an Android APK, and build small real APKs for tests.

Reading (:func:`read_apk`) hashes the file in chunks, extracts only the
``AndroidManifest.xml`` entry with :mod:`zipfile` (bounded, so a zip bomb
cannot exhaust memory) and decodes the binary XML with ``apkInspector``.

Building (:func:`build_apk`) writes a zip holding a compiled binary
``AndroidManifest.xml`` (Android "AXML"), a placeholder ``classes.dex`` and
``META-INF/MANIFEST.MF``.  The APK is not signed.  AXML is a sequence of
little-endian chunks, each starting with ``u16 type, u16 header_size,
u32 total_size``::

    RES_XML_TYPE (0x0003)            file header; total_size = whole file
      RES_STRING_POOL_TYPE (0x0001)  u32 string_count, style_count, flags
                                     (0 = UTF-16), strings_start, styles_start;
                                     u32 offsets[]; strings as u16 length,
                                     UTF-16LE units, u16 0; padded to 4 bytes
      RES_XML_RESOURCE_MAP (0x0180)  u32 resource id of string i, for the
                                     first n strings (android attribute names)
      START_NAMESPACE (0x0100)       node header (u32 line, u32 comment),
                                     u32 prefix, u32 uri
      START_ELEMENT (0x0102)         node header, u32 ns, u32 name,
                                     u16 attr_start=20, attr_size=20, count,
                                     id/class/style index; then per attribute:
                                     u32 ns, name, raw_value; Res_value
                                     (u16 size=8, u8 0, u8 type, u32 data)
      END_ELEMENT (0x0103)           node header, u32 ns, u32 name
      END_NAMESPACE (0x0101)         same body as START_NAMESPACE

String references are indexes into the string pool; 0xFFFFFFFF means none.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeAlias

__all__ = [
    "ANDROID_ATTR_IDS",
    "ANDROID_NS",
    "MANIFEST_NAME",
    "MAX_MANIFEST_BYTES",
    "ApkInfo",
    "AxmlElement",
    "InvalidApk",
    "ResourceRef",
    "build_apk",
    "encode_axml",
    "read_apk",
    "write_apk",
]

MANIFEST_NAME = "AndroidManifest.xml"
#: Largest accepted uncompressed size of ``AndroidManifest.xml`` (zip-bomb guard).
MAX_MANIFEST_BYTES = 5 * 1024 * 1024
ANDROID_NS = "http://schemas.android.com/apk/res/android"

#: Resource IDs of the android attributes this module reads and writes.
ANDROID_ATTR_IDS: Mapping[str, int] = {
    "label": 0x01010001,
    "name": 0x01010003,
    "minSdkVersion": 0x0101020C,
    "versionCode": 0x0101021B,
    "versionName": 0x0101021C,
    "targetSdkVersion": 0x01010270,
}
_ATTR_NAME_BY_ID = {res_id: name for name, res_id in ANDROID_ATTR_IDS.items()}

# Chunk types (ResourceTypes.h).
_RES_STRING_POOL_TYPE = 0x0001
_RES_XML_TYPE = 0x0003
_RES_XML_START_NAMESPACE_TYPE = 0x0100
_RES_XML_END_NAMESPACE_TYPE = 0x0101
_RES_XML_START_ELEMENT_TYPE = 0x0102
_RES_XML_END_ELEMENT_TYPE = 0x0103
_RES_XML_RESOURCE_MAP_TYPE = 0x0180
# Res_value data types.
_TYPE_REFERENCE = 0x01
_TYPE_STRING = 0x03
_TYPE_INT_DEC = 0x10
_TYPE_INT_HEX = 0x11
_NO_INDEX = 0xFFFFFFFF

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


class InvalidApk(ValueError):
    """The file is not a readable APK; ``str(exc)`` is a short human message."""


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


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


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
        manifest = _read_manifest_entry(fh)
    tags = _decode_axml(manifest)
    return _apk_info(tags, sha256=sha256, size_bytes=size)


def _hash_file(fh: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: fh.read(_HASH_CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _read_manifest_entry(fh: IO[bytes]) -> bytes:
    """Return the uncompressed ``AndroidManifest.xml``, refusing oversized ones."""
    try:
        archive = zipfile.ZipFile(fh)
    except _ZIP_ERRORS:
        raise InvalidApk("not an APK: the file is not a zip archive") from None
    with archive:
        try:
            info = archive.getinfo(MANIFEST_NAME)
        except KeyError:
            raise InvalidApk(f"not an APK: {MANIFEST_NAME} is missing") from None
        if info.file_size > MAX_MANIFEST_BYTES:
            raise InvalidApk(
                f"not an APK: {MANIFEST_NAME} is too large "
                f"({info.file_size} bytes, limit {MAX_MANIFEST_BYTES})"
            )
        try:
            # zipfile stops at the declared size and then checks the CRC, and it
            # inflates at most max(n, 4 KiB) bytes per read(n): a header that
            # understates the size cannot make this read large.
            with archive.open(info) as entry:
                data = entry.read(info.file_size + 1)
        except _ZIP_ERRORS as exc:
            raise InvalidApk(f"not an APK: {MANIFEST_NAME} cannot be extracted ({exc})") from None
    return data


@dataclass(frozen=True)
class _Attr:
    """One decoded attribute: Res_value type and data, plus its string form."""

    type: int
    data: int
    string: str | None  # the string for TYPE_STRING, else the raw value if any


@dataclass(frozen=True)
class _StartTag:
    """A decoded start element.

    ``depth`` 0 is the root.  Android attributes are keyed ``android:<name>``
    (found by resource ID when possible), others by their plain name.
    """

    tag: str
    depth: int
    attrs: dict[str, _Attr]


def _import_axml() -> Any:
    """Import ``apkInspector.axml`` without keeping its logging side effect.

    The module calls ``logging.basicConfig(level=DEBUG)`` at import time, which
    would make every application using this package log DEBUG to stderr.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from apkInspector import axml  # type: ignore[import-untyped, unused-ignore]
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    return axml


_axml = _import_axml()


def _chunk_framing_ok(data: bytes) -> bool:
    """Check that ``data`` is a sequence of well-sized chunks, as Android requires.

    apkInspector scans byte by byte for the next plausible chunk where the
    framing is broken, which takes many seconds on megabytes of garbage.  It
    also expects an 8-byte XML header, then a string pool with a 28-byte header,
    then a resource map.
    """
    size = len(data)
    types = []
    offset = 8
    while offset + 8 <= size:
        chunk_type, header_size, chunk_size = struct.unpack_from("<HHI", data, offset)
        if header_size < 8 or chunk_size < header_size or offset + chunk_size > size:
            return False
        types.append((chunk_type, header_size))
        offset += chunk_size
    return (
        offset == size
        and types[:1] == [(_RES_STRING_POOL_TYPE, 28)]
        and types[1:2] == [(_RES_XML_RESOURCE_MAP_TYPE, 8)]
    )


def _decode_axml(data: bytes) -> list[_StartTag]:
    """Decode binary XML with apkInspector (the only use of its untyped API)."""
    if len(data) < 8 or struct.unpack_from("<H", data)[0] != _RES_XML_TYPE:
        raise InvalidApk(f"not an APK: {MANIFEST_NAME} is not compiled binary XML")
    header_size, total_size = struct.unpack_from("<HI", data, 2)
    data = data[:total_size]  # like Android, ignore bytes after the XML chunk
    if header_size != 8 or not _chunk_framing_ok(data):
        raise InvalidApk(f"not an APK: {MANIFEST_NAME} cannot be decoded (bad chunk layout)")
    try:
        parsed = _axml.ManifestStruct.parse(io.BytesIO(data))
        strings = [str(s) for s in parsed.string_pool.string_list]
        res_ids = [int(r) for r in parsed.resource_map.resids]

        def string(index: int) -> str:
            return strings[index] if 0 <= index < len(strings) else ""

        tags: list[_StartTag] = []
        depth = 0
        for element in parsed.elements:
            if isinstance(element, _axml.XmlEndElement):
                depth -= 1
            elif isinstance(element, _axml.XmlStartElement):
                attrs: dict[str, _Attr] = {}
                for attr in element.attributes:
                    name_index = int(attr.name_index)
                    res_id = res_ids[name_index] if name_index < len(res_ids) else 0
                    if res_id in _ATTR_NAME_BY_ID:  # Android matches by resource ID
                        key = "android:" + _ATTR_NAME_BY_ID[res_id]
                    elif string(int(attr.full_namespace_index)) == ANDROID_NS:
                        key = "android:" + string(name_index)
                    else:
                        key = string(name_index)
                    value_type, value = int(attr.typed_value_datatype), int(attr.typed_value_data)
                    text_index = value if value_type == _TYPE_STRING else int(attr.raw_value_index)
                    text = strings[text_index] if 0 <= text_index < len(strings) else None
                    attrs.setdefault(key, _Attr(value_type, value, text))
                tags.append(_StartTag(string(int(element.attrext[1])), depth, attrs))
                depth += 1
    except Exception as exc:  # apkInspector raises anything on malformed input
        raise InvalidApk(f"not an APK: {MANIFEST_NAME} cannot be decoded") from exc
    return tags


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _text(attr: _Attr | None) -> str | None:
    """Return a literal attribute value as a string; None for references etc."""
    if attr is None:
        return None
    if attr.type == _TYPE_STRING:
        return attr.string
    if attr.type in (_TYPE_INT_DEC, _TYPE_INT_HEX):
        return str(_int32(attr.data))
    return None


def _apk_info(tags: list[_StartTag], *, sha256: str, size_bytes: int) -> ApkInfo:
    if not tags or tags[0].tag != "manifest":
        raise InvalidApk(f"not an APK: {MANIFEST_NAME} has no <manifest> root element")
    manifest = tags[0].attrs
    package_name = _text(manifest.get("package"))
    if not package_name:
        raise InvalidApk("not an APK: the manifest has no package name")
    version_code = manifest.get("android:versionCode")
    if version_code is None:
        raise InvalidApk("not an APK: the manifest has no android:versionCode")
    if version_code.type not in (_TYPE_INT_DEC, _TYPE_INT_HEX):
        raise InvalidApk("not an APK: android:versionCode is not an integer")

    children = [t for t in tags if t.depth == 1]
    uses_sdk = next((t.attrs for t in children if t.tag == "uses-sdk"), {})
    application = next((t.attrs for t in children if t.tag == "application"), {})
    label = application.get("android:label")
    permissions = (
        _text(t.attrs.get("android:name")) for t in children if t.tag == "uses-permission"
    )
    return ApkInfo(
        package_name=package_name,
        version_code=_int32(version_code.data),
        version_name=_text(manifest.get("android:versionName")),
        min_sdk_version=_text(uses_sdk.get("android:minSdkVersion")),
        target_sdk_version=_text(uses_sdk.get("android:targetSdkVersion")),
        label=label.string if label is not None and label.type == _TYPE_STRING else None,
        permissions=tuple(p for p in permissions if p),
        sha256=sha256,
        size_bytes=size_bytes,
    )


# --------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceRef:
    """An attribute value referring to a resource, e.g. ``@string/app_name``."""

    res_id: int


AttrValue: TypeAlias = str | int | ResourceRef


@dataclass
class AxmlElement:
    """An XML element for :func:`encode_axml`.

    Attribute names ``android:<name>`` go in the android namespace (``<name>``
    must be a key of ``ANDROID_ATTR_IDS``); plain names have no namespace.
    ``str`` values are encoded as TYPE_STRING, ``int`` as TYPE_INT_DEC (32-bit)
    and :class:`ResourceRef` as TYPE_REFERENCE.
    """

    tag: str
    attrs: dict[str, AttrValue] = field(default_factory=dict)
    children: list[AxmlElement] = field(default_factory=list)


class _StringPool:
    def __init__(self) -> None:
        self.strings: list[str] = []
        self._index: dict[str, int] = {}

    def index(self, value: str) -> int:
        """Index of ``value``, added at the end of the pool on first use."""
        if value not in self._index:
            self._index[value] = len(self.strings)
            self.strings.append(value)
        return self._index[value]


def _chunk(chunk_type: int, header: bytes, body: bytes) -> bytes:
    """Build a chunk: 8-byte ResChunk_header, rest of header, body; 4-byte aligned."""
    body += b"\0" * (-(8 + len(header) + len(body)) % 4)
    return (
        struct.pack("<HHI", chunk_type, 8 + len(header), 8 + len(header) + len(body))
        + header
        + body
    )


def _node(chunk_type: int, line: int, body: bytes) -> bytes:
    """Build an XML tree node: ResXMLTree_node header (line, no comment) + body."""
    return _chunk(chunk_type, struct.pack("<II", line, _NO_INDEX), body)


def _string_pool_chunk(strings: Sequence[str]) -> bytes:
    offsets, data, size = [], [], 0
    for value in strings:
        offsets.append(size)
        units = value.encode("utf-16-le")
        length = len(units) // 2
        if length > 0x7FFF:  # long form: high bit set, 31-bit length in two u16
            prefix = struct.pack("<HH", 0x8000 | (length >> 16), length & 0xFFFF)
        else:
            prefix = struct.pack("<H", length)
        data.append(prefix + units + b"\0\0")
        size += len(data[-1])
    header = struct.pack("<IIIII", len(strings), 0, 0, 28 + 4 * len(strings), 0)
    return _chunk(
        _RES_STRING_POOL_TYPE, header, struct.pack(f"<{len(offsets)}I", *offsets) + b"".join(data)
    )


def _attribute(
    pool: _StringPool, name: str, value: AttrValue
) -> tuple[tuple[int, int, str], bytes]:
    """Sort key (aapt2 order: by resource ID, then unnamespaced) and encoding."""
    prefix, _, local = name.rpartition(":")
    if prefix not in ("", "android"):
        raise ValueError(f"unsupported attribute namespace: {name!r}")
    if prefix and local not in ANDROID_ATTR_IDS:
        raise ValueError(f"no known resource ID for attribute {name!r}")
    res_id = ANDROID_ATTR_IDS[local] if prefix else 0
    namespace = pool.index(ANDROID_NS) if prefix else _NO_INDEX
    if isinstance(value, ResourceRef):
        raw, value_type, data = _NO_INDEX, _TYPE_REFERENCE, value.res_id
    elif isinstance(value, str):
        raw = data = pool.index(value)
        value_type = _TYPE_STRING
    elif isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31:
        raw, value_type, data = _NO_INDEX, _TYPE_INT_DEC, value & 0xFFFFFFFF
    else:
        raise ValueError(f"unsupported value for attribute {name!r}: {value!r}")
    encoded = struct.pack("<IIIHBBI", namespace, pool.index(local), raw, 8, 0, value_type, data)
    return ((0, res_id, "") if res_id else (1, 0, name)), encoded


def _element_chunks(
    element: AxmlElement, pool: _StringPool, lines: Iterator[int]
) -> Iterator[bytes]:
    attributes = sorted(_attribute(pool, name, value) for name, value in element.attrs.items())
    ext = struct.pack(
        "<IIHHHHHH", _NO_INDEX, pool.index(element.tag), 20, 20, len(attributes), 0, 0, 0
    )
    body = ext + b"".join(encoded for _, encoded in attributes)
    yield _node(_RES_XML_START_ELEMENT_TYPE, next(lines), body)
    for child in element.children:
        yield from _element_chunks(child, pool, lines)
    yield _node(
        _RES_XML_END_ELEMENT_TYPE,
        next(lines),
        struct.pack("<II", _NO_INDEX, pool.index(element.tag)),
    )


def encode_axml(root: AxmlElement) -> bytes:
    """Compile ``root`` (declaring the android namespace) to Android binary XML."""
    pool = _StringPool()
    # Strings with a resource ID come first: the resource map covers indexes 0..n-1.
    res_ids = sorted(ANDROID_ATTR_IDS.values())
    for res_id in res_ids:
        pool.index(_ATTR_NAME_BY_ID[res_id])
    namespace = struct.pack("<II", pool.index("android"), pool.index(ANDROID_NS))
    lines = itertools.count(1)
    body = b"".join(
        [
            _node(_RES_XML_START_NAMESPACE_TYPE, next(lines), namespace),
            *_element_chunks(root, pool, lines),
            _node(_RES_XML_END_NAMESPACE_TYPE, next(lines), namespace),
        ]
    )
    resource_map = _chunk(
        _RES_XML_RESOURCE_MAP_TYPE, b"", struct.pack(f"<{len(res_ids)}I", *res_ids)
    )
    return _chunk(_RES_XML_TYPE, b"", _string_pool_chunk(pool.strings) + resource_map + body)


_DEX_PLACEHOLDER = b"dex\n035\0" + bytes(104)  # magic + zeroed header: not executable
_JAR_MANIFEST = b"Manifest-Version: 1.0\r\nCreated-By: esper_emulator\r\n\r\n"


def write_apk(path: str | os.PathLike[str], manifest: bytes) -> Path:
    """Write an (unsigned) APK zip around already-encoded ``manifest`` bytes.

    Entries get a fixed timestamp, so equal inputs give byte-identical files.
    """
    target = Path(path)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in (
            (MANIFEST_NAME, manifest),
            ("classes.dex", _DEX_PLACEHOLDER),
            ("META-INF/MANIFEST.MF", _JAR_MANIFEST),
        ):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return target


def build_apk(
    path: str | os.PathLike[str],
    *,
    package_name: str,
    version_code: int = 1,
    version_name: str = "1.0",
    min_sdk: int = 21,
    target_sdk: int = 30,
    label: str | None = "Demo App",
    permissions: Sequence[str] = ("android.permission.INTERNET",),
) -> Path:
    """Write a small real (unsigned) APK with the given manifest values.

    ``read_apk(build_apk(p, **values))`` returns exactly those values, with the
    SDK levels as strings.
    """
    application = AxmlElement("application", {"android:label": label} if label is not None else {})
    manifest = AxmlElement(
        "manifest",
        {
            "package": package_name,
            "android:versionCode": version_code,
            "android:versionName": version_name,
        },
        [
            AxmlElement(
                "uses-sdk",
                {"android:minSdkVersion": min_sdk, "android:targetSdkVersion": target_sdk},
            ),
            *(AxmlElement("uses-permission", {"android:name": name}) for name in permissions),
            application,
        ],
    )
    return write_apk(path, encode_axml(manifest))
