"""Our models against esperclient 0.1.3's, read from its published wheel.

``tests/data/esperclient-0.1.3-models.json`` is written by ``scripts/table_013.py``: every
module the wheel ships, and per model its attributes, constructor defaults, required
fields, allowed values, length and value limits, and enum constants.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from esperclient import ApiClient
from esperclient.models import CommandArgs, CommandRequest, DeviceGroupUpdate, V0CommandRequest
from esperclient.models._base import Limits

TABLE = json.loads(
    (Path(__file__).parents[1] / "data" / "esperclient-0.1.3-models.json").read_text()
)
MODELS: dict[str, dict[str, Any]] = TABLE["models"]
WITH_FIELDS = [name for name, spec in MODELS.items() if spec["fields"]]
ENUMS = [name for name, spec in MODELS.items() if not spec["fields"]]
LIMIT_CHECKS = [
    pytest.param(name, field, check, id=f"{name}.{field}.{check['limit']}")
    for name, spec in MODELS.items()
    for field, checks in spec["limits"].items()
    for check in checks
]
OUTSIDE_AND_EDGE = {
    "max_length": lambda bound: ("x" * (bound + 1), "x" * bound),
    "min_length": lambda bound: ("x" * (bound - 1), "x" * bound),
    "maximum": lambda bound: (bound + 1, bound),
    "minimum": lambda bound: (bound - 1, bound),
}
"""A limit -> (a value just outside it, the value at it) for its bound."""


def _class(name: str) -> Any:
    spec = MODELS[name]
    return getattr(importlib.import_module(spec["module"]), spec["class"])


def _valid_arguments(name: str) -> dict[str, Any]:
    """Arguments 0.1.3 accepts for model ``name``: its required fields and allowed values set."""
    spec = MODELS[name]
    arguments: dict[str, Any] = {}
    for field in spec["required"]:
        kind = spec["swagger_types"][field]
        arguments[field] = [] if kind.startswith("list[") else 1 if kind == "int" else "x"
    for field, allowed in spec["allowed_values"].items():
        is_list = spec["swagger_types"][field].startswith("list[")
        arguments[field] = allowed[:1] if is_list else allowed[0]
    return arguments


def test_the_table_covers_every_model_module_of_0_1_3() -> None:
    modules = [m for m in TABLE["modules"] if m.startswith("esperclient.models.")]
    assert sorted(spec["module"] for spec in MODELS.values()) == modules
    assert len(TABLE["modules"]) == 96


@pytest.mark.parametrize("module", TABLE["modules"])
def test_every_module_of_0_1_3_imports(module: str) -> None:
    importlib.import_module(module)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_model_has_0_1_3_attributes_in_order(name: str) -> None:
    cls, spec = _class(name), MODELS[name]
    assert list(cls.swagger_types) == spec["fields"]
    assert cls.attribute_map == spec["attribute_map"]


@pytest.mark.parametrize("name", ENUMS)
def test_every_enum_model_has_0_1_3_constants(name: str) -> None:
    cls = _class(name)
    for constant, value in MODELS[name]["constants"].items():
        assert getattr(cls, constant) == value, f"{name}.{constant}"


@pytest.mark.parametrize("name", WITH_FIELDS)
def test_construction_fills_0_1_3_defaults(name: str) -> None:
    model = _class(name)(**_valid_arguments(name))
    for field, default in MODELS[name]["defaults"].items():
        assert getattr(model, field) == default, f"{name}.{field}"


@pytest.mark.parametrize("name", WITH_FIELDS)
def test_decoding_an_empty_object_fills_0_1_3_defaults(name: str) -> None:
    cls, spec = _class(name), MODELS[name]
    model = msgspec.json.decode(b"{}", type=cls)
    expected = {field: spec["defaults"].get(field) for field in spec["fields"]}
    assert {field: getattr(model, field) for field in spec["fields"]} == expected


@pytest.mark.parametrize("name", [name for name in WITH_FIELDS if MODELS[name]["required"]])
def test_a_required_field_left_none_is_refused_as_0_1_3_does(name: str) -> None:
    cls = _class(name)
    for field in MODELS[name]["required"]:
        arguments = {**_valid_arguments(name), field: None}
        message = f"Invalid value for `{field}`, must not be `None`"
        with pytest.raises(ValueError) as built:
            cls(**arguments)
        assert str(built.value) == message
        model = cls(**_valid_arguments(name))
        with pytest.raises(ValueError) as assigned:
            setattr(model, field, None)
        assert str(assigned.value) == message


@pytest.mark.parametrize("name", [name for name in WITH_FIELDS if MODELS[name]["allowed_values"]])
def test_a_value_outside_an_enum_is_refused_as_0_1_3_does(name: str) -> None:
    cls, spec = _class(name), MODELS[name]
    for field, allowed in spec["allowed_values"].items():
        if spec["swagger_types"][field].startswith("list["):
            wrong: Any = ["NOPE"]
            message = (
                f"Invalid values for `{field}` [NOPE], must be a subset of [{', '.join(allowed)}]"
            )
        else:
            wrong = "NOPE"
            message = f"Invalid value for `{field}` (NOPE), must be one of {allowed}"
        with pytest.raises(ValueError) as built:
            cls(**{**_valid_arguments(name), field: wrong})
        assert str(built.value) == message
        model = cls(**_valid_arguments(name))
        with pytest.raises(ValueError) as assigned:
            setattr(model, field, wrong)
        assert str(assigned.value) == message
        setattr(model, field, _valid_arguments(name)[field])


def test_the_table_has_every_limit_check_of_0_1_3() -> None:
    assert len(LIMIT_CHECKS) == 133


@pytest.mark.parametrize("name", WITH_FIELDS)
def test_every_model_limits_exactly_the_fields_0_1_3_limits(name: str) -> None:
    limits = {
        field: Limits(**{check["limit"]: check["value"] for check in checks})
        for field, checks in MODELS[name]["limits"].items()
    }
    assert _class(name)._limits == limits


@pytest.mark.parametrize(("name", "field", "check"), LIMIT_CHECKS)
def test_a_value_past_a_limit_is_refused_as_0_1_3_does_and_one_at_it_is_kept(
    name: str, field: str, check: dict[str, Any]
) -> None:
    cls = _class(name)
    outside, edge = OUTSIDE_AND_EDGE[check["limit"]](check["value"])
    with pytest.raises(ValueError) as built:
        cls(**{**_valid_arguments(name), field: outside})
    assert str(built.value) == check["message"]
    model = cls(**{**_valid_arguments(name), field: edge})
    assert getattr(model, field) == edge
    with pytest.raises(ValueError) as assigned:
        setattr(model, field, outside)
    assert str(assigned.value) == check["message"]
    assert getattr(model, field) == edge
    if field not in MODELS[name]["required"]:
        setattr(model, field, None)


def _refused_values(name: str) -> dict[str, Any]:
    """Attribute name -> a value 0.1.3 refuses, for every field of ``name`` it checks."""
    spec = MODELS[name]
    values: dict[str, Any] = dict.fromkeys(spec["required"])
    for field in spec["allowed_values"]:
        values[field] = ["NOPE"] if spec["swagger_types"][field].startswith("list[") else "NOPE"
    for field, checks in spec["limits"].items():
        values[field] = OUTSIDE_AND_EDGE[checks[0]["limit"]](checks[0]["value"])[0]
    return values


@pytest.mark.parametrize("name", WITH_FIELDS)
def test_decoding_never_checks_what_the_server_sent(name: str) -> None:
    refused = _refused_values(name)
    body = {MODELS[name]["attribute_map"][field]: value for field, value in refused.items()}
    model = msgspec.json.decode(msgspec.json.encode(body), type=_class(name))
    assert {field: getattr(model, field) for field in refused} == refused


@pytest.mark.parametrize("name", WITH_FIELDS)
def test_construct_never_checks(name: str) -> None:
    refused = _refused_values(name)
    model = _class(name).construct(**refused)
    assert {field: getattr(model, field) for field in refused} == refused


def test_the_issue_examples() -> None:
    with pytest.raises(ValueError, match="Invalid value for `name`, must not be `None`"):
        DeviceGroupUpdate(device_ids=["5b9b4f5e-6c4a-4d39-9f4f-1b2c3d4e5f60"])
    assert V0CommandRequest().device_type == "active"
    request = CommandRequest(command="REBOOT", command_args=CommandArgs())
    wire = {"command_args": {"wipe_external_storage": False, "wipe_FRP": True}, "command": "REBOOT"}
    assert msgspec.json.decode(msgspec.json.encode(request)) == wire
    assert ApiClient().sanitize_for_serialization(request) == wire
