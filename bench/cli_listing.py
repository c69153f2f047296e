"""The command line against the SDK: a 5,000-device fleet listed as JSON lines.

The target row runs ``esper devices list -o jsonl`` in a worker process after its
start-up (modules imported, typer's command tree built: the same fixed cost for every
``esper`` command, whatever it lists), so it measures what the command adds to the
SDK's listing: its parsing, settings, pages and formatting. It runs against the SDK
doing the same listing, both at the CLI's default page size. The other rows have no
target: both at pages of 100, and whole processes (``python -m esper_cli`` against an
SDK script) from start to end.
"""

from __future__ import annotations

from bench.common import Config, Result
from bench.harness import Context, Variant, median
from bench.report import Row
from esper_cli.output import PAGE_SIZE

DEVICES = 5_000
SMALL_PAGES = 100
TARGET = 1.2
TITLE = "list 5k as JSON lines: wall s, esper devices list -o jsonl vs SDK (floor)"


def _wall(sample: Result) -> float:
    return float(sample["wall_s"])


def _compare(ctx: Context, name: str, variants: list[Variant], cfg: Config) -> dict[str, float]:
    samples = ctx.alternate(name, variants, cfg)
    for label, results in samples.items():
        assert all(r["items"] == DEVICES for r in results), (label, results)
    return {label: median(results, _wall) for label, results in samples.items()}


def run(ctx: Context) -> list[Row]:
    fleet = ctx.fleet_of("cli", DEVICES, online_ratio=0.7)
    in_process = [
        Variant("cli", ctx.ours, "cli.esper_jsonl"),
        Variant("sdk", ctx.ours, "cli.sdk_jsonl"),
    ]
    default_cfg = fleet.config(page_size=PAGE_SIZE, args=[])
    default = _compare(ctx, "cli", in_process, default_cfg)
    small_cfg = fleet.config(page_size=SMALL_PAGES, args=["--page-size", str(SMALL_PAGES)])
    small = _compare(ctx, "cli-100", in_process, small_cfg)
    processes = [
        Variant("cli", ctx.ours, "cli.esper_process"),
        Variant("sdk", ctx.ours, "cli.sdk_process"),
    ]
    whole = _compare(ctx, "cli-process", processes, fleet.config(page_size=PAGE_SIZE))
    target = Row(
        f"{TITLE}, in-process, pages of {PAGE_SIZE} (the default)",
        default["cli"],
        floor=default["sdk"],
        target=f"≤ {TARGET:g}x SDK",
        met=default["cli"] <= TARGET * default["sdk"],
        rounds=ctx.rounds,
    )
    if not target.met:
        target.profile = ctx.profile(in_process[0], default_cfg, "cli-jsonl")
    return [
        target,
        Row(
            f"{TITLE}, in-process, pages of {SMALL_PAGES} (--page-size)",
            small["cli"],
            floor=small["sdk"],
            rounds=ctx.rounds,
        ),
        Row(
            f"{TITLE}, whole processes (start-up and imports included)",
            whole["cli"],
            floor=whole["sdk"],
            rounds=ctx.rounds,
        ),
    ]
