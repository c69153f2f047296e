"""The emulator's tables.

Each resource row keeps its full wire object as JSON in ``doc`` (encoded once, served
as bytes) next to the columns that filters, joins and paging need. ``pk`` is the
insertion order that lists are served in; ``id`` is the public identifier
(policies and content are addressed by their integer ``pk``, as the API does).
URL fields inside ``doc`` start with ``BASE_URL_MARK``, replaced by the server's own
address when served, so a database moves between hosts and ports.

The rows a new device comes with (its system apps, first status event, root group
membership) name it without a foreign key: PostgreSQL checks a foreign key row by row,
locking the device's row, which doubled the time of a big seed (measured: 200,000
devices' rows in 21.6 s with every foreign key, 10.7 s without any). A device is never
deleted but with everything else, and the store writes these rows for devices it has
just written.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    event,
)

BASE_URL_MARK = "\x7f"
"""One DEL character: JSON takes it unescaped, msgspec writes it as one byte, and a
single byte is found by ``memchr``: a 160 KB page of 300 URLs is filled in nine times
faster than with a mark of several characters. No text of the API holds a DEL;
one sent in a name would be served as the server's address, as any mark would be."""

SCHEMA_VERSION = 12
"""Raised whenever a table, or what every database must hold (3: each enterprise's root
group; 4: each device in one group, install states stored as their values; 5: devices
of every platform; blueprints and their versions; 6: text of any length in code point
order, 64-bit integers; 7: what workers share: doomed commands, the fault settings,
rate-limit buckets, each worker's counters; 8: each device's place among all of its
enterprise's devices, the device lists' indexes in the order the lists are served in,
the devices counted by platform and state, and by group; 9: the trigram index of the
devices' searched columns; 10: SQLite's written in one piece per big insert; 11: the
commands' indexes of the columns most commands leave empty hold only those set; 12: the
base URL's mark is one DEL), changes:
a database of another version is refused clearly. Devices v2 added the devices' v2
columns (alias, model, os, os_version, battery_level, last_seen, blueprint_info's ids
and status) and the ``tags`` table. The Commands API added ``command_api_requests`` and
the ``commands`` columns ``api_request_id`` and ``deadline``. Converge added
``converges`` and ``converge_commands``."""

TEXT = Text().with_variant(Text(collation="C"), "postgresql")
"""Text of any length (PostgreSQL enforces a VARCHAR's length, SQLite never does: a
value too long is the API's to refuse), ordered by code point on every database as
SQLite orders it, whatever the locale a PostgreSQL database was made with."""

INTEGER = BigInteger().with_variant(Integer, "sqlite")
"""A 64-bit integer on every database, as SQLite's are (and its row ids, which ``pk``
needs to count up by itself)."""

metadata = MetaData()


def _pk() -> Column[int]:
    return Column("pk", INTEGER, primary_key=True, autoincrement=True)


def _enterprise() -> Column[str]:
    return Column("enterprise_id", String(36), ForeignKey("enterprises.id"), nullable=False)


meta = Table(
    "meta",
    metadata,
    Column("key", TEXT, primary_key=True),
    Column("value", TEXT, nullable=False),
)

