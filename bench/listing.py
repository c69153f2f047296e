"""List throughput: the 10,000-device fleet in pages of 100; and a 20,000-device fleet
behind 150 ms of latency a request, its pages one at a time against 8 ahead."""

from __future__ import annotations

from bench.harness import Context, Variant, ceiling_note, median, per_request_ms, rate
from bench.report import Row

PAGE_SIZE = 100
AHEAD_DEVICES = 20_000
AHEAD_LATENCY_MS = 150
AHEAD = 8
AHEAD_TARGET = 5


def run(ctx: Context) -> list[Row]:
    variants = [
        Variant("idiomatic", ctx.ours, "ours.list_pages"),
        Variant("dropin", ctx.ours, "ours.dropin_list_pages"),
        Variant("orig", ctx.orig, "orig.list_pages"),
        Variant("floor", ctx.ours, "floor.list_pages"),
    ]
    cfg = ctx.fleet.config(page_size=PAGE_SIZE)
    samples = ctx.alternate("list", variants, cfg)
    for label, results in samples.items():
        assert all(r["items"] == ctx.fleet.devices for r in results), label
    pages = {label: median(results, rate) for label, results in samples.items()}
    cpu = {label: median(results, per_request_ms) for label, results in samples.items()}
    rows = []
    for label, title in (("idiomatic", "Esper().devices.list"), ("dropin", "drop-in loop")):
        speed = Row(
            f"list 10k/100: pages/s, {title}",
            pages[label],
            pages["orig"],
            pages["floor"],
            target="≥ 20x 0.1.3",
            met=pages[label] >= 20 * pages["orig"],
            rounds=ctx.rounds,
        )
        cost = Row(
            f"list 10k/100: client CPU ms/page, {title}",
            cpu[label],
            cpu["orig"],
            cpu["floor"],
            target="≤ 1.5x floor (and ≤ 1/20 of 0.1.3)",
            met=cpu[label] <= 1.5 * cpu["floor"] and cpu[label] * 20 <= cpu["orig"],
            rounds=ctx.rounds,
        )
        missed = [row for row in (speed, cost) if not row.met]
        if missed:
            variant = next(v for v in variants if v.label == label)
            profile = ctx.profile(variant, cfg, f"list-{label}")
            for row in missed:
                row.profile = profile
        rows += [speed, cost]
    if not all(row.met for row in rows[::2]):
        ctx.notes.append(ceiling_note("list pages/s", samples, ["idiomatic", "dropin"], 20))
    return [*rows, _ahead(ctx)]


def _ahead(ctx: Context) -> Row:
    """Pages asked for ahead (``prefetch``) against one at a time, on a slow link."""
    fleet = ctx.fleet_of("prefetch", AHEAD_DEVICES, online_ratio=0.7)
    variants = [
        Variant("ahead", ctx.ours, "ours.list_pages_ahead"),
        Variant("sequential", ctx.ours, "ours.list_pages"),
    ]
    cfg = fleet.config(page_size=PAGE_SIZE, prefetch=AHEAD)
    ctx.emulator.set_faults(latency_ms=AHEAD_LATENCY_MS)
    try:
        samples = ctx.alternate("list-prefetch", variants, cfg)
    finally:
        ctx.emulator.set_faults(latency_ms=0)
    for label, results in samples.items():
        assert all(r["items"] == AHEAD_DEVICES for r in results), label
    pages = {label: median(results, rate) for label, results in samples.items()}
    speedup = pages["ahead"] / pages["sequential"]
    ctx.notes.append(
        f"list 20k/100 at {AHEAD_LATENCY_MS} ms a request: prefetch={AHEAD} "
        f"{pages['ahead']:.1f} pages/s, one at a time {pages['sequential']:.1f}: {speedup:.1f}x"
    )
    row = Row(
        f"list 20k/100, {AHEAD_LATENCY_MS} ms a request: pages/s, prefetch={AHEAD} "
        "(floor: one page at a time)",
        pages["ahead"],
        floor=pages["sequential"],
        target=f"≥ {AHEAD_TARGET}x one at a time",
        met=speedup >= AHEAD_TARGET,
        rounds=ctx.rounds,
    )
    if not row.met:
        row.profile = ctx.profile(variants[0], cfg, "list-prefetch")
    return row
