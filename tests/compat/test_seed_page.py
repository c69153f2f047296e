"""Every example of the SDK page runs, as printed there, against the emulator.

The page (``tests/data/esper-sdk-python.md``, a copy of the one users start from) is
read at test time. Its code blocks run unchanged but for the values the page asks the
reader to fill in: host, API key, ids, and the ``*_example`` filter placeholders. One
of those is not Python: ``is_gms = true`` (and ``is_hidden = true``) would raise
``NameError``, so the filled-in value is written as a Python bool.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import esperclient
from esper_emulator.server import EmulatorServer
from esperclient import models
from tests.conftest import Tenant

PAGE = Path(__file__).parent.parent / "data" / "esper-sdk-python.md"
SHARED_PAGE = Path(__file__).parents[3] / "shared" / "seed" / "esper-sdk-python.md"


def test_the_copy_is_the_page_users_read() -> None:
    if not SHARED_PAGE.exists():
        pytest.skip("the shared seed page is not beside this checkout")
    assert PAGE.read_text() == SHARED_PAGE.read_text()


def _sections() -> dict[str, tuple[str, str | None]]:
    """Title -> (example code, expected output) for each ``## `` section with code."""
    text = PAGE.read_text()
    found: dict[str, tuple[str, str | None]] = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        title = section.splitlines()[0].strip()
        blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
        if blocks:
            found[title] = (blocks[0], blocks[1] if len(blocks) > 1 else None)
    return found


def _configuration_block() -> str:
    match = re.search(r"<code>\n(configuration = .*?)</code>", PAGE.read_text(), flags=re.S)
    assert match, "the page's configuration block moved"
    return match.group(1)


def _json_keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _json_keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _json_keys(v)}
    return set()


_ATTRIBUTE_OF_JSON_KEY = {
    key: attribute
    for name in models.__all__
    for attribute, key in getattr(models, name).attribute_map.items()
    if key != attribute
}


def _dedent(code: str) -> str:
    lines = code.splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines) + "\n"


@pytest.fixture
def fleet(
    server: EmulatorServer, tenant: Tenant, api_client: esperclient.ApiClient, make_apk: Any
) -> dict[str, Any]:
    """Real values to fill the page's placeholders with."""
    devices = esperclient.DeviceApi(api_client)
    device = devices.get_device_by_id(tenant.enterprise_id, tenant.device_ids[0])
    online = devices.get_all_devices(tenant.enterprise_id, state=1, limit=1).results[0]
    uploaded = esperclient.ApplicationApi(api_client).upload(
        tenant.enterprise_id, make_apk("com.example.seedpage", version_code=7, version_name="1.7")
    )
    with server.emulator.store.transaction():
        group_id = server.emulator.seeder.group(tenant.enterprise_id, "Page group", [device.id])
    return {
        "device": device,
        "online_device": online,
        "group_id": group_id,
        "application": uploaded.application,
        "version": uploaded.application.versions[0],
        "apk": make_apk("com.example.pageupload"),
    }


def _fill(code: str, tenant: Tenant, fleet: dict[str, Any]) -> str:
    device, version = fleet["device"], fleet["version"]
    values = {
        "'https://{{ esper_tenant_name }}-api.esper.cloud/api'": repr(tenant.host),
        "'LpDriKp7MWJiRGcwc8xzREeUj8OEFa'": repr(tenant.api_key),
        "'SERVER_URL'": repr(tenant.host),
        "'YOUR_API_KEY'": repr(tenant.api_key),
        "'595a6107-b137-448d-b217-e20cc58ee84d'": repr(tenant.enterprise_id),
        "'enterprise_id_example'": repr(tenant.enterprise_id),
        "'222a6107-b237-248d-c117-e20cc58ee74e'": repr(fleet["application"].id),
        "'2f81b955-4a30-4b1b-a99f-b4016ba24854'": repr(version.id),
        "'/path/to/file.apk'": repr(str(fleet["apk"])),
        "'name_example'": repr(device.device_name),
        "'group_example'": repr(fleet["group_id"]),
        "'imei_example'": repr(device.network_info["imei1"]),
        "state = 56": f"state = {device.state}",
        "'brand_example'": repr(device.hardware_info["brand"]),
        "is_gms = true": f"is_gms = {device.is_gms}",
        "'search_example'": repr(device.device_name[:5]),
        "'application_name_example'": repr(fleet["application"].application_name),
        "'package_name_example'": repr(fleet["application"].package_name),
        "is_hidden = true": "is_hidden = False",
        "'version_code_example'": repr(version.version_code),
        "'build_number_example'": repr(version.build_number),
    }
    for placeholder, value in values.items():
        code = code.replace(placeholder, value)
    return code


EXAMPLES = [
    "Get Token Information",
    "Get Enterprise Information",
    "List All Devices",
    "List All Applications",
    "Upload an Application",
    "List App Versions",
    "Deploy Application to Device",
    "Reboot a Device",
]


def test_the_page_has_the_examples_this_test_runs() -> None:
    assert list(_sections()) == EXAMPLES


@pytest.mark.parametrize("title", EXAMPLES)
def test_example_runs_verbatim(
    title: str, tenant: Tenant, fleet: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = _sections()[title]
    namespace: dict[str, Any] = {
        "enterprise_id": tenant.enterprise_id,
        "device_id": fleet["online_device"].id,
    }
    exec(
        compile(
            "import esperclient\n" + _fill(_configuration_block(), tenant, fleet), "config", "exec"
        ),
        namespace,
    )
    exec(compile(_fill(_dedent(code), tenant, fleet), title, "exec"), namespace)

    printed = capsys.readouterr().out
    assert "Exception when calling" not in printed, printed
    assert output is not None
    for key in _json_keys(json.loads(output)):
        attribute = _ATTRIBUTE_OF_JSON_KEY.get(key, key)
        assert f"'{attribute}':" in printed, f"{title}: {attribute!r} not printed"