enterprises = Table(
    "enterprises",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    Column("name", TEXT, nullable=False),
    Column("doc", LargeBinary, nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    _pk(),
    Column("token_hash", TEXT, unique=True, nullable=False),
    _enterprise(),
    Column("expires_at", Float, nullable=False),
    Column("doc", LargeBinary, nullable=False),
)

devices = Table(
    "devices",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    # The device's place in its enterprise (1, 2, ...). Devices are only ever added (a
    # reset wipes them all), so the places stay dense: the enterprise's count is its
    # highest ``seq``, and the page at any offset is one index lookup away; and Android
    # places count up as ``pk`` does. Only Android devices are in the legacy (Android's)
    # device list: other platforms' places count down from -1, out of its way.
    Column("seq", INTEGER, nullable=False),
    # The device's place among all of its enterprise's devices, of every platform (1, 2,
    # ...): dense as ``seq`` is, it serves the Devices v2 list by age, and its count.
    Column("all_seq", INTEGER, nullable=False),
    Column("device_name", TEXT, nullable=False),
    Column("imei", TEXT),
    Column("serial", TEXT),
    Column("brand", TEXT),
    Column("mac", TEXT),
    Column("state", INTEGER, nullable=False),
    Column("is_gms", Boolean, nullable=False),
    Column("tags", TEXT, nullable=False, default=""),
    # ANDROID, APPLE, LINUX or WINDOWS: not in the legacy device (Android's) document
    Column("platform", TEXT, nullable=False, default="ANDROID"),
    # Devices v2's filters and orderings, derived from ``doc`` (see ``device_columns``)
    Column("alias", TEXT),
    Column("model", TEXT),
    Column("os", TEXT, nullable=False, default="Android"),
    Column("os_version", TEXT),
    Column("last_seen", Float),
    # Reported by the device only, so not in ``doc``; blueprint_info is set by converge
    Column("battery_level", Float),
    Column("assigned_blueprint_id", String(36)),
    Column("current_blueprint_id", String(36)),
    Column("current_blueprint_version_id", String(36)),
    Column("blueprint_upgrade_status", TEXT),
    Column("doc", LargeBinary, nullable=False),
    # Each filter's index ends with the order its list is served in (``seq``: the legacy
    # list; ``all_seq``: Devices v2), so a page reads the index in order, never sorts.
    Index("ix_devices_enterprise_seq", "enterprise_id", "seq", unique=True),
    Index("ix_devices_enterprise_all_seq", "enterprise_id", "all_seq", unique=True),
    Index("ix_devices_enterprise_name", "enterprise_id", "device_name", "seq"),
    Index("ix_devices_enterprise_state", "enterprise_id", "state", "seq"),
    Index("ix_devices_enterprise_state_all", "enterprise_id", "state", "all_seq"),
    Index("ix_devices_enterprise_platform", "enterprise_id", "platform", "all_seq"),
    Index("ix_devices_enterprise_last_seen", "enterprise_id", "last_seen"),
)


def _where_set(name: str, column: Column[Any], *more: Column[Any]) -> Index:
    """The index ``name`` of ``column`` (then ``more``) of only the rows whose ``column``
    is set: a write of a row without it skips the index, and a query for one value (or
    a range) never reads the rest. A query of the whole column must say ``IS NOT NULL``."""
    present = column.is_not(None)
    return Index(name, column, *more, sqlite_where=present, postgresql_where=present)


def _set_only(column: Column[Any]) -> Index:
    """An index of the devices whose ``column`` is set: a new fleet has no blueprint, so
    its insert skips this index."""
    return _where_set(f"ix_devices_{column.name.removesuffix('_id')}", column)


_set_only(devices.c.assigned_blueprint_id)
_set_only(devices.c.current_blueprint_id)

device_counts = Table(
    "device_counts",
    metadata,
    Column("enterprise_id", String(36), primary_key=True),
    Column("platform", TEXT, primary_key=True),
    Column("state", INTEGER, primary_key=True),
    Column("devices", INTEGER, nullable=False),
)
"""How many devices each enterprise has of each platform in each state: a list filtered
by state alone is counted here, not by reading every matching device. New devices are
counted by the store as it adds them (``devices.add``); a device's change of state by
the trigger below, whatever statement makes it."""

_COUNT_STATE_CHANGE = """
    UPDATE device_counts SET devices = devices - 1
    WHERE enterprise_id = OLD.enterprise_id AND platform = OLD.platform AND state = OLD.state;
    INSERT INTO device_counts (enterprise_id, platform, state, devices)
    VALUES (NEW.enterprise_id, NEW.platform, NEW.state, 1)
    ON CONFLICT (enterprise_id, platform, state)
    DO UPDATE SET devices = device_counts.devices + 1;
"""


def _after_devices(statement: str, dialect: str) -> None:
    """Run ``statement`` when the ``devices`` table is created on a ``dialect`` database."""
    ddl = DDL(statement)  # type: ignore[no-untyped-call]
    event.listen(devices, "after_create", ddl.execute_if(dialect=dialect))


_after_devices(
    "CREATE TRIGGER devices_count_state AFTER UPDATE OF state ON devices"
    f" WHEN OLD.state IS NOT NEW.state BEGIN {_COUNT_STATE_CHANGE} END",
    "sqlite",
)
_after_devices(
    "CREATE FUNCTION devices_count_state() RETURNS trigger LANGUAGE plpgsql AS"
    f" $$ BEGIN {_COUNT_STATE_CHANGE} RETURN NULL; END $$",
    "postgresql",
)
_after_devices(
    "CREATE TRIGGER devices_count_state AFTER UPDATE OF state ON devices FOR EACH ROW"
    " WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION devices_count_state()",
    "postgresql",
)

SEARCHED = ("device_name", "alias", "serial", "imei", "mac", "brand", "model")
"""The devices' columns a list's ``search`` looks in (each list in some of them), indexed
by their trigrams: SQLite's ``devices_search`` table, PostgreSQL's ``ix_devices_search_*``
(made by ``db.create_store_engine`` where ``pg_trgm`` can be had)."""

SEARCH_TABLE = "devices_search"
"""SQLite's FTS5 table of the searched columns' trigrams, kept in step by triggers."""

_searched = ", ".join(SEARCHED)
_new = ", ".join(f"NEW.{name}" for name in SEARCHED)
_old = ", ".join(f"OLD.{name}" for name in SEARCHED)
_UNINDEX = (
    f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, {_searched})"  # noqa: S608
    f" VALUES ('delete', OLD.pk, {_old});"
)
_INDEX = f"INSERT INTO {SEARCH_TABLE} (rowid, {_searched}) VALUES (NEW.pk, {_new});"  # noqa: S608

