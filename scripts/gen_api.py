"""Generate ``esperclient._generated`` from Esper's current API description in ``spec/``.

``make api`` runs it; ``tests/generated`` fails when the committed package is stale.

    python scripts/gen_api.py [OUTPUT_DIR]

For each OpenAPI file ``spec/esper-openapi/NAME.yaml`` it writes one module
``NAME.py`` (``-`` becomes ``_``) holding

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
  a parameter) when it has none; ``OPERATIONS`` lists them in spec order.

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

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "esper-openapi"
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
class Op:
    """One generated Operation, as source text pieces."""

    name: str
    method: str
    path: str
    params: list[str]
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

    def _operation(self, method: str, path: str, op: Schema, taken: set[str]) -> Op:
        name = self._op_name(method, path, op, taken)
        hint = pascal(name)
        params = self._params(op, hint, f"``{method.upper()} {path}``")
        status, answer, media = self._answer(op)
        returns = "NoneType"
        if answer is not None:
            where = f"The {status} answer of ``{method.upper()} {path}``."
            returns = (
                "str" if media == "text" else self.annotation(answer, hint + "Answer", False, where)
            )
        if " | " in returns:
            raise SystemExit(f"{self.file_name}: {method} {path} answers a union")
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
            params=params,
            returns=returns,
            status=status,
            envelope=self._envelope(answer) if media == "json" else "bare",
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

    def _params(self, op: Schema, hint: str, where: str) -> list[str]:
        params: list[str] = []
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
        names = [p.split('"')[1] for p in params]
        if len(set(names)) != len(names):
            raise SystemExit(f"{self.file_name}: {hint} has two parameters of one name")
        return params

    def _form_params(self, schema: Schema, hint: str) -> list[str]:
        schema = self.resolve(schema)
        required = set(schema.get("required", []))
        params = []
        for wire, prop in schema.get("properties", {}).items():
            prop = self.resolve(prop)
            binary = prop.get("format") == "binary"
            kind = "bytes" if binary else self._param_type(prop)
            params.append(self._param(wire, "file" if binary else "form", kind, wire in required))
        if sum('"file"' in p for p in params) > 1:
            raise SystemExit(f"{self.file_name}: {hint} uploads more than one file")
        return params

    @staticmethod
    def _param(wire: str, location: str, kind: str, required: bool) -> str:
        name = identifier(wire)
        text = f'_ops.Param("{name}", "{location}", {kind}'
        if not required:
            text += ", required=False"
        if name != wire:
            text += f', wire="{wire}"'
        return text + ")"

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
                '    "",',
                f"    params=({''.join(p + ', ' for p in op.params)}),",
                f"    returns={'_ops.NoneType' if op.returns == 'NoneType' else op.returns},",
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


def spec_files() -> list[Path]:
    """The OpenAPI files, in a fixed order."""
    return sorted(SPEC.glob("*.yaml"))


def generate(target: Path) -> list[Path]:
    """Write the package into ``target``; the files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    names = []
    for path in spec_files():
        module = Module(json.loads(path.read_text()), path.name)
        module.add_operations()
        out = target / f"{module_name(path)}.py"
        out.write_text(module.source())
        written.append(out)
        names.append(module_name(path))
    init = target / "__init__.py"
    init.write_text(
        INIT.format(
            modules=", ".join(f"``{n}``" for n in names),
            names="".join(f'"{n}", ' for n in names),
        )
    )
    written.append(init)
    ruff = [sys.executable, "-m", "ruff"]
    files = [str(p) for p in written]
    subprocess.run([*ruff, "check", "--fix", "--select", "I,F401", "-q", *files], check=True)
    subprocess.run([*ruff, "format", "-q", *files], check=True)
    return written


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
