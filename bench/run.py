"""``python -m bench`` (``make bench``): every benchmark, one table, README and JSON.

Options: ``--rounds N`` (default 5); ``--only list,single,...`` runs some families, and
then writes ``bench/results/partial.json`` and leaves ``bench/README.md`` alone.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    bulk,
    cli_listing,
    fanout,
    imports,
    listing,
    memory,
    million,
    serving,
    single,
    workers,
)
from bench.emulator import Emulator
from bench.harness import ROOT, Context, log
from bench.report import Row, machine, markdown, section, write_json, write_readme
from bench.venv import ensure_original

HERE = ROOT / "bench"
FLEET = 10_000
SAMPLE_IDS = 2_000
FEWER_ROUNDS = 3  # the slow benchmarks: bulk via="device", memory, command creation

Family = Callable[[Context], list[Row]]

FAMILIES: dict[str, Family] = {
    "import": imports.run,
    "list": listing.run,
    "single": single.run,
    "fanout": fanout.run,
    "memory": lambda ctx: memory.run(ctx, min(ctx.rounds, FEWER_ROUNDS)),
    "emulator": lambda ctx: serving.lists(ctx, ctx.fleet_of("big", memory.DEVICES, 0.7)),
    "bulk": lambda ctx: bulk.run(
        ctx,
        {"commands": ctx.rounds, "v0": ctx.rounds, "device": min(ctx.rounds, FEWER_ROUNDS)},
    ),
    "commands": lambda ctx: serving.commands(
        ctx, ctx.fleet_of("bulk", bulk.DEVICES, 1.0), min(ctx.rounds, FEWER_ROUNDS)
    ),
    "cli": cli_listing.run,
    "million": million.run,
    "workers": workers.run,
}

NOTES = [
    "Each measurement is a fresh client process against one `esper-emulator serve` "
    "subprocess (`--latency-ms 0`, SQLite in a temp dir); client CPU is "
    "`time.process_time()` of the timed block in the client process (all its threads), "
    "after one warm-up request. Variants alternate in turning order, medians over rounds.",
    "ours/0.1.3 and ours/floor are plain ratios of the values: above 1 is more "
    "(faster for rates, costlier for CPU, time and memory).",
    "floor: list and get = `urllib3.PoolManager` GET + `msgspec.json.Decoder` into our "
    "`InlineResponse2003` / `Device`; async = raw `aiohttp` (semaphore 50, "
    "`TCPConnector(limit=50)`) + the same msgspec decode; import = `import msgspec, urllib3`.",
    "0.1.3's `async_req=True` runs on the `ThreadPool()` its `ApiClient` makes, which has "
    "one thread per core: it offers no setting for its concurrency.",
    "Import: wall time of `python -c 'import ...'` minus `python -c pass`, same interpreter, "
    "back to back, median of 10.",
    f'Fewer rounds ({FEWER_ROUNDS}) where a round takes long: run_many via="device", '
    "the 100k iteration, command creation.",
]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="rounds per benchmark (5)")
    parser.add_argument(
        "--only", default=",".join(FAMILIES), help=f"families to run ({','.join(FAMILIES)})"
    )
    parser.add_argument(
        "--no-readme",
        action="store_true",
        help="leave bench/README.md alone (a run with --only always does)",
    )
    return parser.parse_args(argv)


def run_families(ctx: Context, names: list[str]) -> list[Row]:
    rows: list[Row] = []
    for name in names:
        log(f"[{name}]")
        start = time.perf_counter()
        rows += FAMILIES[name](ctx)
        ctx.raw.setdefault("seconds", {})[name] = time.perf_counter() - start
    return rows


def measure(names: list[str], rounds: int) -> tuple[list[Row], Context]:
    """Start the emulator, run the families ``names``, stop it."""
    ours = Path(sys.executable)
    orig = ensure_original(HERE / ".venv-orig")
    with tempfile.TemporaryDirectory(prefix="esper-bench-") as workdir:
        log(f"starting the emulator with a {FLEET:,}-device demo fleet ...")
        emulator = Emulator(ours, Path(workdir), FLEET)
        try:
            fleet = emulator.demo
            fleet.device_ids = emulator.device_ids(fleet, SAMPLE_IDS)
            ctx = Context(ours, orig, emulator, fleet, rounds, HERE / "results")
            return run_families(ctx, names), ctx
        finally:
            emulator.stop()


def report(rows: list[Row], ctx: Context, seconds: float, complete: bool, readme: bool) -> None:
    """Print the table; write the JSON, and the README's section after a complete run."""
    info = {**machine(), "duration_s": seconds}
    notes = [*NOTES, *ctx.notes]
    print("\n" + markdown(rows) + "\n" + "".join(f"\n- {note}" for note in ctx.notes))
    results = HERE / "results" / ("latest.json" if complete else "partial.json")
    write_json(results, rows, info, notes, ctx.raw)
    if complete and readme:
        write_readme(HERE / "README.md", section(rows, info, notes))
    log(f"\nraw results: {results.relative_to(ROOT)}" + ("" if complete else " (partial run)"))
    missed = [row.name for row in rows if row.met is False]
    log(f"\n{len(missed)} target(s) missed" + "".join(f"\n- {name}" for name in missed))


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    names = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(names) - set(FAMILIES)
    if unknown:
        print(f"unknown families: {sorted(unknown)}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    rows, ctx = measure(names, args.rounds)
    seconds = time.perf_counter() - started
    report(rows, ctx, seconds, set(names) == set(FAMILIES), not args.no_readme)
    return 0
