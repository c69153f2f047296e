"""A million-device fleet, on SQLite and on PostgreSQL: seeding it, list pages, memory.

For each database an ``esper-emulator serve`` subprocess of its own (SQLite in a temp
dir; PostgreSQL in a private cluster started as the tests start theirs, then stopped)
gets one enterprise of 1,000,000 devices through the side door, timed. Then each list
page below is requested one at a time by the aiohttp load generator in a fresh
process, for ``SECONDS``; its time per request is the median latency, compared with the
page at offset 0 of the same list. Last, the server's peak resident memory (VmHWM),
which covers the seeding and every request.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from urllib.parse import urlencode

from tests import postgres

from bench.common import Result
from bench.emulator import SIDE_DOOR_MAX, Emulator, Fleet
from bench.harness import Context, log
from bench.report import Row

DEVICES = 1_000_000
FAR_OFFSET = 990_000
PAGE = 100
SECONDS = 2.0
SEED_TARGET_S = 120.0
RATIO_TARGET = 2.0
RSS_TARGET_MB = 300.0


def _search_term(name: str) -> str:
    """A realistic, selective search: a part of a device's name (its last digit left
    out) in another case, which a few devices' names hold (``Kitchen-0001``:
    ``kitchen-000``, the Kitchen devices 1 to 9)."""
    return name[:-1].lower()


def _cases(fleet: Fleet, name: str, group_id: str) -> dict[str, str]:
    """Each list page measured: its label, and its URL (the first of each list at offset 0)."""
    term = _search_term(name)
    legacy = f"{fleet.host}/enterprise/{fleet.enterprise_id}/device/?"
    v2 = f"{fleet.host}/v2/devices/?"
    return {
        "legacy list, offset 0": legacy + urlencode({"limit": PAGE}),
        f"legacy list, offset {FAR_OFFSET:,}": legacy
        + urlencode({"limit": PAGE, "offset": FAR_OFFSET}),
        "legacy list, name=": legacy + urlencode({"limit": PAGE, "name": name}),
        "legacy list, state=1": legacy + urlencode({"limit": PAGE, "state": 1}),
        "legacy list, group= (the root group: every device)": legacy
        + urlencode({"limit": PAGE, "group": group_id}),
        f"legacy list, search={term} (a part of a few devices' names)": legacy
        + urlencode({"limit": PAGE, "search": term}),
        "v2 list, offset 0": v2 + urlencode({"limit": PAGE}),
        f"v2 list, offset {FAR_OFFSET:,}": v2 + urlencode({"limit": PAGE, "offset": FAR_OFFSET}),
        "v2 list, state=1": v2 + urlencode({"limit": PAGE, "state": 1}),
        "v2 list, group_multi= (the root group)": v2
        + urlencode({"limit": PAGE, "group_multi": group_id}),
        f"v2 list, search={term} (a part of a few names)": v2
        + urlencode({"limit": PAGE, "search": term}),
    }


@contextmanager
def _sqlite(workdir: Path) -> Iterator[str | None]:
    yield None  # the emulator's own file in workdir


@contextmanager
def _postgres(workdir: Path) -> Iterator[str | None]:
    cluster = postgres.start()
    try:
        yield cluster.create_database("million")
    finally:
        postgres.stop(cluster)


DATABASES: dict[str, Callable[[Path], AbstractContextManager[str | None]]] = {
    "SQLite": _sqlite,
    "PostgreSQL": _postgres,
}


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


def _per_request_ms(ctx: Context, fleet: Fleet, url: str) -> Result:
    config = {
        "method": "GET",
        "urls": [url],
        "headers": {"Authorization": f"Bearer {fleet.api_key}", "Accept": "application/json"},
        "warmup_s": 0.3,
        "duration_s": SECONDS,
        "concurrency": 1,
    }
    result = ctx.work(ctx.ours, "load.load", config)
    assert result["errors"] == 0, result
    return result


def _cpu_s(pid: int) -> float:
    """The CPU time the process has used so far (user and system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _seed(emulator: Emulator) -> tuple[Fleet, float, float]:
    """The fleet, the seconds it took to make, and the emulator's CPU seconds for it."""
    cpu = _cpu_s(emulator.process.pid)
    start = time.perf_counter()
    fleet = emulator.create_fleet("Million", DEVICES, online_ratio=0.7)
    return fleet, time.perf_counter() - start, _cpu_s(emulator.process.pid) - cpu


def _one_database(ctx: Context, label: str, workdir: Path, db: str | None) -> list[Row]:
    log(f"  {label}: starting an emulator, seeding {DEVICES:,} devices ...")
    emulator = Emulator(ctx.ours, workdir, 0, db=db)
    try:
        fleet, seconds, cpu = _seed(emulator)
        log(f"  {label}: seeded in {seconds:.1f} s ({cpu:.1f} s of the emulator's CPU)")
        first = fleet.device_ids[0]
        name = emulator.http.request(
            "GET",
            f"{fleet.host}/enterprise/{fleet.enterprise_id}/device/{first}/",
            headers={"Authorization": f"Bearer {fleet.api_key}"},
        ).json()["device_name"]
        groups = emulator.http.request(
            "GET",
            f"{fleet.host}/enterprise/{fleet.enterprise_id}/devicegroup/",
            headers={"Authorization": f"Bearer {fleet.api_key}"},
        ).json()["results"]
        cases = _cases(fleet, name, groups[0]["id"])
        samples: dict[str, list[Result]] = {case: [] for case in cases}
        for n in range(ctx.rounds):
            for case, url in cases.items():
                samples[case].append(_per_request_ms(ctx, fleet, url))
            log(f"  {label} lists: round {n + 1}/{ctx.rounds} done")
        peak = _peak_rss_mb(emulator.process.pid)
    finally:
        emulator.stop()
    raw = {"seed_s": seconds, "seed_cpu_s": cpu, "rss_mb": peak, **samples}
    ctx.raw.setdefault("million", {})[label] = raw
    calls = -(-DEVICES // SIDE_DOOR_MAX)
    rows = [
        Row(
            f"million, {label}: seed {DEVICES:,} devices (side door, {calls} calls): s",
            seconds,
            target=f"< {SEED_TARGET_S:g} s",
            met=seconds < SEED_TARGET_S,
        ),
        Row(f"million, {label}: the emulator's CPU while seeding: s", cpu),
    ]
    ms = {case: statistics.median(r["p50_ms"] for r in found) for case, found in samples.items()}
    for case, value in ms.items():
        base = ms["legacy list, offset 0" if case.startswith("legacy") else "v2 list, offset 0"]
        is_base = case.endswith("offset 0")
        rows.append(
            Row(
                f"million, {label}: {case}: ms/request",
                value,
                floor=None if is_base else base,
                target="—" if is_base else f"< {RATIO_TARGET:g}x offset 0",
                met=None if is_base else value < RATIO_TARGET * base,
                rounds=ctx.rounds,
            )
        )
    rows.append(
        Row(
            f"million, {label}: emulator peak RSS (VmHWM), seeding and lists: MB",
            peak,
            target=f"< {RSS_TARGET_MB:g} MB",
            met=peak < RSS_TARGET_MB,
        )
    )
    return rows


def run(ctx: Context) -> list[Row]:
    """Every database in turn, each in a temp dir of its own (deleted after)."""
    rows: list[Row] = []
    for label, database in DATABASES.items():
        workdir = Path(tempfile.mkdtemp(prefix="esper-million-"))
        try:
            with database(workdir) as db:
                rows += _one_database(ctx, label, workdir, db)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    ctx.notes.append(
        "million: ms/request is the median latency of one request at a time (aiohttp, "
        f"{SECONDS:g} s per round); the floor column holds the same list's page at offset 0, "
        "so ours/floor is the ratio the 2x target is about."
    )
    return rows
