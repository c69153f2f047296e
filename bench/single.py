"""Single object: 2,000 ``get_device_by_id``, one after the other."""

from __future__ import annotations

from bench.harness import Context, Variant, median, per_request_us, rate
from bench.report import Row

CALLS = 2000


def run(ctx: Context) -> list[Row]:
    variants = [
        Variant("idiomatic", ctx.ours, "ours.get_devices"),
        Variant("dropin", ctx.ours, "ours.dropin_get_devices"),
        Variant("orig", ctx.orig, "orig.get_devices"),
        Variant("floor", ctx.ours, "floor.get_devices"),
    ]
    cfg = ctx.fleet.config(device_ids=ctx.fleet.device_ids[:CALLS])
    samples = ctx.alternate("single", variants, cfg)
    cpu = {label: median(results, per_request_us) for label, results in samples.items()}
    calls = {label: median(results, rate) for label, results in samples.items()}
    rows = []
    for label, title, variant in (
        ("idiomatic", "esper.devices.get", variants[0]),
        ("dropin", "drop-in get_device_by_id", variants[1]),
    ):
        cost = Row(
            f"get 2k devices: client CPU µs/call, {title}",
            cpu[label],
            cpu["orig"],
            cpu["floor"],
            target="≤ 1.5x floor",
            met=cpu[label] <= 1.5 * cpu["floor"],
            rounds=ctx.rounds,
        )
        if not cost.met:
            cost.profile = ctx.profile(variant, cfg, f"single-{label}")
        speed = Row(
            f"get 2k devices: calls/s, {title}",
            calls[label],
            calls["orig"],
            calls["floor"],
            rounds=ctx.rounds,
        )
        rows += [cost, speed]
    return rows
