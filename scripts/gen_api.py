"""Generate Esper's current API from its description in ``spec/``: the table, the clients,
the coverage page.

``make api`` runs it (then ``gen_sync.py``); ``tests/generated`` fails when a written
file is stale.

    python scripts/gen_api.py [OUTPUT_ROOT]

It writes, under the repository (or ``OUTPUT_ROOT``, in the same layout):

- ``esperclient/_generated/NAME.py``, the table (below);
- ``esperclient/_async/_api_NAME.py``: the family ``esper.NAME``, one resource class
  per tag of the file (``1_Blueprints API`` -> ``esper.v2.blueprints``), one typed
  method per operation named after its method and the path segments past the ones its
  resource shares (``list``, ``get``, ``create``, ``update``, ``delete``,
  ``list_versions``, an action such as ``restore``), or after the operation where two
  would share a name; and ``_async/_api.py``, the lazily loaded family properties of
  ``AsyncEsper``. Families are named after the spec files because those names
  (``v2``, ``legacy``, ``pipelines_v0``) are no resource of the hand-written client;
- ``docs/api-coverage.md``: every operation, its method, and whether the emulator's
  router (``esper_emulator.routes.api_routes``) serves it.

For each OpenAPI file ``spec/esper-openapi/NAME.yaml`` the table module ``NAME.py``
(``-`` becomes ``_``) holds

- a ``msgspec.Struct`` for every object schema the file's operations reach: its
  components by their own names, inline objects named after where they sit
  (``ListDevicesAnswer``, ``BlueprintV2Settings``...). Fields keep the wire name
  through ``name=`` when the Python name differs; every field defaults to ``None``
  except the ones a request body requires (read-only ones excepted). Allowed values
  are not checked: a value the server adds later must not stop an answer decoding.
  A union of objects is tagged by the one property whose value tells its members
  apart (``platform`` for devices, ``type`` for geofence shapes); a union no
  property tells apart becomes one Struct with the fields of all its members;
- an ``Operation`` per operation, named after its ``operationId`` in snake case, or
  after its method and literal path segments (``_by_<param>`` when the path ends in
  a parameter) when it has none; ``OPERATIONS`` lists them in spec order. An answer
  ``{code, message, content}`` is recorded as its ``content`` (``envelope="content"``:
  the client returns the payload); a page's fields are named as the paginators read
  them (``_request.PAGE_KEYS``).

The 53 operations of esperclient 0.1.3 stay in ``esperclient._operations``, pinned to
the 2019 spec (``tests/data``), because 0.1.3 is frozen; this package is the current
spec's table. A route in both is described once by each spec (44 of the 53 are still
public), and each table is checked against its own spec.

Why not datamodel-code-generator: measured (0.89.0, ``--output-model-type
msgspec.Struct``) on the eight files it took 12 s and wrote 562 Structs from the
components alone (553 from v2 alone with ``--openapi-scopes schemas paths``), with 33
warnings; mypy --strict failed on 4 of the 8 modules (7 errors: enum defaults given
as strings); msgspec refused to build a decoder for the device answers (untagged
union of the four device Structs); it was deterministic. Its names needed a second
pass (140 numbered classes in v2 such as ``Status1``..``Status3`` and
``V2BlueprintsPostResponse1``), its ``Enum`` classes reject values the server adds,
``UNSET`` stands where this SDK uses ``None``, and it writes no operations at all,
so a walker over the paths was needed anyway. This script walks the schemas once
for both: 884 Structs (inline answers and bodies included) and 345 operations in under
a second, deterministic, and mypy --strict clean as written.
"""

from __future__ import annotations

import json
import keyword
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from esperclient._request import PAGE_KEYS

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "esper-openapi"
ERRATA = ROOT / "spec" / "errata.json"
TARGET = ROOT / "src" / "esperclient" / "_generated"
METHODS = ("get", "post", "put", "patch", "delete")
# Names a field may not take: the annotations of the module refer to them.
RESERVED = {"str", "int", "float", "bool", "bytes", "list", "dict", "msgspec", "Any", "None"}
Schema = dict[str, Any]


def module_name(spec_file: Path) -> str:
    """``pipelines-v0.yaml`` -> ``pipelines_v0``."""
    return spec_file.stem.replace("-", "_")


