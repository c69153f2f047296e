"""``esper apps``: upload with progress, list, show, versions, install, delete."""

from __future__ import annotations

import re
import secrets
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import esperclient
from esper_cli.output import wire_keys
from tests.cli.conftest import online_devices, run_esper
from tests.conftest import Tenant

FAST = ("--interval", "0.05")
UPLOADED = re.compile(r"^(?P<name>\S+): uploaded (?P<sent>\d+)/(?P<total>\d+) bytes \(\d+%\)$")


def progress_of(stderr: str) -> list[tuple[int, int]]:
    """The (sent, total) of each upload progress line."""
    found = [UPLOADED.match(line) for line in stderr.splitlines()]
    return [(int(m["sent"]), int(m["total"])) for m in found if m]


def upload(apk: Path) -> Any:
    """Upload ``apk`` with the command line; the application as JSON."""
    result = run_esper("apps", "upload", str(apk), "-o", "json")
    assert result.code == 0, result.everything
    return result.json()


def test_upload_shows_the_bytes_sent_up_to_the_total(
    env: Tenant, make_apk: Callable[..., Path]
) -> None:
    noise = [f"perm.p{secrets.token_hex(16)}" for _ in range(12000)]  # hard to compress
    apk = make_apk("com.example.upload", permissions=noise)
    assert apk.stat().st_size > 300_000  # more than one chunk of the SDK's stream
    result = run_esper("apps", "upload", str(apk))
    assert result.code == 0, result.everything
    progress = progress_of(result.stderr)
    assert len(progress) >= 3
    assert [sent for sent, _ in progress] == sorted(sent for sent, _ in progress)
    total = progress[-1][1]
    assert progress[-1] == (total, total) and total > apk.stat().st_size  # the whole body
    assert {t for _, t in progress} == {total}
    assert "com.example.upload" in result.stdout
    assert "install it with: esper apps install " in result.stderr
    newer = make_apk("com.example.upload", version_code=2)
    quiet = run_esper("--quiet", "apps", "upload", str(newer), "-o", "json")
    assert quiet.code == 0 and quiet.stderr == ""


def test_a_second_upload_of_a_version_says_which_version_exists(
    env: Tenant, make_apk: Callable[..., Path]
) -> None:
    apk = make_apk("com.example.twice")
    version = upload(apk)["versions"][0]
    again = run_esper("--quiet", "apps", "upload", str(apk))
    assert again.code == 1
    already = (
        f"version code 1 of com.example.twice is already uploaded: version 1.0, id {version['id']}"
    )
    assert again.stderr.splitlines() == [
        f"error: {already}",
        "hint: install it with `esper apps install`, or pass --skip-existing",
    ]
    skipped = run_esper("apps", "upload", str(apk), "--skip-existing", "-o", "json")
    assert skipped.code == 0, skipped.everything
    assert skipped.json()["versions"][0]["id"] == version["id"]
    assert already in skipped.stderr

    rebuilt = make_apk("com.example.twice", label="Another build")  # same version code
    refused = run_esper("--quiet", "apps", "upload", str(rebuilt), "--skip-existing")
    assert refused.code == 1  # not this file: the server's refusal as it is
    assert refused.stderr == (
        "error: 400 Bad Request: App version already exists"
        " (app_file: App version already exists)\n"
    )


def test_a_file_that_is_not_an_apk_is_refused_before_any_request(tmp_path: Path) -> None:
    # Nothing is configured: a request would fail with exit 3, the local check exits 2.
    text = tmp_path / "notes.apk"
    text.write_text("not a zip")
    no_manifest = tmp_path / "empty.apk"
    with zipfile.ZipFile(no_manifest, "w") as archive:
        archive.writestr("classes.dex", b"")
    for path, reason in (
        (text, "it is not a zip archive"),
        (no_manifest, "it has no AndroidManifest.xml"),
    ):
        result = run_esper("apps", "upload", str(path))
        assert result.code == 2
        assert result.stderr == f"error: {path} is not an APK: {reason}\n"


def test_install_by_package_name_installs_the_newest_version(
    env: Tenant, sdk: esperclient.Esper, make_apk: Callable[..., Path]
) -> None:
    upload(make_apk("com.acme.kiosk", version_code=3, version_name="3.0"))
    newest = upload(make_apk("com.acme.kiosk", version_code=10, version_name="10.0"))
    upload(make_apk("com.acme.kiosk", version_code=7, version_name="7.0"))  # uploaded last
    newest_id = next(v["id"] for v in newest["versions"] if v["version_name"] == "10.0")
    device = online_devices(sdk)[0]
    result = run_esper("apps", "install", "com.acme.kiosk", "-d", str(device.id), "-o", "json")
    assert result.code == 0, result.everything
    assert result.json()["command_args"]["app_version"] == newest_id
    assert f"installing com.acme.kiosk 10.0 (version code 10): {newest_id}" in result.stderr
    table = run_esper("apps", "versions", "com.acme.kiosk")
    assert table.stdout.splitlines()[0].split()[:4] == ["ID", "VERSION", "VERSION", "CODE"]
    unknown = run_esper("apps", "install", "com.acme.nothing", "-d", str(device.id))
    assert unknown.code == 4


