"""Checking request bodies against the API's rules, beyond their JSON types.

``Call.read`` first reads a body into its wire model (types are checked there). Then
``check`` applies what the types cannot say: enum values (from the models' own
``_enum_fields``, so every enum of the API is checked without listing it here),
integers within 64 bits (JSON allows any size, storage does not), required
fields, lengths, ranges and list sizes, from ``Rules`` given per operation.
Every refusal is a 400 that names the field by its dotted path.

As in Django REST framework, a text holding a NUL character is refused ("Null
characters are not allowed."), and so is ``null`` given for a field that may not be
null ("This field may not be null."): ``check_nulls`` reads that from the raw JSON,
since a decoded model cannot tell ``null`` from a field left out.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from esper_emulator.errors import bad_request
from esperclient import models
from esperclient.models._base import Model


@dataclass(frozen=True)
class Rule:
    """What one field must satisfy."""

    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] | None = None
    uuid: bool = False


Rules = Mapping[str, Rule]
"""Rules by dotted field path, e.g. ``"command_args.brightness_value"``."""

REQUIRED = Rule(required=True)

NULL_CHARACTERS = "Null characters are not allowed."
NOT_NULL = "This field may not be null."

MAY_BE_NULL: Mapping[str, frozenset[str]] = {
    name: frozenset(fields.split())
    for name, fields in {
        # the spec's x-nullable fields, and its readOnly ones, which the server ignores
        "EnterpriseUpdateV1": "id contact_person contact_number",
        "DeviceGroupUpdate": "id created_on enterprise device_count path children_count",
        "DeviceGroupPartialUpdate": "id created_on enterprise device_count path children_count",
        "EnterprisePolicy": "uuid url device_count google_policy_id updated_on created_on",
        "EnterprisePolicyPartialUpdate": (
            "uuid url device_count google_policy_id updated_on created_on"
        ),
        "Geofence": "id enterprise device_count created_by created_on updated_on",
        "V0CommandRequest": "id enterprise issued_by created_on status",
    }.items()
}
"""The fields of request bodies, by model, that may be given as ``null``."""


def check(value: Model, rules: Rules | None = None, *, partial: bool = False) -> None:
    """Refuse ``value`` with a 400 unless it keeps the enum values, 64-bit integers and ``rules``.

    With ``partial`` (a PATCH), required fields may be missing; given ones still count.
    """
    _check_values(value, "")
    for path, rule in (rules or {}).items():
        for found in _values_at(value, path.split(".")):
            _check_rule(path, found, rule, partial)


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
COMMAND_FIELD = "command"
"""A request's command name is checked by the command registry (``services.commands``),
which knows the commands Esper's servers take beyond esperclient 0.1.3's enums."""


def _check_values(value: Any, prefix: str) -> None:
    if isinstance(value, list):
        for item in value:
            _check_values(item, prefix)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check_values(key, prefix)
            _check_values(item, f"{prefix}{key}.")
        return
    if isinstance(value, str):
        if "\x00" in value:
            raise bad_request(prefix.rstrip(".") or "body", NULL_CHARACTERS)
        return
    if isinstance(value, int) and not isinstance(value, bool):
        if not INT64_MIN <= value <= INT64_MAX:
            raise bad_request(prefix.rstrip(".") or "body", "The integer is out of range.")
        return
    if not isinstance(value, Model):
        return
    for name in value.__struct_fields__:
        field_value = getattr(value, name)
        path = f"{prefix}{name}"
        enum_name = value._enum_fields.get(name)
        if enum_name is not None and field_value is not None and name != COMMAND_FIELD:
            allowed = getattr(models, enum_name).allowed_values
            if field_value not in allowed:
                raise bad_request(path, f'"{field_value}" is not a valid choice.')
        _check_values(field_value, f"{path}.")


def check_nulls(raw: Any, model: type[Model], prefix: str = "") -> None:
    """Refuse a ``null`` in ``raw`` (decoded JSON read as ``model``) where no null may be."""
    if not isinstance(raw, dict):
        return
    fields = _fields(model)
    allowed = MAY_BE_NULL.get(model.__name__, frozenset())
    for key, value in raw.items():
        field = fields.get(key)
        if field is None:
            continue
        path = f"{prefix}{key}"
        if value is None:
            if field.name not in allowed:
                raise bad_request(path, NOT_NULL)
            continue
        inner = _model_in(field.type)
        if inner is not None:
            for item in value if isinstance(value, list) else [value]:
                check_nulls(item, inner, f"{path}.")


@functools.cache
def _fields(model: type[Model]) -> dict[str, msgspec.inspect.Field]:
    info = msgspec.inspect.type_info(model)
    fields = info.fields if isinstance(info, msgspec.inspect.StructType) else ()
    return {field.encode_name: field for field in fields}


def _model_in(info: msgspec.inspect.Type) -> type[Model] | None:
    """The model a field holds (alone, optional or in a list), if any."""
    if isinstance(info, msgspec.inspect.UnionType):
        found = [_model_in(t) for t in info.types]
        return next((m for m in found if m is not None), None)
    if isinstance(info, msgspec.inspect.ListType):
        return _model_in(info.item_type)
    if isinstance(info, msgspec.inspect.StructType) and issubclass(info.cls, Model):
        return info.cls
    return None


_MISSING = object()


def _values_at(value: Any, parts: list[str]) -> list[Any]:
    """The values at a dotted path (``_MISSING`` where the last step is absent)."""
    if not parts:
        return [value]
    if isinstance(value, list):
        return [found for item in value for found in _values_at(item, parts)]
    if value is None or value is _MISSING:
        return []
    head = getattr(value, parts[0], None) if isinstance(value, Model) else value.get(parts[0])
    if head is None and len(parts) == 1:
        return [_MISSING]
    return _values_at(head, parts[1:])


def _check_rule(path: str, value: Any, rule: Rule, partial: bool) -> None:
    if value is _MISSING:
        if rule.required and not partial:
            raise bad_request(path, "This field is required.")
        return
    if isinstance(value, (str, list)):
        if rule.min_length is not None and len(value) < rule.min_length:
            raise bad_request(
                path, f"Ensure this field has at least {rule.min_length} characters/items."
            )
        if rule.max_length is not None and len(value) > rule.max_length:
            raise bad_request(
                path, f"Ensure this field has no more than {rule.max_length} characters/items."
            )
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if rule.minimum is not None and value < rule.minimum:
            raise bad_request(
                path, f"Ensure this value is greater than or equal to {rule.minimum}."
            )
        if rule.maximum is not None and value > rule.maximum:
            raise bad_request(path, f"Ensure this value is less than or equal to {rule.maximum}.")
    items = value if isinstance(value, list) else [value]
    if rule.choices is not None:
        for item in items:
            if item not in rule.choices:
                raise bad_request(path, f'"{item}" is not a valid choice.')
    if rule.uuid:
        for item in items:
            try:
                uuid.UUID(str(item))
            except ValueError:
                raise bad_request(path, f"{item!r} is not a valid UUID.") from None
