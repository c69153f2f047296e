"""Bad input is refused: a clear 4xx in the Esper error body, and nothing written.

Every case runs against a real emulator over HTTP and compares the whole database
(every row of every table) and every file under the test's directory before and
after, so "nothing was written" is checked, not assumed. Operations are enumerated
from ``esperclient._operations``, so a new operation is covered without listing it.
"""

from __future__ import annotations

import io
import os
import tracemalloc
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
import pytest
import urllib3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import esperclient
from esper_emulator.apk import MANIFEST_NAME, build_apk
from esper_emulator.server import EmulatorServer
from esper_emulator.settings import DEFAULT_MAX_JSON_BYTES, Settings
from esper_emulator.store import schema
from esperclient._operations import OPERATIONS, Operation
from tests.emulator.conftest import call, esper_error, json_of

JSON_LIMIT = 64 * 1024
UPLOAD_LIMIT = 48 * 1024 * 1024
JSON_OPERATIONS = sorted(
    (op for op in OPERATIONS.values() if op.in_("body")), key=lambda op: op.name
)
PAGED_OPERATIONS = sorted(
    (op for op in OPERATIONS.values() if "limit" in op.by_name), key=lambda op: op.name
)
UPLOADS = {"upload": "app_file", "post_content": "key"}


@dataclass
class Fleet:
    """The module's own emulator and one enterprise with one object of every kind."""

    server: EmulatorServer
    root: Path
    enterprise_id: str
    api_key: str
    ids: dict[str, str]

    @property
    def host(self) -> str:
        return self.server.host

    def url(self, op: Operation, **override: str) -> str:
        """The URL of ``op`` with real ids of this enterprise (``override`` replaces some)."""
        path = op.path
        for param in op.in_("path"):
            value = override.get(param.name, self.ids.get(param.name))
            if value is None:
                value = "1" if param.type is int else str(uuid.uuid4())
            path = path.replace(f"{{{param.name}}}", value)
        return self.host + path

    def send(
        self,
        op: Operation,
        *,
        body: bytes | None = None,
        content_type: str | None = "application/json",
        query: str = "",
        **override: str,
    ) -> urllib3.BaseHTTPResponse:
        """``op`` sent with this enterprise's key, ``body`` as given, byte for byte."""
        headers = {"Content-Type": content_type} if content_type and body is not None else {}
        url = self.url(op, **override) + (f"?{query}" if query else "")
        return call(op.method, url, key=self.api_key, headers=headers, body=body)


def snapshot(fleet: Fleet) -> tuple[dict[str, list[str]], list[str]]:
    """Every row of every table, and every file under the module's directory."""
    with fleet.server.emulator.store.transaction() as store:
        tables = {
            table.name: sorted(repr(tuple(row)) for row in store.conn.execute(select(table)))
            for table in schema.metadata.sorted_tables
        }
    files = sorted(str(p.relative_to(fleet.root)) for p in fleet.root.rglob("*"))
    return tables, files


def refused(response: urllib3.BaseHTTPResponse, *statuses: int) -> dict[str, Any]:
    """The Esper error body of ``response``, whose status must be one of ``statuses``."""
    assert response.status in statuses, (response.status, response.data[:300])
    return esper_error(response, response.status)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    root = tmp_path_factory.mktemp("bad-input")
    db = root / "a" / "b" / "esper.db"  # so that ../../ from the files dir stays in root
    db.parent.mkdir(parents=True)
    settings_ = Settings(db=str(db), max_json_bytes=JSON_LIMIT, max_upload_bytes=UPLOAD_LIMIT)
    with EmulatorServer(settings_) as server:
        creds = server.create_enterprise(devices=3, online_ratio=1.0)
        ids = _seed(server, creds.enterprise_id, creds.api_key, root)
        yield Fleet(server, root, creds.enterprise_id, creds.api_key, ids)