# The table reads the searched text from ``devices`` (external content), storing only its
# trigrams; a trigger must remove a row's trigrams with the very values it indexed.
_after_devices(
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5({_searched},"
    " content='devices', content_rowid='pk', tokenize='trigram')",
    "sqlite",
)
SEARCH_PENDING_MB = 64
"""How much new index data FTS5 holds in memory before it writes it out as a segment of
its own (its ``hashsize``, 1 MB by default). A search looks its text's trigrams up in each
segment, and merging segments rewrites them: with the side door's 100,000 devices a call
written in one segment, not ~35 merged as they come, indexing 1,000,000 devices in 10
calls took 21 s instead of 29 to 39, and a search of a rare text reads 4 segments at the
end instead of 15 (0.07 against 0.18 ms). The data is held only while the transaction
that writes it lasts (~46 MB for 100,000 devices)."""
_after_devices(
    f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rank)"  # noqa: S608
    f" VALUES ('hashsize', {SEARCH_PENDING_MB * 1024 * 1024})",
    "sqlite",
)
SEARCH_INSERT_TRIGGER = "devices_search_insert"
"""The trigger that indexes each new device's searched text: a big insert goes faster
without it, indexing its rows after in one statement (``SEARCH_INDEX_FROM``)."""
SEARCH_INSERT_TRIGGER_DDL = (
    f"CREATE TRIGGER {SEARCH_INSERT_TRIGGER} AFTER INSERT ON devices BEGIN {_INDEX} END"
)
SEARCH_INDEX_FROM = (
    f"INSERT INTO {SEARCH_TABLE} (rowid, {_searched})"  # noqa: S608
    f" SELECT pk, {_searched} FROM devices WHERE pk >= ?"
)
"""Index the searched text of the devices from a ``pk`` on."""
_after_devices(SEARCH_INSERT_TRIGGER_DDL, "sqlite")
_after_devices(
    f"CREATE TRIGGER devices_search_delete AFTER DELETE ON devices BEGIN {_UNINDEX} END",
    "sqlite",
)
_changed = " OR ".join(f"OLD.{name} IS NOT NEW.{name}" for name in SEARCHED)
_after_devices(
    f"CREATE TRIGGER devices_search_update AFTER UPDATE OF {_searched} ON devices"
    f" WHEN {_changed} BEGIN {_UNINDEX} {_INDEX} END",
    "sqlite",
)

