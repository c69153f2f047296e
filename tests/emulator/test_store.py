"""Each area's writes sit beside its reads in ``store``, which hands out records, not rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from sqlalchemy import select

from esper_emulator.server import EmulatorServer
from esper_emulator.store import Store, Stored, create_store_engine, schema
from esper_emulator.store import apps as apps_db
from esper_emulator.store import commands as commands_db
from esper_emulator.store import groups as groups_db
from esper_emulator.store import records as records_db
from esper_emulator.store import reports as reports_db
from esper_emulator.store import shared as shared_db
from esper_emulator.store.records import StoredContent, StoredPolicy
from esper_emulator.store.reports import NewApp, StoredApp
from tests.conftest import Tenant


def test_records_are_written_read_back_and_deleted_by_their_area(
    server: EmulatorServer, tenant: Tenant
) -> None:
    enterprise_id = tenant.enterprise_id
    with server.emulator.store.transaction() as store:
        records_db.add_geofence(store, enterprise_id, "f-1", "HQ", b'{"name":"HQ"}')
        fence = records_db.geofence(store, enterprise_id, "f-1")
        assert isinstance(fence, Stored) and fence.doc == b'{"name":"HQ"}'
        records_db.save_geofence(store, fence.pk, "Depot", b'{"name":"Depot"}')
        assert records_db.geofence_docs(store, enterprise_id) == [b'{"name":"Depot"}']
        records_db.delete_geofence(store, fence.pk)
        assert records_db.geofence(store, enterprise_id, "f-1") is None

        pk = records_db.add_policy(store, enterprise_id, "p-1", "Kiosk", True)
        records_db.save_policy(store, pk, "Kiosk", True, b'{"name":"Kiosk"}')
        assert records_db.policy(store, enterprise_id, pk) == StoredPolicy(
            pk, b'{"name":"Kiosk"}', "Kiosk"
        )

        pk = records_db.add_content(store, enterprise_id, "notes.txt", "/kept/notes")
        records_db.save_content(store, pk, "notes.txt", b"{}")
        assert records_db.content(store, enterprise_id, pk) == StoredContent(
            pk, b"{}", "/kept/notes"
        )
        assert records_db.contents_page(store, enterprise_id, 20, 0, "notes").count == 1


def test_a_group_is_added_and_listed_as_records(server: EmulatorServer, tenant: Tenant) -> None:
    with server.emulator.store.transaction() as store:
        groups_db.add(store, tenant.enterprise_id, "g-1", "Lobby", b'{"name":"Lobby"}')
        added = [row for row in groups_db.rows(store, tenant.enterprise_id) if row.id == "g-1"]
    assert [(row.id, row.doc) for row in added] == [("g-1", b'{"name":"Lobby"}')]


def test_a_device_app_is_added_moved_and_removed_as_records(
    server: EmulatorServer, tenant: Tenant
) -> None:
    device_id = tenant.device_ids[0]
    with server.emulator.store.transaction() as store:
        reports_db.add_apps(store, [NewApp("a-1", device_id, "com.example.kept", None, b"{}")])
        app = reports_db.app_row(store, device_id, "com.example.kept")
        assert isinstance(app, StoredApp) and (app.doc, app.app_version_id) == (b"{}", None)
        reports_db.save_app(store, app.pk, b'{"whitelisted":true}')
        reports_db.move_app(store, app.pk, "v-2", b'{"version_code":"2"}')
        assert reports_db.app_rows(store, device_id, "com.example.kept") == [
            StoredApp(app.pk, b'{"version_code":"2"}', "v-2")
        ]
        reports_db.delete_app(store, app.pk)
        assert reports_db.app_row(store, device_id, "com.example.kept") is None


def test_app_installs_and_events_are_added_beside_their_reads(
    server: EmulatorServer, tenant: Tenant
) -> None:
    enterprise_id, (first, second) = tenant.enterprise_id, tenant.device_ids[1:3]
    with server.emulator.store.transaction() as store:
        reports_db.add_install(
            store,
            enterprise_id,
            first,
            "i-1",
            app_version_id=None,
            package_name="com.example.gone",
            application_name="Gone",
            install_state="Uninstall Success",
            doc=b'{"id":"i-1"}',
        )
        installs = reports_db.installs_page(
            store, enterprise_id, first, 20, 0, install_state="Uninstall Success"
        )
        assert installs.docs == [b'{"id":"i-1"}']

        before = len(reports_db.events(store, second, latest_only=False))
        for rows in reports_db.enrolled(
            store.bulk_maker(), enterprise_id, [], [(second, b'{"data":"a"}')]
        ):
            store.bulk_insert(rows)
        reports_db.add_event(store, enterprise_id, second, b'{"data":"b"}')
        newest = reports_db.events(store, second, latest_only=False)
        assert [doc for _, doc in newest[:2]] == [b'{"data":"b"}', b'{"data":"a"}']
        assert len(newest) == before + 2


def test_an_app_version_is_read_and_saved_as_a_record(
    server: EmulatorServer, tenant: Tenant
) -> None:
    enterprise_id = tenant.enterprise_id
    with server.emulator.store.transaction() as store:
        apps_db.add_application(store, enterprise_id, "app-1", "com.example.v", "V", b"{}")
        apps_db.add_version(
            store,
            enterprise_id,
            "app-1",
            "ver-1",
            version_code="1.0",
            build_number="1",
            file_path="/kept/v.apk",
            doc=b"{}",
        )
        version = apps_db.version_by_id(store, "ver-1")
        assert isinstance(version, Stored) and version.doc == b"{}"
        apps_db.save_version(store, version.pk, b'{"installed_count":1}')
        assert apps_db.version_by_id(store, "ver-1") == Stored(version.pk, b'{"installed_count":1}')


def test_a_command_and_its_request_are_added_and_saved_beside_their_reads(
    server: EmulatorServer, tenant: Tenant
) -> None:
    enterprise_id, device_id = tenant.enterprise_id, tenant.device_ids[3]
    with server.emulator.store.transaction() as store:
        commands_db.add_request(
            store,
            enterprise_id,
            "r-1",
            command_type="DEVICE",
            device_type="all",
            command="REBOOT",
            issued_by=None,
            doc=b'{"id":"r-1"}',
        )
        assert commands_db.request_exists(store, enterprise_id, "r-1")
        # due before the clock began: only this command is due at that time, and it
        # is saved as due no more within the transaction, so the fleet never meets it
        commands_db.add(
            store,
            enterprise_id,
            device_id,
            "c-1",
            state="Command Initiated",
            due_at=-2.0,
            doc=b'{"id":"c-1"}',
            request_id="r-1",
            args=b'{"package_name":"com.example"}',
        )
        assert commands_db.doc(store, enterprise_id, device_id, "c-1") == b'{"id":"c-1"}'
        (due,) = commands_db.due(store, now=-1.0)
        assert (due.id, due.state, due.request_id, due.args) == (
            "c-1",
            "Command Initiated",
            "r-1",
            b'{"package_name":"com.example"}',
        )
        commands_db.save(store, due.pk, "Command Success", None, b'{"state":"Command Success"}')
        assert commands_db.due(store, now=-1.0) == []
        (done,) = commands_db.of_request(store, "r-1")
        assert (done.state, done.due_at) == ("Command Success", None)


def _plan(store: Store, statement: Any, values: dict[str, Any], backend: str) -> list[str]:
    """The lines of the database's plan for ``statement`` run with ``values``."""
    compiled = statement.compile(store.conn.engine)
    params = compiled.construct_params(values)
    if backend == "postgres":
        # PostgreSQL scans a small table whole by choice: see what it can do without
        store.conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = store.conn.exec_driver_sql(f"EXPLAIN {compiled}", params).scalars().all()
        return [str(line).strip() for line in plan]
    plan = store.conn.exec_driver_sql(
        f"EXPLAIN QUERY PLAN {compiled}", tuple(params[k] for k in compiled.positiontup or [])
    ).all()
    return [str(row[3]) for row in plan]


