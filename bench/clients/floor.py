"""The floor: raw transports and the fastest typed decode (msgspec into our models)."""

from __future__ import annotations

import asyncio

import msgspec
import urllib3

from bench.common import Config, Result, Stopwatch, auth_headers, devices_url, page_offsets
from esperclient.models import Device, InlineResponse2003


def list_pages(cfg: Config) -> Result:
    """Each page: a ``urllib3.PoolManager`` GET, then decoded into ``InlineResponse2003``."""
    pool, decoder = urllib3.PoolManager(), msgspec.json.Decoder(InlineResponse2003)
    url, headers, size = devices_url(cfg), auth_headers(cfg), cfg["page_size"]
    decoder.decode(pool.request("GET", f"{url}?limit={size}&offset=0", headers=headers).data)
    items = 0
    with Stopwatch() as watch:
        for offset in page_offsets(cfg):
            answer = pool.request("GET", f"{url}?limit={size}&offset={offset}", headers=headers)
            items += len(decoder.decode(answer.data).results or ())
    return watch.result(requests=len(page_offsets(cfg)), items=items)


def get_devices(cfg: Config) -> Result:
    """Each device: a ``urllib3.PoolManager`` GET, then decoded into ``Device``."""
    pool, decoder = urllib3.PoolManager(), msgspec.json.Decoder(Device)
    url, headers, ids = devices_url(cfg), auth_headers(cfg), cfg["device_ids"]
    decoder.decode(pool.request("GET", f"{url}{ids[0]}/", headers=headers).data)
    with Stopwatch() as watch:
        names = [
            decoder.decode(pool.request("GET", f"{url}{i}/", headers=headers).data).device_name
            for i in ids
        ]
    return watch.result(requests=len(ids), items=sum(1 for name in names if name))


async def _fanout(cfg: Config) -> Result:
    import aiohttp

    url, headers, ids = devices_url(cfg), auth_headers(cfg), cfg["device_ids"]
    decoder, gate = msgspec.json.Decoder(Device), asyncio.Semaphore(cfg["concurrency"])
    connector = aiohttp.TCPConnector(limit=cfg["concurrency"])
    async with aiohttp.ClientSession(connector=connector) as session:

        async def get(device_id: str) -> Device:
            async with gate, session.get(f"{url}{device_id}/", headers=headers) as answer:
                answer.raise_for_status()
                return decoder.decode(await answer.read())

        await asyncio.gather(*(get(i) for i in ids[: cfg["concurrency"]]))  # warm the pool
        with Stopwatch() as watch:
            devices = await asyncio.gather(*(get(i) for i in ids))
    return watch.result(requests=len(ids), items=len(devices))


def fanout(cfg: Config) -> Result:
    """Every id at once through raw ``aiohttp``, ``concurrency`` in flight."""
    return asyncio.run(_fanout(cfg))