tags = Table(
    "tags",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("tag", TEXT, nullable=False),
    Index("ix_tags_enterprise_tag", "enterprise_id", "tag", unique=True),
)
"""The enterprise's device tags; a device's ``doc`` names its tags, v2 shows their ids."""

device_groups = Table(
    "device_groups",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("name", TEXT, nullable=False),
    # how many devices are in it (each device is in one group), kept as they join and leave
    Column("members", INTEGER, nullable=False, default=0),
    Column("doc", LargeBinary, nullable=False),
)

group_members = Table(
    "group_members",
    metadata,
    Column("group_id", String(36), ForeignKey("device_groups.id"), primary_key=True),
    Column("device_id", String(36), primary_key=True),  # no foreign key (see above)
    Index("ix_group_members_device", "device_id"),
)

applications = Table(
    "applications",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("package_name", TEXT, nullable=False),
    Column("application_name", TEXT, nullable=False),
    Column("is_hidden", Boolean, nullable=False),
    Column("doc", LargeBinary, nullable=False),
    Index("ix_applications_enterprise_package", "enterprise_id", "package_name", unique=True),
)

app_versions = Table(
    "app_versions",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False),
    _enterprise(),
    Column("version_code", TEXT, nullable=False),
    Column("build_number", TEXT),
    Column("file_path", TEXT, nullable=False),
    Column("doc", LargeBinary, nullable=False),
    Index("ix_app_versions_application", "application_id", "pk"),
)

device_apps = Table(
    "device_apps",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    Column("device_id", String(36), nullable=False),  # no foreign key (see above)
    Column("package_name", TEXT, nullable=False),
    Column("app_version_id", String(36)),
    Column("doc", LargeBinary, nullable=False),
    Index("ix_device_apps_device_package", "device_id", "package_name", unique=True),
)

commands = Table(
    "commands",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("device_id", String(36), ForeignKey("devices.id"), nullable=False),
    Column("state", TEXT, nullable=False),
    Column("due_at", Float),
    Column("group_command_id", String(36)),
    Column("request_id", String(36)),
    Column("args", LargeBinary),  # the raw v0 command_args (JSON), when a v0 request sent it
    # the Commands API request it belongs to, and when it times out if not final by then
    Column("api_request_id", String(36)),
    Column("deadline", Float),
    Column("doc", LargeBinary, nullable=False),
    Column("doomed", Boolean, nullable=False, default=False),  # to fail: ``fail_next_commands``
    Index("ix_commands_device", "device_id", "state"),
)

# A command carried out as it is sent (or once finished) is due no more, and most come
# from no request: their writes skip these five indexes (a command's commit writes
# each index page it changes).
_where_set("ix_commands_due", commands.c.due_at)
_where_set("ix_commands_deadline", commands.c.deadline)
_where_set("ix_commands_api_request", commands.c.api_request_id, commands.c.pk)
_where_set("ix_commands_group_command", commands.c.group_command_id)
_where_set("ix_commands_request", commands.c.request_id, commands.c.pk)

app_installs = Table(
    "app_installs",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("device_id", String(36), ForeignKey("devices.id"), nullable=False),
    Column("app_version_id", String(36)),
    Column("package_name", TEXT, nullable=False),
    Column("application_name", TEXT, nullable=False),
    Column("install_state", TEXT, nullable=False),
    Column("doc", LargeBinary, nullable=False),
    Index("ix_app_installs_device", "device_id", "pk"),
)

device_events = Table(
    "device_events",
    metadata,
    _pk(),
    Column("enterprise_id", String(36), nullable=False),  # no foreign key (see above)
    Column("device_id", String(36), nullable=False),  # no foreign key (see above)
    Column("doc", LargeBinary, nullable=False),
    Index("ix_device_events_device", "device_id", "pk"),
)

group_commands = Table(
    "group_commands",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("group_id", String(36), nullable=False),
    Column("state", TEXT, nullable=False),
    Column("doc", LargeBinary, nullable=False),
)