def _scans_commands(details: list[str]) -> bool:
    return any(d.startswith(("SCAN commands", "Seq Scan on commands")) for d in details)


def test_finding_the_due_commands_searches_their_indexes_never_scans_the_table(
    server: EmulatorServer, backend: str
) -> None:
    # run before every request: a scan of every command ever sent slows them all
    with server.emulator.store.transaction() as store:
        details = _plan(store, commands_db._DUE, {"now": 1.0, "limit": 10}, backend)
    assert any("ix_commands_due" in d for d in details), details
    assert any("ix_commands_deadline" in d for d in details), details
    assert not _scans_commands(details), details


@pytest.mark.parametrize("statement", [commands_db._NEXT_DUE, shared_db._SNAPSHOT])
def test_the_earliest_due_time_is_read_from_the_indexes_of_the_commands_that_have_one(
    server: EmulatorServer, backend: str, statement: Any
) -> None:
    # the indexes hold only the commands due (or with a deadline): the query must say so
    with server.emulator.store.transaction() as store:
        details = _plan(store, statement, {}, backend)
    assert any("ix_commands_due" in d for d in details), details
    assert any("ix_commands_deadline" in d for d in details), details
    assert not _scans_commands(details), details


_INDEXES_OF_EMPTY_COLUMNS = {
    "ix_commands_due": "due_at",
    "ix_commands_deadline": "deadline",
    "ix_commands_api_request": "api_request_id",
    "ix_commands_group_command": "group_command_id",
    "ix_commands_request": "request_id",
}


