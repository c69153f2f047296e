"""The operation table against the Esper API description.

``esperclient._operations`` spells every call once; here each entry is checked against
``tests/data/esper-api.swagger.json``, one test per operationId: path and method; every
parameter's name, location, type, uuid format, enum, required flag and default; the
choices of every enum in the body's and the answer's models, nested ones too; the
answer's status and model, by name, or by shape where the spec writes the schema inline
(0.1.3 calls those ``InlineResponse200``... after codegen's numbering, no name to match).
Where the table differs from the spec on purpose, ``DELIBERATE`` says so and why; a
listed difference the table no longer has fails as well, so the list stays true.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import msgspec
import pytest

from esperclient import models
from esperclient._operations import OPERATIONS, NoneType, Operation, Param
from esperclient.models._base import Model

SPEC: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "esper-api.swagger.json").read_text()
)
DEFINITIONS: dict[str, Any] = SPEC["definitions"]

# Our ``Param.location`` -> the spec's ``in``.
LOCATIONS = {"path": "path", "query": "query", "body": "body", "file": "formData"}
# Our ``Param.type`` -> the spec's ``type``.
TYPES: dict[type, str] = {str: "string", int: "integer", bool: "boolean", bytes: "file"}
# The spec's scalar types -> the type names of 0.1.3's ``swagger_types``.
SCALARS = {"string": "str", "integer": "int", "boolean": "bool", "number": "float"}


def _snake(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


def _spec_operations() -> dict[str, dict[str, Any]]:
    """operationId -> the operation, with its ``method``, ``path`` and the path's parameters."""
    found = {}
    for path, item in SPEC["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            own = {(p["name"], p["in"]) for p in operation.get("parameters", [])}
            parameters = [p for p in shared if (p["name"], p["in"]) not in own]
            found[operation["operationId"]] = {
                **operation,
                "method": method.upper(),
                "path": path,
                "parameters": parameters + operation.get("parameters", []),
            }
    return found


SPEC_OPERATIONS = _spec_operations()


@dataclass(frozen=True)
class Deliberate:
    """A difference from the spec that the table keeps on purpose, in ``operations``
    (``None``: in every operation where it occurs, at least one)."""

    name: str
    difference: str
    operations: tuple[str, ...] | None
    reason: str


DELIBERATE = (
    Deliberate(
        "every enterprise id is a uuid",
        "param enterprise_id format: ours 'uuid', spec None",
        None,
        "The spec calls each enterprise_id 'A UUID string' but marks `format: uuid` on"
        " only some paths; the table checks the enterprise id alike on all of them.",
    ),
    Deliberate(
        "legacy_format is 0.1.3's",
        "param legacy_format: only in ours",
        ("getAppVersion", "getAppVersions"),
        "esperclient 0.1.3's get_app_version and get_app_versions take legacy_format,"
        " and their signatures are the drop-in contract; the spec does not list it.",
    ),
    Deliberate(
        "device commands are 0.1.3's",
        "DeviceCommandEnum enum: ours lacks ['CAPTURE_SCREENSHOT']",
        ("getCommand", "runCommand"),
        "DeviceCommandEnum's constants are 0.1.3's; the SDK and the CLI choose a command's"
        " API by them and the emulator runs no screenshot, so adding it is a feature.",
    ),
    Deliberate(
        "v0 commands are 0.1.3's",
        "V0DeviceCommandEnum enum: ours lacks ['ADD_TO_WHITELIST', 'CLEAR_APP_DATA', 'LOCK',"
        " 'REMOVE_FROM_WHITELIST', 'SET_APP_PERMISSION', 'SET_BLUETOOTH_STATE',"
        " 'SET_BRIGHTNESS_SCALE', 'SET_GPS_STATE', 'SET_ROTATION_STATE',"
        " 'SET_SCREEN_OFF_TIMEOUT', 'SET_STREAM_VOLUME', 'SET_TIMEZONE', 'SET_WIFI_STATE']",
        ("createCommand", "listCommandRequest"),
        "V0DeviceCommandEnum's constants are 0.1.3's; `run_many(via='auto')` and the CLI"
        " send a command as a v0 request only if it is one of them, so adding the spec's"
        " others changes where commands go: a feature, not a fix of the table.",
    ),
)
"""The one list of the table's deliberate differences from the spec, each with its reason."""


def _resolve(schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The definition name (if ``schema`` is a ``$ref``) and the schema it stands for."""
    ref = schema.get("$ref")
    if ref is None:
        return None, schema
    name = ref.rsplit("/", 1)[-1]
    return name, DEFINITIONS[name]


def _type_name(schema: dict[str, Any]) -> str:
    """The 0.1.3 type name of a property schema: ``str``, ``list[Device]``, ``datetime``..."""
    name, schema = _resolve(schema)
    if name is not None:
        return name
    kind = schema.get("type", "object")
    if kind == "array":
        return f"list[{_type_name(schema['items'])}]"
    if kind == "string" and schema.get("format") == "date-time":
        return "datetime"
    return SCALARS.get(kind, "object")


def _spec_shape(schema: dict[str, Any]) -> dict[str, str]:
    return {key: _type_name(prop) for key, prop in schema.get("properties", {}).items()}


def _model_shape(model: type[Model]) -> dict[str, str]:
    return {model.attribute_map[a]: kind for a, kind in model.swagger_types.items()}


def _schema_differences(subject: str, model: type[Model], schema: dict[str, Any]) -> list[str]:
    """How ``model`` differs from the spec's schema for it: its name, or its shape if inline."""
    name, resolved = _resolve(schema)
    if name is not None:
        if model.__name__ == name:
            return []
        return [f"{subject} model: ours {model.__name__!r}, spec {name!r}"]
    ours, spec = _model_shape(model), _spec_shape(resolved)
    if ours == spec:
        return []
    return [f"{subject} model {model.__name__}: ours {ours!r}, spec inline {spec!r}"]


def _model_of(annotation: Any) -> type[Model] | None:
    """The model a field holds (itself or a list of it), if it holds one."""
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return annotation
    held = (_model_of(argument) for argument in get_args(annotation))
    return next((model for model in held if model is not None), None)


def _our_choices(model: type[Model], attribute: str) -> set[Any]:
    enum = model._enum_fields.get(attribute)
    if enum is not None:
        return set(getattr(models, enum).allowed_values)
    return set(model.choices(attribute))


def _spec_choices(schema: dict[str, Any]) -> set[Any]:
    _, schema = _resolve(schema)
    if schema.get("type") == "array":
        return _spec_choices(schema["items"])
    return set(schema.get("enum", ()))


def _compare_choices(subject: str, ours: set[Any], spec: set[Any]) -> list[str]:
    gaps = [f"lacks {sorted(spec - ours, key=str)}"] if spec - ours else []
    gaps += [f"has extra {sorted(ours - spec, key=str)}"] if ours - spec else []
    return [f"{subject} enum: ours {', '.join(gaps)}"] if gaps else []


def _enum_differences(model: type[Model], schema: dict[str, Any]) -> list[str]:
    """Each enum of the spec's schema (nested objects too) that ``model`` does not carry alike.

    An enum the spec defines once (``DeviceCommandEnum``) is named by its definition, so
    one gap reads the same in every operation that meets it.
    """
    _, schema = _resolve(schema)
    attributes = {key: name for name, key in model.attribute_map.items()}
    fields = {field.name: field.type for field in msgspec.structs.fields(model)}
    found = []
    for key, prop in schema.get("properties", {}).items():
        attribute = attributes.get(key)
        if attribute is None:
            continue
        definition, resolved = _resolve(prop.get("items", prop))
        subject = definition or f"{model.__name__}.{key}"
        found += _compare_choices(subject, _our_choices(model, attribute), _spec_choices(prop))
        nested = _model_of(fields[attribute])
        if nested is not None:
            found += _enum_differences(nested, resolved)
    return found


def _param_differences(ours: Param, spec: dict[str, Any]) -> list[str]:
    subject = f"param {ours.name}"
    if ours.location == "body":
        assert isinstance(ours.type, type) and issubclass(ours.type, Model)
        kind, found = "schema", _schema_differences(subject, ours.type, spec["schema"])
        found += _enum_differences(ours.type, spec["schema"])
    else:
        kind = TYPES.get(ours.type, ours.type.__name__)
        # the table keeps no choices for a path or query parameter
        found = _compare_choices(subject, set(), set(spec.get("enum", ())))
    found += _compare(f"{subject} in", LOCATIONS[ours.location], spec["in"])
    found += _compare(f"{subject} type", kind, spec.get("type", "schema"))
    found += _compare(f"{subject} format", "uuid" if ours.uuid else None, spec.get("format"))
    found += _compare(f"{subject} required", ours.required, spec.get("required", False))
    found += _compare(f"{subject} default", ours.default, spec.get("default"))
    return found


def _compare(subject: str, ours: object, spec: object) -> list[str]:
    return [] if ours == spec else [f"{subject}: ours {ours!r}, spec {spec!r}"]


def _answer_differences(ours: Operation, spec: dict[str, Any]) -> list[str]:
    (status, answer), *more = [(c, r) for c, r in spec["responses"].items() if c.startswith("2")]
    assert not more, "the spec gives one success answer per operation"
    found = _compare("status", ours.status, int(status))
    schema = answer.get("schema")
    if ours.returns is NoneType or schema is None:
        returns = None if ours.returns is NoneType else ours.returns.__name__
        return found + _compare("answer", returns, schema)
    found += _schema_differences("answer", ours.returns, schema)
    return found + _enum_differences(ours.returns, schema)


def differences(ours: Operation, spec: dict[str, Any]) -> list[str]:
    """Every way the table's ``ours`` differs from the spec's description of it."""
    found = _compare("method", ours.method, spec["method"])
    found += _compare("path", ours.path, spec["path"])
    theirs = {p["name"]: p for p in spec["parameters"]}
    for name in theirs.keys() - ours.by_name.keys():
        found.append(f"param {name}: only in the spec")
    for param in ours.params:
        if param.name in theirs:
            found += _param_differences(param, theirs[param.name])
        else:
            found.append(f"param {param.name}: only in ours")
    return found + _answer_differences(ours, spec)


def _applies(deliberate: Deliberate, operation_id: str) -> bool:
    return deliberate.operations is None or operation_id in deliberate.operations


def _differences_of(operation_id: str) -> set[str]:
    return set(differences(OPERATIONS[_snake(operation_id)], SPEC_OPERATIONS[operation_id]))


def test_the_table_has_the_operations_of_the_spec() -> None:
    assert sorted(OPERATIONS) == sorted(_snake(operation_id) for operation_id in SPEC_OPERATIONS)


def test_each_deliberate_difference_names_operations_of_the_spec() -> None:
    for deliberate in DELIBERATE:
        assert set(deliberate.operations or ()) <= SPEC_OPERATIONS.keys(), deliberate.name


def test_each_deliberate_difference_everywhere_still_occurs() -> None:
    everywhere = {d.difference: d.name for d in DELIBERATE if d.operations is None}
    found = set().union(*map(_differences_of, SPEC_OPERATIONS))
    assert [name for difference, name in everywhere.items() if difference not in found] == []


@pytest.mark.parametrize("operation_id", sorted(SPEC_OPERATIONS))
def test_the_operation_is_as_the_spec_describes_it(operation_id: str) -> None:
    found = _differences_of(operation_id)
    allowed = {d.difference: d for d in DELIBERATE if _applies(d, operation_id)}
    unexplained = sorted(found - allowed.keys())
    no_longer_needed = sorted(
        d.name for d in allowed.values() if d.operations and d.difference not in found
    )
    assert (unexplained, no_longer_needed) == ([], [])
