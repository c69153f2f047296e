"""The whole fleet's page, the hottest request there is: one statement reads the page with
its count, run straight on the driver (``Store.rows``), which reads what SQLAlchemy
would and reports its errors as SQLAlchemy does."""

from __future__ import annotations

import threading
import uuid
from urllib.parse import parse_qsl, quote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import bindparam, event, literal_column, select, table
from sqlalchemy.exc import DBAPIError
from starlette.datastructures import URL

from esper_emulator.operation import _pairs, _uuid_text
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


def test_the_key_and_the_page_are_read_in_one_transaction(
    server: EmulatorServer, tenant: Tenant
) -> None:
    """A GET's key lookup and its handler share a transaction: each one costs as much as
    a statement."""
    begun: list[object] = []

    def note(conn: object) -> None:
        if threading.current_thread() is server._thread:  # not the counters' writer
            begun.append(conn)

    engine = server.emulator.store.engine
    json_of(call("GET", _fleet_url(tenant, limit=5), key=tenant.api_key))  # what was due
    event.listen(engine, "begin", note)
    try:
        page = json_of(call("GET", _fleet_url(tenant, limit=5), key=tenant.api_key))
    finally:
        event.remove(engine, "begin", note)
    assert len(page["results"]) == 5
    shared = 1 if server.emulator.store.shared else 0  # reading what other workers changed
    assert len(begun) == 1 + shared


@pytest.mark.parametrize(
    "query",
    ["name=a+b&offset=4&search=%C3%A9&limit=2", "search=\u00e9t\u00e9&limit=2&offset=4&name="],
    ids=["escaped", "raw-utf8"],
)
def test_links_of_an_escaped_query_are_starlettes(tenant: Tenant, query: str) -> None:
    """The links are what Starlette's ``include_query_params`` writes on the request's URL,
    whether the query is read by hand (nothing escaped) or not."""
    url = f"{tenant.host}/enterprise/{tenant.enterprise_id}/device/"
    page = json_of(call("GET", f"{url}?{query}", key=tenant.api_key))
    sent = URL(f"{url}?{quote(query, safe='=&%+')}")
    assert page["previous"] == str(sent.include_query_params(limit=2, offset=2))


@given(st.text(alphabet="ab=&%+ 2\u00e9\x00", max_size=30))
def test_a_query_is_read_as_parse_qsl_reads_it(query: str) -> None:
    assert _pairs(query) == parse_qsl(query, keep_blank_values=True)


@given(st.one_of(st.uuids().map(str), st.uuids().map(lambda u: u.hex), st.text(max_size=40)))
def test_an_id_is_read_as_uuid_reads_it(raw: str) -> None:
    try:
        expected = str(uuid.UUID(raw))
    except ValueError:
        with pytest.raises(ValueError):
            _uuid_text(raw)
    else:
        assert _uuid_text(raw) == expected
