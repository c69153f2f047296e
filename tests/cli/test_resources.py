"""``esper policies``, ``geofences``, ``content`` and ``enterprise``."""

from __future__ import annotations

import os
import re
from pathlib import Path

import esperclient
from esper_cli.output import wire_keys
from tests.cli.conftest import run_esper
from tests.conftest import Tenant


def test_policies_list_and_show_by_number_or_name(env: Tenant, sdk: esperclient.Esper) -> None:
    kiosk = sdk.policies.create("Kiosk", {"cameraDisabled": True})
    sdk.policies.create("Office", {"cameraDisabled": False})
    number = str(kiosk.url).rstrip("/").rsplit("/", 1)[1]

    listed = run_esper("policies", "list", "-o", "json")
    assert listed.code == 0, listed.everything
    assert sorted(p["name"] for p in listed.json()) == ["Kiosk", "Office"]
    assert list(listed.json()[0]) == wire_keys(esperclient.EnterprisePolicy)
    table = run_esper("policies", "list", "--name", "Kiosk")
    assert table.stdout.splitlines()[0].split() == ["ID", "NAME", "DEVICES", "ACTIVE", "UPDATED"]
    assert table.stdout.splitlines()[1].split()[:2] == [number, "Kiosk"]

    by_number = run_esper("policies", "show", number, "-o", "json")
    by_name = run_esper("policies", "show", "Kiosk", "-o", "json")
    assert by_number.code == by_name.code == 0
    assert by_number.json() == by_name.json()
    assert by_number.json()["policy"]["cameraDisabled"] is True
    assert run_esper("policies", "show", "Nope").code == 4
    assert run_esper("policies", "show", "999999").code == 4


def test_geofences_create_list_show_delete(env: Tenant) -> None:
    created = run_esper(
        "geofences", "create", "HQ", "--lat", "38.72", "--lon", "-9.14", "--radius", "50",
        "--unit", "kilometers", "--action", "beep", "--description", "Head office", "-o", "json",
    )  # fmt: skip
    assert created.code == 0, created.everything
    fence = created.json()
    assert list(fence) == wire_keys(esperclient.Geofence)
    assert (fence["latitude"], fence["longitude"]) == ("38.72", "-9.14")
    assert (fence["radius"], fence["radius_unit"]) == (50, "KILOMETERS")
    assert fence["device_actions"] == ["BEEP"]

    assert [g["id"] for g in run_esper("geofences", "list", "-o", "json").json()] == [fence["id"]]
    assert run_esper("geofences", "list", "--search", "nothing", "-o", "json").json() == []
    table = run_esper("geofences", "list")
    assert table.stdout.splitlines()[1].split()[:4] == [fence["id"], "HQ", "38.72", "-9.14"]
    shown = run_esper("geofences", "show", fence["id"], "-o", "json")
    assert shown.json() == fence

    bad = run_esper("geofences", "create", "Sea", "--lat", "138", "--lon", "0")
    assert bad.code == 1
    assert bad.stderr.startswith("error: 400 Bad Request: latitude: ")

    assert run_esper("geofences", "delete", fence["id"]).code == 2  # no --yes, no terminal
    assert run_esper("geofences", "delete", fence["id"], "--yes").code == 0
    gone = run_esper("geofences", "show", fence["id"])
    assert gone.code == 4 and gone.stderr.startswith("error: 404 Not Found: ")


def test_content_upload_with_progress_list_show_delete(env: Tenant, tmp_path: Path) -> None:
    document = tmp_path / "manual.pdf"
    document.write_bytes(os.urandom(700_000))
    uploaded = run_esper("content", "upload", str(document), "-o", "json")
    assert uploaded.code == 0, uploaded.everything
    content = uploaded.json()
    assert list(content) == wire_keys(esperclient.Content)
    assert content["name"] == "manual.pdf" and int(content["size"]) == 700_000
    progress = [
        (int(sent), int(total))
        for sent, total in re.findall(
            r"^manual\.pdf: uploaded (\d+)/(\d+) bytes", uploaded.stderr, re.M
        )
    ]
    assert len(progress) >= 3 and progress[-1][0] == progress[-1][1] > 700_000

    listed = run_esper("content", "list", "-o", "json")
    assert [c["id"] for c in listed.json()] == [content["id"]]
    table = run_esper("content", "list", "--search", "manual")
    assert table.stdout.splitlines()[0].split() == ["ID", "NAME", "KIND", "SIZE", "TAGS", "CREATED"]
    assert run_esper("content", "show", str(content["id"]), "-o", "json").json() == content
    assert run_esper("content", "delete", str(content["id"]), "-y").code == 0
    assert run_esper("content", "show", str(content["id"])).code == 4


def test_enterprise_show(env: Tenant) -> None:
    result = run_esper("enterprise", "show", "-o", "json")
    assert result.code == 0, result.everything
    assert list(result.json()) == wire_keys(esperclient.EnterpriseV1)
    assert result.json()["id"] == env.enterprise_id
    table = run_esper("enterprise", "show")
    rows = dict(
        line.split(None, 1)
        for line in table.stdout.splitlines()
        if line.split()[0] in ("ID", "Name")
    )
    assert rows == {"ID": env.enterprise_id, "Name": "Test Enterprise"}
