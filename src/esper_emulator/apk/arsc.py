"""Android's resource table (``resources.arsc``): string resources, written and resolved.

:func:`encode_string_table` writes a table of ``string`` resources for test APKs;
:func:`resolve_string` finds a string resource's value with ``pyaxmlparser``'s
``ARSCParser`` (androguard's resource-table reader, without androguard's dependencies).
A resource id is ``0xPPTTEEEE``: package, type, entry index. The table::

    RES_TABLE_TYPE (0x0002)              u32 package_count
      RES_STRING_POOL_TYPE               the values of the string resources
      RES_TABLE_PACKAGE_TYPE (0x0200)    u32 id (0x7f), u16 name[128], u32 type_strings
                                         (offset of the type-name pool in this chunk),
                                         u32 last_public_type, u32 key_strings,
                                         u32 last_public_key, u32 type_id_offset
        RES_STRING_POOL_TYPE             type names ("string" is type 1)
        RES_STRING_POOL_TYPE             entry names ("app_name", ...)
        RES_TABLE_TYPE_SPEC (0x0202)     u8 type id, u8 0, u16 0, u32 entry_count;
                                         u32 config-change flags per entry
        RES_TABLE_TYPE (0x0201)          one per configuration: u8 type id, u8 flags,
                                         u16 0, u32 entry_count, u32 entries_start,
                                         ResTable_config (u32 size, u32 imsi,
                                         char language[2], char country[2], zeros);
                                         u32 offset per entry (0xFFFFFFFF: none);
                                         entries: u16 size=8, u16 flags, u32 key,
                                         Res_value (u16 8, u8 0, u8 type, u32 data)
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Mapping
from typing import Any

from esper_emulator.apk._format import (
    NO_INDEX,
    RES_TABLE_PACKAGE_TYPE,
    RES_TABLE_TYPE,
    RES_TABLE_TYPE_SPEC_TYPE,
    RES_TABLE_TYPE_TYPE,
    RESOURCES_NAME,
    TYPE_STRING,
    InvalidApk,
    StringPool,
    chunk,
)

__all__ = ["DEFAULT_LOCALE", "encode_string_table", "resolve_string"]

#: The locale key of a resource's default value (no qualifier, ``res/values/``).
DEFAULT_LOCALE = ""

_APP_PACKAGE_ID = 0x7F
_STRING_TYPE_ID = 1
_CONFIG_SIZE = 64  # sizeof(ResTable_config) as aapt2 writes it
_CONFIG_LOCALE = 0x0004  # a spec flag: the entry's value varies by locale


def encode_string_table(
    package_name: str, strings: Mapping[str, Mapping[str, str]]
) -> tuple[bytes, dict[str, int]]:
    """Compile string resources to ``resources.arsc``; return it and each name's id.

    ``strings`` maps a resource name (``app_name``) to its value per locale: ``""`` is
    the default, ``"fr"`` or ``"pt-rBR"`` a qualified one (``res/values-pt-rBR/``).
    """
    names = list(strings)
    values = StringPool(value for by_locale in strings.values() for value in by_locale.values())
    locales = sorted({locale for by_locale in strings.values() for locale in by_locale})
    spec_flags = [_CONFIG_LOCALE if len(strings[n]) > 1 else 0 for n in names]
    types = [_type_chunk(locale, names, strings, values) for locale in locales]
    package_body = (
        StringPool(["string"]).chunk()
        + StringPool(names).chunk()
        + chunk(
            RES_TABLE_TYPE_SPEC_TYPE,
            struct.pack("<BBHI", _STRING_TYPE_ID, 0, 0, len(names)),
            struct.pack(f"<{len(names)}I", *spec_flags),
        )
        + b"".join(types)
    )
    package = chunk(RES_TABLE_PACKAGE_TYPE, _package_header(package_name), package_body)
    table = chunk(RES_TABLE_TYPE, struct.pack("<I", 1), values.chunk() + package)
    ids = {name: _resource_id(index) for index, name in enumerate(names)}
    return table, ids


def _resource_id(entry: int) -> int:
    return _APP_PACKAGE_ID << 24 | _STRING_TYPE_ID << 16 | entry


def _package_header(package_name: str) -> bytes:
    name = package_name.encode("utf-16-le")[:254].ljust(256, b"\0")
    header_size = 8 + 4 + 256 + 5 * 4
    type_strings = header_size
    key_strings = type_strings + len(StringPool(["string"]).chunk())
    return (
        struct.pack("<I", _APP_PACKAGE_ID)
        + name
        + struct.pack("<IIIII", type_strings, 1, key_strings, 0, 0)
    )


def _config(locale: str) -> bytes:
    language, _, region = locale.partition("-r")
    locale_bytes = language.encode("ascii").ljust(2, b"\0") + region.encode("ascii").ljust(2, b"\0")
    if len(locale_bytes) != 4:
        raise ValueError(f"unsupported locale {locale!r}: use 'xx' or 'xx-rYY'")
    return struct.pack("<II", _CONFIG_SIZE, 0) + locale_bytes + bytes(_CONFIG_SIZE - 12)


def _type_chunk(
    locale: str, names: list[str], strings: Mapping[str, Mapping[str, str]], values: StringPool
) -> bytes:
    """The ``string`` entries of one configuration; names without a value there are absent."""
    offsets, entries = [], b""
    for key, name in enumerate(names):
        value = strings[name].get(locale)
        if value is None:
            offsets.append(NO_INDEX)
            continue
        offsets.append(len(entries))
        entries += struct.pack("<HHIHBBI", 8, 0, key, 8, 0, TYPE_STRING, values.index(value))
    config = _config(locale)
    entries_start = 8 + 12 + len(config) + 4 * len(names)
    header = struct.pack("<BBHII", _STRING_TYPE_ID, 0, 0, len(names), entries_start) + config
    return chunk(RES_TABLE_TYPE_TYPE, header, struct.pack(f"<{len(names)}I", *offsets) + entries)


def resolve_string(table: bytes, res_id: int) -> str | None:
    """The default value of string resource ``res_id`` in ``table``; None when absent.

    Follows references between resources. Without a default value, the first
    configuration's value is used. A table that cannot be decoded is an
    :class:`InvalidApk`.
    """
    try:
        parser = _arsc_parser_class()(table)
        configs = parser.get_resolved_res_configs(res_id)
    except Exception as exc:  # ARSCParser raises anything on malformed input
        raise InvalidApk(f"not an APK: {RESOURCES_NAME} cannot be decoded") from exc
    texts = [(config.get_language(), value) for config, value in configs if isinstance(value, str)]
    default = [value for language, value in texts if language in ("\0\0", "")]
    chosen = default or [value for _, value in texts]
    return chosen[0] if chosen else None


def _arsc_parser_class() -> Any:
    """``pyaxmlparser``'s ``ARSCParser``, imported on first use (it brings in lxml)."""
    logging.getLogger("pyaxmlparser").setLevel(logging.ERROR)
    from pyaxmlparser.arscparser import ARSCParser  # type: ignore[import-untyped]

    return ARSCParser
