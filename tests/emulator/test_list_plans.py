"""The device lists' page queries read an index in the list's order: none sorts its
matches, on either database, so a page costs the same at any size of fleet. A search
reads the devices its text's trigrams pick from their index instead (and sorts those, but
for the legacy list on SQLite, whose candidates come in its order).

Each list is requested over HTTP; the queries the emulator ran for it are caught on
their way to the database, and each page query (the one with a ``LIMIT``) is explained
there. SQLite must not build a temporary B-tree for its ``ORDER BY``; PostgreSQL's plan
must hold no Sort node, asked with sorts and sequential scans priced out (a small table
is otherwise cheaper to sort than to read in index order, which a big one is not): a
Sort left in that plan means that no index serves the order.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import create_engine

from esper_emulator.emulator import Emulator
from esper_emulator.server import EmulatorServer
from esper_emulator.settings import Settings
from esper_emulator.store import devices as devices_db
from esper_emulator.store import schema
from esper_emulator.store.db import SEARCH_INDEX, Store, index_search
from tests import postgres
from tests.conftest import NewDatabase, Tenant, new_tenant
from tests.emulator.conftest import call, json_of, statements_run

ANDROID = 60
OTHERS = 5


@dataclass(frozen=True)
class Fleet:
    """An emulator's enterprise with Android devices and a few others, a group of some."""

    server: EmulatorServer
    tenant: Tenant
    group_id: str
    name: str
    """The name of one of its devices."""


@pytest.fixture(scope="module")
def fleet(new_database: NewDatabase) -> Iterator[Fleet]:
    with new_database() as db, EmulatorServer(Settings(db=db)) as server:
        tenant = new_tenant(server, devices=ANDROID)
        emulator = server.emulator
        with emulator.store.transaction():
            emulator.seeder.devices(tenant.enterprise_id, OTHERS, os="Windows")
            group_id = emulator.seeder.group(tenant.enterprise_id, "Front", tenant.device_ids[::3])
        if emulator.store.engine.dialect.name == "postgresql":
            # the statistics autovacuum gathers soon after a big insert
            with emulator.store.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE devices")
        url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?limit=1"
        name = json_of(call("GET", url, key=tenant.api_key))["results"][0]["device_name"]
        yield Fleet(server, tenant, group_id, name)


def page_queries(run: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The page queries (``SELECT ... LIMIT``) of the devices table among statements ``run``."""
    return [
        (statement, parameters)
        for statement, parameters in run
        if statement.startswith("SELECT") and "FROM devices" in statement and "LIMIT" in statement
    ]


@dataclass(frozen=True)
class Plan:
    """What a query's plan does: its sorting steps, and what its indexes are searched by."""

    sorts: list[str]
    index_conditions: str


def plan(server: EmulatorServer, statement: str, parameters: Any) -> Plan:
    """The plan of the query, as the emulator's database makes it."""
    store = server.emulator.store
    with store.transaction():
        conn = store.conn
        if conn.dialect.name == "sqlite":
            steps = [
                row[3]
                for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            ]
            searched = " ".join(step for step in steps if "USING" in step and "INDEX" in step)
            return Plan([step for step in steps if "FOR ORDER BY" in step], searched)
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        explained = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
        found = explained.scalar_one()
        nodes = list(_nodes((json.loads(found) if isinstance(found, str) else found)[0]["Plan"]))
        return Plan(
            [node["Node Type"] for node in nodes if "Sort" in node["Node Type"]],
            " ".join(node.get("Index Cond", "") for node in nodes),
        )


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


LISTS = {
    "legacy offset 0": "seq",
    "legacy far offset": "seq",
    "legacy name": "device_name",
    "legacy state": None,
    "legacy group": None,
    "v2 offset 0": "all_seq",
    "v2 far offset": "all_seq",
    "v2 newest first": "all_seq",
    "v2 state": None,
    "v2 platform": None,
    "v2 group": None,
    "v2 cursor": None,
}
"""Each list checked, and the column an index must be searched by: the place, for the
whole fleet's pages (any offset is one index lookup away), or a filter that picks few
devices. A filter that keeps most may as well read the place's index and skip the rest."""


def _lists(fleet: Fleet) -> dict[str, str]:
    tenant, group_id, name = fleet.tenant, fleet.group_id, fleet.name
    legacy = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?"
    v2 = f"{tenant.host}/v2/devices/?"
    return {
        "legacy offset 0": legacy + urlencode({"limit": 20}),
        "legacy far offset": legacy + urlencode({"limit": 20, "offset": ANDROID - 10}),
        "legacy name": legacy + urlencode({"limit": 20, "name": name}),
        "legacy state": legacy + urlencode({"limit": 20, "state": 1}),
        "legacy group": legacy + urlencode({"limit": 20, "group": group_id}),
        "v2 offset 0": v2 + urlencode({"limit": 20}),
        "v2 far offset": v2 + urlencode({"limit": 20, "offset": ANDROID}),
        "v2 newest first": v2 + urlencode({"limit": 20, "ordering": "-created_at"}),
        "v2 state": v2 + urlencode({"limit": 20, "state": 1}),
        "v2 platform": v2 + urlencode({"limit": 20, "platform": "WINDOWS"}),
        "v2 group": v2 + urlencode({"limit": 20, "group_multi": group_id}),
        "v2 cursor": v2 + urlencode({"limit": 20, "cursor": "start"}),
    }


def test_every_list_is_checked(fleet: Fleet) -> None:
    assert tuple(_lists(fleet)) == tuple(LISTS)


@pytest.mark.parametrize("case", LISTS)
def test_device_list_pages_read_an_index_in_order(fleet: Fleet, case: str) -> None:
    with statements_run(fleet.server) as run:
        page = json_of(call("GET", _lists(fleet)[case], key=fleet.tenant.api_key))
    caught = page_queries(run)
    assert (page.get("content") or page)["results"], "the list is empty: nothing was checked"
    assert caught, "the list ran no page query"
    for statement, parameters in caught:
        found = plan(fleet.server, statement, parameters)
        assert found.sorts == [], statement
        searched_by = LISTS[case]
        if searched_by is not None:
            assert re.search(rf"\b{searched_by}\b", found.index_conditions), found


def _search_urls(fleet: Fleet, text: str) -> dict[str, str]:
    tenant = fleet.tenant
    return {
        "legacy": f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?"
        + urlencode({"limit": 100, "search": text}),
        "v2": f"{tenant.host}/v2/devices/?" + urlencode({"limit": 100, "search": text}),
    }


def _uses_search_index(server: EmulatorServer, statement: str, parameters: Any) -> bool:
    store = server.emulator.store
    with store.transaction():
        conn = store.conn
        if conn.dialect.name == "sqlite":
            explained = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            steps = [row[3] for row in explained]
            return any("devices_search VIRTUAL TABLE INDEX" in step for step in steps) and any(
                "devices USING INTEGER PRIMARY KEY" in step for step in steps
            )
        explained = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters)
        found = explained.scalar_one()
        nodes = _nodes((json.loads(found) if isinstance(found, str) else found)[0]["Plan"])
        return any(node.get("Index Name", "").startswith(SEARCH_INDEX) for node in nodes)


