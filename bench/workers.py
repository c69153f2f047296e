"""Several workers over one PostgreSQL database: page rate of 1 worker and of 2.

A private PostgreSQL cluster (started as the tests start theirs, then stopped) holds
one database; ``esper-emulator serve --workers N`` serves it, N = 1 then 2, each with
the same 10,000-device demo fleet. wrk (or the aiohttp load generator) asks for
100-device pages at 50 connections for ``SECONDS`` per round. The load generator runs
on the same cores as the workers and PostgreSQL: its CPU seconds per second are
reported beside the rates, since what it takes is not the server's.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
from pathlib import Path

from tests import postgres

from bench import serving, wrk
from bench.common import Result
from bench.emulator import Emulator
from bench.harness import Context, log
from bench.report import Row

FLEET = 10_000
WORKERS = (1, 2)
SCALING_TARGET = 1.6


def _rounds(ctx: Context, emulator: Emulator, tool: str | None) -> list[Result]:
    results = []
    for _ in range(ctx.rounds):
        result = serving.page_load(ctx, tool, emulator.demo, 0)
        assert result["errors"] == 0, result
        results.append(result)
    return results


def _median(results: list[Result], key: str) -> float:
    return statistics.median(float(r[key]) for r in results)


def run(ctx: Context) -> list[Row]:
    """Page rates of 1 and 2 workers on one PostgreSQL database, and their ratio."""
    tool = wrk.ensure_wrk()
    by = "wrk -t2" if tool else "aiohttp load generator"
    workdir = Path(tempfile.mkdtemp(prefix="esper-workers-"))
    cluster = postgres.start()
    samples: dict[int, list[Result]] = {}
    try:
        db = cluster.create_database("workers")
        for workers in WORKERS:
            log(f"  workers: {workers} over PostgreSQL, {FLEET:,}-device fleet ...")
            emulator = Emulator(ctx.ours, workdir, FLEET, db=db, workers=workers)
            try:
                samples[workers] = _rounds(ctx, emulator, tool)
            finally:
                emulator.stop()
    finally:
        postgres.stop(cluster)
        shutil.rmtree(workdir, ignore_errors=True)
    ctx.raw["workers"] = {"tool": by, **{str(n): found for n, found in samples.items()}}
    rps = {n: _median(found, "rps") for n, found in samples.items()}
    name = f"emulator over PostgreSQL: GET 100-device page, {serving.CONNECTIONS} conns ({by})"
    rows = [Row(f"{name}, 1 worker: req/s", rps[1], rounds=ctx.rounds)]
    rows.append(
        Row(
            f"{name}, 2 workers: req/s (floor: 1 worker)",
            rps[2],
            floor=rps[1],
            target=f"≥ {SCALING_TARGET:g}x 1 worker",
            met=rps[2] >= SCALING_TARGET * rps[1],
            rounds=ctx.rounds,
        )
    )
    if tool:
        rows += [
            Row(
                f"{name}, {n} worker{'s' if n > 1 else ''}: load generator's CPU s per s",
                _median(found, "cpu_s") / serving.SECONDS,
                rounds=ctx.rounds,
            )
            for n, found in samples.items()
        ]
    return rows