def snake(name: str) -> str:
    """``getDeviceById`` / ``device-apps`` -> ``get_device_by_id`` / ``device_apps``."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()
    return name or "value"


def pascal(name: str) -> str:
    """``device_apps`` -> ``DeviceApps``; ``geofence_Shape`` -> ``GeofenceShape``."""
    parts = re.split(r"[^0-9a-zA-Z]+", name)
    text = "".join(p[:1].upper() + p[1:] for p in parts if p)
    return text if text[:1].isalpha() else "X" + text


def identifier(wire: str) -> str:
    """A Python name for the wire name ``wire``."""
    name = snake(wire)
    if name[0].isdigit():
        name = "n" + name
    if keyword.iskeyword(name) or name in RESERVED:
        name += "_"
    return name


@dataclass
class Field:
    """One field of a generated Struct."""

    name: str
    wire: str
    annotation: str
    required: bool


@dataclass
class Struct:
    """One generated Struct."""

    name: str
    doc: str
    fields: list[Field] = field(default_factory=list)
    tag: tuple[str, str] | None = None


@dataclass
class ParamSpec:
    """One parameter of a generated Operation."""

    name: str
    wire: str
    location: str
    kind: str
    required: bool

    def source(self) -> str:
        """The ``_ops.Param(...)`` that describes it."""
        text = f'_ops.Param("{self.name}", "{self.location}", {self.kind}'
        if not self.required:
            text += ", required=False"
        if self.name != self.wire:
            text += f', wire="{self.wire}"'
        return text + ")"


@dataclass
class Op:
    """One generated Operation, as source text pieces."""

    name: str
    method: str
    path: str
    summary: str
    tag: str
    params: list[ParamSpec]
    returns: str
    status: int
    envelope: str
    paging: str
    media: str
    errors: list[tuple[int, str]]


class Module:
    """The models and operations of one spec file."""

    def __init__(self, spec: Schema, file_name: str) -> None:
        self.spec = spec
        self.file_name = file_name
        self.schemas: dict[str, Schema] = spec.get("components", {}).get("schemas", {})
        self.structs: dict[str, Struct] = {}
        self.component_class: dict[str, str] = {}
        self.request_components = self._request_components()
        self.ops: list[Op] = []

    # Schemas

    def resolve(self, schema: Schema) -> Schema:
        """``schema`` with its ``$ref`` (and any chain of them) followed."""
        while "$ref" in schema:
            schema = self._target(schema["$ref"])
        return schema

    def _target(self, ref: str) -> Schema:
        node: Any = self.spec
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return dict(node)

    def _request_components(self) -> set[str]:
        """The component schemas a request body reaches."""
        found: set[str] = set()
        pending = [
            media["schema"]
            for item in self.spec["paths"].values()
            for method, op in item.items()
            if method in METHODS
            for media in op.get("requestBody", {}).get("content", {}).values()
            if "schema" in media
        ]
        while pending:
            node = pending.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    name = ref.rsplit("/", 1)[1]
                    if name not in found:
                        found.add(name)
                        pending.append(self.schemas[name])
                pending.extend(node.values())
            elif isinstance(node, list):
                pending.extend(node)
        return found

    def _merged(self, schema: Schema) -> Schema:
        """An ``allOf`` folded into one object schema."""
        merged: Schema = {"type": "object", "properties": {}, "required": []}
        parts = [self.resolve(part) for part in schema.get("allOf", [])]
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        for part in [*parts, rest]:
            if "allOf" in part:
                part = self._merged(part)
            merged["properties"].update(part.get("properties", {}))
            merged["required"] += [
                r for r in part.get("required", []) if r not in merged["required"]
            ]
        return merged

    def annotation(self, schema: Schema, hint: str, request: bool, doc: str = "") -> str:
        """The Python type of values of ``schema``; ``hint`` names an inline object, ``doc``
        says where it sits."""
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            target = self.resolve(schema)
            if self._is_object(target):
                return self._component(name)
            return self.annotation(target, pascal(name), request, f"Schema ``{name}``.")
        if "allOf" in schema:
            return self._struct(self._merged(schema), hint, request, doc)
        options = schema.get("oneOf") or schema.get("anyOf")
        if options:
            return self._union(options, hint, request, doc)
        types = schema.get("type")
        names = types if isinstance(types, list) else [types]
        nullable = "null" in names
        names = [n for n in names if n != "null"]
        if len(names) > 1:
            text = " | ".join(dict.fromkeys(self._scalar(n) for n in names))
        elif self._is_object(schema):
            text = self._struct(schema, hint, request, doc)
        elif names == ["array"]:
            items = schema.get("items", {})
            text = f"list[{self.annotation(items, hint + 'Item', request, _of('An item of', doc))}]"
        elif names == ["object"] or (names == [None] and "additionalProperties" in schema):
            extra = schema.get("additionalProperties")
            typed = isinstance(extra, dict) and extra
            value = (
                self.annotation(extra, hint + "Value", request, _of("A value of", doc))
                if typed
                else "Any"
            )
            text = f"dict[str, {value}]"
        elif names == [None]:
            return "Any"
        else:
            text = self._scalar(names[0])
        return f"{text} | None" if nullable and text != "Any" else text

    @staticmethod
    def _scalar(type_name: str | None) -> str:
        scalars = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
        if type_name == "array":
            return "list[Any]"
        if type_name == "object":
            return "dict[str, Any]"
        return scalars.get(type_name or "", "Any")

    @staticmethod
    def _is_object(schema: Schema) -> bool:
        return bool(schema.get("properties")) or "allOf" in schema

    def _component(self, name: str) -> str:
        if name not in self.component_class:
            class_name = self.component_class[name] = pascal(name)
            schema = self.schemas[name]
            if "allOf" in schema:
                schema = self._merged(schema)
            doc = f"Schema ``{name}`` of {self.file_name}."
            self._struct(schema, class_name, name in self.request_components, doc)
        return self.component_class[name]

    def _struct(self, schema: Schema, name: str, request: bool, doc: str) -> str:
        if name in self.structs:
            raise SystemExit(f"{self.file_name}: two schemas would both be named {name}")
        struct = self.structs[name] = Struct(name, doc)
        required = set(schema.get("required", [])) if request else set()
        for wire, prop in schema.get("properties", {}).items():
            prop_name = identifier(wire)
            if any(f.name == prop_name for f in struct.fields):
                raise SystemExit(f"{self.file_name}: {name}.{prop_name} would be declared twice")
            where = f"``{wire}`` of ``{name}``."
            annotation = self.annotation(prop, name + pascal(wire), request, where)
            read_only = bool(self.resolve(prop).get("readOnly"))
            struct.fields.append(
                Field(prop_name, wire, annotation, wire in required and not read_only)
            )
        return name

    def _union(self, options: list[Schema], hint: str, request: bool, doc: str) -> str:
        resolved = [self.resolve(o) for o in options]
        if len(options) == 1:
            return self.annotation(options[0], hint, request, doc)
        if all(r.get("type") == "array" for r in resolved):
            items = [r.get("items", {}) for r in resolved]
            return f"list[{self._union(items, hint + 'Item', request, _of('An item of', doc))}]"
        if all(self._is_object(r) for r in resolved):
            tag = self._tag_field(resolved)
            if tag is None:
                merged = self._fields_of_all(resolved)
                return self._struct(merged, hint, request, doc.rstrip(".") + ", any of its forms.")
            members = [
                self.annotation(o, f"{hint}Option{i}", request, _of(f"Form {i} of", doc))
                for i, o in enumerate(options)
            ]
            for member, schema in zip(members, resolved, strict=True):
                struct = self.structs[member]
                struct.tag = (tag, schema["properties"][tag]["enum"][0])
                struct.fields = [f for f in struct.fields if f.wire != tag]
            return " | ".join(members)
        return " | ".join(dict.fromkeys(self.annotation(o, hint, request, doc) for o in options))

    @staticmethod
    def _tag_field(members: list[Schema]) -> str | None:
        """The property every member fixes to its own single value, if there is one."""
        common = set.intersection(*(set(m["properties"]) for m in members))
        for name in sorted(common):
            values = [m["properties"][name].get("enum", []) for m in members]
            if all(len(v) == 1 for v in values) and len({v[0] for v in values}) == len(values):
                return name
        return None

    @staticmethod
    def _fields_of_all(members: list[Schema]) -> Schema:
        properties: Schema = {}
        for member in members:
            for name, prop in member.get("properties", {}).items():
                properties[name] = prop if properties.get(name, prop) == prop else {}
        return {"type": "object", "properties": properties}

    # Operations

    def add_operations(self) -> None:
        """Describe every operation of the file, in spec order."""
        taken: set[str] = set()
        for path, item in self.spec["paths"].items():
            for method, op in item.items():
                if method in METHODS:
                    self.ops.append(self._operation(method, path, op, taken))
        for page in {op.returns for op in self.ops if op.paging != "none"}:
            self._name_page_fields(self.structs[page])

    @staticmethod
    def _name_page_fields(page: Struct) -> None:
        """Give a page the field names the clients read (``PAGE_KEYS``: ``prev`` is read as
        ``previous``, ``total`` as ``count``) and a ``count`` where the spec has none."""
        for f in page.fields:
            if f.wire in PAGE_KEYS:
                f.name = f.wire = PAGE_KEYS[f.wire]
        if not any(f.name == "count" for f in page.fields):
            page.fields.append(Field("count", "count", "int", False))
        page.doc += " A page: ``count``, ``next``, ``previous``, ``results``."

    def page_item(self, op: Op) -> str:
        """The type of the items of the page ``op`` answers."""
        results = next(f for f in self.structs[op.returns].fields if f.name == "results")
        if not results.annotation.startswith("list["):
            raise SystemExit(f"{self.file_name}: {op.name} pages {results.annotation}")
        return results.annotation.removeprefix("list[").removesuffix("]")

    def _operation(self, method: str, path: str, op: Schema, taken: set[str]) -> Op:
        name = self._op_name(method, path, op, taken)
        hint = pascal(name)
        params = self._params(op, hint, f"``{method.upper()} {path}``")
        status, answer, media = self._answer(op)
        envelope = self._envelope(answer) if media == "json" else "bare"
        returns = "NoneType"
        if answer is not None and media == "text":
            returns = "str"
        elif answer is not None:
            where = f"The {status} answer of ``{method.upper()} {path}``."
            payload = answer
            if envelope == "content":
                payload = self.resolve(answer)["properties"]["content"]
                where = f"The ``content`` of the {status} answer of ``{method.upper()} {path}``."
            returns = self.annotation(payload, hint + "Answer", False, where)
        if " | " in returns and any(part not in self.structs for part in returns.split(" | ")):
            raise SystemExit(f"{self.file_name}: {method} {path} answers a union of non-models")
        errors = [
            (
                0 if code == "default" else int(code),
                self.annotation(
                    schema,
                    f"{hint}Error{code}",
                    False,
                    f"The {code} answer of ``{method.upper()} {path}``.",
                ),
            )
            for code, schema in self._error_bodies(op)
        ]
        return Op(
            name=name,
            method=method.upper(),
            path=path,
            summary=" ".join(op.get("summary", "").split()),
            tag=op["tags"][0],
            params=params,
            returns=returns,
            status=status,
            envelope=envelope,
            paging=self._paging(method, op, answer),
            media=media,
            errors=errors,
        )

    @staticmethod
    def _op_name(method: str, path: str, op: Schema, taken: set[str]) -> str:
        segments = [s for s in path.split("/") if s]
        literal = [snake(s) for s in segments if not s.startswith("{")]
        tail = [f"by_{snake(segments[-1][1:-1])}"] if segments[-1].startswith("{") else []
        every = [snake(s[1:-1]) if s.startswith("{") else snake(s) for s in segments]
        candidates = [snake(op["operationId"])] if "operationId" in op else []
        candidates += ["_".join([method, *literal, *tail]), "_".join([method, *every])]
        for candidate in candidates:
            if candidate not in taken:
                taken.add(candidate)
                return candidate
        raise SystemExit(f"no free name for {method} {path}")

    def _params(self, op: Schema, hint: str, where: str) -> list[ParamSpec]:
        params: list[ParamSpec] = []
        for raw in op.get("parameters", []):
            param = self.resolve(raw)
            if param["in"] == "header":
                continue  # Authorization only: the client sends it.
            schema = self.resolve(param.get("schema", {}))
            params.append(
                self._param(
                    param["name"],
                    param["in"],
                    self._param_type(schema),
                    bool(param.get("required")),
                )
            )
        body = op.get("requestBody")
        if body:
            content = body["content"]
            if "application/json" in content:
                schema = content["application/json"].get("schema", {})
                kind = self.annotation(schema, hint + "Body", True, f"The body of {where}.")
                params.append(self._param("body", "body", kind, bool(body.get("required"))))
            else:
                params += self._form_params(next(iter(content.values()))["schema"], hint)
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            raise SystemExit(f"{self.file_name}: {hint} has two parameters of one name")
        return params

    def _form_params(self, schema: Schema, hint: str) -> list[ParamSpec]:
        schema = self.resolve(schema)
        required = set(schema.get("required", []))
        params = []
        for wire, prop in schema.get("properties", {}).items():
            prop = self.resolve(prop)
            binary = prop.get("format") == "binary"
            kind = "bytes" if binary else self._param_type(prop)
            params.append(self._param(wire, "file" if binary else "form", kind, wire in required))
        if sum(p.location == "file" for p in params) > 1:
            raise SystemExit(f"{self.file_name}: {hint} uploads more than one file")
        return params

    @staticmethod
    def _param(wire: str, location: str, kind: str, required: bool) -> ParamSpec:
        return ParamSpec(identifier(wire), wire, location, kind, required)

    def _param_type(self, schema: Schema) -> str:
        types = schema.get("type")
        names = [t for t in (types if isinstance(types, list) else [types]) if t != "null"]
        kind = names[0] if len(names) == 1 else "string"
        return {"integer": "int", "number": "float", "boolean": "bool", "array": "list"}.get(
            kind, "str"
        )

    def _answer(self, op: Schema) -> tuple[int, Schema | None, str]:
        """The first 2xx status, its body schema (``None`` for no body) and its media."""
        codes = sorted(c for c in op["responses"] if c.startswith("2"))
        if not codes:
            raise SystemExit(f"{self.file_name}: {op.get('operationId')} has no 2xx answer")
        for code in codes:
            for media_type, media in self.resolve(op["responses"][code]).get("content", {}).items():
                kind = "json" if media_type == "application/json" else "text"
                return int(code), media.get("schema", {}), kind
        return int(codes[0]), None, "json"

    def _error_bodies(self, op: Schema) -> list[tuple[str, Schema]]:
        bodies = []
        for code, response in op["responses"].items():
            if code.startswith("2"):
                continue
            media = self.resolve(response).get("content", {}).get("application/json")
            if media and "schema" in media:
                bodies.append((code, media["schema"]))
        return bodies

    def _envelope(self, answer: Schema | None) -> str:
        """``content`` when the answer wraps its payload as ``{code, message, content}``."""
        if answer is None:
            return "bare"
        props = set(self.resolve(answer).get("properties", {}))
        return (
            "content" if "content" in props and props <= {"code", "message", "content"} else "bare"
        )

    def _paging(self, method: str, op: Schema, answer: Schema | None) -> str:
        """``cursor`` for a ``cursor`` parameter; ``offset`` for a GET whose payload is a
        page (``results`` and a ``next`` link), whether or not it declares limit/offset."""
        query = {self.resolve(p)["name"] for p in op.get("parameters", [])}
        if "cursor" in query:
            return "cursor"
        if answer is None or method != "get":
            return "none"
        body = self.resolve(answer)
        if self._envelope(answer) == "content":
            body = self.resolve(body["properties"]["content"])
        return "offset" if {"results", "next"} <= set(body.get("properties", {})) else "none"

    # Output

    def source(self) -> str:
        """The module's text (before formatting)."""
        out = [
            f'"""Models and operations of ``{self.file_name}`` '
            '(generated by scripts/gen_api.py: do not edit)."""',
            "",
            "from __future__ import annotations",
            "",
            "from typing import Any",
            "",
            "import msgspec",
            "",
            "from esperclient import _operations as _ops",
            "",
        ]
        for name in sorted(self.structs):
            out += self._struct_source(self.structs[name])
        all_ops = []
        for op in self.ops:
            const = op.name.upper()
            all_ops.append(const)
            out += [
                f"{const}: _ops.Operation[{'None' if op.returns == 'NoneType' else op.returns}]"
                " = _ops.Operation(",
                f'    "{op.name}",',
                f'    "{op.method}",',
                f'    "{op.path}",',
                f"    {json.dumps(op.summary)},",
                f"    params=({''.join(p.source() + ', ' for p in op.params)}),",
                f"    returns={_returns_source(op.returns)},",
                f"    status={op.status},",
            ]
            if op.envelope != "bare":
                out.append(f'    envelope="{op.envelope}",')
            if op.paging != "none":
                out.append(f'    paging="{op.paging}",')
            if op.media != "json":
                out.append(f'    media="{op.media}",')
            if op.errors:
                out.append(f"    errors=({''.join(f'({c}, {t}), ' for c, t in op.errors)}),")
            out += [")", ""]
        out += [
            f"OPERATIONS: tuple[_ops.Operation[Any], ...] = ({''.join(c + ', ' for c in all_ops)})",
            f'"""The operations of ``{self.file_name}``, in its order."""',
            "",
        ]
        return "\n".join(out)

    @staticmethod
    def _struct_source(struct: Struct) -> list[str]:
        options = "kw_only=True, omit_defaults=True"
        if struct.tag:
            options += f', tag_field="{struct.tag[0]}", tag="{struct.tag[1]}"'
        lines = [f"class {struct.name}(msgspec.Struct, {options}):", f'    """{struct.doc}"""', ""]
        for f in sorted(struct.fields, key=lambda f: not f.required):
            rename = f', name="{f.wire}"' if f.wire != f.name else ""
            if f.required:
                value = f" = msgspec.field({rename[2:]})" if rename else ""
                lines.append(f"    {f.name}: {f.annotation}{value}")
            elif rename:
                lines.append(
                    f"    {f.name}: {_optional(f.annotation)} = msgspec.field(default=None{rename})"
                )
            else:
                lines.append(f"    {f.name}: {_optional(f.annotation)} = None")
        return [*lines, "", ""]