SEARCHED_FLEET = 5_000
"""Devices enough that PostgreSQL's planner, with their statistics, reads a few of them
by an index rather than all of them (a small table is cheaper to read whole)."""


@pytest.fixture(scope="module")
def searched_fleet(new_database: NewDatabase) -> Iterator[Fleet]:
    with new_database() as db, EmulatorServer(Settings(db=db)) as server:
        tenant = new_tenant(server, devices=SEARCHED_FLEET)
        with server.emulator.store.transaction():
            devices_db.analyze(server.emulator.store)
        yield Fleet(server, tenant, "", "")


BIG_INSERT = 20_000
"""Devices whose trigrams are several times FTS5's default 1 MB of index data held in
memory, past which it writes out a segment of its own."""


def test_sqlite_indexes_the_devices_of_one_call_in_one_segment(tmp_path: Path) -> None:
    """A search looks its trigrams up in each segment of the FTS5 index: a big insert in
    one makes them few, and costs less than segments written and merged along the way."""
    emulator = Emulator(Settings(db=str(tmp_path / "big.db")))
    try:
        with emulator.store.transaction():
            emulator.seeder.tenant("Big", BIG_INSERT)
            segments = emulator.store.conn.exec_driver_sql(
                f"SELECT count(DISTINCT segid) FROM {schema.SEARCH_TABLE}_idx"
            ).scalar()
    finally:
        emulator.store.close()
    assert segments == 1


@pytest.mark.parametrize("kind", ["legacy", "v2"])
def test_a_search_reads_the_devices_its_trigrams_pick(searched_fleet: Fleet, kind: str) -> None:
    fleet = searched_fleet
    url = _search_urls(fleet, "obby-001")[kind]  # a part of a few devices' names
    with statements_run(fleet.server) as run:
        page = json_of(call("GET", url, key=fleet.tenant.api_key))
    caught = page_queries(run)
    assert (page.get("content") or page)["results"], "the list is empty: nothing was checked"
    assert caught, "the list ran no page query"
    in_order = kind == "legacy" and not fleet.server.emulator.store.shared
    for statement, parameters in caught:
        assert _uses_search_index(fleet.server, statement, parameters), statement
        if in_order:
            # SQLite's candidates come in the legacy list's order: a page stops at its last
            assert plan(fleet.server, statement, parameters).sorts == [], statement


