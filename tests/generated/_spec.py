"""Esper's current API description, read straight from ``spec/esper-openapi``.

The tests compare the generated table with these facts, so they read the spec
themselves instead of trusting the generator's reading of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy
from schemathesis.generation.jsonschema.builder import build as strategy_for

from esperclient._generated import MODULES, load
from esperclient._operations import Operation

ROOT = Path(__file__).parents[2]
SPEC_DIR = ROOT / "spec" / "esper-openapi"
METHODS = ("get", "post", "put", "patch", "delete")
Schema = dict[str, Any]


@dataclass(frozen=True)
class SpecOperation:
    """One operation as its spec file writes it."""

    module: str
    method: str
    path: str
    raw: Schema
    spec: Schema

    @property
    def key(self) -> str:
        """``METHOD /path``, as the generated table is keyed in these tests."""
        return f"{self.method.upper()} {self.path}"

    def parameters(self) -> list[Schema]:
        """The operation's parameters, references followed."""
        return [resolve(self.spec, p) for p in self.raw.get("parameters", [])]

    def json_schema(self, schema: Schema) -> Schema:
        """``schema`` made self-contained: every ``$ref`` of its file inlined."""
        return inline(self.spec, schema)


@cache
def spec(module: str) -> Schema:
    """The parsed spec file of a generated module, with its corrections (``spec/errata.json``)."""
    name = f"{module.replace('_', '-')}.yaml"
    result: Schema = json.loads((SPEC_DIR / name).read_text())
    errata = json.loads((SPEC_DIR.parent / "errata.json").read_text()).get(name, {})
    for schema, fixes in errata.items():
        properties = result["components"]["schemas"][schema]["properties"]
        for field_name, fix in fixes.items():
            properties[field_name] = {**properties[field_name], **fix}
    return result


def spec_operations() -> Iterator[SpecOperation]:
    """Every operation of every spec file, in file order."""
    for module in MODULES:
        document = spec(module)
        for path, item in document["paths"].items():
            for method, raw in item.items():
                if method in METHODS:
                    yield SpecOperation(module, method, path, raw, document)


@cache
def generated() -> dict[str, Operation[Any]]:
    """The generated operations of every module, by ``METHOD /path``."""
    table: dict[str, Operation[Any]] = {}
    for module in MODULES:
        for op in load(module).OPERATIONS:
            table[f"{op.method} {op.path}"] = op
    return table


def resolve(document: Schema, node: Schema) -> Schema:
    """``node`` with its ``$ref`` chain followed inside ``document``."""
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def inline(document: Schema, node: Any) -> Any:
    """``node`` with every ``$ref`` replaced by its target (the spec has no cycles).

    A schema with ``properties`` but no ``type`` is read as an object, as the generator
    and OpenAPI tools read it; JSON Schema alone would let it be any value, ``null`` too.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            return inline(document, resolve(document, node))
        out = {k: inline(document, v) for k, v in node.items() if k != "discriminator"}
        if "properties" in out and "type" not in out:
            out["type"] = "object"
        if "oneOf" in out:
            _require_tag(out["oneOf"])
        return out
    if isinstance(node, list):
        return [inline(document, v) for v in node]
    return node


def _require_tag(members: list[Any]) -> None:
    """Make the property that tells a union's objects apart required in each of them.

    The generator tags such a union by that property (a device's ``platform``, a shape's
    ``type``), which the API always sends; the spec leaves it optional, which lets a
    generated answer omit it where the members' other fields happen to differ.
    """
    if not all(isinstance(m, dict) and "properties" in m for m in members):
        return
    common = set.intersection(*(set(m["properties"]) for m in members))
    for name in sorted(common):
        values = [m["properties"][name].get("enum", []) for m in members]
        if all(len(v) == 1 for v in values) and len({v[0] for v in values}) == len(members):
            for member in members:
                member["required"] = sorted({*member.get("required", []), name})
            return


def examples(schema: Schema, count: int) -> list[Any]:
    """``count`` JSON values valid for ``schema``, the same ones on every run."""
    found: list[Any] = []
    strategy: SearchStrategy[Any] = strategy_for(
        schema, draft=jsonschema_rs.Draft202012, formats={}
    )

    @settings(
        max_examples=count,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


def validator(schema: Schema) -> jsonschema_rs.Validator:
    """A JSON Schema 2020-12 validator for ``schema``."""
    return jsonschema_rs.Draft202012Validator(schema)
