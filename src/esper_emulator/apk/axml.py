"""Android compiled XML ("AXML"), as ``AndroidManifest.xml`` is stored in an APK.

:func:`encode_axml` compiles an element tree; :func:`decode_manifest` decodes one with
``apkInspector``. After the file header come the string pool, a resource map and
the tree's nodes::

    RES_XML_TYPE (0x0003)            file header; total_size = whole file
      RES_STRING_POOL_TYPE (0x0001)  see _format
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
"""

from __future__ import annotations

import io
import itertools
import logging
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from esper_emulator.apk._format import (
    MANIFEST_NAME,
    NO_INDEX,
    RES_STRING_POOL_TYPE,
    RES_XML_END_ELEMENT_TYPE,
    RES_XML_END_NAMESPACE_TYPE,
    RES_XML_RESOURCE_MAP_TYPE,
    RES_XML_START_ELEMENT_TYPE,
    RES_XML_START_NAMESPACE_TYPE,
    RES_XML_TYPE,
    TYPE_INT_DEC,
    TYPE_REFERENCE,
    TYPE_STRING,
    InvalidApk,
    StringPool,
    chunk,
)

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


# --------------------------------------------------------------------------
# Encoding
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


def _node(chunk_type: int, line: int, body: bytes) -> bytes:
    """Build an XML tree node: ResXMLTree_node header (line, no comment) + body."""
    return chunk(chunk_type, struct.pack("<II", line, NO_INDEX), body)


def _attribute(pool: StringPool, name: str, value: AttrValue) -> tuple[tuple[int, int, str], bytes]:
    """Sort key (aapt2 order: by resource ID, then unnamespaced) and encoding."""
    prefix, _, local = name.rpartition(":")
    if prefix not in ("", "android"):
        raise ValueError(f"unsupported attribute namespace: {name!r}")
    if prefix and local not in ANDROID_ATTR_IDS:
        raise ValueError(f"no known resource ID for attribute {name!r}")
    res_id = ANDROID_ATTR_IDS[local] if prefix else 0
    namespace = pool.index(ANDROID_NS) if prefix else NO_INDEX
    if isinstance(value, ResourceRef):
        raw, value_type, data = NO_INDEX, TYPE_REFERENCE, value.res_id
    elif isinstance(value, str):
        raw = data = pool.index(value)
        value_type = TYPE_STRING
    elif isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31:
        raw, value_type, data = NO_INDEX, TYPE_INT_DEC, value & 0xFFFFFFFF
    else:
        raise ValueError(f"unsupported value for attribute {name!r}: {value!r}")
    encoded = struct.pack("<IIIHBBI", namespace, pool.index(local), raw, 8, 0, value_type, data)
    return ((0, res_id, "") if res_id else (1, 0, name)), encoded


def _element_chunks(
    element: AxmlElement, pool: StringPool, lines: Iterator[int]
) -> Iterator[bytes]:
    attributes = sorted(_attribute(pool, name, value) for name, value in element.attrs.items())
    ext = struct.pack(
        "<IIHHHHHH", NO_INDEX, pool.index(element.tag), 20, 20, len(attributes), 0, 0, 0
    )
    body = ext + b"".join(encoded for _, encoded in attributes)
    yield _node(RES_XML_START_ELEMENT_TYPE, next(lines), body)
    for child in element.children:
        yield from _element_chunks(child, pool, lines)
    yield _node(
        RES_XML_END_ELEMENT_TYPE,
        next(lines),
        struct.pack("<II", NO_INDEX, pool.index(element.tag)),
    )


def encode_axml(root: AxmlElement) -> bytes:
    """Compile ``root`` (declaring the android namespace) to Android binary XML."""
    pool = StringPool()
    # Strings with a resource ID come first: the resource map covers indexes 0..n-1.
    res_ids = sorted(ANDROID_ATTR_IDS.values())
    for res_id in res_ids:
        pool.index(_ATTR_NAME_BY_ID[res_id])
    namespace = struct.pack("<II", pool.index("android"), pool.index(ANDROID_NS))
    lines = itertools.count(1)
    body = b"".join(
        [
            _node(RES_XML_START_NAMESPACE_TYPE, next(lines), namespace),
            *_element_chunks(root, pool, lines),
            _node(RES_XML_END_NAMESPACE_TYPE, next(lines), namespace),
        ]
    )
    resource_map = chunk(RES_XML_RESOURCE_MAP_TYPE, b"", struct.pack(f"<{len(res_ids)}I", *res_ids))
    return chunk(RES_XML_TYPE, b"", pool.chunk() + resource_map + body)


# --------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Attr:
    """One decoded attribute: Res_value type and data, plus its string form."""

    type: int
    data: int
    string: str | None  # the string for TYPE_STRING, else the raw value if any


@dataclass(frozen=True)
class StartTag:
    """A decoded start element.

    ``depth`` 0 is the root.  Android attributes are keyed ``android:<name>``
    (found by resource ID when possible), others by their plain name.
    """

    tag: str
    depth: int
    attrs: dict[str, Attr]


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
        and types[:1] == [(RES_STRING_POOL_TYPE, 28)]
        and types[1:2] == [(RES_XML_RESOURCE_MAP_TYPE, 8)]
    )


def decode_manifest(data: bytes) -> list[StartTag]:
    """Decode binary XML with apkInspector (the only use of its untyped API)."""
    if len(data) < 8 or struct.unpack_from("<H", data)[0] != RES_XML_TYPE:
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

        tags: list[StartTag] = []
        depth = 0
        for element in parsed.elements:
            if isinstance(element, _axml.XmlEndElement):
                depth -= 1
            elif isinstance(element, _axml.XmlStartElement):
                attrs: dict[str, Attr] = {}
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
                    text_index = value if value_type == TYPE_STRING else int(attr.raw_value_index)
                    text = strings[text_index] if 0 <= text_index < len(strings) else None
                    attrs.setdefault(key, Attr(value_type, value, text))
                tags.append(StartTag(string(int(element.attrext[1])), depth, attrs))
                depth += 1
    except Exception as exc:  # apkInspector raises anything on malformed input
        raise InvalidApk(f"not an APK: {MANIFEST_NAME} cannot be decoded") from exc
    return tags
