"""The store's core: the engine, transactions and the generic row operations.

The queries of each area live next to it (``devices``, ``apps``, ``groups``...), all on
SQLAlchemy 2 Core; nothing outside ``store`` writes SQL.

SQLite is the default (a file, or ``:memory:``); any SQLAlchemy URL works. Requests use
the store on the server's event-loop thread, one short transaction at a time (never across
an ``await``); code on other threads (``EmulatorServer`` helpers, test fixtures) may use it
too: a lock lets one thread's transaction run at a time. The single-row statements every
request makes run on the driver's own cursor, compiled once (``Store.run``, ``Store.first``,
``Store.rows``).
"""

from __future__ import annotations

import functools
import io
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import (
    BindParameter,
    ClauseElement,
    ColumnElement,
    Connection,
    Engine,
    FunctionElement,
    Insert,
    Integer,
    Row,
    Select,
    Table,
    Update,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Dialect, RootTransaction
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.compiler import SQLCompiler

from esper_emulator.store import schema
from esper_emulator.store.checkpoints import RESTART_BYTES, Checkpointer
from esper_emulator.store.schema import SCHEMA_VERSION, metadata

CHUNK = 500
"""Ids per ``IN (...)`` clause when a query takes an unbounded list of them."""


@dataclass(frozen=True)
class Stored:
    """A stored object as a service needs it: its row's ``pk`` and its JSON ``doc``."""

    pk: int
    doc: bytes


@dataclass(frozen=True)
class StoredById(Stored):
    """A stored object with its public ``id``."""

    id: str


@dataclass(frozen=True)
class Page:
    """One page of a list: the total count and the stored JSON documents."""

    count: int
    docs: list[bytes]


_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def database_url(db: str) -> str:
    """A SQLAlchemy URL for ``db``: a URL as is (PostgreSQL's plain ones through psycopg 3),
    else a SQLite file path or ``:memory:``."""
    for scheme in _POSTGRES_SCHEMES:
        if db.startswith(scheme):
            return "postgresql+psycopg://" + db.removeprefix(scheme)
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
        engine = _engine_of_url(url)
    with engine.begin() as conn:
        _check_schema(conn, fresh=not inspect(conn).has_table(schema.meta.name))
        metadata.create_all(conn)
        _stamp_schema(conn)
        if engine.dialect.name == "postgresql":
            index_search(conn)
    return engine


SEARCH_INDEX = "ix_devices_search_"
"""The start of the names of PostgreSQL's trigram indexes, one per searched column (the
column's name follows): a search's ``ILIKE`` on each is a bitmap scan of its index."""

_log = logging.getLogger("esper_emulator")


def index_search(conn: Connection) -> None:
    """Make the trigram indexes of the searched columns if ``pg_trgm`` is there or can be
    had; else say once that searches read every device (the database's user may not
    create extensions)."""
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as error:
        _log.warning(
            "searches of devices read every device: no pg_trgm extension (%s)",
            str(error.orig).strip(),
        )
        return
    for name in schema.SEARCHED:
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX}{name} ON devices"
            f" USING gin ({name} gin_trgm_ops)"
        )


POSTGRES_INSTALL = "pip install 'esperclient[postgres]'"
"""How to install the PostgreSQL driver the emulator uses (the ``postgres`` extra)."""


class MissingDriverError(RuntimeError):
    """The database URL names a driver that is not installed; the message says which."""


def _engine_of_url(url: str) -> Engine:
    try:
        return create_engine(url)
    except ModuleNotFoundError as exc:
        install = POSTGRES_INSTALL if url.startswith("postgres") else f"install {exc.name!r}"
        raise MissingDriverError(
            f"the database {url.split('://')[0]}:// needs {exc.name!r}: {install}"
        ) from exc


_VERSION = "schema_version"
"""The ``meta`` key of the schema's version, which outlives a reset."""


class SchemaMismatch(RuntimeError):
    """The database was made by an emulator with other tables."""


def _check_schema(conn: Connection, fresh: bool) -> None:
    if fresh:
        return
    found = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == _VERSION)).scalar()
    if found != str(SCHEMA_VERSION):
        raise SchemaMismatch(
            f"this database was made by an emulator with another schema ({found or 'unversioned'},"
            f" this one has {SCHEMA_VERSION}): start with a new --db file"
        )


