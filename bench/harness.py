"""Running workers: one subprocess per measurement, variants alternated round by round."""

from __future__ import annotations

import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from bench.common import PROFILE_ENV, Config, Result
from bench.emulator import Emulator, Fleet

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Variant:
    """A client to measure: a label, the interpreter, and the worker task."""

    label: str
    python: Path
    task: str


@dataclass
class Context:
    """What every benchmark family needs."""

    ours: Path  # the project's venv python
    orig: Path  # bench/.venv-orig python (esperclient 0.1.3)
    emulator: Emulator
    fleet: Fleet  # the demo enterprise: the 10,000-device fleet
    rounds: int
    results: Path
    raw: dict[str, Any] = field(default_factory=dict)
    fleets: dict[str, Fleet] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def fleet_of(self, name: str, devices: int, online_ratio: float) -> Fleet:
        """The side-door enterprise ``name``, made (and its making timed) on first use."""
        if name not in self.fleets:
            log(f"  creating the '{name}' fleet: {devices:,} devices through the side door ...")
            start = time.perf_counter()
            self.fleets[name] = self.emulator.create_fleet(name, devices, online_ratio)
            seconds = time.perf_counter() - start
            self.raw.setdefault("fleets", {})[name] = {"devices": devices, "seconds": seconds}
            log(f"  ... in {seconds:.1f} s")
        return self.fleets[name]

    def work(self, python: Path, task: str, cfg: Config, profile: Path | None = None) -> Result:
        """Run ``task`` in a fresh process of ``python``; its result."""
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", PROFILE_ENV)}
        if profile is not None:
            env[PROFILE_ENV] = str(profile)
        done = subprocess.run(
            [str(python), "-m", "bench.worker", task],
            input=json.dumps(cfg),
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{task} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        result: Result = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def alternate(
        self, name: str, variants: Sequence[Variant], cfg: Config, rounds: int | None = None
    ) -> dict[str, list[Result]]:
        """Every variant once per round, the order turning each round; kept in ``raw``."""
        rounds = rounds or self.rounds
        samples: dict[str, list[Result]] = {v.label: [] for v in variants}
        for n in range(rounds):
            turn = n % len(variants)
            for variant in [*variants[turn:], *variants[:turn]]:
                samples[variant.label].append(self.work(variant.python, variant.task, cfg))
            print(f"  {name}: round {n + 1}/{rounds} done", flush=True)
        self.raw[name] = samples
        return samples

    def profile(self, variant: Variant, cfg: Config, slug: str, top: int = 15) -> str:
        """Top entries of a cProfile of ``variant``'s timed block (by own time, cumulative)."""
        self.results.mkdir(parents=True, exist_ok=True)
        path = self.results / f"profile-{slug}.prof"
        self.work(variant.python, variant.task, cfg, profile=path)
        entries = top_entries(path, top, "esperclient|bench/clients")
        return "client side, cProfile of the timed block:\n" + entries

    def profile_server(self, slug: str, load: Callable[[], object], top: int = 15) -> str:
        """Top entries of a cProfile of the emulator process while ``load()`` runs."""
        self.results.mkdir(parents=True, exist_ok=True)
        path = self.results / f"profile-{slug}-server.prof"
        self.emulator.restart(profile=path)
        try:
            load()
        finally:
            self.emulator.restart()
        entries = top_entries(path, top, "esper_emulator")
        return "server side, cProfile of the emulator under that load:\n" + entries


_PATH = re.compile(r"/\S*/(?:site-packages|src|lib/python3\.\d+)/")


def top_entries(path: Path, top: int, focus: str) -> str:
    """pstats' top ``top`` lines by own time, then by cumulative time within ``focus``
    (a regular expression on the file path: the code under study, not its callers)."""
    out = StringIO()
    stats = pstats.Stats(str(path), stream=out)
    out.write("by own time (tottime):\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write(f"by cumulative time, {focus} only:\n")
    stats.sort_stats("cumulative").print_stats(focus, top)
    skip = ("Ordered by", "List reduced")
    lines = [
        _PATH.sub("", line)
        for line in out.getvalue().splitlines()
        if line.strip() and not line.lstrip().startswith(skip) and str(path) not in line
    ]
    return "\n".join(lines)


def median(samples: list[Result], metric: Callable[[Result], float]) -> float:
    """The median over rounds of ``metric`` of each round's result."""
    return statistics.median(metric(sample) for sample in samples)


def per_request_us(sample: Result) -> float:
    return float(sample["cpu_s"]) / float(sample["requests"]) * 1e6


def per_request_ms(sample: Result) -> float:
    return float(sample["cpu_s"]) / float(sample["requests"]) * 1e3


def rate(sample: Result) -> float:
    return float(sample["requests"]) / float(sample["wall_s"])


def log(message: str) -> None:
    print(message, file=sys.stdout, flush=True)


def waiting_share(sample: Result) -> float:
    """The part of a worker's wall time its process was not on a CPU: waiting on the server."""
    return max(0.0, 1 - float(sample["cpu_s"]) / float(sample["wall_s"]))


def ceiling_note(
    what: str, samples: dict[str, list[Result]], labels: Sequence[str], needed: float
) -> str:
    """Whether a rate target relative to 0.1.3 is within any client's reach on this emulator."""
    speed = {label: median(results, rate) for label, results in samples.items()}
    floor_gain = speed["floor"] / speed["orig"]
    waiting = median(samples["floor"], waiting_share)
    ours = ", ".join(f"{label} {speed[label] / speed['floor']:.2f}x" for label in labels)
    verdict = (
        "no client can meet the target against this emulator: its service time bounds the rate"
        if floor_gain < needed
        else "the floor meets it, so the gap is the client's own"
    )
    return (
        f"{what}: the floor reaches {floor_gain:.1f}x 0.1.3 (target {needed:g}x) and its "
        f"process is off-CPU, waiting on the emulator, {waiting:.0%} of its wall time; "
        f"ours runs at (x the floor's rate): {ours}. So {verdict}."
    )
