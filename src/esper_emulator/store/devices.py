"""Queries of the devices table: lookups, the filtered list, and id sets."""

from __future__ import annotations

import functools
import operator
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    FunctionElement,
    Select,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from esper_emulator.store import groups as groups_db
from esper_emulator.store import schema
from esper_emulator.store.db import (
    SEARCH_INDEX,
    Bulk,
    BulkMaker,
    Page,
    Store,
    StoredById,
    chunks,
    containing,
    contains,
    like,
)
from esperclient.models import DevicePlatform

_d = schema.devices.c
_m = schema.group_members.c
_n = schema.device_counts.c


_DOC = select(_d.doc).where(_d.id == bindparam("id"), _d.enterprise_id == bindparam("enterprise"))


def doc(store: Store, enterprise_id: str, device_id: str) -> bytes | None:
    """The stored ``Device`` of the enterprise, or ``None``."""
    row = store.first(_DOC, {"id": device_id, "enterprise": enterprise_id})
    return None if row is None else bytes(row[0])


def exists(store: Store, enterprise_id: str, device_id: str) -> bool:
    """Whether the enterprise has the device."""
    row = store.one(schema.devices, _d.id == device_id, _d.enterprise_id == enterprise_id)
    return row is not None


def page(
    store: Store,
    enterprise_id: str,
    limit: int,
    offset: int,
    *,
    name: str | None = None,
    imei: str | None = None,
    serial: str | None = None,
    state: int | None = None,
    is_gms: bool | None = None,
    brand: str | None = None,
    group: str | None = None,
    search: str | None = None,
    tags: str | None = None,
) -> Page:
    """A page of the enterprise's Android devices matching every filter given.

    ``name``, ``imei``, ``serial``, ``state`` and ``is_gms`` match exactly, ``brand``
    in any case; ``group`` keeps that group's members; ``search`` (a part of the name,
    IMEI or MAC address) and ``tags`` (a part of the tags) match in any case.
    """
    given = {
        key: value
        for key, value in (
            ("name", name),
            ("imei", imei),
            ("serial", serial),
            ("state", state),
            ("is_gms", is_gms),
            ("brand", brand),
            ("group", group),
            ("search", search),
            ("tags", tags),
        )
        if value is not None
    }
    if not given:
        return _fleet_page(store, enterprise_id, limit, offset)
    values = _bound(given)
    narrowed = narrows(store, search or "")
    total, docs = _legacy_queries(frozenset(values), narrowed)
    if narrowed:
        values["match"] = _fts_query(LEGACY_SEARCHED, search or "")
    values["enterprise_id"] = enterprise_id
    if state is not None and list(given) == ["state"]:
        count = counted(store, enterprise_id, [state], [DevicePlatform.ANDROID])
    elif group is not None and list(given) == ["group"]:
        count = _in_group(store, enterprise_id, group)
    else:
        (count,) = store.first(total, values) or (0,)
    if count <= offset:
        return Page(count, [])
    values |= {"limit": limit, "offset": offset}
    return Page(count, [bytes(doc) for (doc,) in store.rows(docs, values)])


LEGACY_SEARCHED = (_d.device_name, _d.imei, _d.mac)
"""The columns the legacy list's ``search`` looks in."""

_EXACT: dict[str, Column[Any]] = {
    "name": _d.device_name,
    "imei": _d.imei,
    "serial": _d.serial,
    "state": _d.state,
    "is_gms": _d.is_gms,
}
"""The legacy list's filters that match their column exactly."""


def _bound(given: dict[str, Any]) -> dict[str, Any]:
    """The values the legacy list's queries bind for the filters ``given`` (``search`` and
    ``tags`` as patterns; either one empty is no filter)."""
    values = {key: value for key, value in given.items() if key in _EXACT or key == "group"}
    if "brand" in given:
        values["brand"] = given["brand"].lower()
    for key in ("search", "tags"):
        if given.get(key):
            values[key] = containing(given[key])
    return values


