"""What the client workers and the runner share: stdlib only (it runs in both venvs)."""

from __future__ import annotations

import cProfile
import os
import time
from types import TracebackType
from typing import Any

Config = dict[str, Any]
Result = dict[str, Any]

PROFILE_ENV = "BENCH_PROFILE"


class Stopwatch:
    """Client CPU time (``process_time``: every thread of the process) and wall time.

    With ``BENCH_PROFILE=FILE`` in the environment, the timed block also runs under
    cProfile and its stats are written to FILE.
    """

    cpu_s = 0.0
    wall_s = 0.0

    def __init__(self) -> None:
        path = os.environ.get(PROFILE_ENV)
        self._path = path
        self._profiler = cProfile.Profile() if path else None

    def __enter__(self) -> Stopwatch:
        if self._profiler is not None:
            self._profiler.enable()
        self._cpu = time.process_time()
        self._wall = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.wall_s = time.perf_counter() - self._wall
        self.cpu_s = time.process_time() - self._cpu
        if self._profiler is not None and self._path:
            self._profiler.disable()
            self._profiler.dump_stats(self._path)

    def result(self, **extra: Any) -> Result:
        """The times, with ``extra`` fields, as a worker reports them."""
        return {"cpu_s": self.cpu_s, "wall_s": self.wall_s, **extra}


def auth_headers(cfg: Config) -> dict[str, str]:
    """The headers every raw (floor) request sends."""
    return {"Authorization": f"Bearer {cfg['api_key']}", "Accept": "application/json"}


def devices_url(cfg: Config) -> str:
    """``.../enterprise/{id}/device/`` of the fleet in ``cfg``."""
    return f"{cfg['host']}/enterprise/{cfg['enterprise_id']}/device/"


def page_offsets(cfg: Config) -> range:
    """The offsets of the pages of ``cfg['devices']`` devices, ``cfg['page_size']`` each."""
    return range(0, int(cfg["devices"]), int(cfg["page_size"]))
