"""Our public surface, name by name and argument by argument, against esperclient 0.1.3's.

The reference table (``shared/reference/esperclient-0.1.3-surface.md``) lies beside the
checkout in CI; drift from it fails here.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import esperclient
from esperclient import _operations
from esperclient._operations import ALL_OPERATIONS, OPERATIONS, NoneType

SURFACE = Path(__file__).parents[3] / "shared" / "reference" / "esperclient-0.1.3-surface.md"


def _surface() -> str:
    if not SURFACE.exists():
        pytest.skip("the 0.1.3 surface table is not beside this checkout")
    return SURFACE.read_text()


def _methods() -> list[tuple[str, str, str, str, list[str], list[str], str]]:
    rows = []
    for section in re.split(r"^### ", _surface().split("## Models")[0], flags=re.M)[1:]:
        api = section.splitlines()[0].strip()
        for name, verb, path, required, optional, returns in re.findall(
            r"^\| `(\w+)` \| (\w+) \| `([^`]+)` \| ([^|]*) \| ([^|]*) \| (\w+) \|$", section, re.M
        ):
            split = [a.strip() for a in required.split(",") if a.strip()]
            kwargs = [a.strip() for a in optional.split(",") if a.strip()]
            rows.append((api, name, verb, path, split, kwargs, returns))
    return rows


def test_every_method_of_0_1_3_is_here_with_its_arguments() -> None:
    rows = _methods()
    assert len(rows) == 53
    for api, name, verb, path, required, optional, returns in rows:
        cls = getattr(esperclient, api)
        for method_name in (name, f"{name}_with_http_info"):
            method = getattr(cls, method_name)
            params = list(inspect.signature(method).parameters.values())
            positional = [p.name for p in params[1:] if p.kind is p.POSITIONAL_OR_KEYWORD]
            assert positional == required, f"{api}.{method_name}"
            assert params[-1].kind is inspect.Parameter.VAR_KEYWORD, f"{api}.{method_name}"
        op = OPERATIONS[name]
        assert (op.method, op.path) == (verb, path), name
        assert [p.name for p in op.params if not p.required] == optional, name
        assert (op.returns.__name__ if op.returns is not NoneType else "None") == returns, name


def test_every_model_has_its_attributes_types_and_json_keys() -> None:
    table = _surface().split("## Models")[1]
    rows = re.findall(r"^\| (\w+) \| (.*?) \|$", table, re.M)[1:]
    assert len(rows) == len(esperclient.models.__all__)
    for name, attributes in rows:
        model = getattr(esperclient, name)
        if attributes.startswith("enum:"):
            values = [v.strip() for v in attributes[5:].split(",")]
            assert list(model.allowed_values) == values, name
            continue
        expected_types, expected_keys = {}, {}
        for attribute in filter(None, (a.strip() for a in attributes.split(";"))):
            match = re.fullmatch(r"(\w+):([\w\[\]]+)(?:->(\w+))?", attribute)
            assert match, attribute
            attr, type_name, key = match.groups()
            expected_types[attr] = type_name
            expected_keys[attr] = key or attr
        assert model.swagger_types == expected_types, name
        assert model.attribute_map == expected_keys, name
        built = model.construct() if hasattr(model, "construct") else model()
        assert list(built.to_dict()) == list(expected_types), name


def test_the_operation_table_lists_every_operation_once() -> None:
    defined = [v for v in vars(_operations).values() if isinstance(v, _operations.Operation)]

    assert len(ALL_OPERATIONS) == len(set(map(id, ALL_OPERATIONS))) == 53
    assert {id(op) for op in defined} == {id(op) for op in ALL_OPERATIONS}
    assert list(OPERATIONS.values()) == list(ALL_OPERATIONS)
