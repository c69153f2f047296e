"""Async fan-out: 2,000 device GETs, 50 at a time."""

from __future__ import annotations

from bench.harness import Context, Variant, ceiling_note, median, per_request_us, rate
from bench.report import Row

CALLS = 2000
CONCURRENCY = 50


def run(ctx: Context) -> list[Row]:
    variants = [
        Variant("ours", ctx.ours, "ours.fanout"),
        Variant("orig", ctx.orig, "orig.fanout"),
        Variant("floor", ctx.ours, "floor.fanout"),
    ]
    cfg = ctx.fleet.config(device_ids=ctx.fleet.device_ids[:CALLS], concurrency=CONCURRENCY)
    samples = ctx.alternate("fanout", variants, cfg)
    speed = {label: median(results, rate) for label, results in samples.items()}
    cpu = {label: median(results, per_request_us) for label, results in samples.items()}
    threads = samples["orig"][0].get("threads")
    rows = [
        Row(
            "async 2k GETs @50: requests/s, AsyncEsper vs 0.1.3 async_req"
            f" ({threads} pool threads) vs aiohttp",
            speed["ours"],
            speed["orig"],
            speed["floor"],
            target="≥ 5x 0.1.3",
            met=speed["ours"] >= 5 * speed["orig"],
            rounds=ctx.rounds,
        ),
        Row(
            "async 2k GETs @50: client CPU µs/request",
            cpu["ours"],
            cpu["orig"],
            cpu["floor"],
            target="≤ 2x aiohttp",
            met=cpu["ours"] <= 2 * cpu["floor"],
            rounds=ctx.rounds,
        ),
    ]
    if not rows[0].met:
        ctx.notes.append(ceiling_note("async requests/s", samples, ["ours"], 5))
    if not all(row.met for row in rows):
        profile = ctx.profile(variants[0], cfg, "fanout")
        for row in rows:
            row.profile = None if row.met else profile
    return rows
