"""Output formats: stable JSON and CSV keys, JSON lines, and lists streamed page by page."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import esperclient
from esper_cli.app import app
from esper_cli.errors import EXIT_CLOSED_STDOUT
from esper_cli.output import PAGE_SIZE, PREFETCH, wire_keys
from esper_emulator.server import EmulatorServer
from tests.cli.conftest import run_esper
from tests.conftest import Tenant, new_tenant


def test_json_is_an_array_of_objects_with_every_wire_field(env: Tenant) -> None:
    result = run_esper("devices", "list", "-o", "json")
    assert result.code == 0
    devices = result.json()
    assert isinstance(devices, list) and len(devices) == len(env.device_ids)
    keys = wire_keys(esperclient.Device)
    assert all(list(device) == keys for device in devices)  # same keys, same order, always
    assert "softwareInfo" in keys and "software_info" not in keys  # the wire names
    assert all(device["current_command"] is None for device in devices)  # nulls are kept
    nested = [device["emm_device"] for device in devices if device["emm_device"]]
    assert nested and all(list(emm) == wire_keys(esperclient.EmmDevice) for emm in nested)


def test_the_global_option_the_command_option_and_esper_output(env: Tenant) -> None:
    per_command = run_esper("devices", "list", "--output", "json").stdout
    assert run_esper("--output", "json", "devices", "list").stdout == per_command
    assert run_esper("devices", "list", env={"ESPER_OUTPUT": "json"}).stdout == per_command
    assert run_esper("-o", "csv", "devices", "list", "-o", "JSON").stdout == per_command
    assert run_esper("devices", "list", "-o", "yaml").code == 2


def test_json_lines_are_one_object_per_line(env: Tenant) -> None:
    result = run_esper("devices", "list", "-o", "jsonl")
    assert result.code == 0
    assert result.lines() == run_esper("devices", "list", "-o", "json").json()
    assert len(result.stdout.splitlines()) == len(env.device_ids)


def test_csv_has_a_header_of_the_wire_keys_and_a_row_per_object(env: Tenant) -> None:
    result = run_esper("devices", "list", "--output", "csv")
    assert result.code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == wire_keys(esperclient.Device)
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["id"] for r in records] == [
        d["id"] for d in run_esper("devices", "list", "-o", "json").json()
    ]
    first = records[0]
    assert json.loads(first["hardwareInfo"])["brand"]  # nested values are JSON
    assert first["current_command"] == ""  # null is empty
    assert first["is_active"] == "true"
    empty = run_esper("devices", "list", "--search", "nothing-matches", "-o", "csv")
    assert empty.stdout.splitlines() == [",".join(wire_keys(esperclient.Device))]


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_lists_are_printed_page_by_page_as_they_arrive(
    fmt: str, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = new_tenant(server, devices=250)
    monkeypatch.setenv("ESPER_HOST", big.host)
    monkeypatch.setenv("ESPER_API_KEY", big.api_key)
    monkeypatch.setenv("ESPER_ENTERPRISE_ID", big.enterprise_id)
    # stdout and stderr as written, in order: the first page's rows come before the pages
    # after those asked for ahead of it (PREFETCH) are requested
    result = CliRunner().invoke(
        app, ["--verbose", "devices", "list", "-o", fmt, "--page-size", "25"]
    )
    assert result.exit_code == 0, result.output
    marks: list[str] = []
    for line in result.output.splitlines():
        request = re.search(r"GET \S+/device/\?limit=25&offset=(\d+)", line)
        if request:
            marks.append(f"request@{request[1]}")
        elif any(device_id in line for device_id in big.device_ids) and marks[-1] != "rows":
            marks.append("rows")
    requests = [mark for mark in marks if mark != "rows"]
    assert marks[0] == "request@0" and len(requests) == len(set(requests)) == 10
    assert marks.index("rows") <= 1 + PREFETCH < len(requests)


def test_a_show_in_json_is_one_pretty_object(env: Tenant) -> None:
    result = run_esper("devices", "show", env.device_ids[0], "-o", "json")
    assert result.stdout.startswith('{\n  "id": ')
    assert result.json()["id"] == env.device_ids[0]
    line = run_esper("devices", "show", env.device_ids[0], "-o", "jsonl")
    assert len(line.stdout.splitlines()) == 1 and line.lines()[0] == result.json()
    as_csv = list(
        csv.DictReader(
            io.StringIO(run_esper("devices", "show", env.device_ids[0], "-o", "csv").stdout)
        )
    )
    assert [r["id"] for r in as_csv] == [env.device_ids[0]]


def requested_pages(*args: str) -> list[tuple[int, int]]:
    """``(limit, offset)`` of each device page ``esper --verbose ARGS`` asked for, in
    order (pages fetched ahead are logged as they come back, in any order)."""
    result = CliRunner().invoke(app, ["--verbose", *args])
    assert result.exit_code == 0, result.output
    found = re.findall(r"GET \S+/device/\?limit=(\d+)&offset=(\d+)", result.stderr)
    return sorted((int(limit), int(offset)) for limit, offset in found)


def test_page_size_sets_the_page_size_a_list_asks_for(
    server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = new_tenant(server, devices=250)
    monkeypatch.setenv("ESPER_HOST", big.host)
    monkeypatch.setenv("ESPER_API_KEY", big.api_key)
    monkeypatch.setenv("ESPER_ENTERPRISE_ID", big.enterprise_id)
    listing = ("devices", "list", "-o", "jsonl")
    assert requested_pages(*listing) == [(PAGE_SIZE, 0)]  # 250 devices: one request
    assert requested_pages(*listing, "--page-size", "100") == [(100, 0), (100, 100), (100, 200)]
    assert requested_pages(*listing, "--page-size", "100", "--limit", "5") == [(5, 0)]
    assert requested_pages(*listing, "--page-size", "100", "--limit", "150") == [
        (100, 0),
        (100, 100),
    ]
    whole = run_esper(*listing).stdout
    assert len(whole.splitlines()) == 250
    assert run_esper(*listing, "--page-size", "7").stdout == whole  # the output is the same
    assert run_esper(*listing, "--page-size", "0").code == 2


@pytest.fixture(scope="module")
def fleet_of_1000(server: EmulatorServer) -> Tenant:
    """Enough devices that any format's output is larger than a pipe can hold (1 MiB)."""
    return new_tenant(server, devices=1000)


@pytest.fixture
def esper_env(fleet_of_1000: Tenant, config_dir: Path) -> Iterator[dict[str, str]]:
    yield {
        **os.environ,
        "ESPER_HOST": fleet_of_1000.host,
        "ESPER_API_KEY": fleet_of_1000.api_key,
        "ESPER_ENTERPRISE_ID": fleet_of_1000.enterprise_id,
    }


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_a_reader_that_stops_early_ends_the_list_quietly(
    fmt: str, esper_env: dict[str, str], tmp_path: Path
) -> None:
    # `esper devices list -o FMT | head -1`, in a process of its own: the output is larger
    # than the pipe holds, so esper is still writing when the reader closes the pipe.
    command = [sys.executable, "-m", "esper_cli", "devices", "list", "-o", fmt]
    with (tmp_path / "stderr").open("w+") as stderr:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=esper_env)
        assert proc.stdout is not None
        first = proc.stdout.readline()
        proc.stdout.close()
        code = proc.wait(timeout=120)
        stderr.seek(0)
        errors = stderr.read()
    assert first.strip()
    assert code == EXIT_CLOSED_STDOUT
    assert errors == ""  # no traceback, no "Exception ignored", no error line