def _seed(server: EmulatorServer, enterprise_id: str, key: str, root: Path) -> dict[str, str]:
    """One object of every kind, made through the API; their ids by path parameter name."""
    apk = build_apk(root / "seed.apk", package_name="com.example.seed")
    (root / "seed.txt").write_bytes(b"hello")
    with esperclient.Esper(host=server.host, api_key=key, enterprise_id=enterprise_id) as esper:
        device_id = next(iter(esper.devices.list())).id
        app = esper.applications.upload(apk)
        version_id = app.versions[0].id
        command = esper.commands.wait(esper.commands.run(device_id, "REBOOT"), timeout=10)
        group = esper.groups.create("Seeded group")
        policy = esper.policies.create("Seeded policy", {"camera_disabled": True})
        geofence = esper.geofences.create("Seeded fence", "1.5", "2.5")
        subscription = esper.subscriptions.create("123456789012")
        content = esper.content.upload(root / "seed.txt")
        request = esper.command_requests.create("REBOOT", devices=[device_id])
        token = esper.token.info()
    return {
        "enterprise_id": enterprise_id,
        "device_id": device_id,
        "application_id": app.id,
        "version_id": version_id,
        "command_id": command.id,
        "group_id": group.id,
        "policy_id": policy.url.rstrip("/").rsplit("/", 1)[-1],
        "geofence_id": geofence.id,
        "subscription_id": subscription.id,
        "content_id": str(content.id),
        "request_id": request.id,
        "developerapp_id": token.developer_app,
    }


# malformed JSON

DEEP = b"[" * 5_000 + b"]" * 5_000
MALFORMED: list[tuple[str, bytes]] = [
    ("truncated", b'{"name": "x"'),
    ("not an object", b"[]"),
    ("null", b"null"),
    ("a string", b'"text"'),
    ("a number", b"12"),
    ("invalid UTF-8", b'{"name": "\xff\xfe"}'),
    ("a lone surrogate", b'{"name": "\\ud800"}'),
    ("trailing garbage", b"{}garbage"),
    ("NaN", b'{"name": NaN}'),
    ("a BOM", b'\xef\xbb\xbf{"name": "x"}'),
    ("nested too deeply", DEEP),
    ("only whitespace and a comma", b" ,"),
]


def _field_bodies(op: Operation) -> list[tuple[str, bytes]]:
    """For every top-level field of ``op``'s body model: a wrong type, a huge or deep value."""
    model = op.in_("body")[0].type
    bodies = []
    for name, wire in zip(model.__struct_fields__, model.__struct_encode_fields__, strict=True):
        key = msgspec.json.encode(wire)
        bodies += [
            (f"{name}: 2**70", b"{" + key + b": " + str(2**70).encode() + b"}"),
            (f"{name}: -2**70", b"{" + key + b": " + str(-(2**70)).encode() + b"}"),
            (f"{name}: 1e999", b"{" + key + b": 1e999}"),
            (f"{name}: deep", b"{" + key + b": " + DEEP + b"}"),
            (f"{name}: object", b"{" + key + b': {"$gt": ""}}'),
        ]
    return bodies


def test_malformed_json_is_a_400_and_changes_nothing(fleet: Fleet) -> None:
    before = snapshot(fleet)
    tried = 0
    for op in JSON_OPERATIONS:
        for label, body in MALFORMED:
            response = fleet.send(op, body=body)
            assert response.status == 400, (op.name, label, response.data[:200])
            assert esper_error(response, 400)["message"]
            tried += 1
    assert tried == len(JSON_OPERATIONS) * len(MALFORMED) >= 150
    assert snapshot(fleet) == before


def test_out_of_range_or_deep_field_values_never_fail_the_server(fleet: Fleet) -> None:
    """Numbers past 64 bits, 1e999, 5,000-deep arrays and objects in every body field.

    Each is refused with a 400, except where the field takes any JSON (a policy's
    settings, a command's arguments): there a value within bounds may be stored, so
    the check is that nothing answers 5xx and every refusal is an Esper 400.
    """
    tried = 0
    for op in JSON_OPERATIONS:
        for label, body in _field_bodies(op):
            before = snapshot(fleet)
            response = fleet.send(op, body=body)
            tried += 1
            if response.status < 300:
                assert "2**70" not in label and "1e999" not in label and "deep" not in label
                continue
            refused(response, 400, 404, 409)
            assert snapshot(fleet) == before, (op.name, label)
    assert tried >= 300


