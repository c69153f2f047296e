"""Android's binary resource format (``ResourceTypes.h``): the pieces shared by both files.

Compiled XML (``AndroidManifest.xml``) and the resource table (``resources.arsc``) are
both sequences of little-endian chunks, each starting with ``u16 type, u16 header_size,
u32 total_size``, and both keep their text in string pool chunks::

    RES_STRING_POOL_TYPE (0x0001)  u32 string_count, style_count, flags (0 = UTF-16),
                                   strings_start, styles_start; u32 offsets[]; strings
                                   as u16 length, UTF-16LE units, u16 0; 4-byte padded

String references are indexes into a pool; 0xFFFFFFFF means none.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

# Chunk types.
RES_STRING_POOL_TYPE = 0x0001
RES_TABLE_TYPE = 0x0002
RES_XML_TYPE = 0x0003
RES_XML_START_NAMESPACE_TYPE = 0x0100
RES_XML_END_NAMESPACE_TYPE = 0x0101
RES_XML_START_ELEMENT_TYPE = 0x0102
RES_XML_END_ELEMENT_TYPE = 0x0103
RES_XML_RESOURCE_MAP_TYPE = 0x0180
RES_TABLE_PACKAGE_TYPE = 0x0200
RES_TABLE_TYPE_TYPE = 0x0201
RES_TABLE_TYPE_SPEC_TYPE = 0x0202

# Res_value data types.
TYPE_REFERENCE = 0x01
TYPE_STRING = 0x03
TYPE_INT_DEC = 0x10
TYPE_INT_HEX = 0x11

NO_INDEX = 0xFFFFFFFF


class StringPool:
    """Strings in order of first use, each stored once."""

    def __init__(self, strings: Iterable[str] = ()) -> None:
        self.strings: list[str] = []
        self._index: dict[str, int] = {}
        for value in strings:
            self.index(value)

    def index(self, value: str) -> int:
        """Index of ``value``, added at the end of the pool on first use."""
        if value not in self._index:
            self._index[value] = len(self.strings)
            self.strings.append(value)
        return self._index[value]

    def chunk(self) -> bytes:
        """The pool as a UTF-16 ``RES_STRING_POOL_TYPE`` chunk."""
        offsets, data, size = [], [], 0
        for value in self.strings:
            offsets.append(size)
            units = value.encode("utf-16-le")
            length = len(units) // 2
            if length > 0x7FFF:  # long form: high bit set, 31-bit length in two u16
                prefix = struct.pack("<HH", 0x8000 | (length >> 16), length & 0xFFFF)
            else:
                prefix = struct.pack("<H", length)
            data.append(prefix + units + b"\0\0")
            size += len(data[-1])
        count = len(self.strings)
        header = struct.pack("<IIIII", count, 0, 0, 28 + 4 * count, 0)
        return chunk(
            RES_STRING_POOL_TYPE, header, struct.pack(f"<{count}I", *offsets) + b"".join(data)
        )


def chunk(chunk_type: int, header: bytes, body: bytes) -> bytes:
    """Build a chunk: 8-byte ResChunk_header, rest of header, body; 4-byte aligned."""
    body += b"\0" * (-(8 + len(header) + len(body)) % 4)
    return (
        struct.pack("<HHI", chunk_type, 8 + len(header), 8 + len(header) + len(body))
        + header
        + body
    )


MANIFEST_NAME = "AndroidManifest.xml"
RESOURCES_NAME = "resources.arsc"


class InvalidApk(ValueError):
    """The file is not a readable APK; ``str(exc)`` is a short human message."""
