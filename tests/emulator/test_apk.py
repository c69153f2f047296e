"""Tests for esper_emulator.apk: APK building, reading and rejection of bad input."""

from __future__ import annotations

import contextlib
import hashlib
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from esper_emulator.apk import (
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    MAX_RESOURCES_BYTES,
    RESOURCES_NAME,
    ApkInfo,
    AxmlElement,
    InvalidApk,
    ResourceRef,
    build_apk,
    encode_axml,
    encode_string_table,
    read_apk,
    write_apk,
)

BOMB_SIZE = 50 * 1024 * 1024


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _write_bomb(
    path: Path, entry_name: str = MANIFEST_NAME, size: int = BOMB_SIZE, manifest: bytes = b""
) -> Path:
    """Write a zip whose ``entry_name`` inflates to ``size`` zeros, streaming 1 MB at a time.

    ``manifest``, when given, is written first as the APK's manifest.
    """
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if manifest:
            archive.writestr(MANIFEST_NAME, manifest)
        with archive.open(entry_name, "w") as entry:
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return path


def _peak_memory_of_read(path: Path) -> tuple[str, int]:
    """Call read_apk expecting InvalidApk; return its message and peak traced memory."""
    tracemalloc.start()
    try:
        with pytest.raises(InvalidApk) as excinfo:
            read_apk(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return str(excinfo.value), peak


def test_round_trip_defaults(tmp_path: Path) -> None:
    path = build_apk(tmp_path / "demo.apk", package_name="com.example.demo")

    info = read_apk(path)

    assert isinstance(info, ApkInfo)
    assert info.package_name == "com.example.demo"
    assert info.version_code == 1
    assert info.version_name == "1.0"
    assert info.min_sdk_version == "21"
    assert info.target_sdk_version == "30"
    assert info.label == "Demo App"
    assert info.permissions == ("android.permission.INTERNET",)


def test_round_trip_non_default_values(tmp_path: Path) -> None:
    permissions = (
        "android.permission.CAMERA",
        "android.permission.ACCESS_FINE_LOCATION",
        "com.example.permission.CUSTOM",
    )
    path = build_apk(
        str(tmp_path / "other.apk"),
        package_name="io.esper.sample.app",
        version_code=2_000_000_123,
        version_name="7.4.1-rc2",
        min_sdk=26,
        target_sdk=34,
        label=None,
        permissions=permissions,
    )

    info = read_apk(str(path))

    assert (info.package_name, info.version_code, info.version_name) == (
        "io.esper.sample.app",
        2_000_000_123,
        "7.4.1-rc2",
    )
    assert (info.min_sdk_version, info.target_sdk_version) == ("26", "34")
    assert info.label is None
    assert info.permissions == permissions


def test_round_trip_no_permissions_and_non_ascii_label(tmp_path: Path) -> None:
    label = "Démo 📱 <&\"'>"
    info = read_apk(build_apk(tmp_path / "a.apk", package_name="a.b", label=label, permissions=()))

    assert info.label == label
    assert info.permissions == ()


def test_sha256_and_size_match_file(tmp_path: Path) -> None:
    path = build_apk(tmp_path / "demo.apk", package_name="com.example.demo")
    data = path.read_bytes()

    info = read_apk(path)

    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.size_bytes == len(data) == path.stat().st_size


def test_build_is_deterministic_and_has_the_expected_entries(tmp_path: Path) -> None:
    first = build_apk(tmp_path / "1.apk", package_name="com.example.demo")
    second = build_apk(tmp_path / "2.apk", package_name="com.example.demo")

    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == ["AndroidManifest.xml", "classes.dex", "META-INF/MANIFEST.MF"]
        manifest = archive.read("AndroidManifest.xml")
    # RES_XML_TYPE header whose total size is the whole file, then a string pool chunk.
    assert struct.unpack_from("<HHI", manifest) == (0x0003, 8, len(manifest))
    assert struct.unpack_from("<HH", manifest, 8) == (0x0001, 28)


def test_label_resource_reference_reads_as_none(tmp_path: Path) -> None:
    manifest = AxmlElement(
        "manifest",
        {"package": "com.example.ref", "android:versionCode": 5},
        [AxmlElement("application", {"android:label": ResourceRef(0x7F0E001B)})],
    )
    info = read_apk(write_apk(tmp_path / "ref.apk", encode_axml(manifest)))

    assert info.label is None
    assert info.version_name is None
    assert info.min_sdk_version is None
    assert info.target_sdk_version is None
    assert info.permissions == ()


def _manifest_labelled(label: ResourceRef) -> bytes:
    return encode_axml(
        AxmlElement(
            "manifest",
            {"package": "com.example.res", "android:versionCode": 1},
            [AxmlElement("application", {"android:label": label})],
        )
    )


def test_label_from_string_resource_is_its_default_value(tmp_path: Path) -> None:
    labels = {"": "Tiny Notepad", "fr": "Petit bloc-notes", "pt-rBR": "Bloco de notas"}
    path = build_apk(tmp_path / "res.apk", package_name="com.robot15.tiny.notepad", label=labels)

    assert read_apk(path).label == "Tiny Notepad"
    with zipfile.ZipFile(path) as archive:
        assert RESOURCES_NAME in archive.namelist()
        assert archive.getinfo(RESOURCES_NAME).compress_type == zipfile.ZIP_STORED
    assert (
        build_apk(
            tmp_path / "again.apk", package_name="com.robot15.tiny.notepad", label=labels
        ).read_bytes()
        == path.read_bytes()
    )


def test_label_without_default_value_takes_the_first_locale(tmp_path: Path) -> None:
    path = build_apk(tmp_path / "fr.apk", package_name="a.b", label={"fr": "Bloc-notes"})

    assert read_apk(path).label == "Bloc-notes"


def test_label_resource_chosen_by_id_among_several(tmp_path: Path) -> None:
    table, ids = encode_string_table(
        "com.example.res",
        {"title": {"": "Not the label"}, "app_name": {"": "Field Scanner"}, "x": {"de": "Y"}},
    )
    manifest = _manifest_labelled(ResourceRef(ids["app_name"]))

    assert ids == {"title": 0x7F010000, "app_name": 0x7F010001, "x": 0x7F010002}
    assert read_apk(write_apk(tmp_path / "ids.apk", manifest, table)).label == "Field Scanner"


def test_label_resource_missing_from_the_table_reads_as_none(tmp_path: Path) -> None:
    table, _ = encode_string_table("com.example.res", {"app_name": {"": "Scanner"}})
    path = write_apk(tmp_path / "gone.apk", _manifest_labelled(ResourceRef(0x7F010009)), table)

    assert read_apk(path).label is None


def test_damaged_resource_table_is_invalid(tmp_path: Path) -> None:
    table, ids = encode_string_table("com.example.res", {"app_name": {"": "Scanner"}})
    manifest = _manifest_labelled(ResourceRef(ids["app_name"]))
    path = write_apk(tmp_path / "bad.apk", manifest, b"\x02\x00\x0c\x00" + bytes(64))

    with pytest.raises(InvalidApk) as excinfo:
        read_apk(path)

    assert str(excinfo.value) == "not an APK: resources.arsc cannot be decoded"
    for offset in range(0, len(table), 5):  # any corruption is read or rejected, nothing else
        damaged = bytearray(table)
        damaged[offset] ^= 0xFF
        with contextlib.suppress(InvalidApk):
            read_apk(write_apk(tmp_path / "damaged.apk", manifest, bytes(damaged)))


def test_resource_table_bomb_is_rejected_without_inflating(tmp_path: Path) -> None:
    manifest = _manifest_labelled(ResourceRef(0x7F010000))
    size = MAX_RESOURCES_BYTES + 1024 * 1024
    path = _write_bomb(tmp_path / "bomb.apk", RESOURCES_NAME, size, manifest)

    message, peak = _peak_memory_of_read(path)

    assert message == (
        f"not an APK: resources.arsc is too large ({size} bytes, limit {MAX_RESOURCES_BYTES})"
    )
    assert peak < 3 * 1024 * 1024


def test_sdk_codename_is_read_as_string(tmp_path: Path) -> None:
    manifest = AxmlElement(
        "manifest",
        {"package": "com.example.preview", "android:versionCode": 1},
        [AxmlElement("uses-sdk", {"android:minSdkVersion": "VanillaIceCream"})],
    )
    info = read_apk(write_apk(tmp_path / "preview.apk", encode_axml(manifest)))

    assert info.min_sdk_version == "VanillaIceCream"


def _manifest_without(attribute: str) -> bytes:
    attrs: dict[str, str | int] = {"package": "com.example.bad", "android:versionCode": 3}
    del attrs[attribute]
    return encode_axml(AxmlElement("manifest", dict(attrs)))


def _manifest_with_bad_string_pool() -> bytes:
    """A manifest with sound chunk framing whose string pool offsets point nowhere."""
    manifest = bytearray(_manifest_without("package"))
    struct.pack_into("<I", manifest, 8 + 20, 0xFFFFFF00)  # stringsStart
    return bytes(manifest)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda p: p.write_text("just some text\n"),
            "not an APK: the file is not a zip archive",
            id="text-file",
        ),
        pytest.param(
            lambda p: p.write_bytes(b""),
            "not an APK: the file is empty",
            id="empty-file",
        ),
        pytest.param(
            lambda p: _zip(p, {"classes.dex": b"dex\n035\0"}),
            "not an APK: AndroidManifest.xml is missing",
            id="zip-without-manifest",
        ),
        pytest.param(
            lambda p: _zip(p, {"AndroidManifest.xml": bytes(range(256)) * 8}),
            "not an APK: AndroidManifest.xml is not compiled binary XML",
            id="garbage-manifest",
        ),
        pytest.param(
            lambda p: _zip(p, {"AndroidManifest.xml": b"\x03\x00\x08\x00" + bytes(range(256)) * 8}),
            "not an APK: AndroidManifest.xml cannot be decoded (bad chunk layout)",
            id="garbage-after-axml-magic",
        ),
        pytest.param(
            lambda p: write_apk(p, _manifest_with_bad_string_pool()),
            "not an APK: AndroidManifest.xml cannot be decoded",
            id="bad-string-pool",
        ),
        pytest.param(
            lambda p: _zip(p, {"AndroidManifest.xml": b'<manifest package="a.b"/>'}),
            "not an APK: AndroidManifest.xml is not compiled binary XML",
            id="plain-text-manifest",
        ),
        pytest.param(
            lambda p: write_apk(p, _manifest_without("android:versionCode")),
            "not an APK: the manifest has no android:versionCode",
            id="no-version-code",
        ),
        pytest.param(
            lambda p: write_apk(p, _manifest_without("package")),
            "not an APK: the manifest has no package name",
            id="no-package",
        ),
        pytest.param(
            lambda p: write_apk(
                p,
                encode_axml(
                    AxmlElement("manifest", {"package": "a.b", "android:versionCode": "12"})
                ),
            ),
            "not an APK: android:versionCode is not an integer",
            id="string-version-code",
        ),
        pytest.param(
            lambda p: write_apk(p, encode_axml(AxmlElement("application"))),
            "not an APK: AndroidManifest.xml has no <manifest> root element",
            id="wrong-root",
        ),
    ],
)
def test_bad_input_raises_invalid_apk(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / "bad.apk"
    make(path)

    with pytest.raises(InvalidApk) as excinfo:
        read_apk(path)

    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, ValueError)


