"""``esper blueprints``: list, show, versions, diff, create, publish, delete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import esperclient
from esper_cli.output import wire_keys
from esperclient._generated.v2 import BlueprintV2
from tests.cli.conftest import run_esper
from tests.conftest import Tenant

WIFI = {"apply_policy": "ALWAYS APPLY", "allow_wifi": True, "wifi_state": "ENABLE"}


def _file(tmp_path: Path, settings: object, name: str = "settings.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(settings))
    return str(path)


def _given(value: Any) -> Any:
    """``value`` without its ``null`` fields (JSON output shows every field)."""
    if isinstance(value, dict):
        return {key: _given(item) for key, item in value.items() if item is not None}
    return value


def test_create_from_a_file_then_show_and_list(env: Tenant, tmp_path: Path) -> None:
    settings = {"android": {"wifi_settings": WIFI}}
    created = run_esper(
        "blueprints", "create", "--name", "Lobby", "--file", _file(tmp_path, settings),
        "--description", "kiosks", "-o", "json",
    )  # fmt: skip
    assert created.code == 0, created.everything
    blueprint = created.json()
    assert list(blueprint) == wire_keys(BlueprintV2)
    assert blueprint["settings"]["android"]["wifi_settings"] == WIFI
    assert (blueprint["version_number"], blueprint["minor_version_number"]) == (1, 0)

    shown = run_esper("blueprints", "show", blueprint["id"], "-o", "json")
    assert shown.json() == blueprint
    table = run_esper("blueprints", "show", blueprint["id"])
    rows = {line.split("  ")[0]: line.split()[-1] for line in table.stdout.splitlines()}
    assert (rows["Version"], rows["Published"], rows["Name"]) == ("1.0", "yes", "Lobby")
    run_esper("blueprints", "create", "--name", "Signage")
    listed = run_esper("blueprints", "list", "-o", "json")
    assert [b["name"] for b in listed.json()] == ["Lobby", "Signage"]
    lines = run_esper("blueprints", "list", "--name", "lob").stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "VERSION", "PUBLISHED", "UPDATED"]
    assert lines[1].split()[:4] == [blueprint["id"], "Lobby", "1.0", "yes"]
    assert len(lines) == 2
    ordered = run_esper("blueprints", "list", "--ordering", "-name", "-o", "jsonl")
    assert [b["name"] for b in ordered.lines()] == ["Signage", "Lobby"]


def test_create_reads_stdin_and_refuses_what_is_not_settings(env: Tenant, tmp_path: Path) -> None:
    piped = run_esper(
        "blueprints", "create", "--name", "Piped", "--file", "-", "-o", "json",
        input=json.dumps({"android": {"wifi_settings": WIFI}}),
    )  # fmt: skip
    assert piped.code == 0, piped.everything
    assert piped.json()["settings"]["android"]["wifi_settings"] == WIFI

    not_json = tmp_path / "broken.json"
    not_json.write_text("{android")
    broken = run_esper("blueprints", "create", "--name", "X", "--file", str(not_json))
    assert broken.code == 2 and "is not JSON" in broken.stderr
    listed = run_esper("blueprints", "create", "--name", "X", "--file", _file(tmp_path, [1]))
    assert listed.code == 2 and "must hold a JSON object" in listed.stderr
    missing = run_esper("blueprints", "create", "--name", "X", "--file", str(tmp_path / "no"))
    assert missing.code == 2 and "cannot read" in missing.stderr

    bad = {"android": {"wifi_settings": {**WIFI, "apply_policy": "OFTEN"}}}
    refused = run_esper("blueprints", "create", "--name", "X", "--file", _file(tmp_path, bad))
    assert refused.code == 1
    assert refused.stderr.startswith(
        "error: 400 Bad Request: settings.android.wifi_settings.apply_policy: "
    )
    again = run_esper("blueprints", "create", "--name", "Piped")
    assert again.code == 1 and "already exists" in again.stderr


def test_publish_versions_and_diff(env: Tenant, sdk: esperclient.Esper, tmp_path: Path) -> None:
    first = sdk.blueprints.create("Lobby", settings={"android": {"wifi_settings": WIFI}})
    assert first.id and first.version_id
    draft = sdk.blueprints.update(first.id, comments="draft")
    changed = {
        "android": {
            "wifi_settings": {**WIFI, "wifi_state": "DISABLE"},
            "bluetooth_settings": {"apply_policy": "IGNORE", "allow_bluetooth": False},
        }
    }
    published = run_esper(
        "blueprints", "publish", first.id, "--file", _file(tmp_path, changed), "-o", "json"
    )
    assert published.code == 0, published.everything
    second = published.json()
    assert (second["version_number"], second["minor_version_number"], second["publish"]) == (
        2,
        0,
        True,
    )
    assert _given(second["settings"]) == changed
    republished = run_esper("blueprints", "publish", first.id, "--comments", "same", "-o", "json")
    assert republished.json()["version_number"] == 3
    assert _given(republished.json()["settings"]) == changed

    versions = run_esper("blueprints", "versions", first.id, "-o", "json").json()
    assert [(v["version_number"], v["minor_version_number"]) for v in versions] == [
        (3, 0),
        (2, 0),
        (1, 1),
        (1, 0),
    ]
    drafts = run_esper("blueprints", "versions", first.id, "--drafts", "-o", "json").json()
    assert [v["version_id"] for v in drafts] == [draft.version_id]
    table = run_esper("blueprints", "versions", first.id, "--published").stdout.splitlines()
    assert table[0].split()[:3] == ["VERSION", "VERSION", "ID"]
    assert [line.split()[0] for line in table[1:]] == ["3.0", "2.0", "1.0"]

    by_number = run_esper("blueprints", "diff", first.id, "1.0", "2", "-o", "json")
    assert by_number.code == 0, by_number.everything
    assert by_number.json() == [
        {
            "path": "android.bluetooth_settings",
            "from": None,
            "to": {"apply_policy": "IGNORE", "allow_bluetooth": False},
        },
        {"path": "android.wifi_settings.wifi_state", "from": "ENABLE", "to": "DISABLE"},
    ]
    by_id = run_esper(
        "blueprints", "diff", first.id, first.version_id, second["version_id"], "-o", "json"
    )
    assert by_id.json() == by_number.json()
    lines = run_esper("blueprints", "diff", first.id, "1.0", "2.0").stdout.splitlines()
    assert lines[0].split() == ["PATH", "FROM", "TO"]
    assert lines[2].split() == ["android.wifi_settings.wifi_state", "ENABLE", "DISABLE"]
    same = run_esper("blueprints", "diff", first.id, "2.0", "3")
    assert same.code == 0 and "no differences" in same.stderr
    assert run_esper("blueprints", "diff", first.id, "1.0", "9.0").code == 4
    assert run_esper("blueprints", "diff", first.id, "1.0", "not-a-version").code == 4


def test_delete_needs_yes_then_the_blueprint_is_gone(env: Tenant, sdk: esperclient.Esper) -> None:
    made = sdk.blueprints.create("Short-lived")
    assert made.id
    assert run_esper("blueprints", "delete", made.id).code == 2  # no --yes, no terminal
    deleted = run_esper("blueprints", "delete", made.id, "--yes")
    assert deleted.code == 0 and f"deleted blueprint {made.id}" in deleted.stderr
    gone = run_esper("blueprints", "show", made.id)
    assert gone.code == 4 and gone.stderr.startswith("error: 404 Not Found: Blueprint not found.")
    assert run_esper("blueprints", "versions", made.id).code == 4
    assert run_esper("blueprints", "list").stderr.strip() == "no blueprints"