def test_a_command_carried_out_as_it_is_sent_skips_the_indexes_of_its_empty_columns(
    server: EmulatorServer, backend: str
) -> None:
    # a command's commit writes every index page it changes: most commands are due no
    # more once finished and come from no request, so these indexes hold only the others
    if backend == "postgres":
        catalog = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'commands'"
    else:
        catalog = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
    with server.emulator.store.transaction(read_only=True) as store:
        made = {name: sql for name, sql in store.conn.exec_driver_sql(catalog)}
    for index, column in _INDEXES_OF_EMPTY_COLUMNS.items():
        where = " ".join(made[index].replace("(", " ").replace(")", " ").split()).upper()
        assert f"WHERE {column.upper()} IS NOT NULL" in where, made[index]


def test_commands_past_their_deadline_come_first_among_the_due(
    server: EmulatorServer, tenant: Tenant
) -> None:
    # a waiting command (no due_at) past its deadline sorts before those due, on
    # PostgreSQL too, which would put a NULL last
    enterprise_id, device_id = tenant.enterprise_id, tenant.device_ids[4]
    with server.emulator.store.transaction() as store:
        for command_id, due_at, deadline in (("due", -3.0, None), ("late", None, -3.0)):
            commands_db.add(
                store,
                enterprise_id,
                device_id,
                command_id,
                state="Command Queued",
                due_at=due_at,
                doc=b"{}",
                deadline=deadline,
            )
        due = [row.id for row in commands_db.due(store, now=-2.0)]
        store.delete(schema.commands, schema.commands.c.id.in_(["due", "late"]))
    assert due == ["late", "due"]


def test_a_write_on_the_drivers_cursor_keeps_the_schemas_defaults_and_sqlalchemys_errors(
    server: EmulatorServer, tenant: Tenant
) -> None:
    """``Store.insert`` runs on the driver's cursor: a column left out still gets its
    default, a refused write is SQLAlchemy's error and leaves the transaction's writes out."""
    store = server.emulator.store
    with store.transaction():
        groups_db.add(store, tenant.enterprise_id, "g-kept", "Kept", b"{}")
        members = store.first(
            select(schema.device_groups.c.members).where(schema.device_groups.c.id == "g-kept"),
            {},
        )
    assert members == (0,)
    with pytest.raises(sqlalchemy.exc.IntegrityError), store.transaction():
        groups_db.add(store, tenant.enterprise_id, "g-new", "New", b"{}")
        groups_db.add(store, tenant.enterprise_id, "g-kept", "Again", b"{}")
    with store.transaction(read_only=True):
        ids = {row.id for row in groups_db.rows(store, tenant.enterprise_id)}
    assert "g-kept" in ids and "g-new" not in ids


def test_a_read_only_transaction_on_sqlite_reads_one_snapshot(tmp_path: Path) -> None:
    """Its statements share one read transaction: what another connection commits
    between them is not seen (each would otherwise read the database afresh)."""
    path = tmp_path / "snapshot.db"
    store = Store(create_store_engine(str(path)))
    other = sqlite3.connect(path)
    try:
        with store.transaction(read_only=True):
            before = store.meta_get("written")
            with other:
                other.execute("INSERT INTO meta (key, value) VALUES ('written', 'yes')")
            during = store.meta_get("written")
        with store.transaction(read_only=True):
            after = store.meta_get("written")
    finally:
        other.close()
        store.close()
    assert (before, during, after) == (None, None, "yes")


def test_a_write_in_a_read_only_transaction_on_sqlite_still_lands(tmp_path: Path) -> None:
    store = Store(create_store_engine(str(tmp_path / "write.db")))
    try:
        with store.transaction(read_only=True):
            store.meta_set("written", "yes")
        with store.transaction(read_only=True):
            assert store.meta_get("written") == "yes"
    finally:
        store.close()


def test_a_bulk_insert_of_more_rows_than_a_statement_takes_lands_whole(tmp_path: Path) -> None:
    """SQLite takes 32,766 parameters a statement: 50,001 rows of two columns take four."""
    store = Store(create_store_engine(str(tmp_path / "bulk.db")))
    rows = [(f"key-{n:05d}", str(n)) for n in range(50_001)]
    try:
        with store.transaction():
            store.bulk_insert(store.bulk_maker()(schema.meta, ("key", "value"), rows))
        with store.transaction(read_only=True):
            stored = store.conn.execute(
                select(schema.meta.c.key, schema.meta.c.value)
                .where(schema.meta.c.key.like("key-%"))
                .order_by(schema.meta.c.key)
            ).all()
    finally:
        store.close()
    assert [tuple(row) for row in stored] == rows
