"""Lazy paging over any list operation, by limit and offset or by cursor.

The next request is built from ``limit``/``offset`` (or the answer's ``next_cursor``),
never from the server's ``next`` link (real deployments have sent links with the wrong
scheme or host). Only one page is held in memory at a time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from esperclient._async._base_client import AsyncAPIClient
from esperclient._operations import CursorAnswer, ListAnswer, Operation

T = TypeVar("T")
#: The cursor that asks for a list's first page.
FIRST_CURSOR = "start"


@dataclass
class Page(Generic[T]):
    """One page: its items, where it starts, and how many items the list has in all
    (``0`` when the server does not say)."""

    results: list[T]
    offset: int
    count: int


@dataclass
class CursorPage(Generic[T]):
    """One page of a list paged by cursor: its items, the cursor that fetched it and the
    cursor of the next page (``None`` on the last)."""

    results: list[T]
    cursor: str
    next_cursor: str | None


class AsyncPaginator(Generic[T]):
    """The items of a list, fetched page by page as iteration needs them.

    A list that does not say how many items it has ends at its first short page.
    """

    def __init__(
        self,
        client: AsyncAPIClient,
        op: Operation[ListAnswer[T]],
        values: dict[str, Any],
        page_size: int,
    ) -> None:
        self._client = client
        self._op = op.with_query("limit", "offset")
        self._values = {k: v for k, v in values.items() if v is not None}
        self._page_size = page_size

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Each page in turn, until the list is exhausted."""
        offset = 0
        while True:
            answer = await self._client.call(
                self._op, **self._values, limit=self._page_size, offset=offset
            )
            results = list(answer.results or [])
            yield Page(results, offset, answer.count or 0)
            offset += len(results)
            if not results or _last(answer.count, offset, len(results), self._page_size):
                return

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.results:
                yield item

    async def total(self) -> int:
        """How many items the list has (one small request; ``0`` when the server does not
        say)."""
        answer = await self._client.call(self._op, **self._values, limit=1, offset=0)
        return int(answer.count or 0)

    async def first(self) -> T | None:
        """The first item, or ``None`` for an empty list."""
        answer = await self._client.call(self._op, **self._values, limit=1, offset=0)
        results = answer.results or []
        return results[0] if results else None

    async def to_list(self) -> list[T]:
        """Every item, in a list (for lists known to be small)."""
        return [item async for item in self]


def _last(count: int | None, seen: int, got: int, asked: int) -> bool:
    """Whether the page that brought the list to ``seen`` items was its last."""
    return seen >= count if count is not None else got < asked


class AsyncCursorPaginator(Generic[T]):
    """The items of a list paged by cursor, fetched page by page as iteration needs them.

    The same interface as ``AsyncPaginator`` but ``total``: such a list does not say how
    many items it has.
    """

    def __init__(
        self,
        client: AsyncAPIClient,
        op: Operation[CursorAnswer[T]],
        values: dict[str, Any],
        page_size: int,
    ) -> None:
        self._client = client
        self._op = op.with_query("limit").with_query("cursor", type_=str)
        self._values = {k: v for k, v in values.items() if v is not None}
        self._page_size = page_size

    async def pages(self) -> AsyncIterator[CursorPage[T]]:
        """Each page in turn, until the list is exhausted."""
        cursor: str | None = FIRST_CURSOR
        while cursor:
            answer = await self._client.call(
                self._op, **self._values, limit=self._page_size, cursor=cursor
            )
            results = list(answer.results or [])
            yield CursorPage(results, cursor, answer.next_cursor)
            done = not results or answer.next_cursor == cursor
            cursor = None if done else answer.next_cursor

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.results:
                yield item

    async def first(self) -> T | None:
        """The first item, or ``None`` for an empty list."""
        answer = await self._client.call(self._op, **self._values, limit=1, cursor=FIRST_CURSOR)
        results = answer.results or []
        return results[0] if results else None

    async def to_list(self) -> list[T]:
        """Every item, in a list (for lists known to be small)."""
        return [item async for item in self]