def test_an_empty_body_is_a_400_where_one_is_required(fleet: Fleet) -> None:
    before = snapshot(fleet)
    for op in JSON_OPERATIONS:
        if op.in_("body")[0].required:
            assert refused(fleet.send(op, body=b""), 400)["message"]
    assert snapshot(fleet) == before


# content types


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_a_json_body_sent_as_another_type_is_415(fleet: Fleet, content_type: str | None) -> None:
    before = snapshot(fleet)
    for op in JSON_OPERATIONS:
        response = fleet.send(op, body=b'{"name": "x"}', content_type=content_type)
        assert "application/json" in refused(response, 415)["message"]
    assert snapshot(fleet) == before


def test_json_with_a_charset_or_a_json_suffix_is_accepted(fleet: Fleet) -> None:
    op = OPERATIONS["create_group"]
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        created = json_of(fleet.send(op, body=b'{"name": "typed"}', content_type=content_type), 201)
        fleet.send(OPERATIONS["delete_group"], group_id=created["id"])


@pytest.mark.parametrize("content_type", [None, "application/json", "text/plain"])
def test_an_upload_that_is_not_multipart_is_415(fleet: Fleet, content_type: str | None) -> None:
    before = snapshot(fleet)
    for name in UPLOADS:
        response = fleet.send(OPERATIONS[name], body=b"{}", content_type=content_type)
        refused(response, 415)
    assert snapshot(fleet) == before


# huge bodies


def test_the_json_limit_is_a_setting_with_a_default() -> None:
    assert Settings().max_json_bytes == DEFAULT_MAX_JSON_BYTES == 2_621_440
    assert Settings(max_json_bytes=10).max_json_bytes == 10
    with pytest.raises(ValueError):
        Settings(max_json_bytes=0)
    with pytest.raises(ValueError):
        Settings(max_upload_bytes=0)


def test_a_json_body_at_the_limit_is_read_and_one_byte_more_is_413(fleet: Fleet) -> None:
    op, delete = OPERATIONS["create_group"], OPERATIONS["delete_group"]
    core = b'{"name": "padded"}'
    at_limit = core + b" " * (JSON_LIMIT - len(core))  # whitespace is valid JSON
    created = json_of(fleet.send(op, body=at_limit), 201)
    fleet.send(delete, group_id=created["id"])
    before = snapshot(fleet)
    body = refused(fleet.send(op, body=at_limit + b" "), 413)
    assert body["message"] == f"The request body is larger than {JSON_LIMIT} bytes."
    assert snapshot(fleet) == before


def test_every_json_operation_refuses_a_huge_body_before_reading_it(fleet: Fleet) -> None:
    """A declared Content-Length over the limit is refused on sight, on every operation."""
    before = snapshot(fleet)
    huge = b"{" + b" " * (4 * JSON_LIMIT) + b"}"
    for op in JSON_OPERATIONS:
        refused(fleet.send(op, body=huge), 413)
    assert snapshot(fleet) == before


def test_a_chunked_json_body_is_cut_off_at_the_limit(fleet: Fleet) -> None:
    """Without a Content-Length, the body is counted as it streams in."""
    op = OPERATIONS["create_group"]
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield b'{"name": "chunked"'
        for _ in range(64):  # 4 times the limit, unless the server stops reading
            sent += 4096
            yield b" " * 4096
        yield b"}"

    before = snapshot(fleet)
    response = urllib3.PoolManager(retries=False).request(
        "POST",
        fleet.url(op),
        body=chunks(),
        chunked=True,
        headers={"Authorization": f"Bearer {fleet.api_key}", "Content-Type": "application/json"},
    )
    refused(response, 413)
    assert snapshot(fleet) == before


# uploads: streamed, never held whole