def _returns_source(returns: str) -> str:
    """The ``returns=`` value of an operation answering ``returns``."""
    if returns == "NoneType":
        return "_ops.NoneType"
    if " | " in returns:
        return f"_ops.one_of({returns.replace(' | ', ', ')})"
    return returns


def _of(prefix: str, doc: str) -> str:
    """``An item of`` + ``The body of ...`` -> ``An item of the body of ...``."""
    return f"{prefix} {doc[:1].lower()}{doc[1:]}"


def _optional(annotation: str) -> str:
    if annotation == "Any" or annotation.endswith("| None"):
        return annotation
    return f"{annotation} | None"


INIT = '''"""Esper's current API, generated from ``spec/esper-openapi`` by scripts/gen_api.py.

One module per spec file: {modules}. Nothing imports them until asked (``import
esperclient`` stays cheap); ``load`` imports one.
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = ({names})
"""The generated modules, one per spec file."""


def load(name: str) -> ModuleType:
    """The generated module ``name`` (one of ``MODULES``), imported on first use."""
    if name not in MODULES:
        raise ValueError(f"no generated module {{name!r}}; one of {{MODULES}}")
    return importlib.import_module(f"{{__name__}}.{{name}}")
'''


def corrected(spec: Schema, file_name: str) -> Schema:
    """``spec`` with the corrections ``spec/errata.json`` gives for its file."""
    errata = json.loads(ERRATA.read_text()).get(file_name, {})
    schemas = spec.get("components", {}).get("schemas", {})
    for schema, fixes in errata.items():
        properties = schemas[schema]["properties"]
        for name, fix in fixes.items():
            properties[name] = {**properties[name], **fix}
    return spec


