"""Creating enterprises, groups and realistic simulated devices."""

from __future__ import annotations

import hashlib
import random
import sys
import threading
import uuid
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import msgspec

from esper_emulator.services import effects
from esper_emulator.services.auth import Auth
from esper_emulator.services.clock import Clock
from esper_emulator.services.fleet import OFFLINE, ONLINE, OS_PLATFORMS, device_columns
from esper_emulator.services.groups import Groups
from esper_emulator.services.ids import new_ids
from esper_emulator.services.urls import device_url, enterprise_url, group_url
from esper_emulator.store import Store
from esper_emulator.store import devices as devices_db
from esper_emulator.store import enterprises as enterprises_db
from esper_emulator.store import groups as groups_db
from esper_emulator.store import reports as reports_db
from esper_emulator.store import tags as tags_db
from esper_emulator.store.db import Bulk, BulkMaker
from esper_emulator.store.reports import NewApp
from esperclient.models import Device, EmmDevice, EnterpriseV1, GoogleEMM

T = TypeVar("T")

DEMO_NAME = "Demo Enterprise"
DEMO_ALIAS_RATIO = 0.6
_DEMO_GROUPS = [("Front of house", "Lobby kiosks"), ("Back office", "Stockroom")]

_HARDWARE = [
    ("samsung", "Samsung", "SM-X200", "Galaxy Tab A8"),
    ("lenovo", "Lenovo", "TB-X606F", "Tab M10"),
    ("zebra", "Zebra Technologies", "TC52", "TC52"),
    ("honeywell", "Honeywell", "CT40", "CT40"),
    ("elo", "Elo Touch Solutions", "ESY15i1", "I-Series 4"),
]
_ANDROID = [("10", 29), ("11", 30), ("12", 31), ("13", 33)]
_OTHER_HARDWARE = {
    "iOS": [("Apple", "iPhone15,2", "iPhone 14 Pro"), ("Apple", "iPhone14,7", "iPhone 14")],
    "iPadOS": [("Apple", "iPad13,18", "iPad (10th generation)")],
    "tvOS": [("Apple", "AppleTV11,1", "Apple TV 4K")],
    "Linux": [("Raspberry Pi", "RPi4B", "Raspberry Pi 4 Model B"), ("Intel", "NUC11", "NUC 11")],
    "Windows": [("Microsoft", "Surface Pro 9", "Surface Pro 9"), ("Dell", "OptiPlex 7090", "7090")],
}
"""The hardware of devices of the other operating systems: (brand, model, product)."""
_OTHER_VERSIONS = {
    "iOS": ["16.7.8", "17.5.1"],
    "iPadOS": ["17.5.1"],
    "tvOS": ["17.5"],
    "Linux": ["Ubuntu 22.04", "Debian 12"],
    "Windows": ["10.0.19045", "10.0.22631"],
}
DEMO_OTHER_PLATFORMS = ("iOS", "iPadOS", "Linux", "Linux", "Windows", "Windows")
"""The demo fleet's devices beside its Android ones: two of each other platform."""
_SITES = ["Lobby", "Checkout", "Warehouse", "Kitchen", "Front-Desk"]


@dataclass(frozen=True)
class Credentials:
    """What a script needs to talk to one enterprise of the emulator."""

    enterprise_id: str
    api_key: str


@dataclass(frozen=True)
class Tenant(Credentials):
    """A new enterprise's credentials and the ids of the devices it was made with."""

    device_ids: list[str]


_DOUBLED = {str(n): 2 * n - 9 if n > 4 else 2 * n for n in range(10)}
"""A digit doubled by Luhn's rule (its digits summed)."""


def _luhn_digit(digits: str) -> str:
    total = sum(_DOUBLED[ch] for ch in digits[::-2]) + sum(map(int, digits[-2::-2]))
    return str(-total % 10)


