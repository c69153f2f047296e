"""The sync client is generated from the async one: the committed files must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "scripts" / "gen_sync.py"


def test_the_sync_client_is_regenerated_from_the_async_source(tmp_path: Path) -> None:
    pytest.importorskip("unasync")
    spec = importlib.util.spec_from_file_location("gen_sync", SCRIPT)
    assert spec is not None and spec.loader is not None
    gen_sync = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_sync)
    for fresh in gen_sync.generate(tmp_path):
        committed = gen_sync.TARGET / fresh.name
        assert committed.read_text() == fresh.read_text(), f"{committed} is stale: run `make sync`"