@functools.cache
def _legacy_queries(keys: frozenset[str], narrowed: bool) -> tuple[Select[int], Select[bytes]]:
    """The legacy list's count and page queries with the filters ``keys``, their values
    bound by those names (see ``_bound``), the enterprise's as ``enterprise_id``; when
    ``narrowed``, the search's candidates picked by the trigram index (the FTS5 query
    bound as ``match``). Built once for each set of filters: building a query costs more
    than running it."""
    where = [of_enterprise(bindparam("enterprise_id"), narrowed), _d.seq > 0]
    where += [_filter(key) for key in sorted(keys)]
    if narrowed:
        fts_query: BindParameter[str] = bindparam("match")
        where.append(_candidates(LEGACY_SEARCHED, fts_query))
    total = select(func.count()).select_from(schema.devices).where(*where)
    # by place (the order of age here): each filter's index ends with it, so no sort; the
    # FTS5 candidates of a search come by ``pk``, which places count up with
    order = _d.pk if narrowed else _d.seq
    docs = (
        select(_d.doc)
        .where(*where)
        .order_by(order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return total, docs


def _filter(key: str) -> ColumnElement[bool]:
    """The condition of the legacy list's filter ``key``, its value bound by that name."""
    value: BindParameter[Any] = bindparam(key)
    if key in _EXACT:
        return _EXACT[key] == value
    if key == "brand":
        return func.lower(_d.brand) == value
    if key == "group":
        return in_groups([value])
    if key == "tags":
        return like(_d.tags, value)
    return or_(*(like(column, value) for column in LEGACY_SEARCHED))


TRIGRAM = 3
"""The fewest characters a search's text must have for the trigram index to narrow it
down; a shorter one is looked for in every device."""


def narrows(store: Store, text: str) -> bool:
    """Whether the trigram index picks the candidates of a search for ``text``."""
    return len(text) >= TRIGRAM and store.has_search_index


def searched(columns: Sequence[Column[Any]], text: str) -> ColumnElement[bool]:
    """One of ``columns`` holds ``text`` (taken literally) anywhere, in any case."""
    return or_(*(contains(column, text) for column in columns))


def search_candidates(
    store: Store, columns: Sequence[Column[Any]], text: str
) -> list[ColumnElement[bool]]:
    """The condition, if any, by which the trigram index (see ``schema.SEARCHED``) picks the
    devices that may match ``searched(columns, text)``: with it beside that condition, a
    search reads those devices only, and the answer is the same."""
    if not narrows(store, text):
        return []
    return [_candidates(columns, _fts_query(columns, text))]


def of_enterprise(
    enterprise_id: str | BindParameter[str], narrowed: bool = False
) -> ColumnElement[bool]:
    """The device is the enterprise's. When ``narrowed`` (a search the trigram index picks
    candidates for), SQLite may not read an index of the enterprise's devices for it (each
    begins with ``enterprise_id``): it looks up the candidates instead, by ``pk``."""
    return (
        _Unindexed(_d.enterprise_id) == enterprise_id
        if narrowed
        else _d.enterprise_id == enterprise_id
    )


class _Unindexed(FunctionElement[str]):
    """Its text column, which SQLite's planner may not look up in an index (a unary ``+``)."""

    type = schema.TEXT
    inherit_cache = True


@compiles(_Unindexed)
def _plus(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return f"+{compiler.process(element.clauses, **kw)}"


@compiles(_Unindexed, "postgresql")
def _as_is(element: _Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


def _fts_query(columns: Sequence[Column[Any]], text: str) -> str:
    """The FTS5 query of the devices whose trigrams may hold ``text`` in one of ``columns``."""
    names = " ".join(column.name for column in columns)
    phrase = text.replace('"', '""')
    return f'{{{names}}} : "{phrase}"'


def _candidates(
    columns: Sequence[Column[Any]], fts_query: str | BindParameter[str]
) -> ColumnElement[bool]:
    """The devices whose FTS5 trigrams may hold a text in one of ``columns`` (those that
    ``fts_query`` finds): a superset of the matches, as FTS5 folds case more widely than
    SQLite's ``LIKE`` does."""
    indexed = table(schema.SEARCH_TABLE)
    match = literal_column(schema.SEARCH_TABLE).match(fts_query)
    return _d.pk.in_(select(literal_column("rowid")).select_from(indexed).where(match))


# The whole fleet's count and pages: built once, they are the hottest queries there are.
_FLEET_COUNT = select(func.max(_d.seq)).where(_d.enterprise_id == bindparam("enterprise_id"))
_FLEET_PAGE = (
    select(_d.doc, _FLEET_COUNT.scalar_subquery())
    .where(_d.enterprise_id == bindparam("enterprise_id"), _d.seq > bindparam("offset"))
    .order_by(_d.seq)
    .limit(bindparam("limit"))
)


def _fleet_page(store: Store, enterprise_id: str, limit: int, offset: int) -> Page:
    """A page of the whole fleet, by place: as fast at offset 90,000 as at 0; with its
    count, in the same statement (read once, before the first row)."""
    values = {"enterprise_id": enterprise_id, "offset": offset, "limit": limit}
    found = store.rows(_FLEET_PAGE, values)
    if not found:
        return Page(count(store, enterprise_id), [])
    return Page(found[0][1], [doc for doc, _ in found])


def count(store: Store, enterprise_id: str) -> int:
    """How many Android devices the enterprise has (its highest ``seq``: places are dense)."""
    highest = store.conn.execute(_FLEET_COUNT, {"enterprise_id": enterprise_id}).scalar()
    return max(highest or 0, 0)


def count_all(store: Store, enterprise_id: str) -> int:
    """How many devices, of every platform, the enterprise has (its highest ``all_seq``)."""
    query = select(func.max(_d.all_seq)).where(_d.enterprise_id == enterprise_id)
    return store.conn.execute(query).scalar() or 0


def lowest_place(store: Store, enterprise_id: str) -> int:
    """The lowest ``seq`` of the enterprise's devices (0 when it has none below 0)."""
    query = select(func.min(_d.seq)).where(_d.enterprise_id == enterprise_id)
    return min(store.conn.execute(query).scalar() or 0, 0)


@dataclass(frozen=True)
class NewDevices:
    """Devices to insert in bulk (``add``): their rows, and how many of each kind."""

    rows: Bulk
    kinds: Counter[tuple[str, str, int]]


def new_devices(make: BulkMaker, rows: Sequence[Mapping[str, Any]]) -> NewDevices:
    """The devices of ``rows``, at least one (each its ``id``, ``enterprise_id``, places
    ``seq`` and ``all_seq``, and columns, every row with the same columns in the same
    order), ready to ``add``."""
    columns = list(rows[0])
    values = operator.itemgetter(*columns)
    bulk = make(schema.devices, columns, [values(row) for row in rows])
    kinds = Counter((row["enterprise_id"], row["platform"], row["state"]) for row in rows)
    return NewDevices(bulk, kinds)


def add(store: Store, new: NewDevices) -> None:
    """Insert the devices, and count them."""
    store.bulk_insert(new.rows)
    dialect = postgresql if store.engine.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(schema.device_counts)
    more = upsert.on_conflict_do_update(
        index_elements=[_n.enterprise_id, _n.platform, _n.state],
        set_={"devices": _n.devices + upsert.excluded.devices},
    )
    store.conn.execute(
        more,
        [
            {"enterprise_id": enterprise, "platform": platform, "state": state, "devices": n}
            for (enterprise, platform, state), n in new.kinds.items()
        ],
    )


@contextmanager
def adding_many(store: Store) -> Iterator[None]:
    """Add many devices in the block, in the caller's transaction: on SQLite, their
    searched text is indexed after, in one statement (ten times as fast as a row at a time
    by the trigger, which is away while the block runs: no other connection sees it go,
    as the transaction changes it back before it ends)."""
    if store.shared:
        yield
        return
    first = last_pk(store) + 1
    store.conn.exec_driver_sql(f"DROP TRIGGER {schema.SEARCH_INSERT_TRIGGER}")
    yield
    store.conn.exec_driver_sql(schema.SEARCH_INDEX_FROM, (first,))
    store.conn.exec_driver_sql(schema.SEARCH_INSERT_TRIGGER_DDL)


def in_groups(group_ids: Sequence[str | BindParameter[str]]) -> ColumnElement[bool]:
    """The device is in one of ``group_ids``: looked up for each device read in the list's
    order (a page stops at its last device), never by gathering every member first."""
    member = select(_m.device_id).where(_m.group_id.in_(group_ids), _m.device_id == _d.id)
    return member.exists()


_GROUP_COUNT = select(
    groups_db.members_total(bindparam("enterprise_id"), [bindparam("group_id")]).scalar_subquery()
    - select(func.count())
    .select_from(schema.devices.join(schema.group_members, _m.device_id == _d.id))
    .where(
        _d.enterprise_id == bindparam("enterprise_id"),
        _d.seq < 0,
        _m.group_id == bindparam("group_id"),
    )
    .scalar_subquery()
)


def _in_group(store: Store, enterprise_id: str, group_id: str) -> int:
    """How many of the enterprise's Android devices are in the group: its count of members,
    less those of other platforms (their places, below 0, are one index range)."""
    found = store.first(_GROUP_COUNT, {"enterprise_id": enterprise_id, "group_id": group_id})
    return int(found[0]) if found else 0


def analyze(store: Store) -> None:
    """Bring the planner's statistics of the devices and their groups up to date; on
    PostgreSQL, move the trigram indexes' new entries from their pending lists (where a
    big insert leaves them, fast to write, slow to search) into the indexes proper."""
    store.analyze(schema.devices, schema.group_members)
    if store.shared:
        for name in schema.SEARCHED:
            index = literal(f"{SEARCH_INDEX}{name}")
            store.conn.execute(
                select(func.gin_clean_pending_list(func.to_regclass(index))).where(
                    func.to_regclass(index).is_not(None)
                )
            )


_ONE_STATE_COUNT = select(func.coalesce(func.sum(_n.devices), 0)).where(
    _n.enterprise_id == bindparam("enterprise_id"),
    _n.state == bindparam("state"),
    _n.platform == bindparam("platform"),
)


def counted(
    store: Store, enterprise_id: str, states: Collection[int], platforms: Collection[str] = ()
) -> int:
    """How many of the enterprise's devices are in any of ``states`` (and of any of
    ``platforms``, if given), from the counts kept beside the devices."""
    if len(states) == 1 and len(platforms) == 1:  # a legacy list's state: compiled once
        (state,), (platform,) = states, platforms
        values = {"enterprise_id": enterprise_id, "state": state, "platform": platform}
        found = store.first(_ONE_STATE_COUNT, values)
        return int(found[0]) if found else 0
    where = [_n.enterprise_id == enterprise_id, _n.state.in_(states)]
    if platforms:
        where.append(_n.platform.in_(platforms))
    total = select(func.coalesce(func.sum(_n.devices), 0)).where(*where)
    return int(store.conn.execute(total).scalar_one())


def save(store: Store, device_id: str, columns: Mapping[str, Any]) -> None:
    """Write a device's changed columns (its ``doc`` and filter columns)."""
    store.update_by_id(schema.devices, device_id, **columns)


def last_pk(store: Store) -> int:
    """The ``pk`` of the newest device (of any enterprise); 0 when there is none."""
    newest = select(_d.pk).order_by(_d.pk.desc()).limit(1)
    return store.conn.execute(newest).scalar() or 0


def known_ids(store: Store, enterprise_id: str, device_ids: Sequence[str]) -> set[str]:
    """Those of ``device_ids`` that are devices of the enterprise."""
    found: set[str] = set()
    for ids in chunks(device_ids):
        query = select(_d.id).where(_d.id.in_(ids), _d.enterprise_id == enterprise_id)
        found.update(store.conn.execute(query).scalars())
    return found


def rows(
    store: Store, device_ids: Sequence[str], enterprise_id: str | None = None
) -> list[StoredById]:
    """Each of ``device_ids`` that is stored (in the enterprise, if given)."""
    found: list[StoredById] = []
    for ids in chunks(device_ids):
        where: list[ColumnElement[bool]] = [_d.id.in_(ids)]
        if enterprise_id is not None:
            where.append(_d.enterprise_id == enterprise_id)
        query = select(_d.pk, _d.doc, _d.id).where(*where)
        found += [
            StoredById(pk, doc, device_id) for pk, doc, device_id in store.conn.execute(query)
        ]
    return found


def targets(
    store: Store,
    enterprise_id: str,
    device_ids: Sequence[str],
    group_ids: Sequence[str],
    *,
    state: int | None = None,
    state_not: int | None = None,
) -> list[str]:
    """The ids of the enterprise's devices that are listed or members, oldest first.

    Those among ``device_ids`` or in any of ``group_ids`` (every device of the
    enterprise when both are empty); only those in ``state``, or not in ``state_not``,
    when given.
    """
    where: list[ColumnElement[bool]] = [_d.enterprise_id == enterprise_id]
    listed: list[ColumnElement[bool]] = []
    if device_ids:
        listed.append(_d.id.in_(device_ids))
    if group_ids:
        listed.append(_d.id.in_(select(_m.device_id).where(_m.group_id.in_(group_ids))))
    if listed:
        where.append(or_(*listed))
    if state is not None:
        where.append(_d.state == state)
    if state_not is not None:
        where.append(_d.state != state_not)
    return list(store.conn.execute(select(_d.id).where(*where).order_by(_d.seq)).scalars())


def platforms(store: Store, device_ids: Sequence[str]) -> dict[str, str]:
    """The platform of each of ``device_ids`` (those that exist), in their order."""
    found: dict[str, str] = {}
    for ids in chunks(device_ids):
        query = select(_d.id, _d.platform).where(_d.id.in_(ids))
        found.update({device_id: platform for device_id, platform in store.conn.execute(query)})
    return {device_id: found[device_id] for device_id in device_ids if device_id in found}