class _Draws:
    """A stream of random draws made from one SHAKE-128 hash of a key, with the methods of
    ``random.Random`` the seeder uses: a device needs a few dozen draws, and seeding a
    ``random.Random`` for each would cost more than all of them."""

    def __init__(self, key: str, size: int = 168) -> None:
        """``size``: the bytes drawn first (168, SHAKE-128's block, take one permutation)."""
        self._hash = hashlib.shake_128(key.encode())
        self._bytes = self._hash.digest(size)
        self._at = 0

    def _int(self, size: int) -> int:
        """The next ``size`` bytes as an integer (a longer digest starts with a shorter one)."""
        start, self._at = self._at, self._at + size
        if self._at > len(self._bytes):
            self._bytes = self._hash.digest(2 * self._at)
        return int.from_bytes(self._bytes[start : self._at], "big")

    def random(self) -> float:
        """A float in [0, 1)."""
        return self._int(7) / 2**56

    def getrandbits(self, bits: int) -> int:
        """An integer of ``bits`` random bits."""
        return self._int((bits + 7) // 8) >> (-bits % 8)

    def randrange(self, start: int, stop: int | None = None) -> int:
        """An integer in [start, stop) (in [0, start) without ``stop``)."""
        low, high = (0, start) if stop is None else (start, stop)
        return low + self._int(8) % (high - low)

    def choice(self, items: Sequence[T]) -> T:
        """One of ``items``."""
        return items[self.randrange(len(items))]


SEED_BATCH = 5_000
"""Devices built and written at a time: a call of any size holds one batch's rows."""


@dataclass(frozen=True)
class _Made:
    """What every device of one ``Seeder.devices`` call shares."""

    enterprise_id: str
    root_id: str | None
    when: datetime
    online_ratio: float
    alias_ratio: float
    os: str

    @property
    def groups(self) -> list[str]:
        """A new device's ``groups``: the root group, which it joins."""
        return [] if self.root_id is None else [group_url(self.enterprise_id, self.root_id)]


@dataclass(frozen=True)
class _Batch:
    """A batch of new devices, ready to write: their ids and tags, and their rows."""

    ids: list[str]
    tags: set[str]
    devices: devices_db.NewDevices
    reports: list[Bulk]
    members: Bulk | None


class _Handover:
    """Makes the threads of the process hand the GIL over sooner while a block runs
    (``sys.setswitchinterval``), however many blocks run at once."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._blocks = 0
        self._usual = 0.0

    @contextmanager
    def sooner(self) -> Iterator[None]:
        """Run the block with the shorter interval; the usual one after the last block."""
        with self._lock:
            if not self._blocks:
                self._usual = sys.getswitchinterval()
                sys.setswitchinterval(self.interval)
            self._blocks += 1
        try:
            yield
        finally:
            with self._lock:
                self._blocks -= 1
                if not self._blocks:
                    sys.setswitchinterval(self._usual)


_HANDOVER = _Handover(0.0005)
"""While a seed writes one batch and makes the next: the writer waits on PostgreSQL's
socket, whose buffer holds a few milliseconds of its work, and at the usual 5 ms the
thread making rows kept the GIL till the socket ran dry (a seed took ~20% longer)."""


def _made(
    make: Callable[[int], T], starts: Sequence[int], *, ahead: bool
) -> Generator[T, None, None]:
    """``make(start)`` for each of ``starts``, in order; with ``ahead``, each is made in a
    thread while the caller uses the one before."""
    if not ahead or len(starts) < 2:
        yield from map(make, starts)
        return
    with _HANDOVER.sooner(), ThreadPoolExecutor(1, thread_name_prefix="esper-seed") as pool:
        coming = pool.submit(make, starts[0])
        for start in starts[1:]:
            made = coming.result()
            coming = pool.submit(make, start)
            yield made
        yield coming.result()


class Seeder:
    """Creates enterprises and fleets in the store.

    Each device draws its details from a random stream of its own, seeded by ``seed``
    and its place in the database: a fleet is reproducible, and devices made after the
    database is reopened are new devices (no IMEI, MAC or serial comes back).
    """

    def __init__(self, store: Store, clock: Clock, auth: Auth, seed: int = 7) -> None:
        self.store = store
        self.clock = clock
        self.auth = auth
        self.seed = seed

    def enterprise(self, name: str, enterprise_id: str | None = None) -> str:
        """Create an enterprise; returns its id."""
        now = self.clock.utcnow()
        enterprise_id = enterprise_id or str(uuid.uuid4())
        short = "".join(ch for ch in name.upper() if ch.isalnum())[:6] or "ENT"
        doc = EnterpriseV1.construct(
            id=enterprise_id,
            name=name,
            short_code=short,
            registered_name=f"{name} Inc.",
            registered_address="1 Market Street, San Francisco, CA",
            location="San Francisco",
            zipcode="94105",
            contact_person="Fleet Admin",
            contact_number="+14155550100",
            contact_email="fleet-admin@example.com",
            emm=GoogleEMM(
                google_enterprise_id=f"LC0{random.Random(enterprise_id).randrange(10**8):08d}"  # noqa: S311
            ),
            created_on=now,
            updated_on=now,
        )
        enterprises_db.add(self.store, enterprise_id, name, msgspec.json.encode(doc))
        Groups(self.store, self.clock).create_root(enterprise_id)
        return enterprise_id

    def group(
        self, enterprise_id: str, name: str, device_ids: list[str], parent_id: str | None = None
    ) -> str:
        """Create a device group holding ``device_ids`` (the devices' docs list it); its id."""
        return Groups(self.store, self.clock).insert(enterprise_id, name, device_ids, parent_id)

    def devices(
        self,
        enterprise_id: str,
        count: int,
        online_ratio: float = 0.7,
        alias_ratio: float = 1.0,
        os: str = "Android",
    ) -> list[str]:
        """Create ``count`` devices with realistic hardware, software and network info.

        ``alias_ratio`` of them have an alias; the others have none, as a device only
        gets one when someone names it. ``os`` is their operating system (a key of
        ``OS_PLATFORMS``): Android devices only are in the legacy device list. They join
        the root group, with their system apps and first status event, written in
        batches of ``SEED_BATCH`` devices (the caller's transaction holds them all).
        """
        if os not in OS_PLATFORMS:
            raise ValueError(f"No such operating system: {os!r}")
        groups = Groups(self.store, self.clock)
        root_id = groups.root_id(enterprise_id)
        made = _Made(enterprise_id, root_id, self.clock.utcnow(), online_ratio, alias_ratio, os)
        first = devices_db.last_pk(self.store) + 1
        place = (
            devices_db.count(self.store, enterprise_id)
            if os == "Android"
            else devices_db.lowest_place(self.store, enterprise_id)
        )
        all_place = devices_db.count_all(self.store, enterprise_id)
        step = 1 if os == "Android" else -1
        make = self.store.bulk_maker()

        def batch(start: int) -> _Batch:
            numbers = range(first + start, first + min(start + SEED_BATCH, count))
            return self._batch(made, make, numbers, place + step * start, all_place + start)

        ids: list[str] = []
        tags: set[str] = set()
        # On PostgreSQL, which works in a process of its own, the next batch is made while
        # it takes in this one. (SQLite works in this thread: a thread making rows beside
        # it slowed both down, with statements of a row as with statements of a thousand.)
        batches = _made(batch, range(0, count, SEED_BATCH), ahead=self.store.shared)
        with closing(batches), devices_db.adding_many(self.store):
            for new in batches:
                self._write(new, root_id)
                ids += new.ids
                tags.update(new.tags)
        tags_db.ensure(self.store, enterprise_id, sorted(tags))
        groups.refresh(enterprise_id)
        if count >= SEED_BATCH:
            devices_db.analyze(self.store)
        return ids

    def _batch(
        self, made: _Made, make: BulkMaker, numbers: range, place: int, all_place: int
    ) -> _Batch:
        """The devices ``numbers`` (each draws from a random stream of its own), after the
        enterprise's ``place`` (Android: its highest ``seq``, others: its lowest) and
        ``all_place`` (its highest ``all_seq``): their rows, made by ``make``."""
        ids = new_ids.take(len(numbers))
        app_ids = new_ids.take(len(numbers) * effects.SYSTEM_APPS)
        devices: list[dict[str, Any]] = []
        apps: list[NewApp] = []
        events: list[tuple[str, bytes]] = []
        tags: set[str] = set()
        enrollment = effects.Enrollment(made.enterprise_id, made.when)
        android = made.os == "Android"
        build = self._device if android else self._other_device
        for k, (n, device_id) in enumerate(zip(numbers, ids, strict=True)):
            r = _Draws(f"{self.seed}:device:{n}")
            device = build(made, n, r, r.random() < made.online_ratio, device_id)
            if _Draws(f"{self.seed}:alias:{n}", 8).random() >= made.alias_ratio:
                device.alias_name = None
            battery = float(_Draws(f"{self.seed}:battery:{n}", 8).randrange(5, 101))
            devices.append(
                {
                    "id": device_id,
                    "enterprise_id": made.enterprise_id,
                    "seq": place + k + 1 if android else place - k - 1,
                    "all_seq": all_place + k + 1,
                    "battery_level": battery,
                    **device_columns(device),
                }
            )
            mine = app_ids[k * effects.SYSTEM_APPS : (k + 1) * effects.SYSTEM_APPS]
            reported, event = enrollment.reports(device, mine)
            apps += reported
            events.append((device_id, event))
            tags.update(device.tags or [])
        enterprise_id, root_id = made.enterprise_id, made.root_id
        return _Batch(
            ids,
            tags,
            devices_db.new_devices(make, devices),
            reports_db.enrolled(make, enterprise_id, apps, events),
            None if root_id is None else groups_db.new_members(make, root_id, ids),
        )

    def _write(self, batch: _Batch, root_id: str | None) -> None:
        """Insert a batch of new devices: them, their reports, and their membership of the
        root group ``root_id``, which their docs list already (``groups.refresh`` after the
        last batch)."""
        devices_db.add(self.store, batch.devices)
        for reports in batch.reports:
            self.store.bulk_insert(reports)
        if root_id is not None and batch.members is not None:
            groups_db.join(self.store, root_id, batch.members)

    def _device(self, made: _Made, n: int, r: _Draws, online: bool, device_id: str) -> Device:
        enterprise_id, now = made.enterprise_id, made.when
        key, brand, model, product = r.choice(_HARDWARE)
        android, api_level = r.choice(_ANDROID)
        imei_body = f"35{r.randrange(10**12):012d}"
        mac = r.getrandbits(48).to_bytes(6, "big").hex(":")
        status = ONLINE if online else OFFLINE
        name = f"{r.choice(_SITES)}-{n:04d}"
        return Device(
            id=device_id,
            url=device_url(enterprise_id, device_id),
            device_name=name,
            alias_name=name.replace("-", " "),
            policy_name="Default policy",
            status=status,
            state=status,
            current_command=None,
            suid=f"{r.getrandbits(64):016x}",
            fcm_id=f"fcm:{r.getrandbits(96):024x}",
            enterprise=enterprise_url(enterprise_id),
            policy=None,
            user=None,
            groups=made.groups,
            tags=[key, name.split("-")[0].lower()],
            api_level=api_level,
            template_name=None,
            mqtt_id=f"mqtt-{device_id[:8]}",
            software_info={
                "androidVersion": android,
                "sdkVersion": api_level,
                "esperClientVersionName": "7.9.1",
                "securityPatchLevel": "2026-09-05",
            },
            hardware_info={
                "brand": brand,
                "manufacturer": brand,
                "model": model,
                "product": product,
                "serialNumber": f"{key[:2].upper()}{r.randrange(10**9):09d}",
            },
            displays={"0": {"width": 1920, "height": 1200, "density": 240}},
            network_info={
                "imei1": imei_body + _luhn_digit(imei_body),
                "wifiMacAddress": mac,
                "ipAddress": f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}",
                "connectionType": "WIFI" if online else "NONE",
            },
            memory_info={"totalRam": 3_900_000_000, "totalInternalStorage": 32_000_000_000},
            audio_constraints={"musicVolume": 8, "ringVolume": 5},
            provisioned_on=now,
            created_on=now,
            updated_on=now,
            emm_device=EmmDevice(
                id=n,
                google_device_id=f"3{r.randrange(10**15):015d}",
                management_type="DEVICE",
                device=device_id,
                is_active=True,
                created_on=now,
                updated_on=now,
            ),
            is_gms=key not in ("zebra", "honeywell"),
            is_active=True,
        )

    def _other_device(self, made: _Made, n: int, r: _Draws, online: bool, device_id: str) -> Device:
        """A device of another platform than Android, as the legacy device object holds it."""
        enterprise_id, now, os = made.enterprise_id, made.when, made.os
        brand, model, product = r.choice(_OTHER_HARDWARE[os])
        mac = r.getrandbits(48).to_bytes(6, "big").hex(":")
        status = ONLINE if online else OFFLINE
        name = f"{os}-{n:04d}"
        return Device(
            id=device_id,
            url=device_url(enterprise_id, device_id),
            device_name=name,
            alias_name=f"{r.choice(_SITES)} {os} {n:04d}",
            status=status,
            state=status,
            enterprise=enterprise_url(enterprise_id),
            groups=made.groups,
            tags=[os.lower()],
            software_info={"os": os, "osVersion": r.choice(_OTHER_VERSIONS[os])},
            hardware_info={
                "brand": brand,
                "manufacturer": brand,
                "model": model,
                "product": product,
                "serialNumber": f"{os[:2].upper()}{r.randrange(10**9):09d}",
            },
            network_info={
                "wifiMacAddress": mac,
                "ipAddress": f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}",
                "connectionType": "WIFI" if online else "NONE",
            },
            provisioned_on=now,
            created_on=now,
            updated_on=now,
            is_gms=False,
            is_active=True,
        )

    def _demo_groups(self, enterprise_id: str, ids: list[str]) -> None:
        """Two groups, each with a child group; every device in one of the four, as on Esper."""
        half = len(ids) // 2
        for (name, child), members in zip(_DEMO_GROUPS, (ids[:half], ids[half:]), strict=True):
            third = len(members) // 3
            parent_id = self.group(enterprise_id, name, members[third:])
            self.group(enterprise_id, child, members[:third], parent_id)

    def tenant(self, name: str, devices: int = 0, online_ratio: float = 0.7) -> Tenant:
        """A new enterprise with ``devices`` devices (``online_ratio`` of them online) and a
        key of its own."""
        enterprise_id = self.enterprise(name)
        device_ids = self.devices(enterprise_id, devices, online_ratio)
        return Tenant(enterprise_id, self.auth.issue(enterprise_id), device_ids)

    def demo(self, device_count: int) -> Credentials:
        """The demo enterprise: created on first use, the same one (and key) after.

        ``device_count`` Android devices, and ``DEMO_OTHER_PLATFORMS``'s devices beside them.
        """
        enterprise_id = self.store.meta_get("demo_enterprise_id")
        if enterprise_id is None:
            enterprise_id = self.enterprise(DEMO_NAME)
            ids = self.devices(enterprise_id, device_count, alias_ratio=DEMO_ALIAS_RATIO)
            for os in dict.fromkeys(DEMO_OTHER_PLATFORMS):
                ids += self.devices(enterprise_id, DEMO_OTHER_PLATFORMS.count(os), os=os)
            self._demo_groups(enterprise_id, ids)
            self.store.meta_set("demo_enterprise_id", enterprise_id)
        key = self.auth.issue(enterprise_id, self.auth.derived_key(f"demo:{enterprise_id}"))
        return Credentials(enterprise_id, key)
