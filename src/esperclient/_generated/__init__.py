"""Esper's current API, generated from ``spec/esper-openapi`` by scripts/gen_api.py.

One module per spec file: ``authn2``, ``authz2``, ``foundry``, ``legacy``, ``pipelines_v0``, ``v0``, ``v1``, ``v2``. Nothing imports them until asked (``import
esperclient`` stays cheap); ``load`` imports one.
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = (
    "authn2",
    "authz2",
    "foundry",
    "legacy",
    "pipelines_v0",
    "v0",
    "v1",
    "v2",
)
"""The generated modules, one per spec file."""


def load(name: str) -> ModuleType:
    """The generated module ``name`` (one of ``MODULES``), imported on first use."""
    if name not in MODULES:
        raise ValueError(f"no generated module {name!r}; one of {MODULES}")
    return importlib.import_module(f"{__name__}.{name}")