def _stamp_schema(conn: Connection) -> None:
    m = schema.meta.c
    if conn.execute(select(m.value).where(m.key == _VERSION)).scalar() is None:
        conn.execute(insert(schema.meta).values(key=_VERSION, value=str(SCHEMA_VERSION)))


def like_escape(text: str) -> str:
    """``text`` with the LIKE wildcards escaped (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def containing(text: str) -> str:
    """The pattern (for ``like``) of ``text``, taken literally, anywhere."""
    return f"%{like_escape(text)}%"


def like(column: ColumnElement[Any], pattern: str | BindParameter[str]) -> ColumnElement[bool]:
    """``column`` matches ``pattern`` (escape character ``\\``) in any case."""
    return column.ilike(pattern, escape="\\")


def contains(column: ColumnElement[Any], text: str) -> ColumnElement[bool]:
    """``column`` holds ``text`` (taken literally) anywhere, in any case."""
    return like(column, containing(text))


class _Position(FunctionElement[int]):
    """Where the second argument first occurs in the first (from 1; 0: nowhere)."""

    type = Integer()
    inherit_cache = True


@compiles(_Position)
def _instr(element: _Position, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, needle = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"instr({haystack}, {needle})"


@compiles(_Position, "postgresql")
def _position(element: _Position, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, needle = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"position({needle} in {haystack})"


def holds(column: ColumnElement[Any], part: str | bytes) -> ColumnElement[bool]:
    """``column`` (text or bytes) holds ``part`` anywhere, in its case."""
    return _Position(column, part) > 0


def chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    """``ids`` in slices of ``CHUNK``, one query each."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


# Building a statement costs several times what running it does: the generic writes
# that every command makes are built once for each table (and set of columns).


@functools.cache
def _insert_into(table: Table) -> Insert:
    return insert(table)


@functools.cache
def _insert_of(table: Table, columns: frozenset[str]) -> Insert:
    return insert(table).values({name: bindparam(name) for name in sorted(columns)})


@functools.cache
def _defaults(table: Table) -> dict[str, Any]:
    """The value of each column of ``table`` that has a default (the schema's are all
    plain values), for an insert that leaves it out."""
    defaults: dict[str, Any] = {}
    for column in table.c:
        if column.default is not None:
            if not column.default.is_scalar:
                raise TypeError(f"{column}: an insert fills in plain defaults only")
            defaults[column.name] = column.default.arg  # type: ignore[attr-defined]
    return defaults


@functools.cache
def _update_by(table: Table, key: str, columns: frozenset[str]) -> Update:
    values: dict[str, Any] = {name: bindparam(name) for name in sorted(columns)}
    return update(table).where(table.c[key] == bindparam("_key")).values(values)


@dataclass(frozen=True)
class _Plain:
    """A statement compiled once for the driver: its SQL, the order of its parameters
    (for a positional paramstyle) and the conversions SQLAlchemy makes of their values."""

    compiled: SQLCompiler
    names: tuple[str, ...] | None
    processors: Mapping[str, Callable[[Any], Any]]
    """Only those of single values: no statement run so takes a list of them."""

    @classmethod
    def of(cls, statement: ClauseElement, dialect: Dialect) -> _Plain:
        compiled = statement.compile(dialect=dialect)
        if not isinstance(compiled, SQLCompiler):
            raise TypeError(f"not a statement: {statement!r}")
        if compiled.post_compile_params or compiled.literal_execute_params:
            raise ValueError("a statement run on the driver renders no values when run")
        names = tuple(compiled.positiontup or ()) if compiled.positional else None
        processors = {
            name: process
            for name, process in compiled._bind_processors.items()
            if callable(process)
        }
        return cls(compiled, names, processors)

    def arguments(self, values: Mapping[str, Any]) -> Sequence[Any] | Mapping[str, Any]:
        """``values`` as the driver takes them for this statement."""
        params = self.compiled.construct_params(dict(values))
        for name, process in self.processors.items():
            if name in params:
                params[name] = process(params[name])
        return params if self.names is None else [params[name] for name in self.names]


