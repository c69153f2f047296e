"""Write the table of esperclient 0.1.3's models into ``tests/data/esperclient-0.1.3-models.json``.

Reads the published 0.1.3 wheel with ``ast`` (nothing of it is imported or copied) and
records, per model module: its class, attributes (in order, with type and JSON key), the
constructor's defaults, the fields whose setter refuses ``None``, the allowed values of
enum-checked fields, the length and value limits of the others (each with its
``ValueError`` message, in the setter's order), and an enum model's constants;
plus every module the wheel ships. ``tests/compat/test_models_013.py`` checks our
models against it. The output is deterministic: re-running gives the same bytes.

    python scripts/table_013.py [WHEEL]

Without ``WHEEL`` it runs ``pip download --no-deps esperclient==0.1.3`` into a
temporary directory.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "esperclient-0.1.3-models.json"
MODELS = "esperclient/models/"


def _download(directory: str) -> Path:
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", directory]
    subprocess.run([*pip, "esperclient==0.1.3"], check=True)
    return next(Path(directory).glob("esperclient-0.1.3-*.whl"))


def _module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


def _constructor_defaults(init: ast.FunctionDef) -> dict[str, Any]:
    names = [a.arg for a in init.args.args[1:]]
    values = [ast.literal_eval(d) for d in init.args.defaults]
    return dict(zip(names, values, strict=True))


LIMITS = {
    ("length", ast.Gt): "max_length",
    ("length", ast.Lt): "min_length",
    ("value", ast.Gt): "maximum",
    ("value", ast.GtE): "exclusive_maximum",
    ("value", ast.Lt): "minimum",
    ("value", ast.LtE): "exclusive_minimum",
}
"""(What a setter compares, the comparison that refuses) -> the limit the check enforces."""


def _is_none_test(test: ast.expr) -> bool:
    """``x is None``: the test of a required field's setter."""
    return isinstance(test, ast.Compare) and isinstance(test.ops[0], ast.Is)


def _is_allowed_values_test(test: ast.expr) -> bool:
    """``x not in allowed_values`` or ``not set(x).issubset(allowed_values)``."""
    if isinstance(test, ast.Compare):
        return isinstance(test.ops[0], ast.NotIn)
    return isinstance(test, ast.UnaryOp) and "allowed_values" in ast.unparse(test)


def _limit(refused: ast.expr, raised: ast.stmt) -> dict[str, Any]:
    """``len(x) > 255`` of ``if x is not None and len(x) > 255: raise ValueError(...)``, as
    the limit it enforces and the message it raises."""
    if not (
        isinstance(refused, ast.Compare)
        and isinstance(raised, ast.Raise)
        and isinstance(raised.exc, ast.Call)
    ):
        raise SystemExit(f"unknown setter check: {ast.unparse(refused)}")
    measured = "length" if isinstance(refused.left, ast.Call) else "value"
    return {
        "limit": LIMITS[measured, type(refused.ops[0])],
        "value": ast.literal_eval(refused.comparators[0]),
        "message": ast.literal_eval(raised.exc.args[0]),
    }


def _setter_checks(setter: ast.FunctionDef) -> dict[str, Any]:
    """What a setter checks; a check of a kind not recorded here stops the script."""
    checks: dict[str, Any] = {"limits": []}
    for node in setter.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "allowed_values":
            checks["allowed_values"] = ast.literal_eval(node.value)
        if not isinstance(node, ast.If) or _is_allowed_values_test(node.test):
            continue
        if _is_none_test(node.test):
            checks["required"] = True
        elif isinstance(node.test, ast.BoolOp):
            checks["limits"].append(_limit(node.test.values[1], node.body[0]))
        else:
            raise SystemExit(f"unknown setter check: {ast.unparse(node.test)}")
    return checks


def _is_setter(node: ast.stmt) -> bool:
    return isinstance(node, ast.FunctionDef) and any(
        isinstance(d, ast.Attribute) and d.attr == "setter" for d in node.decorator_list
    )


def _model(module: str, cls: ast.ClassDef) -> dict[str, Any]:
    literals = {
        t.id: ast.literal_eval(n.value)
        for n in cls.body
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name) and isinstance(n.value, (ast.Dict, ast.Constant))
    }
    init = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    checks = {n.name: _setter_checks(n) for n in cls.body if _is_setter(n)}  # type: ignore[union-attr]
    return {
        "module": module,
        "class": cls.name,
        "fields": list(literals["swagger_types"]),
        "swagger_types": literals.pop("swagger_types"),
        "attribute_map": literals.pop("attribute_map"),
        "defaults": {k: v for k, v in _constructor_defaults(init).items() if v is not None},
        "required": sorted(name for name, c in checks.items() if "required" in c),
        "allowed_values": {
            name: c["allowed_values"] for name, c in checks.items() if "allowed_values" in c
        },
        "limits": {name: c["limits"] for name, c in checks.items() if c["limits"]},
        "constants": literals,
    }


def table(wheel: Path) -> dict[str, Any]:
    """The models and module list of the 0.1.3 wheel at ``wheel``."""
    models: dict[str, Any] = {}
    modules = []
    with zipfile.ZipFile(wheel) as archive:
        for path in sorted(archive.namelist()):
            if not path.startswith("esperclient/") or not path.endswith(".py"):
                continue
            modules.append(_module_name(path))
            if not path.startswith(MODELS) or path.endswith("__init__.py"):
                continue
            tree = ast.parse(archive.read(path))
            cls = next(n for n in tree.body if isinstance(n, ast.ClassDef))
            models[cls.name] = _model(_module_name(path), cls)
    return {"modules": modules, "models": models}


def main() -> None:
    """Write the table for the wheel named on the command line, or a freshly downloaded one."""
    with tempfile.TemporaryDirectory() as directory:
        wheel = Path(sys.argv[1]) if len(sys.argv) > 1 else _download(directory)
        text = json.dumps(table(wheel), indent=1, sort_keys=True) + "\n"
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