command_requests = Table(
    "command_requests",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("command_type", TEXT, nullable=False),
    Column("device_type", TEXT, nullable=False),
    Column("command", TEXT, nullable=False),
    Column("issued_by", TEXT),
    Column("doc", LargeBinary, nullable=False),
)

command_api_requests = Table(
    "command_api_requests",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("command", TEXT, nullable=False),
    Column("schedule", TEXT, nullable=False),
    # made by the emulator itself (e.g. for a converge), not by a user's request
    Column("internal", Boolean, nullable=False, default=False),
    Column("doc", LargeBinary, nullable=False),
)

policies = Table(
    "policies",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("name", TEXT, nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("doc", LargeBinary, nullable=False),
)

geofences = Table(
    "geofences",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("name", TEXT, nullable=False),
    Column("doc", LargeBinary, nullable=False),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("doc", LargeBinary, nullable=False),
)

contents = Table(
    "contents",
    metadata,
    _pk(),
    _enterprise(),
    Column("name", TEXT, nullable=False),
    Column("search_text", TEXT, nullable=False, default=""),
    Column("file_path", TEXT, nullable=False),
    Column("doc", LargeBinary, nullable=False),
)

blueprints = Table(
    "blueprints",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("name", TEXT, nullable=False),
    Column("doc", LargeBinary, nullable=False),  # its latest version's ``BlueprintV2``
)

blueprint_versions = Table(
    "blueprint_versions",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),  # the ``version_id``
    Column("blueprint_id", String(36), ForeignKey("blueprints.id"), nullable=False),
    _enterprise(),
    Column("version_number", INTEGER, nullable=False),
    Column("minor_version_number", INTEGER, nullable=False),
    Column("publish", Boolean, nullable=False),
    Column("doc", LargeBinary, nullable=False),  # the ``BlueprintV2`` as of this version
    Index("ix_blueprint_versions_blueprint", "blueprint_id", "pk"),
)

converges = Table(
    "converges",
    metadata,
    _pk(),
    Column("id", String(36), unique=True, nullable=False),
    _enterprise(),
    Column("device_id", String(36), ForeignKey("devices.id"), nullable=False),
    Column("status", TEXT, nullable=False),
    # when its next step (QUEUED to PROCESSING, PROCESSING to IN_PROGRESS) is due
    Column("due_at", Float),
    Column("doc", LargeBinary, nullable=False),  # the ``Converge``
    Index("ix_converges_device", "device_id", "pk"),
    Index("ix_converges_status", "status", "due_at"),
)

converge_commands = Table(
    "converge_commands",
    metadata,
    _pk(),
    Column("converge_id", String(36), ForeignKey("converges.id"), nullable=False),
    # the Commands API request (to the converge's device alone) of one command
    Column("request_id", String(36), nullable=False),
    Index("ix_converge_commands_converge", "converge_id", "pk"),
)

# What the workers serving one database share (see ``esper_emulator.shared``); a reset
# of the emulator's data leaves these tables as they are.

shared_state = Table(
    "shared_state",
    metadata,
    Column("key", TEXT, primary_key=True),
    Column("value", TEXT, nullable=False),
)
"""The fault settings, ``fail_next_commands`` and the like, by name."""

rate_buckets = Table(
    "rate_buckets",
    metadata,
    Column("key_hash", String(64), primary_key=True),  # sha256 of the API key, never the key
    Column("tokens", Float, nullable=False),
    Column("at", Float, nullable=False),  # when ``tokens`` was counted, in epoch seconds
    Column("spent", Boolean, nullable=False),  # whether the last request took a token
)

workers = Table(
    "workers",
    metadata,
    Column("id", INTEGER, primary_key=True, autoincrement=True),
    Column("pid", Integer, nullable=False),
    Column("serving", Boolean, nullable=False),
    Column("counters", LargeBinary, nullable=False),  # its ``faults.Counters`` as JSON
    Column("answered", Float, nullable=False),  # the latest ask for counters it answered
)
"""Each worker process, and what its ``FaultMiddleware`` counted."""

KEPT_ON_RESET = (shared_state, rate_buckets, workers)
"""The tables a reset of the emulator's data leaves as they are."""
