"""This project's esperclient: the 0.1.3 drop-in surface and the idiomatic clients."""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import Any

import esperclient
from bench.common import Config, Result, Stopwatch, page_offsets


def _device_api(cfg: Config) -> esperclient.DeviceApi:
    configuration = esperclient.Configuration()
    configuration.host = cfg["host"]
    configuration.api_key["Authorization"] = cfg["api_key"]
    configuration.api_key_prefix["Authorization"] = "Bearer"
    return esperclient.DeviceApi(esperclient.ApiClient(configuration))


def _esper(cfg: Config) -> esperclient.Esper:
    return esperclient.Esper(
        host=cfg["host"], api_key=cfg["api_key"], enterprise_id=cfg["enterprise_id"]
    )


def dropin_list_pages(cfg: Config) -> Result:
    """The 0.1.3 loop, unchanged, on our drop-in ``DeviceApi``."""
    api = _device_api(cfg)
    enterprise, size = cfg["enterprise_id"], cfg["page_size"]
    api.get_all_devices(enterprise, limit=size, offset=0)
    items = 0
    with Stopwatch() as watch:
        for offset in page_offsets(cfg):
            items += len(api.get_all_devices(enterprise, limit=size, offset=offset).results or ())
    return watch.result(requests=len(page_offsets(cfg)), items=items)


def list_pages(cfg: Config) -> Result:
    """``Esper().devices.list(page_size=...)``, iterated to the end."""
    return _list_pages(cfg, prefetch=0)


def list_pages_ahead(cfg: Config) -> Result:
    """``Esper().devices.list(page_size=..., prefetch=cfg['prefetch'])``, to the end."""
    return _list_pages(cfg, prefetch=cfg["prefetch"])


def _list_pages(cfg: Config, prefetch: int) -> Result:
    esper = _esper(cfg)
    esper.devices.list(page_size=cfg["page_size"]).first()
    with Stopwatch() as watch:
        listed = esper.devices.list(page_size=cfg["page_size"], prefetch=prefetch)
        items = sum(1 for _ in listed)
    return watch.result(requests=len(page_offsets(cfg)), items=items)


def dropin_get_devices(cfg: Config) -> Result:
    """``get_device_by_id`` for each id on our drop-in ``DeviceApi``."""
    api = _device_api(cfg)
    enterprise, ids = cfg["enterprise_id"], cfg["device_ids"]
    api.get_device_by_id(enterprise, ids[0])
    with Stopwatch() as watch:
        names = [api.get_device_by_id(enterprise, device_id).device_name for device_id in ids]
    return watch.result(requests=len(ids), items=sum(1 for name in names if name))


def get_devices(cfg: Config) -> Result:
    """``Esper().devices.get(id)`` for each id."""
    esper, ids = _esper(cfg), cfg["device_ids"]
    esper.devices.get(ids[0])
    with Stopwatch() as watch:
        names = [esper.devices.get(device_id).device_name for device_id in ids]
    return watch.result(requests=len(ids), items=sum(1 for name in names if name))


async def _fanout(cfg: Config) -> Result:
    ids, gate = cfg["device_ids"], asyncio.Semaphore(cfg["concurrency"])
    async with esperclient.AsyncEsper(
        host=cfg["host"], api_key=cfg["api_key"], enterprise_id=cfg["enterprise_id"]
    ) as esper:

        async def get(device_id: str) -> Any:
            async with gate:
                return await esper.devices.get(device_id)

        await asyncio.gather(*(get(i) for i in ids[: cfg["concurrency"]]))  # warm the pool
        with Stopwatch() as watch:
            devices = await asyncio.gather(*(get(i) for i in ids))
    return watch.result(requests=len(ids), items=len(devices))


def fanout(cfg: Config) -> Result:
    """``AsyncEsper().devices.get`` for every id: ``asyncio.gather`` under a semaphore."""
    return asyncio.run(_fanout(cfg))


def run_many(cfg: Config) -> Result:
    """``esper.commands.run_many(ids, cfg['command'], via=cfg['via'], ...)`` to all-final."""
    esper, ids = _esper(cfg), cfg["device_ids"]
    esper.devices.get(ids[0])
    with Stopwatch() as watch:
        report = esper.commands.run_many(
            ids,
            cfg["command"],
            via=cfg["via"],
            concurrency=cfg["concurrency"],
            timeout=cfg["timeout"],
        )
    return watch.result(
        devices=len(ids),
        succeeded=len(report.succeeded),
        failed=len(report.failed),
        pending=len(ids) - len(report.succeeded) - len(report.failed),
    )


def _status_mb(field: str) -> float:
    """``VmRSS`` (resident now) or ``VmHWM`` (its peak) of this process, in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    raise LookupError(field)


def _reset_peak() -> float:
    """Make the peak RSS the current RSS (Linux: ``clear_refs`` 5); the current RSS."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    return _status_mb("VmRSS")


def iterate_memory(cfg: Config) -> Result:
    """Peak RSS growth while iterating the whole fleet with the idiomatic paginator.

    The peak is reset just before the first request, so what the import left behind
    does not hide the growth; the first page's decoder and connections count in it.
    With ``cfg['tracemalloc']``, the peak of memory Python allocated is measured too.
    """
    esper = _esper(cfg)
    traced = bool(cfg.get("tracemalloc"))
    if traced:
        tracemalloc.start()
    before = _reset_peak()
    with Stopwatch() as watch:
        items = sum(1 for _ in esper.devices.list(page_size=cfg["page_size"]))
    peak = _status_mb("VmHWM")
    traced_mb = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
    return watch.result(
        items=items,
        rss_before_mb=before,
        rss_peak_mb=peak,
        rss_after_mb=_status_mb("VmRSS"),
        rss_growth_mb=peak - before,
        traced_mb=traced_mb,
    )
