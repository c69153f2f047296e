"""The emulator under the benchmarks: one ``esper-emulator serve`` subprocess on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import urllib3

from esper_emulator.control import MAX_DEVICES as SIDE_DOOR_MAX


@dataclass
class Fleet:
    """One enterprise of the emulator, and (some of) its device ids."""

    host: str
    api_key: str
    enterprise_id: str
    devices: int
    device_ids: list[str] = field(default_factory=list)

    def config(self, **extra: Any) -> dict[str, Any]:
        """A worker's config for this fleet."""
        return {
            "host": self.host,
            "api_key": self.api_key,
            "enterprise_id": self.enterprise_id,
            "devices": self.devices,
            **extra,
        }


class Emulator:
    """``python -m esper_emulator serve --seed demo`` in a subprocess; the side door to it.

    ``restart(profile=FILE)`` serves the same database on the same port under cProfile
    (its stats written to FILE when it stops), to see where the server's time goes.
    """

    def __init__(
        self, python: Path, workdir: Path, devices: int, db: str | None = None, workers: int = 1
    ) -> None:
        self.python = python
        self.workers = workers
        self.devices = devices
        self.credentials = workdir / "credentials.json"
        self.db = db or str(workdir / "bench.db")
        self.log = workdir / "emulator.log"
        self.http = urllib3.PoolManager()
        self.port = 0
        self._start(None)

    def _start(self, profile: Path | None) -> None:
        self.credentials.unlink(missing_ok=True)
        prefix = ["-m", "cProfile", "-o", str(profile)] if profile else []
        command = [
            str(self.python), *prefix, "-m", "esper_emulator", "serve",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--db", self.db,
            "--seed", "demo",
            "--devices", str(self.devices),
            "--latency-ms", "0",
            "--credentials", str(self.credentials),
            "--control",
            "--workers", str(self.workers),
        ]  # fmt: skip
        self._log = self.log.open("a")
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT)
        self.demo = self._wait(self.devices)
        self.url = self.demo.host.removesuffix("/api")
        self.port = int(self.url.rsplit(":", 1)[1])

    def restart(self, profile: Path | None = None) -> None:
        """Stop, then serve the same database on the same port (under cProfile if asked)."""
        self.stop()
        self._start(profile)

    def _wait(self, devices: int, timeout: float = 300.0) -> Fleet:
        deadline = time.monotonic() + timeout
        while not self.credentials.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the emulator did not start: see {self.log}")
            time.sleep(0.05)
        creds = json.loads(self.credentials.read_text())
        return Fleet(creds["host"], creds["api_key"], creds["enterprise_id"], devices)

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        answer = self.http.request("POST", self.url + path, json=body, timeout=600)
        if answer.status >= 300:
            raise RuntimeError(f"POST {path}: {answer.status} {answer.data[:200]!r}")
        return answer.json()

    def set_faults(self, **fields: Any) -> None:
        """Change the injected faults (``latency_ms``, ``rate``...) through the side door."""
        self._post("/_emulator/faults", fields)

    def create_fleet(self, name: str, devices: int, online_ratio: float) -> Fleet:
        """A new enterprise with ``devices`` devices, made through the side door."""
        made = self._post("/_emulator/enterprises", {"name": name, "devices": 0})
        fleet = Fleet(self.demo.host, made["api_key"], made["enterprise_id"], devices)
        for start in range(0, devices, SIDE_DOOR_MAX):
            count = min(SIDE_DOOR_MAX, devices - start)
            body = {"count": count, "online_ratio": online_ratio}
            fleet.device_ids += self._post(
                f"/_emulator/enterprises/{fleet.enterprise_id}/devices", body
            )["device_ids"]
        return fleet

    def device_ids(self, fleet: Fleet, count: int) -> list[str]:
        """The first ``count`` device ids of ``fleet``, read page by page."""
        ids: list[str] = []
        headers = {"Authorization": f"Bearer {fleet.api_key}"}
        url = f"{fleet.host}/enterprise/{fleet.enterprise_id}/device/"
        while len(ids) < count:
            answer = self.http.request(
                "GET", f"{url}?limit=100&offset={len(ids)}", headers=headers
            ).json()
            ids += [device["id"] for device in answer["results"]]
            if not answer["results"]:
                break
        return ids[:count]

    def requests_served(self) -> int:
        """The emulator's count of ``/api`` requests so far."""
        answer = self.http.request("GET", self.url + "/_emulator/stats", timeout=120)
        return int(answer.json()["requests"])

    def stop(self) -> None:
        """Stop the server (SIGTERM: it closes its database cleanly)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
