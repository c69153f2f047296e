"""wrk, when it can be had: found on PATH, or installed with apt-get (as root) if missing."""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
from typing import Any

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _quietly(command: list[str]) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return done.returncode == 0


def _apt_install() -> bool:
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if _quietly(install):
        return True
    _quietly(["apt-get", "update", "-q"])  # a fresh machine may have no package lists yet
    return _quietly(install)


def ensure_wrk() -> str | None:
    """The path of wrk; installs it with apt-get when missing and possible; else None."""
    found = shutil.which("wrk")
    if found or shutil.which("apt-get") is None or os.geteuid() != 0:
        return found
    print("wrk is missing: apt-get install -y wrk ...", flush=True)
    return shutil.which("wrk") if _apt_install() else None


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if found is None:
        raise RuntimeError(f"not a wrk duration: {text!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def parse(output: str) -> dict[str, Any]:
    """Requests/s, p50 and p99 (ms) and errors from ``wrk --latency`` output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    total = re.search(r"(\d+) requests in", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if not (rps and p50 and p99 and total):
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    return {
        "rps": float(rps.group(1)),
        "p50_ms": _ms(p50.group(1)),
        "p99_ms": _ms(p99.group(1)),
        "requests": int(total.group(1)),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def _children_cpu_s() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(wrk: str, url: str, headers: dict[str, str], connections: int, seconds: float) -> Any:
    """``wrk --latency`` on ``url``: its parsed result, with wrk's own CPU seconds (``cpu_s``)."""
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    before = _children_cpu_s()
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    return {**parse(done.stdout), "cpu_s": _children_cpu_s() - before}
