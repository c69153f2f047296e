"""esperclient 0.1.3, as published (runs in ``bench/.venv-orig`` only)."""

from __future__ import annotations

from typing import Any

import esperclient  # 0.1.3 from PyPI in this venv
from bench.common import Config, Result, Stopwatch, page_offsets


def _device_api(cfg: Config) -> Any:
    configuration = esperclient.Configuration()
    configuration.host = cfg["host"]
    configuration.api_key["Authorization"] = cfg["api_key"]
    configuration.api_key_prefix["Authorization"] = "Bearer"
    return esperclient.DeviceApi(esperclient.ApiClient(configuration))


def list_pages(cfg: Config) -> Result:
    """Every page of the fleet with ``get_all_devices(limit=..., offset=...)``."""
    api = _device_api(cfg)
    enterprise, size = cfg["enterprise_id"], cfg["page_size"]
    api.get_all_devices(enterprise, limit=size, offset=0)  # warm up
    items = 0
    with Stopwatch() as watch:
        for offset in page_offsets(cfg):
            items += len(api.get_all_devices(enterprise, limit=size, offset=offset).results)
    return watch.result(requests=len(page_offsets(cfg)), items=items)


def get_devices(cfg: Config) -> Result:
    """``get_device_by_id`` for each id, one after the other."""
    api = _device_api(cfg)
    enterprise, ids = cfg["enterprise_id"], cfg["device_ids"]
    api.get_device_by_id(enterprise, ids[0])
    with Stopwatch() as watch:
        names = [api.get_device_by_id(enterprise, device_id).device_name for device_id in ids]
    return watch.result(requests=len(ids), items=sum(1 for name in names if name))


def fanout(cfg: Config) -> Result:
    """``get_device_by_id(..., async_req=True)`` for every id, on 0.1.3's own ThreadPool."""
    api = _device_api(cfg)
    enterprise, ids = cfg["enterprise_id"], cfg["device_ids"]
    api.get_device_by_id(enterprise, ids[0], async_req=True).get()  # the pool starts
    with Stopwatch() as watch:
        pending = [api.get_device_by_id(enterprise, i, async_req=True) for i in ids]
        devices = [result.get() for result in pending]
    threads = len(api.api_client.pool._pool)
    return watch.result(requests=len(ids), items=len(devices), threads=threads)
