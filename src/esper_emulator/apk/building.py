"""Build small real (unsigned) APKs for tests and demos.

An APK is a zip holding a compiled ``AndroidManifest.xml``, a placeholder
``classes.dex``, ``META-INF/MANIFEST.MF`` and, when the label is a string
resource, ``resources.arsc``. The APK is not signed.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from esper_emulator.apk._format import MANIFEST_NAME, RESOURCES_NAME
from esper_emulator.apk.arsc import encode_string_table
from esper_emulator.apk.axml import AttrValue, AxmlElement, ResourceRef, encode_axml

_DEX_PLACEHOLDER = b"dex\n035\0" + bytes(104)  # magic + zeroed header: not executable
_JAR_MANIFEST = b"Manifest-Version: 1.0\r\nCreated-By: esper_emulator\r\n\r\n"


def write_apk(
    path: str | os.PathLike[str], manifest: bytes, resources: bytes | None = None
) -> Path:
    """Write an (unsigned) APK zip around already-encoded ``manifest`` (and ``resources``).

    Entries get a fixed timestamp, so equal inputs give byte-identical files.
    ``resources.arsc`` is stored uncompressed, as Android requires since API 30.
    """
    entries = [(MANIFEST_NAME, manifest, zipfile.ZIP_DEFLATED)]
    if resources is not None:
        entries.append((RESOURCES_NAME, resources, zipfile.ZIP_STORED))
    entries += [
        ("classes.dex", _DEX_PLACEHOLDER, zipfile.ZIP_DEFLATED),
        ("META-INF/MANIFEST.MF", _JAR_MANIFEST, zipfile.ZIP_DEFLATED),
    ]
    target = Path(path)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data, compression in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
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
    label: str | Mapping[str, str] | None = "Demo App",
    permissions: Sequence[str] = ("android.permission.INTERNET",),
) -> Path:
    """Write a small real (unsigned) APK with the given manifest values.

    ``label`` is written into the manifest when it is a ``str``. A mapping makes it
    the string resource ``@string/app_name``, with one value per locale (``""`` is
    the default, ``"fr"`` or ``"pt-rBR"`` qualified ones), as most real apps do.
    ``read_apk(build_apk(p, **values))`` returns exactly those values, with the SDK
    levels as strings and the label's default value.
    """
    resources = None
    application: dict[str, AttrValue] = {}
    if isinstance(label, str):
        application["android:label"] = label
    elif label is not None:
        resources, ids = encode_string_table(package_name, {"app_name": label})
        application["android:label"] = ResourceRef(ids["app_name"])
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
            AxmlElement("application", application),
        ],
    )
    return write_apk(path, encode_axml(manifest), resources)
