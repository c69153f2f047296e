"""Memory: peak RSS growth while iterating 100,000 devices with the idiomatic paginator."""

from __future__ import annotations

import statistics

from bench.emulator import SIDE_DOOR_MAX
from bench.harness import Context, Variant, log
from bench.report import Row

DEVICES = 100_000
TARGET_MB = 30.0


def run(ctx: Context, rounds: int) -> list[Row]:
    fleet = ctx.fleet_of("big", DEVICES, online_ratio=0.7)
    variant = Variant("ours", ctx.ours, "ours.iterate_memory")
    cfg = fleet.config(page_size=100)
    results = []
    for n in range(rounds):
        results.append(ctx.work(variant.python, variant.task, cfg))
        log(f"  memory: round {n + 1}/{rounds} done")
    traced = ctx.work(variant.python, variant.task, {**cfg, "tracemalloc": True})
    ctx.raw["memory"] = {"rss": results, "tracemalloc": traced}
    assert all(r["items"] == DEVICES for r in [*results, traced])
    growth = statistics.median(r["rss_growth_mb"] for r in results)
    wall = statistics.median(r["wall_s"] for r in results)
    seeded = ctx.raw["fleets"]["big"]["seconds"]
    calls = -(-DEVICES // SIDE_DOOR_MAX)
    return [
        Row(
            "iterate 100k devices: peak RSS growth (VmHWM), MB",
            growth,
            target=f"< {TARGET_MB:g} MB",
            met=growth < TARGET_MB,
            rounds=rounds,
        ),
        Row("iterate 100k devices: tracemalloc peak, MB", traced["traced_mb"], rounds=1),
        Row("iterate 100k devices: s", wall, rounds=rounds),
        Row(f"seed the 100k-device enterprise (side door, {calls} calls): s", seeded),
    ]
