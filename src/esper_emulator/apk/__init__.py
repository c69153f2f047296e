"""Android APKs: read their metadata as the emulator does on upload, and build real ones for tests.

- :mod:`.reading`: :func:`read_apk`, bounded against zip bombs.
- :mod:`.building`: :func:`build_apk` and :func:`write_apk`.
- :mod:`.axml` and :mod:`.arsc`: the manifest's compiled XML and the resource table.
"""

from esper_emulator.apk._format import MANIFEST_NAME, RESOURCES_NAME, InvalidApk
from esper_emulator.apk.arsc import encode_string_table
from esper_emulator.apk.axml import (
    ANDROID_ATTR_IDS,
    ANDROID_NS,
    AxmlElement,
    ResourceRef,
    encode_axml,
)
from esper_emulator.apk.building import build_apk, write_apk
from esper_emulator.apk.reading import (
    MAX_MANIFEST_BYTES,
    MAX_RESOURCES_BYTES,
    ApkInfo,
    read_apk,
)

__all__ = [
    "ANDROID_ATTR_IDS",
    "ANDROID_NS",
    "MANIFEST_NAME",
    "MAX_MANIFEST_BYTES",
    "MAX_RESOURCES_BYTES",
    "RESOURCES_NAME",
    "ApkInfo",
    "AxmlElement",
    "InvalidApk",
    "ResourceRef",
    "build_apk",
    "encode_axml",
    "encode_string_table",
    "read_apk",
    "write_apk",
]