def spec_files() -> list[Path]:
    """The OpenAPI files, in a fixed order."""
    return sorted(SPEC.glob("*.yaml"))


def read_modules() -> list[Module]:
    """The models and operations of every spec file."""
    modules = []
    for path in spec_files():
        module = Module(corrected(json.loads(path.read_text()), path.name), path.name)
        module.add_operations()
        modules.append(module)
    return modules


# Clients: one family per spec file (``esper.v2``), one resource per tag (``.blueprints``)

CLIENTS = ROOT / "src" / "esperclient" / "_async"
COVERAGE = ROOT / "docs" / "api-coverage.md"
MIXIN = "AsyncGeneratedApi"
# Arguments every generated method may add to the operation's own.
OWN_ARGUMENTS = {"self", "page_size", "prefetch", "timeout", "op", "on_progress"}
# The query parameters a paginator sends itself, by paging.
PAGING_PARAMS = {"offset": {"limit", "offset"}, "cursor": {"limit", "offset", "cursor"}}


def group_name(tag: str) -> str:
    """``1_Blueprints API`` -> ``blueprints``; ``apps_management_OEM Config`` -> ``oem_config``."""
    return identifier(re.sub(r"\bAPI\b", " ", tag.rsplit("_", 1)[-1]))


def singular(word: str) -> str:
    """``versions`` -> ``version``, ``policies`` -> ``policy``; ``status`` stays."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _literals(path: str) -> list[str]:
    return [snake(s) for s in path.split("/") if s and not s.startswith("{")]


def _ends_in_param(path: str) -> bool:
    return path.rstrip("/").rsplit("/", 1)[-1].startswith("{")


class Family:
    """The generated client of one spec file: ``esper.<module>``, one resource per tag."""

    def __init__(self, module: Module) -> None:
        self.module = module
        self.name = module_name(Path(module.file_name))
        self.groups: dict[str, list[Op]] = {}
        for op in module.ops:
            self.groups.setdefault(group_name(op.tag), []).append(op)
        self.by_path = {(op.method, op.path.rstrip("/")) for op in module.ops}

    @property
    def class_name(self) -> str:
        """``AsyncApiV2``."""
        return f"AsyncApi{pascal(self.name)}"

    def resource_class(self, group: str) -> str:
        """``AsyncV2BlueprintsResource`` (``V2BlueprintsResource`` in the sync client, a
        name no model takes)."""
        name = f"Async{pascal(self.name)}{pascal(group)}Resource"
        if name.removeprefix("Async") in self.module.structs:
            raise SystemExit(f"{self.name}: a model is called {name.removeprefix('Async')}")
        return name

    def methods(self, group: str) -> dict[str, Op]:
        """The group's operations by method name; where two would share a name, both keep
        their operation's name."""
        ops = self.groups[group]
        literals = [_literals(op.path) for op in ops]
        shared = 0
        while all(len(lit) > shared and lit[shared] == literals[0][shared] for lit in literals):
            shared += 1
        names = [self._method_name(op, lit[shared:]) for op, lit in zip(ops, literals, strict=True)]
        found = {
            name if names.count(name) == 1 else op.name: op
            for name, op in zip(names, ops, strict=True)
        }
        if len(found) != len(ops) or OWN_ARGUMENTS & set(found):
            raise SystemExit(f"{self.name}.{group}: two methods would share a name")
        return found

    def _method_name(self, op: Op, words: list[str]) -> str:
        """``list``, ``get_version``, ``create``, ``restore``... from the method and the
        path's literal segments past the ones the group shares."""
        path = op.path.rstrip("/")
        one = _ends_in_param(path)
        if op.method == "POST" and words and not one and ("GET", path) not in self.by_path:
            return _method_identifier("_".join(words))  # an action: ``.../restore``
        if op.method == "GET":
            verb = (
                "list"
                if op.paging != "none" or (op.returns.startswith("list[") and not one)
                else "get"
            )
        else:
            verb = {"POST": "create", "PUT": "update", "DELETE": "delete"}.get(op.method, "update")
            if op.method == "PATCH" and ("PUT", path) in self.by_path:
                verb = "partial_update"
        if words and (one or verb == "create"):
            words = [*words[:-1], singular(words[-1])]
        return _method_identifier("_".join([verb, *words]))

    def source(self) -> str:
        """The family's module (before formatting; ruff drops the models it does not use)."""
        models = self.module.structs
        out = [
            f'"""``esper.{self.name}``: the operations of ``{self.module.file_name}``, one '
            'resource per tag (generated by scripts/gen_api.py: do not edit)."""',
            "",
            "from __future__ import annotations",
            "",
            "import builtins",
            "from typing import Any",
            "",
            "from esperclient._async._base_client import AsyncAPIClient",
            "from esperclient._async._pagination import AsyncCursorPaginator, AsyncPaginator",
            "from esperclient._async._resource import PAGE_SIZE, AsyncResource",
            f"from esperclient._generated import {self.name} as _table",
            f"from esperclient._generated.{self.name} import ({', '.join(sorted(models))})",
            "from esperclient._multipart import FileInput",
            "from esperclient._settings import Timeout",
            "",
        ]
        for group in self.groups:
            out += self._resource_source(group)
        out += [
            f"class {self.class_name}:",
            f'    """``esper.{self.name}``: the resources of ``{self.module.file_name}``."""',
            "",
            "    def __init__(self, client: AsyncAPIClient) -> None:",
        ]
        for group in self.groups:
            out += [
                f"        self.{group} = {self.resource_class(group)}(client)",
                f'        """{_tag_label(self.groups[group][0].tag)}."""',
            ]
        return "\n".join([*out, ""])

    def _resource_source(self, group: str) -> list[str]:
        label = _tag_label(self.groups[group][0].tag)
        out = [
            f"class {self.resource_class(group)}(AsyncResource):",
            f'    """``esper.{self.name}.{group}``: {label} (``{self.groups[group][0].tag}`` in '
            f'{self.module.file_name})."""',
            "",
        ]
        for name, op in self.methods(group).items():
            out += self._method_source(name, op)
        return [*out, ""]

    def _method_source(self, name: str, op: Op) -> list[str]:
        skipped = PAGING_PARAMS.get(op.paging, set())
        params = [p for p in op.params if p.name not in skipped]
        positional = [p for p in params if p.location == "path" and p.name != "enterprise_id"]
        keywords = sorted((p for p in params if p not in positional), key=lambda p: not p.required)
        args = [f"{p.name}: {self._type(p)}," for p in positional]
        args.append("*,")
        for p in keywords:
            default = "" if p.required and p.name != "enterprise_id" else " = None"
            kind = self._type(p) if not default else _optional(self._type(p))
            args.append(f"{p.name}: {kind}{default},")
        if OWN_ARGUMENTS & {p.name for p in params}:
            raise SystemExit(f"{self.name}: {op.name} has a parameter the method adds")
        table = f"_table.{op.name.upper()}"
        if op.paging == "none":
            args.append("timeout: Timeout = None,")
            returns = "None" if op.returns == "NoneType" else self._qualified(op.returns)
            head = "async def"
            values = "".join(f", {p.name}={p.name}" for p in params)
            body = f"return await self._client.call({table}, timeout=timeout{values})"
        else:
            args.append("page_size: int = PAGE_SIZE,")
            args.append("prefetch: int = 0,")
            kind = "AsyncCursorPaginator" if op.paging == "cursor" else "AsyncPaginator"
            returns = f"{kind}[{self._qualified(self.module.page_item(op))}]"
            head = "def"
            values = ", ".join(f'"{p.name}": {p.name}' for p in params)
            body = f"return {kind}(self._client, {table}, {{{values}}}, page_size, prefetch)"
        paged = op.paging != "none"
        summary = op.summary.rstrip(".").replace("\\", "/").replace('"', "'") or op.name
        return [
            f"    {head} {name}(self, {' '.join(args)}) -> {returns}:",
            f'        """{summary}.',
            "",
            f"        ``{op.method} {op.path}``{'; a lazy paginator' if paged else ''}.",
            '        """',
            f"        {body}",
            "",
        ]

    def _type(self, param: ParamSpec) -> str:
        if param.location == "file":
            return "FileInput"
        if param.kind == "list":
            return "builtins.list[str]"
        return self._qualified(param.kind)

    @staticmethod
    def _qualified(annotation: str) -> str:
        """``annotation`` as written in a class whose methods are called ``list``."""
        return re.sub(r"\b(list|dict)\[", r"builtins.\1[", annotation)