def _multipart(field: str, filename: str, path: Path) -> Iterator[bytes]:
    """A multipart body streamed from ``path`` in 64 KiB chunks (sent chunked)."""
    yield (
        f'--S7r34m\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    with path.open("rb") as source:
        while chunk := source.read(64 * 1024):
            yield chunk
    yield b"\r\n--S7r34m--\r\n"


def _big_apk(path: Path, size: int) -> Path:
    """A real APK of about ``size`` bytes: incompressible padding in a stored entry."""
    build_apk(path, package_name="com.example.big")
    with zipfile.ZipFile(path, "a") as archive, archive.open("assets/pad.bin", "w") as pad:
        for _ in range(size // (1024 * 1024)):
            pad.write(os.urandom(1024 * 1024))
    return path


UPLOAD_SIZE = 32 * 1024 * 1024
MEMORY_BOUND = 8 * 1024 * 1024


@pytest.mark.parametrize("operation", sorted(UPLOADS))
def test_an_upload_is_streamed_to_disk_never_held_whole(
    fleet: Fleet, tmp_path: Path, operation: str
) -> None:
    """A 32 MiB upload peaks under 8 MiB of Python memory in the whole process.

    tracemalloc sees every Python allocation, the server thread's included: were the
    file read whole anywhere (the request body, the form, the copy, the APK hash),
    the peak would be at least its size.
    """
    source = _big_apk(tmp_path / "big.apk", UPLOAD_SIZE)
    assert source.stat().st_size >= UPLOAD_SIZE
    op = OPERATIONS[operation]
    tracemalloc.start()
    try:
        response = urllib3.PoolManager(retries=False).request(
            "POST",
            fleet.url(op),
            body=_multipart(UPLOADS[operation], "big.apk", source),
            chunked=True,
            headers={
                "Authorization": f"Bearer {fleet.api_key}",
                "Content-Type": "multipart/form-data; boundary=S7r34m",
            },
            preload_content=True,
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    created = json_of(response, op.status)
    assert peak < MEMORY_BOUND, f"peak {peak} bytes for a {UPLOAD_SIZE}-byte upload"
    files_dir = fleet.server.emulator.settings.files_dir
    kept = [p for p in files_dir.rglob("*") if p.is_file() and p.stat().st_size >= UPLOAD_SIZE]
    assert len(kept) == 1 and kept[0].read_bytes() == source.read_bytes()
    if operation == "upload":
        delete = {"application_id": created["application"]["id"]}
        fleet.send(OPERATIONS["delete_application"], **delete)
    else:
        fleet.send(OPERATIONS["delete_content"], content_id=str(created["id"]))
    assert not kept[0].exists()


# uploaded file names and contents


def _post_named(fleet: Fleet, operation: str, filename: bytes, data: bytes) -> Any:
    """An upload whose ``filename`` goes on the wire byte for byte."""
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="'
        + UPLOADS[operation].encode()
        + b'"; filename="'
        + filename
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + data
        + b"\r\n--XyZ--\r\n"
    )
    return fleet.send(
        OPERATIONS[operation], body=body, content_type="multipart/form-data; boundary=XyZ"
    )


TRAVERSAL_NAMES = [
    b"../../x.apk",
    b"../../../../../../tmp/x.apk",
    b"/etc/x.apk",
    b"/tmp/x.apk",
    b"..\\..\\x.apk",
    b"C:\\x.apk",
    b"x\x00.apk",
    b"\x00",
    b"..",
    b"%2e%2e%2fx.apk",
]


def test_path_traversal_in_an_apk_file_name_never_reaches_the_disk(
    fleet: Fleet, tmp_path: Path
) -> None:
    """The client's file name of an APK is never used as a path: the upload lands inside."""
    apk = build_apk(tmp_path / "t.apk", package_name="com.example.traversal").read_bytes()
    files_dir = fleet.server.emulator.settings.files_dir
    for filename in TRAVERSAL_NAMES:
        before = set(snapshot(fleet)[1])
        created = json_of(_post_named(fleet, "upload", filename, apk), 201)
        new = {fleet.root / name for name in set(snapshot(fleet)[1]) - before}
        assert new and all(files_dir in path.parents for path in new), (filename, new)
        assert not any(path.name == "x.apk" for path in new)
        fleet.send(OPERATIONS["delete_application"], application_id=created["application"]["id"])
    for outside in (Path("/etc/x.apk"), Path("/tmp/x.apk"), fleet.root / "a" / "x.apk"):
        assert not outside.exists()


def test_traversal_names_are_shown_without_their_directories(fleet: Fleet) -> None:
    for filename in TRAVERSAL_NAMES:
        created = json_of(_post_named(fleet, "post_content", filename, b"data"))
        shown = created["name"]
        assert "/" not in shown and "\\" not in shown and "\x00" not in shown
        assert shown not in ("", ".", "..")
        fleet.send(OPERATIONS["delete_content"], content_id=str(created["id"]))


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb() -> bytes:
    """An APK whose manifest inflates from about 100 KiB to 100 MiB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(1024 * 1024)
    deflated = b"".join(compressor.compress(block) for _ in range(100)) + compressor.flush()
    size, crc = 100 * 1024 * 1024, 0
    for _ in range(100):
        crc = zlib.crc32(block, crc)
    name = MANIFEST_NAME.encode()
    local = (
        b"PK\x03\x04"
        + (20).to_bytes(2, "little")
        + bytes(2)
        + (8).to_bytes(2, "little")
        + bytes(4)
        + crc.to_bytes(4, "little")
        + len(deflated).to_bytes(4, "little")
        + size.to_bytes(4, "little")
        + len(name).to_bytes(2, "little")
        + bytes(2)
        + name
    )
    central = (
        b"PK\x01\x02"
        + (20).to_bytes(2, "little") * 2
        + bytes(2)
        + (8).to_bytes(2, "little")
        + bytes(4)
        + crc.to_bytes(4, "little")
        + len(deflated).to_bytes(4, "little")
        + size.to_bytes(4, "little")
        + len(name).to_bytes(2, "little")
        + bytes(12)
        + name
    )
    end = (
        b"PK\x05\x06"
        + bytes(4)
        + (1).to_bytes(2, "little") * 2
        + len(central).to_bytes(4, "little")
        + (len(local) + len(deflated)).to_bytes(4, "little")
        + bytes(2)
    )
    return local + deflated + central + end


def _understated_bomb() -> bytes:
    """The same bomb whose headers claim a 2 KiB manifest."""
    data = bytearray(_bomb())
    size = (100 * 1024 * 1024).to_bytes(4, "little")
    return bytes(data.replace(size, (2048).to_bytes(4, "little")))


NOT_APKS: list[tuple[str, Callable[[], bytes]]] = [  # an empty file: tests/emulator
    ("text", lambda: b"just some text\n" * 10),
    ("a PDF", lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
    ("a zip without a manifest", lambda: _zip({"classes.dex": b"dex"})),
    ("a text manifest", lambda: _zip({MANIFEST_NAME: b"<manifest package='x'/>"})),
    ("a truncated zip", lambda: _zip({MANIFEST_NAME: bytes(4096)})[:-30]),
    ("an encrypted-looking entry", lambda: _zip({MANIFEST_NAME: b"\x03\x00\x08\x00"})),
    ("a zip bomb manifest", _bomb),
    ("a zip bomb with an understated size", _understated_bomb),
]


def test_what_is_not_an_apk_or_is_a_bomb_is_400_and_changes_nothing(fleet: Fleet) -> None:
    before = snapshot(fleet)
    for label, make in NOT_APKS:
        body = refused(_post_named(fleet, "upload", b"x.apk", make()), 400)
        assert body["message"].startswith("app_file: not an APK"), (label, body)
        assert body["errors"] == [{"app_file": [body["message"].removeprefix("app_file: ")]}]
    assert snapshot(fleet) == before


# query parameters


def test_an_unknown_query_parameter_is_a_400_naming_it_on_every_operation(fleet: Fleet) -> None:
    """Consistent on all operations: the emulator refuses what it would silently ignore."""
    before = snapshot(fleet)
    for op in OPERATIONS.values():
        for query in ("bogus=1", "limit_=5", "ENTERPRISE_ID=x"):
            body = b"{}" if op.in_("body") else None
            response = fleet.send(op, body=body, query=query)
            name = query.split("=")[0]
            assert refused(response, 400)["errors"] == [
                {name: [f"Unknown query parameter for {op.method} {op.path}."]}
            ]
    assert snapshot(fleet) == before


BAD_PAGES = [
    ("limit", "0"),
    ("limit", "-1"),
    ("limit", "10001"),
    ("limit", str(2**63)),
    ("limit", str(-(2**63) - 1)),
    ("limit", "1.5"),
    ("limit", "ten"),
    ("limit", "1e3"),
    ("offset", "-1"),
    ("offset", str(-(2**63))),
    ("offset", str(2**63)),
    ("offset", str(10**40)),
    ("offset", "0x10"),
    ("offset", " "),
]


def test_negative_or_huge_limit_and_offset_are_400(fleet: Fleet) -> None:
    before = snapshot(fleet)
    tried = 0
    for op in PAGED_OPERATIONS:
        for name, value in BAD_PAGES:
            response = fleet.send(op, query=f"{name}={value}")
            assert list(refused(response, 400)["errors"][0]) == [name], (op.name, name, value)
            tried += 1
    assert tried == len(PAGED_OPERATIONS) * len(BAD_PAGES)
    assert snapshot(fleet) == before


def test_the_largest_offset_is_an_empty_page_not_a_failure(fleet: Fleet) -> None:
    for op in PAGED_OPERATIONS:
        page = json_of(fleet.send(op, query=f"limit=10000&offset={2**63 - 1}"))
        assert page["results"] == [] and page["next"] is None, op.name


# ids in paths

WRONG_IDS = [
    "not-a-uuid",
    "1.5",
    "-1",
    "0",
    str(2**64),
    "%00",
    "%2e%2e",
    "' OR 1=1 --",
    "x" * 5000,
    "00000000-0000-0000-0000-00000000000g",
]


def test_wrong_typed_ids_in_paths_are_a_4xx_and_change_nothing(fleet: Fleet) -> None:
    before = snapshot(fleet)
    tried = 0
    for op in OPERATIONS.values():
        names = [p.name for p in op.in_("path") if p.name != "enterprise_id"]
        for name in names:
            for wrong in WRONG_IDS:
                body = b"{}" if op.in_("body") else None
                response = fleet.send(op, body=body, **{name: wrong})
                refused(response, 400, 404, 405)
                tried += 1
    assert tried >= 400
    assert snapshot(fleet) == before


def test_a_wrong_typed_enterprise_id_is_a_403(fleet: Fleet) -> None:
    before = snapshot(fleet)
    for op in OPERATIONS.values():
        if "enterprise_id" in op.by_name:
            body = b"{}" if op.in_("body") else None
            refused(fleet.send(op, body=body, enterprise_id="not-a-uuid"), 403)
    assert snapshot(fleet) == before


# property: any JSON, any bytes

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(
    op=st.sampled_from(JSON_OPERATIONS),
    body=st.one_of(
        JSON_VALUES.map(msgspec.json.encode),
        st.dictionaries(st.sampled_from(["name", "command", "policy", "devices"]), JSON_VALUES).map(
            msgspec.json.encode
        ),
        st.binary(max_size=64),
    ),
)
def test_any_json_or_bytes_is_answered_without_5xx_and_refusals_write_nothing(
    fleet: Fleet, op: Operation, body: bytes
) -> None:
    before = snapshot(fleet)
    response = fleet.send(op, body=body)
    assert response.status < 500, (op.name, body, response.data[:300])
    if response.status >= 400:
        esper_error(response, response.status)
        assert snapshot(fleet) == before, (op.name, body)