WRITER_LOCK = 0x45535045  # "ESPE"
"""The PostgreSQL advisory lock a transaction that may write holds until it ends."""
_TAKE_WRITER_LOCK = text(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")


@dataclass(frozen=True)
class Bulk:
    """Rows for one table, made to be inserted in one go (``Store.bulk_insert``) by a
    ``BulkMaker``: ``count`` rows of the values of ``columns``, in that order.

    ``data`` is the rows themselves (SQLite), or the same rows encoded as PostgreSQL's
    binary ``COPY`` data, which is most of the work of sending them.
    """

    table: Table
    columns: tuple[str, ...]
    data: Sequence[Sequence[Any]] | bytes
    count: int


class BulkMaker:
    """Makes ``Bulk`` rows for one store (``Store.bulk_maker``), without a database round
    trip: another thread than the transaction's may make them while it writes others
    (one thread at a time). The values go to the driver as they are (no SQLAlchemy type
    processing): plain ``str``, ``int``, ``float``, ``bool``, ``bytes`` or ``None``."""

    def __init__(self, cursor: Any = None, types: Mapping[str, Mapping[str, int]] | None = None):
        self._cursor = cursor
        self._types = types or {}

    def __call__(self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Bulk:
        """``rows`` of ``table``, each the values of ``columns`` in that order."""
        if self._cursor is None:
            return Bulk(table, tuple(columns), rows, len(rows))
        from psycopg.copy import Copy, FileWriter

        encoded = io.BytesIO()
        # no statement runs: the cursor lends its connection's type adapters
        with Copy(self._cursor, binary=True, writer=FileWriter(encoded)) as copy:
            types = self._types[table.name]
            copy.set_types([types[name] for name in columns])  # binary COPY casts nothing
            for row in rows:
                copy.write_row(row)
        return Bulk(table, tuple(columns), encoded.getvalue(), len(rows))


_COLUMN_TYPES = """
SELECT attrelid::regclass::text, attname, atttypid::int FROM pg_attribute
WHERE attrelid = ANY(CAST(%s AS regclass[])) AND attnum > 0 AND NOT attisdropped
"""


def _column_types(driver: Any) -> dict[str, dict[str, int]]:
    """The PostgreSQL type (oid) of every column of the schema's tables, by table."""
    types: dict[str, dict[str, int]] = {table: {} for table in metadata.tables}
    with driver.cursor() as cursor:
        for table, column, oid in cursor.execute(_COLUMN_TYPES, (list(metadata.tables),)):
            types[table][column] = oid
    return types


def _copy(driver: Any, bulk: Bulk) -> None:
    """``bulk``'s encoded rows into its table by one binary ``COPY`` (psycopg 3)."""
    sql = f"COPY {bulk.table.name} ({', '.join(bulk.columns)}) FROM STDIN (FORMAT BINARY)"
    with driver.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(bulk.data)


def _checkpointer(engine: Engine) -> Checkpointer | None:
    """A SQLite file's checkpoints, made on a thread of their own (see ``checkpoints``)."""
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        return None
    with engine.connect() as conn:  # the one connection of the engine's StaticPool
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
        conn.exec_driver_sql(f"PRAGMA journal_size_limit={RESTART_BYTES}")
    return Checkpointer(path)


def _driver(conn: Connection) -> Any:
    driver = conn.connection.driver_connection
    if driver is None:
        raise RuntimeError("the store's connection is closed")
    return driver


def _parameters_limit(driver: Any) -> int:
    """The most parameters a statement takes (``SQLITE_MAX_VARIABLE_NUMBER``), as the
    library says (Python 3.11 and later) or as its version's default is."""
    number = getattr(sqlite3, "SQLITE_LIMIT_VARIABLE_NUMBER", None)
    if number is not None:
        return int(driver.getlimit(number))
    return 32766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999


def _insert_rows(
    driver: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """``rows`` into ``table``, as many to a statement as it takes parameters.

    Each statement binds a thousand rows or so at once: inserting a seed's rows takes a
    sixth less time than ``executemany``'s statement a row (100,000 devices' rows in
    2.7 s against 3.2 s)."""
    per_statement = max(1, _parameters_limit(driver) // len(columns))
    row = f"({', '.join('?' for _ in columns)})"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        driver.execute(head + ", ".join([row] * len(chunk)), list(chain.from_iterable(chunk)))


def _begin_now(conn: Connection) -> None:
    """Open SQLite's transaction now: its statements then share one lock and one
    snapshot, where each read would otherwise take and drop its own (Python's
    ``sqlite3`` begins a transaction only before a write). The commit that ends it is
    SQLAlchemy's."""
    _driver(conn).execute("BEGIN")


@contextmanager
def _savepoint(conn: Connection) -> Iterator[None]:
    """The body's writes kept or undone as one, inside the transaction already open."""
    driver = _driver(conn)
    driver.execute("SAVEPOINT request")
    try:
        yield
    except BaseException:
        driver.execute("ROLLBACK TO request")
        raise
    finally:
        driver.execute("RELEASE request")


class Store:
    """One database: its transactions and the generic row operations."""

    def __init__(self, engine: Engine, lock_timeout: float = 30.0) -> None:
        self.engine = engine
        self.lock_timeout = lock_timeout
        self.shared = engine.dialect.name == "postgresql"
        """Whether other processes may use the database at the same time (PostgreSQL):
        then writers take turns (see ``transaction``)."""
        self._conn: Connection | None = None
        self._group: RootTransaction | None = None
        self._groups_begun = 0
        self._group_waiters: list[Callable[[Exception | None], None]] = []
        self._last_failure: Exception | None = None
        self._held: Connection | None = None
        self._reading: Connection | None = None
        self._search_index = not self.shared
        self._sqlite = engine.dialect.name == "sqlite"
        self._lock = threading.RLock()
        self._owner: int | None = None
        self._plain: dict[ClauseElement, _Plain] = {}
        self._column_types: dict[str, dict[str, int]] | None = None
        self.checkpoints = _checkpointer(engine)
        """What checkpoints a SQLite file (none for PostgreSQL or a database in memory)."""

    @contextmanager
    def transaction(self, *, read_only: bool = False, grouped: bool = False) -> Iterator[Store]:
        """Run the body in one transaction: all of its writes land, or none.

        A nested call joins the transaction already open on this thread; another
        thread waits for it to end, for ``lock_timeout`` seconds at most (a transaction
        held open while its own thread waits for a request would otherwise hang both).

        On PostgreSQL, where several processes may serve one database, writers take
        turns as SQLite's single writer does: a transaction that may write first takes
        ``WRITER_LOCK``, held until it ends, so what it reads stays true until it
        commits. A ``read_only`` one takes no lock: it runs on a connection of its own in
        autocommit, whose session is read-only, so a write in it fails loudly instead of
        racing. Each statement then reads what is committed when it starts, as it would
        in a transaction at PostgreSQL's READ COMMITTED, without a BEGIN and a COMMIT
        each costing a round trip. On SQLite a ``read_only`` one begins at once, so that
        its statements read one snapshot under one read lock (a GET's key and page).

        On SQLite a ``grouped`` transaction (a request's) is committed with the others
        of its group, by ``commit_group``: its writes are kept in a savepoint of the
        group's transaction, undone alone if the body fails. A read-only one joins an
        open group, or runs alone when none is open. What a grouped transaction did is
        durable, and may be answered, once its group is committed (``when_group_ends``).
        Any other transaction first commits the open group.
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
            if grouped and self._sqlite and (self._group is not None or not read_only):
                with self._in_group(read_only):
                    yield self
                return
            self.commit_group()
            conn = self._reader() if self.shared and read_only else self._connection()
            if not read_only:
                self._restart_log_if_due(conn)
            with conn.begin():
                if self.shared and not read_only:
                    conn.execute(_TAKE_WRITER_LOCK)
                elif read_only and self._sqlite:
                    _begin_now(conn)
                with self._open(conn):
                    yield self
            if not read_only:
                self._committed()
        finally:
            self._lock.release()

    def _committed(self) -> None:
        """Note a commit that may have added to SQLite's log."""
        if self.checkpoints is not None:
            self.checkpoints.wake()

    @contextmanager
    def _open(self, conn: Connection) -> Iterator[None]:
        self._conn, self._owner = conn, threading.get_ident()
        try:
            yield
        finally:
            self._conn = self._owner = None

    @contextmanager
    def _in_group(self, read_only: bool) -> Iterator[None]:
        conn = self._connection()
        if self._group is None:
            self._restart_log_if_due(conn)
            self._group = conn.begin()
            self._groups_begun += 1
            _begin_now(conn)
        with self._open(conn), nullcontext() if read_only else _savepoint(conn):
            yield

    def _restart_log_if_due(self, conn: Connection) -> None:
        if self.checkpoints is not None and self.checkpoints.restart_due():
            self.checkpoints.restart(_driver(conn))

    @property
    def group(self) -> int | None:
        """The number of the open group of transactions (see ``transaction``), if any."""
        return self._groups_begun if self._group is not None else None

    def when_group_ends(self, group: int, waiter: Callable[[Exception | None], None]) -> None:
        """Have ``waiter`` told how group number ``group`` ended, on whatever thread ends it
        (at once if it has ended): ``None`` once committed, or the failure that undid it."""
        with self._lock:
            if group == self.group:
                self._group_waiters.append(waiter)
            else:  # another thread's transaction committed it first
                waiter(self._last_failure if group == self._groups_begun else None)

    def commit_group(self) -> None:
        """Commit the open group of transactions, if any: all of its writes land, or none.

        Its waiters are told how it ended; a failure that no one waits for is raised.
        """
        with self._lock:
            group, self._group = self._group, None
            waiters, self._group_waiters = self._group_waiters, []
            if group is None:
                return
            self._last_failure = None
            try:
                group.commit()
            except Exception as exc:
                self._last_failure = exc
                group.rollback()
                _driver(group.connection).rollback()  # SQLite's is still open after a failed COMMIT
                if not waiters:
                    raise
            else:
                self._committed()
            finally:  # however the undoing went: a waiter never waits for ever
                for waiter in waiters:
                    waiter(self._last_failure)

    def read_alone(self, statement: Select[Any]) -> tuple[Any, ...]:
        """The one row ``statement`` reads (on PostgreSQL, one round trip)."""
        with self.transaction(read_only=True):
            return tuple(self.conn.execute(statement).one())

    @property
    def has_search_index(self) -> bool:
        """Whether searches of devices have a trigram index to pick their candidates from:
        SQLite's FTS5 table. (PostgreSQL's trigram indexes serve a search's own condition.)"""
        return self._search_index

    @property
    def conn(self) -> Connection:
        """The connection of this thread's open transaction."""
        if self._conn is None or self._owner != threading.get_ident():
            raise RuntimeError("store used outside a transaction")
        return self._conn

    def _connection(self) -> Connection:
        # One connection serves every transaction in turn (the lock sees to it): taking
        # one from the pool and handing it back would cost as much as a short request.
        if self._held is None or self._held.closed:
            self._held = self.engine.connect()
        return self._held

    def _reader(self) -> Connection:
        """The connection of read-only transactions on PostgreSQL: autocommit, read-only."""
        if self._reading is None or self._reading.closed:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("SET default_transaction_read_only = on")
            conn.commit()  # SQLAlchemy's own bookkeeping: autocommit committed it already
            self._reading = conn
        return self._reading

    def close(self) -> None:
        """Release the database, once the open group of transactions is committed."""
        with self._lock:
            self.commit_group()
            if self.checkpoints is not None:
                self.checkpoints.close()
            for held in (self._held, self._reading):
                if held is not None:
                    held.close()
            self._held = self._reading = None
        self.engine.dispose()

    # generic

    def run(self, statement: ClauseElement, values: Mapping[str, Any]) -> int:
        """Run a write ``statement`` built once (``values`` for its bound parameters) on
        the driver's own cursor; how many rows it changed.

        SQLAlchemy's execution costs three times what SQLite's takes for a statement
        of one row: the statements every request makes go past it, compiled once.
        """
        cursor = self._driver_execute(statement, values)
        try:
            changed: int = cursor.rowcount
        finally:
            cursor.close()
        return changed

    def first(self, statement: ClauseElement, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row a ``statement`` built once reads, as ``run`` runs it: its values
        as the driver gives them (a ``Boolean`` is 0 or 1 on SQLite), or ``None``."""
        cursor = self._driver_execute(statement, values)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return None if row is None else tuple(row)

    def rows(self, statement: ClauseElement, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row a ``statement`` built once reads, as ``first`` reads one."""
        cursor = self._driver_execute(statement, values)
        try:
            found: list[tuple[Any, ...]] = cursor.fetchall()
        finally:
            cursor.close()
        if found and type(found[0]) is not tuple:  # SQLAlchemy's rows (``_watched``)
            return [tuple(row) for row in found]
        return found  # the driver's own: tuples already

    def _driver_execute(self, statement: ClauseElement, values: Mapping[str, Any]) -> Any:
        """The cursor of ``statement`` run on the driver, or through SQLAlchemy when
        something listens to the engine's statements (a test reading query plans)."""
        conn = self.conn
        if self._watched():
            return conn.execute(statement, values)  # type: ignore[call-overload]
        plain = self._plain.get(statement)
        if plain is None:
            plain = self._plain[statement] = _Plain.of(statement, self.engine.dialect)
        driver = _driver(conn)
        sql, arguments = plain.compiled.string, plain.arguments(values)
        dialect = self.engine.dialect
        try:
            return driver.execute(sql, arguments)
        except dialect.loaded_dbapi.Error as error:
            # what SQLAlchemy's execution would have done: the connection dropped when
            # the database is gone, the driver's error raised as SQLAlchemy's
            if dialect.is_disconnect(error, driver, None):
                conn.invalidate(error)
            raise DBAPIError.instance(
                sql, arguments, error, dialect.loaded_dbapi.Error, dialect=dialect
            ) from error

    def _watched(self) -> bool:
        """Whether something listens to the statements run on the engine."""
        dispatch = self.engine.dispatch
        return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute)

    def insert(self, table: Table, **values: Any) -> None:
        """Insert one row."""
        row = {**_defaults(table), **values}
        self.run(_insert_of(table, frozenset(row)), row)

    def insert_pk(self, table: Table, **values: Any) -> int:
        """Insert one row; its new ``pk``."""
        inserted = self.conn.execute(_insert_into(table), values)
        pk: int = inserted.inserted_primary_key[0]  # type: ignore[index]
        return pk

    def insert_many(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert many rows in one statement batch."""
        if rows:
            self.conn.execute(_insert_into(table), list(rows))

    def bulk_maker(self) -> BulkMaker:
        """What makes rows for ``bulk_insert``: on PostgreSQL, encoded for its binary
        ``COPY`` (the types of every column are read at the first call)."""
        if not self.shared:
            return BulkMaker()
        driver = _driver(self.conn)
        if self._column_types is None:
            self._column_types = _column_types(driver)
        return BulkMaker(driver.cursor(), self._column_types)

    def bulk_insert(self, bulk: Bulk) -> None:
        """Insert many rows, made by ``bulk_maker``, the fastest way the database has:
        PostgreSQL's binary ``COPY``; on SQLite, statements of as many rows as they can
        take (see ``_insert_rows``)."""
        if not bulk.count:
            return
        driver = _driver(self.conn)
        if isinstance(bulk.data, bytes):
            _copy(driver, bulk)
            return
        _insert_rows(driver, bulk.table.name, bulk.columns, bulk.data)

    def analyze(self, *tables: Table) -> None:
        """Gather PostgreSQL's planner statistics of ``tables`` now, as autovacuum would
        only a minute or so after a big insert: till then the planner plans for the tables
        as they were. (SQLite plans without statistics.)"""
        if self.engine.dialect.name == "postgresql":
            for table in tables:
                self.conn.exec_driver_sql(f"ANALYZE {table.name}")

    def update(self, table: Table, *where: ColumnElement[bool], **values: Any) -> int:
        """Update the rows matching every condition of ``where``; returns how many matched."""
        return self.conn.execute(update(table).where(*where).values(**values)).rowcount

    def update_row(self, table: Table, pk: int, **values: Any) -> None:
        """Update the row whose ``pk`` is given."""
        self.run(_update_by(table, "pk", frozenset(values)), {"_key": pk, **values})

    def update_by_id(self, table: Table, row_id: str, **values: Any) -> None:
        """Update the row whose public ``id`` is given."""
        self.run(_update_by(table, "id", frozenset(values)), {"_key": row_id, **values})

    def delete(self, table: Table, *where: ColumnElement[bool]) -> int:
        """Delete the rows matching every condition of ``where``; returns how many there were."""
        return self.conn.execute(delete(table).where(*where)).rowcount

    def delete_row(self, table: Table, pk: int) -> None:
        """Delete the row whose ``pk`` is given."""
        self.delete(table, table.c.pk == pk)

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

    def wipe(self) -> None:
        """Delete every row of every table but those of ``schema.KEPT_ON_RESET`` and the
        schema's version."""
        for table in reversed(metadata.sorted_tables):
            if table is schema.meta:
                self.delete(table, table.c.key != _VERSION)
            elif table not in schema.KEPT_ON_RESET:
                self.conn.execute(table.delete())
