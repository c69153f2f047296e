"""Group commit: the requests served beside each other on SQLite share one commit, and
no answer leaves before what it says is committed."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy
import urllib3

from esper_emulator.group_commit import GroupCommit
from esper_emulator.server import EmulatorServer
from esper_emulator.settings import Settings
from esper_emulator.store import Store, create_store_engine
from tests.conftest import NewDatabase
from tests.emulator.conftest import make_tenant


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(create_store_engine(str(tmp_path / "grouped.db")))
    yield opened
    opened.close()


def committed(store: Store, key: str) -> str | None:
    """``key``'s value as another connection reads it: only what is committed."""
    path = store.engine.url.database
    assert path is not None
    with sqlite3.connect(path) as other:
        row = other.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def write(store: Store, key: str) -> None:
    with store.transaction(grouped=True):
        store.meta_set(key, "yes")


def test_grouped_writes_land_together_when_their_group_is_committed(store: Store) -> None:
    write(store, "first")
    write(store, "second")
    waiting = (store.group, committed(store, "first"), committed(store, "second"))
    store.commit_group()
    assert waiting == (1, None, None)
    assert (store.group, committed(store, "first"), committed(store, "second")) == (
        None,
        "yes",
        "yes",
    )


def test_a_grouped_write_that_fails_is_undone_alone(store: Store) -> None:
    write(store, "kept")
    with pytest.raises(LookupError), store.transaction(grouped=True):
        store.meta_set("undone", "yes")
        raise LookupError("the request failed half-way")
    write(store, "after")
    store.commit_group()
    assert [committed(store, key) for key in ("kept", "undone", "after")] == ["yes", None, "yes"]


def test_a_grouped_read_opens_no_group_and_joins_an_open_one(store: Store) -> None:
    with store.transaction(read_only=True, grouped=True):
        alone = store.group
    write(store, "written")
    with store.transaction(read_only=True, grouped=True):
        seen = (store.group, store.meta_get("written"))
    store.commit_group()
    assert (alone, seen) == (None, (1, "yes"))


def test_any_other_transaction_commits_the_open_group_first(store: Store) -> None:
    told: list[Exception | None] = []
    write(store, "grouped")
    store.when_group_ends(1, told.append)

    def elsewhere() -> None:
        with store.transaction():
            store.meta_set("elsewhere", "yes")

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert (told, store.group, committed(store, "grouped")) == ([None], None, "yes")


def test_a_group_whose_commit_fails_lands_nothing_and_its_waiters_are_told_why(
    store: Store,
) -> None:
    # SQLite checks a deferred foreign key at the commit: the commit itself fails
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE child (parent TEXT REFERENCES meta (key) DEFERRABLE INITIALLY DEFERRED)"
        )
    told: list[Exception | None] = []
    write(store, "before")
    with store.transaction(grouped=True):
        store.conn.exec_driver_sql("INSERT INTO child (parent) VALUES ('nowhere')")
    store.when_group_ends(1, told.append)
    store.commit_group()
    store.when_group_ends(1, told.append)  # told at once: it has ended
    assert len(told) == 2 and all(isinstance(t, sqlalchemy.exc.IntegrityError) for t in told)
    assert (store.group, committed(store, "before")) == (None, None)
    write(store, "next")
    store.commit_group()
    assert committed(store, "next") == "yes"


def test_a_failed_group_no_one_waits_for_raises(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE child (parent TEXT REFERENCES meta (key) DEFERRABLE INITIALLY DEFERRED)"
        )
    with store.transaction(grouped=True):
        store.conn.exec_driver_sql("INSERT INTO child (parent) VALUES ('nowhere')")
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        store.commit_group()


def test_requests_run_beside_each_other_share_one_commit(store: Store) -> None:
    """The group is committed after the callbacks the event loop already holds: the
    two tasks started together both join it, and each returns once it is committed."""
    commits: list[int] = []
    sqlalchemy.event.listen(store.engine, "commit", lambda _conn: commits.append(1))
    commits_of = GroupCommit(store)

    async def request(key: str) -> str | None:
        write(store, key)
        await commits_of.committed()
        return committed(store, key)

    async def both() -> list[str | None]:
        return await asyncio.gather(request("a"), request("b"))

    assert asyncio.run(both()) == ["yes", "yes"]
    assert len(commits) == 1


def test_a_request_cancelled_while_it_waits_leaves_the_others_of_its_group_be(
    store: Store,
) -> None:
    commits_of = GroupCommit(store)

    async def request(key: str) -> str | None:
        write(store, key)
        await commits_of.committed()
        return committed(store, key)

    async def scenario() -> list[object]:
        first = asyncio.ensure_future(request("cancelled"))
        second = asyncio.ensure_future(request("kept"))
        await asyncio.sleep(0)  # both have written and wait for the group
        first.cancel()
        return list(await asyncio.gather(first, second, return_exceptions=True))

    cancelled, kept = asyncio.run(scenario())
    assert isinstance(cancelled, asyncio.CancelledError) and kept == "yes"
    assert (store.group, committed(store, "cancelled")) == (None, "yes")


def test_a_request_joins_the_next_group_once_another_thread_committed_its_own(
    store: Store,
) -> None:
    commits_of = GroupCommit(store)

    async def scenario() -> list[str | None]:
        write(store, "first")
        waiting = asyncio.ensure_future(commits_of.committed())
        await asyncio.to_thread(store.commit_group)  # as another thread's transaction does
        write(store, "second")
        await waiting
        await commits_of.committed()
        return [committed(store, "first"), committed(store, "second")]

    assert asyncio.run(scenario()) == ["yes", "yes"]


def test_grouped_transactions_commit_alone_on_postgresql(new_database: NewDatabase) -> None:
    """Several workers share a PostgreSQL database, so a group would hold its row locks
    across other workers' requests: each transaction commits alone there."""
    with new_database() as db:
        store = Store(create_store_engine(db))
        try:
            write(store, "alone")
            group = store.group
            with store.transaction(read_only=True):
                value = store.meta_get("alone")
        finally:
            store.close()
    assert (group, value) == (None if store.shared else 1, "yes")


def test_no_answer_leaves_before_what_it_says_is_committed(tmp_path: Path) -> None:
    """Each command's POST, sent 32 at a time, is answered only once another connection
    to the database can read the command."""
    path = tmp_path / "answers.db"
    with EmulatorServer(Settings(db=str(path))) as server:
        tenant = make_tenant(server, devices=64)
        http = urllib3.PoolManager(maxsize=32)
        headers = {"Authorization": f"Bearer {tenant.api_key}"}

        def run(device_id: str) -> bool:
            url = f"{server.host}/enterprise/{tenant.enterprise_id}/device/{device_id}/command/"
            answer = http.request("POST", url, json={"command": "REBOOT"}, headers=headers)
            assert answer.status == 200, answer.data
            with sqlite3.connect(path) as other:
                found = other.execute(
                    "SELECT count(*) FROM commands WHERE id = ?", (answer.json()["id"],)
                ).fetchone()
            return bool(found[0])

        with ThreadPoolExecutor(32) as pool:
            seen = list(pool.map(run, tenant.device_ids))
    assert seen == [True] * 64
