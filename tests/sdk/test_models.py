"""The wire models: msgspec underneath, esperclient 0.1.3 behaviour on top."""

from __future__ import annotations

import datetime
import pprint

import msgspec

import esperclient
from esperclient._request import decode
from esperclient.models.device import Device


def test_json_keys_that_differ_from_attribute_names_are_mapped() -> None:
    assert Device.attribute_map["software_info"] == "softwareInfo"
    assert esperclient.CommandArgs.attribute_map["wipe_frp"] == "wipe_FRP"
    assert Device.swagger_types["emm_device"] == "EmmDevice"
    assert Device.swagger_types["groups"] == "list[str]"
    assert Device.swagger_types["created_on"] == "datetime"
    assert Device.swagger_types["software_info"] == "object"
    assert esperclient.CommandRequest.swagger_types["command"] == "DeviceCommandEnum"


def test_to_dict_nests_and_repr_pretty_prints_it() -> None:
    command = esperclient.CommandRequest(
        command="INSTALL", command_args=esperclient.CommandArgs(app_version="v1")
    )
    as_dict = command.to_dict()
    assert as_dict["command_args"]["app_version"] == "v1"
    assert as_dict["command_args"]["wipe_frp"] is True  # 0.1.3's default
    assert repr(command) == pprint.pformat(as_dict) == command.to_str()


def test_equality_attributes_and_positional_construction() -> None:
    a = esperclient.GoogleEMM("LC01")
    b = esperclient.GoogleEMM(google_enterprise_id="LC01")
    assert a == b
    assert not a != b  # noqa: SIM202 (0.1.3 defines __ne__; check it)
    b.google_enterprise_id = "LC02"
    assert a != b
    assert esperclient.GoogleEMM() != esperclient.Owner()


def test_requests_are_encoded_with_json_keys_and_without_unset_fields() -> None:
    args = esperclient.CommandArgs(wipe_frp=False)
    assert msgspec.json.decode(msgspec.json.encode(args)) == {
        "wipe_external_storage": False,
        "wipe_FRP": False,
    }


def test_decoding_tolerates_what_the_server_adds_later() -> None:
    body = (
        b'{"id": "d1", "state": 7, "softwareInfo": {"androidVersion": "14"},'
        b' "created_on": "2026-01-02T03:04:05Z", "brand_new_field": [1, 2]}'
    )
    device = decode(Device, body)
    assert device.id == "d1"
    assert device.software_info == {"androidVersion": "14"}
    assert device.created_on == datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    command = decode(esperclient.DeviceCommand, b'{"command": "A_COMMAND_FROM_2030"}')
    assert command.command == "A_COMMAND_FROM_2030"


def test_enum_models_list_their_values() -> None:
    assert esperclient.DeviceCommandEnum.REBOOT == "REBOOT"
    assert "INSTALL" in esperclient.DeviceCommandEnum.allowed_values
    assert esperclient.SettingsGPSStateEnum.allowed_values == (0, 1, 2, 3)
    assert esperclient.DeviceCommandEnum().to_dict() == {}


def test_every_0_1_3_model_module_path_imports() -> None:
    import importlib

    for name in esperclient.models.__all__:
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
        module = snake.replace("inline_response_", "inline_response").replace("g_p_s", "gps")
        module = module.replace("e_m_m", "emm")
        assert getattr(importlib.import_module(f"esperclient.models.{module}"), name) is getattr(
            esperclient, name
        )
