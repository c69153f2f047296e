"""A load generator on aiohttp (the emulator benchmarks; wrk when it is installed).

Holds ``concurrency`` requests in flight for ``duration_s`` (after ``warmup_s``), cycling
through ``urls``; reports requests/s and latency percentiles.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import aiohttp

from bench.common import Config, Result, Stopwatch


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``sorted_values`` fall (nearest rank)."""
    if not sorted_values:
        return float("nan")
    rank = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


async def _hammer(
    session: aiohttp.ClientSession, cfg: Config, urls: Any, until: float, latencies: list[float]
) -> int:
    errors = 0
    method, headers, body = cfg["method"], cfg["headers"], cfg.get("body")
    while time.perf_counter() < until:
        start = time.perf_counter()
        async with session.request(method, next(urls), headers=headers, json=body) as answer:
            await answer.read()
            errors += answer.status >= 400
        latencies.append(time.perf_counter() - start)
    return errors


async def _run(cfg: Config, seconds: float) -> tuple[list[float], int, Stopwatch]:
    urls = itertools.cycle(cfg["urls"])
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=cfg["concurrency"])
    async with aiohttp.ClientSession(connector=connector) as session:
        warm_until = time.perf_counter() + cfg["warmup_s"]
        await asyncio.gather(
            *(_hammer(session, cfg, urls, warm_until, []) for _ in range(cfg["concurrency"]))
        )
        with Stopwatch() as watch:
            until = time.perf_counter() + seconds
            errors = await asyncio.gather(
                *(_hammer(session, cfg, urls, until, latencies) for _ in range(cfg["concurrency"]))
            )
    return latencies, sum(errors), watch


def load(cfg: Config) -> Result:
    """Requests/s, p50 and p99 latency (ms) of ``cfg['method']`` on ``cfg['urls']``."""
    latencies, errors, watch = asyncio.run(_run(cfg, cfg["duration_s"]))
    latencies.sort()
    return watch.result(
        requests=len(latencies),
        errors=errors,
        rps=len(latencies) / watch.wall_s,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
    )
