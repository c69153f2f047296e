"""Import time: ``import esperclient`` in fresh processes, minus the bare interpreter."""

from __future__ import annotations

import re
import statistics
import subprocess
import time
from pathlib import Path

from bench.harness import Context, log
from bench.report import Row

ROUNDS = 10
TARGET_MS = 40.0
IMPORTS = {
    "ours": "import esperclient",
    "orig": "import esperclient",
    "floor": "import msgspec, urllib3",
}
# Names are loaded on first use: what a script pays before its first request.
READY = {
    "ours": "import esperclient; esperclient.ApiClient(esperclient.Configuration())",
    "orig": "import esperclient; esperclient.ApiClient(esperclient.Configuration())",
    "floor": "import msgspec, urllib3; urllib3.PoolManager()",
}
_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _wall_ms(python: Path, code: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(python), "-c", code], check=True, cwd="/")
    return (time.perf_counter() - start) * 1000


def _import_ms(python: Path, code: str) -> float:
    """One sample: a process importing, less one that imports nothing, back to back."""
    return _wall_ms(python, code) - _wall_ms(python, "pass")


def importtime(python: Path, code: str) -> list[tuple[int, int, int, str]]:
    """``-X importtime``: (self µs, cumulative µs, depth, module) per module imported."""
    done = subprocess.run(
        [str(python), "-X", "importtime", "-c", code], capture_output=True, text=True, cwd="/"
    )
    found = (_LINE.match(line) for line in done.stderr.splitlines())
    return [
        (int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2, m.group(4)) for m in found if m
    ]


def profile(python: Path, top: int = 15) -> str:
    """The modules that cost ``import esperclient`` most: own time and cumulative."""
    entries = importtime(python, "import esperclient")
    own = sorted(entries, reverse=True)[:top]
    cumulative = sorted(entries, key=lambda e: e[1], reverse=True)[:top]
    lines = ["-X importtime, by own time (µs self | cumulative | module):"]
    lines += [f"{s:>8} | {c:>8} | {name}" for s, c, _, name in own]
    lines += ["by cumulative time:"]
    lines += [f"{s:>8} | {c:>8} | {'  ' * d}{name}" for s, c, d, name in cumulative]
    return "\n".join(lines)


def _measure(ctx: Context, family: str, codes: dict[str, str]) -> dict[str, float]:
    """Median ms of each label's ``codes`` in fresh processes, labels alternating."""
    pythons = {"ours": ctx.ours, "orig": ctx.orig, "floor": ctx.ours}
    for label, python in pythons.items():  # compiled bytecode, warm page cache
        _wall_ms(python, codes[label])
    samples: dict[str, list[float]] = {label: [] for label in pythons}
    for n in range(ROUNDS):
        for label, python in pythons.items():
            samples[label].append(_import_ms(python, codes[label]))
        if n % 5 == 4:
            log(f"  {family}: round {n + 1}/{ROUNDS} done")
    ctx.raw[family] = samples
    return {label: statistics.median(values) for label, values in samples.items()}


def run(ctx: Context) -> list[Row]:
    ms = _measure(ctx, "import", IMPORTS)
    row = Row(
        "import esperclient: ms (floor: import msgspec, urllib3)",
        ms["ours"],
        ms["orig"],
        ms["floor"],
        target=f"≤ {TARGET_MS:g} ms",
        met=ms["ours"] <= TARGET_MS,
        rounds=ROUNDS,
    )
    if not row.met:
        row.profile = profile(ctx.ours)
    ready = _measure(ctx, "import+client", READY)
    first_use = Row(
        "import + first ApiClient: ms (floor: msgspec, urllib3 + PoolManager)",
        ready["ours"],
        ready["orig"],
        ready["floor"],
        rounds=ROUNDS,
    )
    return [row, first_use]
