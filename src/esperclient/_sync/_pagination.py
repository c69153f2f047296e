# Generated from esperclient/_async/_pagination.py by scripts/gen_sync.py: do not edit.
"""Lazy paging over any list operation, by limit and offset.

The next request is built from ``limit``/``offset``, never from the server's ``next``
link (real deployments have sent links with the wrong scheme or host). Only one page
is held in memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from esperclient._operations import ListAnswer, Operation
from esperclient._sync._base_client import SyncAPIClient

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page: its items, where it starts, and how many items the list has in all."""

    results: list[T]
    offset: int
    count: int


class Paginator(Generic[T]):
    """The items of a list, fetched page by page as iteration needs them."""

    def __init__(
        self,
        client: SyncAPIClient,
        op: Operation[ListAnswer[T]],
        values: dict[str, Any],
        page_size: int,
    ) -> None:
        self._client = client
        self._op = op
        self._values = {k: v for k, v in values.items() if v is not None}
        self._page_size = page_size

    def pages(self) -> Iterator[Page[T]]:
        """Each page in turn, until the list is exhausted."""
        offset = 0
        while True:
            answer = self._client.call(
                self._op, **self._values, limit=self._page_size, offset=offset
            )
            results = list(answer.results or [])
            count = answer.count or 0
            yield Page(results, offset, count)
            offset += len(results)
            if not results or offset >= count:
                return

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            for item in page.results:
                yield item

    def total(self) -> int:
        """How many items the list has (one small request)."""
        answer = self._client.call(self._op, **self._values, limit=1, offset=0)
        return int(answer.count or 0)

    def first(self) -> T | None:
        """The first item, or ``None`` for an empty list."""
        answer = self._client.call(self._op, **self._values, limit=1, offset=0)
        results = answer.results or []
        return results[0] if results else None

    def to_list(self) -> list[T]:
        """Every item, in a list (for lists known to be small)."""
        return [item for item in self]
