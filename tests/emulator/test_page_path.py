"""The whole fleet's page, the hottest request there is: one statement reads the page with
its count, run straight on the driver (``Store.rows``), which reads what SQLAlchemy
would and reports its errors as SQLAlchemy does."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, literal_column, select, table
from sqlalchemy.exc import DBAPIError

from esper_emulator.server import EmulatorServer
from esper_emulator.store import schema
from tests.conftest import Tenant
from tests.emulator.conftest import call, json_of, statements_run

_d = schema.devices.c


def _fleet_url(tenant: Tenant, **query: int) -> str:
    paging = "&".join(f"{name}={value}" for name, value in query.items())
    return f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/?{paging}"


def test_a_page_of_the_whole_fleet_is_read_with_its_count_in_one_statement(
    server: EmulatorServer, tenant: Tenant
) -> None:
    with statements_run(server) as caught:
        page = json_of(call("GET", _fleet_url(tenant, limit=5, offset=2), key=tenant.api_key))
    assert page["count"] == len(tenant.device_ids)
    assert [device["id"] for device in page["results"]] == tenant.device_ids[2:7]
    assert len([statement for statement, _ in caught if "FROM devices" in statement]) == 1


def test_a_page_past_the_end_of_the_fleet_still_has_its_count(
    server: EmulatorServer, tenant: Tenant
) -> None:
    beyond = len(tenant.device_ids)
    page = json_of(call("GET", _fleet_url(tenant, limit=5, offset=beyond), key=tenant.api_key))
    assert (page["count"], page["results"]) == (beyond, [])


def test_a_read_on_the_driver_gives_what_sqlalchemy_reads(
    server: EmulatorServer, tenant: Tenant
) -> None:
    # the statement holds values of its own: the 0, and on SQLite the LIMIT's OFFSET
    statement = (
        select(_d.id, _d.seq, _d.doc)
        .where(_d.enterprise_id == bindparam("enterprise"), _d.seq > 0)
        .order_by(_d.seq)
        .limit(3)
    )
    store = server.emulator.store
    values = {"enterprise": tenant.enterprise_id}
    with store.transaction(read_only=True):
        direct = store.rows(statement, values)
        read = [tuple(row) for row in store.conn.execute(statement, values)]
    assert direct == read
    assert [row[0] for row in direct] == tenant.device_ids[:3]


def test_a_driver_error_is_reported_as_sqlalchemy_reports_it(
    server: EmulatorServer,
) -> None:
    statement = select(literal_column("nothing")).select_from(table("no_such_table"))
    store = server.emulator.store
    with pytest.raises(DBAPIError), store.transaction(read_only=True):
        store.rows(statement, {})


def test_a_statement_that_renders_values_when_run_cannot_run_on_the_driver(
    server: EmulatorServer,
) -> None:
    statement = select(_d.doc).where(_d.id.in_(bindparam("ids", expanding=True)))
    store = server.emulator.store
    with pytest.raises(ValueError, match="renders no values"), store.transaction():
        store.rows(statement, {"ids": ["a", "b"]})