def test_list_show_and_versions(env: Tenant, make_apk: Callable[..., Path]) -> None:
    first = upload(make_apk("com.example.listed"))
    second = upload(make_apk("com.example.listed", version_code=2, version_name="2.0"))
    assert first["id"] == second["id"]  # a new version of the same application
    assert list(second) == wire_keys(esperclient.Application)

    listed = run_esper("apps", "list", "-o", "json").json()
    assert [a["package_name"] for a in listed] == ["com.example.listed"]
    table = run_esper("apps", "list")
    assert table.stdout.splitlines()[0].split() == [
        "ID",
        "NAME",
        "PACKAGE",
        "LATEST",
        "VERSIONS",
        "UPDATED",
    ]
    assert run_esper("apps", "list", "--package", "com.example.nothing", "-o", "json").json() == []

    by_package = run_esper("apps", "show", "com.example.listed", "-o", "json")
    by_id = run_esper("apps", "show", str(first["id"]), "-o", "json")
    assert by_package.code == by_id.code == 0
    assert by_package.json() == by_id.json()

    versions = run_esper("apps", "versions", "com.example.listed", "-o", "json")
    assert versions.code == 0
    assert sorted(v["version_name"] for v in versions.json()) == ["1.0", "2.0"]
    assert list(versions.json()[0]) == wire_keys(esperclient.AppVersion)

    missing = run_esper("apps", "show", "com.example.nothing")
    assert missing.code == 4
    assert missing.stderr == (
        "error: 404 Not Found: no application with package or name 'com.example.nothing'\n"
    )


def test_install_on_devices_and_on_a_group(
    env: Tenant, sdk: esperclient.Esper, make_apk: Callable[..., Path]
) -> None:
    uploaded = upload(make_apk("com.example.installed"))
    version_id = uploaded["versions"][0]["id"]
    devices = online_devices(sdk)[:3]

    one = run_esper(
        "apps", "install", version_id, "--device", str(devices[0].device_name), "--wait", *FAST,
        "-o", "json",
    )  # fmt: skip
    assert one.code == 0, one.everything
    assert one.json()["command"] == "INSTALL"
    assert one.json()["command_args"]["app_version"] == version_id
    assert one.json()["state"] == "Command Success"

    two = run_esper(
        "apps", "install", version_id, "-d", str(devices[1].id), "-d", str(devices[2].id),
        "--wait", *FAST, "-o", "json",
    )  # fmt: skip
    assert two.code == 0, two.everything
    assert [o["status"] for o in two.json()] == ["success", "success"]
    assert "INSTALL: 2/2 sent, 2/2 finished" in two.stderr

    installed = sdk.applications.version(str(uploaded["id"]), version_id)
    assert installed.installed_count == 3

    group = sdk.groups.create("Install here")
    assert group.id is not None
    sdk.groups.add_devices(group.id, [str(devices[0].id)])
    grouped = run_esper("apps", "install", version_id, "--group", "Install here", "-o", "json")
    assert grouped.code == 0, grouped.everything
    assert grouped.json()["command"] == "INSTALL"
    assert grouped.json()["command_args"] == {"app_version": version_id}


def test_install_of_an_unknown_version_names_the_field(env: Tenant, sdk: esperclient.Esper) -> None:
    device = online_devices(sdk)[0]
    unknown = "00000000-0000-0000-0000-000000000000"
    result = run_esper("apps", "install", unknown, "--device", str(device.id))
    assert result.code == 1
    assert result.stderr == (
        "error: 400 Bad Request: command_args.app_version: "
        f"No app version '{unknown}' in this enterprise.\n"
    )


def test_delete_asks_for_yes_and_deletes(env: Tenant, make_apk: Callable[..., Path]) -> None:
    uploaded = upload(make_apk("com.example.deleted"))
    refused = run_esper("apps", "delete", "com.example.deleted")
    assert refused.code == 2
    assert "pass --yes" in refused.stderr
    assert run_esper("apps", "show", "com.example.deleted").code == 0

    two = upload(make_apk("com.example.deleted", version_code=2, version_name="2.0"))
    old_version = two["versions"][1]["id"]
    one_version = run_esper(
        "apps", "delete", "com.example.deleted", "--version", old_version, "--yes"
    )
    assert one_version.code == 0, one_version.everything
    left = run_esper("apps", "versions", str(uploaded["id"]), "-o", "json").json()
    assert [v["version_name"] for v in left] == ["2.0"]

    deleted = run_esper("apps", "delete", str(uploaded["id"]), "-y")
    assert deleted.code == 0, deleted.everything
    assert run_esper("apps", "show", str(uploaded["id"])).code == 4
