"""Each area's writes sit beside its reads in ``store``, which hands out records, not rows."""

from __future__ import annotations

from esper_emulator.server import EmulatorServer
from esper_emulator.store import Stored
from esper_emulator.store import groups as groups_db
from esper_emulator.store import records as records_db
from esper_emulator.store.records import StoredContent, StoredPolicy
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