RENAMED = [
    {"device_name": "Café_50%-Ünit"},
    {"device_name": 'Quote"d-Ünit'},
    {"device_name": "lobby_50%"},
    {"device_name": "LOBBY\\x"},
    {"device_name": "Edge-Left", "alias": "Right-Edge"},
]
"""Names (and an alias) given to some devices of the fleet (by an update: the index
follows it)."""
ACROSS_COLUMNS = ["left\nright", "leftright", "left right"]
"""Texts that run from one device's name into its alias: in neither column."""
TERMS = [
    "lobby",
    "LoBbY-00",
    "obby-0001",
    "ob",
    "50%",
    "_50",
    "%",
    "_",
    "é_5",
    "CAFÉ",
    "café",
    "ünit",
    "ÜNIT",
    'e"d',
    "\\x",
    "y\\",
    "nothing-like-it",
    "edge-left",
    *ACROSS_COLUMNS,
]
"""Search texts: mixed case, LIKE's wildcards, non-ASCII, a quote, too short for trigrams,
across two columns."""


@pytest.fixture(scope="module")
def renamed(fleet: Fleet) -> Fleet:
    store = fleet.server.emulator.store
    with store.transaction():
        for device_id, columns in zip(
            fleet.tenant.device_ids[-len(RENAMED) :], RENAMED, strict=True
        ):
            devices_db.save(store, device_id, columns)
    return fleet


def _found(fleet: Fleet, url: str) -> tuple[int, list[str]]:
    page = json_of(call("GET", url, key=fleet.tenant.api_key))
    page = page.get("content") or page
    return page["count"], [device["id"] for device in page["results"]]


@pytest.mark.parametrize("text", TERMS)
def test_a_search_finds_what_it_found_without_the_index(
    renamed: Fleet, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = _search_urls(renamed, text)
    indexed = {kind: _found(renamed, url) for kind, url in urls.items()}
    with _without_search_index(renamed.server.emulator.store, monkeypatch):
        scanned = {kind: _found(renamed, url) for kind, url in urls.items()}
    assert indexed == scanned


@pytest.mark.parametrize("text", ACROSS_COLUMNS)
def test_a_search_finds_no_text_across_two_columns(renamed: Fleet, text: str) -> None:
    urls = _search_urls(renamed, text)
    assert _found(renamed, _search_urls(renamed, "EDGE-LEFT")["v2"])[0] == 1
    assert {kind: _found(renamed, url) for kind, url in urls.items()} == {
        "legacy": (0, []),
        "v2": (0, []),
    }


@contextmanager
def _without_search_index(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """SQLite: no FTS5 candidates; PostgreSQL: no trigram indexes (made again after)."""
    monkeypatch.setattr(store, "_search_index", False)
    if not store.shared:
        yield
        return
    with store.transaction():
        for name in schema.SEARCHED:
            store.conn.exec_driver_sql(f"DROP INDEX {SEARCH_INDEX}{name}")
    try:
        yield
    finally:
        with store.transaction():
            index_search(store.conn)


def test_a_search_finds_devices_seeded_after_others(searched_fleet: Fleet) -> None:
    fleet, emulator = searched_fleet, searched_fleet.server.emulator
    with emulator.store.transaction():
        [device_id] = emulator.seeder.devices(fleet.tenant.enterprise_id, 1)
    url = f"{fleet.tenant.host}/enterprise/{fleet.tenant.enterprise_id}/device/{device_id}/"
    name = json_of(call("GET", url, key=fleet.tenant.api_key))["device_name"]
    for kind_url in _search_urls(fleet, name.upper()).values():
        assert device_id in _found(fleet, kind_url)[1]


def test_without_pg_trgm_a_search_reads_every_device_and_the_log_says_so(
    postgres_cluster: postgres.Cluster, caplog: pytest.LogCaptureFixture
) -> None:
    cluster, name, role = postgres_cluster, "esper_no_trgm", "esper_plain"
    owner_url = cluster.create_database(name)
    admin = create_engine(owner_url)
    try:
        with admin.begin() as conn:  # a user who may make tables, not extensions
            conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
            conn.exec_driver_sql(f"GRANT CREATE, USAGE ON SCHEMA public TO {role}")
        url = owner_url.replace(f"{postgres.SUPERUSER}@", f"{role}@")
        with caplog.at_level(logging.WARNING), EmulatorServer(Settings(db=url)) as server:
            tenant = new_tenant(server, devices=5)
            fleet = Fleet(server, tenant, "", "")
            device_url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/"
            device = json_of(call("GET", device_url, key=tenant.api_key))["results"][0]
            for url_of_kind in _search_urls(fleet, device["device_name"].lower()).values():
                assert _found(fleet, url_of_kind)[1] == [device["id"]]
        warnings = [r.getMessage() for r in caplog.records if "pg_trgm" in r.getMessage()]
        assert len(warnings) == 1, warnings
    finally:
        admin.dispose()
        cluster.drop_database(name)
        with create_engine(cluster.url("postgres")).begin() as conn:
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
