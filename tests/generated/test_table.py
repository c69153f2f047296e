"""The generated table is current and complete: one operation per operation of the spec."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from esperclient._generated import MODULES, load
from tests.generated._spec import ROOT, SPEC_DIR, generated, spec_operations

SCRIPT = ROOT / "scripts" / "gen_api.py"


def _gen_api() -> ModuleType:
    found = importlib.util.spec_from_file_location("gen_api", SCRIPT)
    assert found is not None and found.loader is not None
    module = importlib.util.module_from_spec(found)
    sys.modules["gen_api"] = module  # its dataclasses look their module up there
    found.loader.exec_module(module)
    return module


def test_the_generated_files_are_regenerated_from_the_spec(tmp_path: Path) -> None:
    gen_api = _gen_api()
    fresh = {path.relative_to(tmp_path): path.read_bytes() for path in gen_api.generate(tmp_path)}
    committed = [
        *gen_api.TARGET.glob("*.py"),
        *gen_api.CLIENTS.glob("_api*.py"),
        gen_api.COVERAGE,
    ]
    assert sorted(fresh) == sorted(path.relative_to(ROOT) for path in committed), (
        "files differ: run `make api`"
    )
    for name, text in fresh.items():
        assert (ROOT / name).read_bytes() == text, f"{name} is stale: run `make api`"


def test_the_table_has_the_345_operations_of_the_manifest_less_its_4_excluded_paths() -> None:
    manifest = json.loads((SPEC_DIR / "manifest.json").read_text())
    excluded = set(manifest["excludedPaths"])
    public = {
        key
        for key in manifest["publicOperationKeys"]
        if key.split(" ", 1)[1].rstrip("/") not in excluded
    }
    table = generated()
    # The manifest's keys drop trailing slashes; the spec's paths keep them.
    keys = {f"{op.method} {op.path.rstrip('/')}" for op in table.values()}
    assert len(manifest["publicOperationKeys"]) == 349
    assert len(table) == 345 == len(public)
    assert keys == public
    assert set(table) == {op.key for op in spec_operations()}


def test_operation_names_are_unique_in_their_module() -> None:
    for module in MODULES:
        names = [op.name for op in load(module).OPERATIONS]
        assert len(names) == len(set(names)), module


def test_importing_esperclient_leaves_the_generated_modules_unloaded() -> None:
    code = (
        "import sys, esperclient; "
        "print(sorted(m for m in sys.modules if m.startswith('esperclient._generated')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_the_table_records_envelope_paging_media_and_wire_names() -> None:
    table = generated()
    devices = table["GET /v2/devices/"]
    assert (devices.envelope, devices.paging) == ("content", "cursor")
    commands = table["GET /commands/v0/commands/"]
    assert (commands.envelope, commands.paging) == ("content", "offset")
    legacy_devices = table["GET /enterprise/{enterprise_id}/device/"]
    assert (legacy_devices.envelope, legacy_devices.paging) == ("bare", "offset")
    assert table["POST /tenant/v0/deptokens/"].media == "text"
    device_apps = table["GET /v2/devices/{deviceId}/device-apps/"]
    assert device_apps.by_name["device_id"].key == "deviceId"


def test_an_enveloped_operation_answers_its_content() -> None:
    blueprint = generated()["GET /v2/blueprints/{blueprint_id}/"]
    assert blueprint.envelope == "content"
    assert blueprint.returns.__name__ == "BlueprintV2"
    page = generated()["GET /v2/blueprints/"].returns
    assert {"count", "next", "previous", "results"} <= set(page.__struct_fields__)


def test_every_page_reads_count_next_previous_and_results() -> None:
    for op in generated().values():
        if op.paging != "none":
            assert {"count", "results"} <= set(op.returns.__struct_fields__), op.name
            assert "prev" not in op.returns.__struct_encode_fields__, op.name
