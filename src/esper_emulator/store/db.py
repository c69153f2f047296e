"""The store: every query the emulator makes, on SQLAlchemy 2 Core.

SQLite is the default (a file, or ``:memory:``); any SQLAlchemy URL works. Requests use
the store on the server's event-loop thread, one short transaction at a time (never across
an ``await``); code on other threads (``EmulatorServer`` helpers, test fixtures) may use it
too: a lock lets one thread's transaction run at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Row,
    Table,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.pool import StaticPool

from esper_emulator.store import schema
from esper_emulator.store.schema import metadata


@dataclass(frozen=True)
class Page:
    """One page of a list: the total count and the stored JSON documents."""

    count: int
    docs: list[bytes]


def database_url(db: str) -> str:
    """A SQLAlchemy URL for ``db``: a URL as is, else a SQLite file path or ``:memory:``."""
    return db if "://" in db else f"sqlite:///{db}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_store_engine(db: str) -> Engine:
    """An engine for ``db`` with the tables created; SQLite runs in WAL mode."""
    url = database_url(db)
    if url.startswith("sqlite"):
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url)
    metadata.create_all(engine)
    return engine


class Store:
    """Typed access to the tables; the only place that writes SQL."""

    def __init__(self, engine: Engine, lock_timeout: float = 30.0) -> None:
        self.engine = engine
        self.lock_timeout = lock_timeout
        self._conn: Connection | None = None
        self._lock = threading.RLock()
        self._owner: int | None = None

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Run the body in one transaction: all of its writes land, or none.

        A nested call joins the transaction already open on this thread; another
        thread waits for it to end, for ``lock_timeout`` seconds at most (a transaction
        held open while its own thread waits for a request would otherwise hang both).
        """
        if not self._lock.acquire(timeout=self.lock_timeout):
            raise RuntimeError(
                f"the store stayed busy for {self.lock_timeout} s: "
                "is a transaction held open across a request?"
            )
        try:
            if self._conn is not None:
                yield self
                return
            with self.engine.begin() as conn:
                self._conn, self._owner = conn, threading.get_ident()
                try:
                    yield self
                finally:
                    self._conn = self._owner = None
        finally:
            self._lock.release()

    @property
    def conn(self) -> Connection:
        if self._conn is None or self._owner != threading.get_ident():
            raise RuntimeError("store used outside a transaction")
        return self._conn

    def close(self) -> None:
        """Release the database."""
        self.engine.dispose()

    # generic

    def insert(self, table: Table, **values: Any) -> None:
        """Insert one row."""
        self.conn.execute(insert(table).values(**values))

    def insert_many(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert many rows in one statement batch."""
        if rows:
            self.conn.execute(insert(table), list(rows))

    def update(self, table: Table, where: ColumnElement[bool], **values: Any) -> int:
        """Update the matching rows; returns how many matched."""
        return self.conn.execute(update(table).where(where).values(**values)).rowcount

    def one(self, table: Table, *where: ColumnElement[bool]) -> Row[Any] | None:
        """The one row matching ``where``, or ``None``."""
        return self.conn.execute(select(table).where(*where)).first()

    def doc(self, table: Table, *where: ColumnElement[bool]) -> bytes | None:
        """The ``doc`` of the row matching ``where``, or ``None``."""
        return self.conn.execute(select(table.c.doc).where(*where)).scalar()

    def page(
        self, table: Table, where: Sequence[ColumnElement[bool]], limit: int, offset: int
    ) -> Page:
        """``limit`` docs from ``offset`` in insertion order, and the total count."""
        count = self.conn.execute(
            select(func.count()).select_from(table).where(*where)
        ).scalar_one()
        if count <= offset:
            return Page(count, [])
        docs = self.conn.execute(
            select(table.c.doc).where(*where).order_by(table.c.pk).limit(limit).offset(offset)
        ).scalars()
        return Page(count, list(docs))

    # meta

    def meta_get(self, key: str) -> str | None:
        """A value of the emulator's own bookkeeping."""
        return self.conn.execute(
            select(schema.meta.c.value).where(schema.meta.c.key == key)
        ).scalar()

    def meta_set(self, key: str, value: str) -> None:
        """Store a value of the emulator's own bookkeeping."""
        if self.meta_get(key) is None:
            self.insert(schema.meta, key=key, value=value)
        else:
            self.update(schema.meta, schema.meta.c.key == key, value=value)

    # commands

    def due_commands(self, now: float, limit: int = 1000) -> list[Row[Any]]:
        """Commands whose next state change is due at ``now``, oldest first."""
        c = schema.commands.c
        return list(
            self.conn.execute(
                select(schema.commands).where(c.due_at <= now).order_by(c.due_at, c.pk).limit(limit)
            )
        )

    def next_due(self) -> float | None:
        """When the earliest pending command state change is due."""
        return self.conn.execute(select(func.min(schema.commands.c.due_at))).scalar()

    def wipe(self) -> None:
        """Delete every row of every table."""
        for table in reversed(metadata.sorted_tables):
            self.conn.execute(table.delete())