def _method_identifier(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


def _tag_label(tag: str) -> str:
    """``1_Blueprints API`` -> ``Blueprints API``."""
    return tag.rsplit("_", 1)[-1]


MIXIN_HEAD = '''"""The generated families of ``AsyncEsper``: ``esper.{first}`` and the rest, one per
spec file, each imported on first use (generated by scripts/gen_api.py: do not edit)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from esperclient._async._base_client import AsyncAPIClient

if TYPE_CHECKING:
{imports}


class {mixin}:
    """Esper's current API, generated from its OpenAPI description: one family per spec
    file (``esper.v2.blueprints.list()``), loaded the first time it is used."""

    _client: AsyncAPIClient
'''


def mixin_source(families: list[Family]) -> str:
    """``_async/_api.py``: the family properties of the clients."""
    out = [
        MIXIN_HEAD.format(
            first=families[-1].name,
            mixin=MIXIN,
            imports="\n".join(
                f"    from esperclient._async._api_{f.name} import {f.class_name}" for f in families
            ),
        )
    ]
    for f in families:
        groups = ", ".join(f"``{g}``" for g in f.groups)
        out += [
            "    @cached_property",
            f"    def {f.name}(self) -> {f.class_name}:",
            f'        """``{f.module.file_name}``: {len(f.module.ops)} operations in {groups}."""',
            f"        from esperclient._async import _api_{f.name}",
            "",
            f"        return _api_{f.name}.{f.class_name}(self._client)",
            "",
        ]
    return "\n".join(out)


def coverage_source(families: list[Family], manifest: Schema) -> str:
    """``docs/api-coverage.md``: every operation, its method and whether the emulator serves it."""
    served = _served_by_emulator()
    rows = [
        (f, op, f"esper.{f.name}.{group}.{name}")
        for f in families
        for group in f.groups
        for name, op in f.methods(group).items()
    ]
    count = sum(_is_served(op, served) for _, op, _ in rows)
    out = [
        "# Esper API coverage",
        "",
        "<!-- Generated by scripts/gen_api.py (`make api`) from spec/esper-openapi and the",
        "emulator's routes: do not edit. tests/generated fails when it is stale. -->",
        "",
        f"Every public operation of Esper's API description (`spec/esper-openapi`): {len(rows)}",
        "operations, each callable as the method shown on `Esper` and `AsyncEsper` (see",
        "[the idiomatic client](client.md#espers-current-api-generated)). The emulator",
        f"serves {count} of them; the rest are tested against their spec without a server.",
        "",
    ]
    for f in families:
        out += [
            f"## `esper.{f.name}` ({f.module.file_name})",
            "",
            "| method | path | SDK method | emulator |",
            "| --- | --- | --- | --- |",
        ]
        out += [
            f"| {op.method} | `{op.path}` | `{method}` | {_served_mark(op, served)} |"
            for family, op, method in rows
            if family is f
        ]
        out.append("")
    out += [
        "## Left out",
        "",
        f"The manifest lists {len(manifest['publicOperationKeys'])} public operations; the spec",
        "files leave out the operations of these paths:",
        "",
        "| path | why |",
        "| --- | --- |",
    ]
    reasons = manifest["excludedPathReasons"]
    out += [f"| `{path}` | {reasons[path]} |" for path in manifest["excludedPaths"]]
    return "\n".join([*out, ""])


def _served_by_emulator() -> list[tuple[re.Pattern[str], set[str]]]:
    """The emulator's routes, as the patterns and methods its router matches."""
    from esper_emulator.routes import api_routes

    return [(route.path_regex, set(route.methods or ())) for route in api_routes()]


def _served_mark(op: Op, served: list[tuple[re.Pattern[str], set[str]]]) -> str:
    return "yes" if _is_served(op, served) else ""


def _is_served(op: Op, served: list[tuple[re.Pattern[str], set[str]]]) -> bool:
    path = "/api" + re.sub(r"\{[^}]+\}", "x", op.path)
    return any(op.method in methods and pattern.match(path) for pattern, methods in served)


def generate(root: Path) -> list[Path]:
    """Write the table, the clients and the coverage page under ``root`` (the repository,
    or a scratch copy of its layout); the files written."""
    modules = read_modules()
    families = [Family(m) for m in modules]
    names = [f.name for f in families]
    files: dict[Path, str] = {TARGET / f"{f.name}.py": f.module.source() for f in families}
    files[TARGET / "__init__.py"] = INIT.format(
        modules=", ".join(f"``{n}``" for n in names),
        names="".join(f'"{n}", ' for n in names),
    )
    files.update({CLIENTS / f"_api_{f.name}.py": f.source() for f in families})
    files[CLIENTS / "_api.py"] = mixin_source(families)
    manifest = json.loads((SPEC / "manifest.json").read_text())
    files[COVERAGE] = coverage_source(families, manifest)
    written = []
    for path, text in files.items():
        out = root / path.relative_to(ROOT)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
        written.append(out)
    ruff = [sys.executable, "-m", "ruff"]
    code = [str(p) for p in written if p.suffix == ".py"]
    subprocess.run([*ruff, "check", "--fix", "--select", "I,F401", "-q", *code], check=True)
    subprocess.run([*ruff, "format", "-q", *code], check=True)
    return written


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)