def test_truncated_apk_raises_invalid_apk(tmp_path: Path) -> None:
    data = build_apk(tmp_path / "ok.apk", package_name="com.example.demo").read_bytes()
    for cut in (10, len(data) // 2, len(data) - 10):
        path = tmp_path / f"cut{cut}.apk"
        path.write_bytes(data[:cut])
        with pytest.raises(InvalidApk, match=r"^not an APK: "):
            read_apk(path)


def test_corrupted_manifest_bytes_raise_invalid_apk(tmp_path: Path) -> None:
    """Every single-byte corruption of a valid manifest is either read or rejected."""
    manifest = bytearray(
        encode_axml(AxmlElement("manifest", {"package": "a.b", "android:versionCode": 1}))
    )
    for offset in range(0, len(manifest), 3):
        damaged = bytearray(manifest)
        damaged[offset] ^= 0xFF
        path = write_apk(tmp_path / "damaged.apk", bytes(damaged))
        with contextlib.suppress(InvalidApk):
            read_apk(path)


def test_missing_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_apk(tmp_path / "absent.apk")


def test_zip_bomb_manifest_is_rejected_without_inflating(tmp_path: Path) -> None:
    path = _write_bomb(tmp_path / "bomb.apk")
    assert path.stat().st_size < 1024 * 1024  # 50 MB of zeros deflate to ~50 KB

    message, peak = _peak_memory_of_read(path)

    assert message == (
        f"not an APK: AndroidManifest.xml is too large "
        f"({BOMB_SIZE} bytes, limit {MAX_MANIFEST_BYTES})"
    )
    assert peak < 3 * 1024 * 1024


def test_zip_bomb_with_understated_size_is_rejected(tmp_path: Path) -> None:
    """A bomb whose headers claim a tiny manifest is cut off at the claimed size."""
    path = _write_bomb(tmp_path / "liar.apk")
    data = bytearray(path.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 1000)  # uncompressed size, local header
    struct.pack_into("<I", data, central + 24, 1000)  # uncompressed size, central directory
    path.write_bytes(bytes(data))

    message, peak = _peak_memory_of_read(path)

    assert message.startswith("not an APK: AndroidManifest.xml ")
    assert peak < 3 * 1024 * 1024
