# Generated from esperclient/_async/_converges.py by scripts/gen_sync.py: do not edit.
"""``esper.converges``: blueprint converges (``/v2/converge``), and waiting for many.

A converge brings one device to its assigned blueprint: ``esper.blueprints.push``
assigns a blueprint and starts a converge per device, ``esper.blueprints.converge``
starts one for a device. This module is the source of ``esperclient._sync._converges``.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Sequence

from esperclient._generated import v2
from esperclient._generated.v2 import Converge, ConvergeCommand
from esperclient._sync._pagination import Paginator
from esperclient._sync._polling import poll_until
from esperclient._sync._resource import PAGE_SIZE, Resource
from esperclient.models import ConvergeStatus

DEVICES_PER_CALL = 100
"""Device ids per list call: their comma-separated list stays well within a URL."""
LIST_PAGE = 1000
"""Converges per page of a wait's list call: a round reads many converges in one call."""


class Converges(Resource):
    """Converges: their status, the commands each sent, and waiting for them to end."""

    def list(
        self,
        *,
        device_ids: Sequence[str] | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> Paginator[Converge]:
        """The converges (of ``device_ids``, if given), oldest first (a lazy paginator)."""
        ids = ",".join(device_ids) if device_ids else None
        return self._paged(v2.LIST_CONVERGES, page_size, prefetch, device_ids=ids)

    def get(self, converge_id: str) -> Converge:
        """One converge."""
        return self._client.call(v2.GET_CONVERGE, id=converge_id)

    def commands(
        self, converge_id: str, *, page_size: int = PAGE_SIZE, prefetch: int = 0
    ) -> Paginator[ConvergeCommand]:
        """The commands the converge sent (their Commands API requests and states)."""
        return self._paged(v2.LIST_CONVERGE_COMMANDS, page_size, prefetch, id=converge_id)

    def wait(
        self,
        converges: Iterable[Converge | str],
        *,
        timeout: float = 600.0,
        poll_interval: float = 2.0,
        on_progress: Callable[[dict[str, int]], None] | None = None,
    ) -> builtins.list[Converge]:
        """Poll until every converge is final (``ConvergeStatus.FINAL``); them, in order.

        Each round reads them all with one list call per ``DEVICES_PER_CALL`` devices
        (not one call per converge); ``on_progress`` gets, after each round, how many are
        in each status. ``WaitTimeoutError`` after ``timeout`` seconds, with the last
        converges read in ``last``.
        """
        wanted = [self._converge(item) for item in converges]
        ids = [str(converge.id) for converge in wanted]
        devices = sorted({str(converge.device_id) for converge in wanted})

        def read() -> builtins.list[Converge]:
            found = {str(c.id): c for c in self._of_devices(devices)}
            current = [
                found.get(converge_id, old) for converge_id, old in zip(ids, wanted, strict=True)
            ]
            if on_progress is not None:
                on_progress(status_counts(current))
            return current

        return poll_until(
            read,
            lambda current: all(c.status in ConvergeStatus.FINAL for c in current),
            timeout=timeout,
            poll_interval=poll_interval,
            describe=lambda last: f"converges not final after {timeout} s: {status_counts(last)}",
        )

    def _converge(self, item: Converge | str) -> Converge:
        return self.get(item) if isinstance(item, str) else item

    def _of_devices(self, devices: builtins.list[str]) -> builtins.list[Converge]:
        found: builtins.list[Converge] = []
        for start in range(0, len(devices), DEVICES_PER_CALL):
            part = devices[start : start + DEVICES_PER_CALL]
            found.extend(self.list(device_ids=part, page_size=LIST_PAGE).to_list())
        return found


def status_counts(converges: Iterable[Converge]) -> dict[str, int]:
    """How many of ``converges`` are in each status."""
    counts: dict[str, int] = {}
    for converge in converges:
        status = str(converge.status)
        counts[status] = counts.get(status, 0) + 1
    return counts
