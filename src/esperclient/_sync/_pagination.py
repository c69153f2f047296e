# Generated from esperclient/_async/_pagination.py by scripts/gen_sync.py: do not edit.
"""Lazy paging over any list operation, by limit and offset or by cursor.

The next request is built from ``limit``/``offset`` (or the answer's ``next_cursor``),
never from the server's ``next`` link (real deployments have sent links with the wrong
scheme or host). Only one page is held in memory at a time, plus the pages fetched ahead
(``prefetch``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

from esperclient._concurrency import ThreadWindow
from esperclient._exceptions import ListChangedError
from esperclient._operations import CursorAnswer, ListAnswer, Operation
from esperclient._sync._base_client import SyncAPIClient

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


class Paginator(Generic[T]):
    """The items of a list, fetched page by page as iteration needs them.

    A list that does not say how many items it has ends at its first short page.

    ``prefetch`` is how many pages are requested ahead of the one being read: ``0``
    requests each page when iteration reaches it; ``N`` keeps up to ``N`` requests in
    flight while the caller reads, items still in order, and holds at most ``N + 1``
    pages. Stopping early (``break``) cancels the requests in flight; a page that failed
    raises where its items would start, after every item before it.

    Offset paging reads a list that may change between pages: an item added or removed
    before the page being read shifts the rest, which would repeat or skip items. So
    each page is checked against the first: when the list's ``count`` or the page's
    length shows that items were added or removed, ``ListChangedError`` is raised where
    the changed page starts, never a repeated or missed item in silence. A change that
    keeps the count (one item added, one removed) cannot be seen;
    ``esper.devices_v2.list()``, paged by cursor, reads a changing fleet.
    """

    def __init__(
        self,
        client: SyncAPIClient,
        op: Operation[ListAnswer[T]],
        values: dict[str, Any],
        page_size: int,
        prefetch: int = 0,
    ) -> None:
        self._client = client
        self._op = op.with_query("limit", "offset")
        self._values = {k: v for k, v in values.items() if v is not None}
        self._page_size = page_size
        self._prefetch = _checked_prefetch(prefetch)

    def pages(self) -> Generator[Page[T], None]:
        """Each page in turn, until the list is exhausted."""
        window: ThreadWindow[ListAnswer[T]] = ThreadWindow(self._prefetch)
        try:
            walk = _OffsetWalk[T](self._page_size)
            answer = self._fetch(0, self._page_size)
            while True:
                page = walk.take(answer)
                while len(window) < window.size and walk.more():
                    window.start(partial(self._fetch, walk.plan(), walk.stride))
                yield page
                if walk.finished:
                    return
                answer = window.next() if len(window) else self._fetch(walk.plan(), walk.stride)
        finally:
            window.close()

    def __iter__(self) -> Iterator[T]:
        with closing(self.pages()) as pages:
            for page in pages:
                for item in page.results:
                    yield item

    def _fetch(self, offset: int, limit: int) -> ListAnswer[T]:
        return self._client.call(self._op, **self._values, limit=limit, offset=offset)

    def total(self) -> int:
        """How many items the list has (one small request; ``0`` when the server does not
        say)."""
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


def _last(count: int | None, seen: int, got: int, asked: int) -> bool:
    """Whether the page that brought the list to ``seen`` items was its last."""
    return seen >= count if count is not None else got < asked


def _checked_prefetch(prefetch: int) -> int:
    if prefetch < 0:
        raise ValueError(f"prefetch must be 0 or more, not {prefetch}")
    return prefetch


class _OffsetWalk(Generic[T]):
    """Where an iteration by offset stands: the pages asked for, the items read, and
    the checks that the list kept its size under it."""

    def __init__(self, page_size: int) -> None:
        self.stride = page_size
        self.finished = False
        self._count: int | None = None
        self._read = 0
        self._planned = 0

    def take(self, answer: ListAnswer[T]) -> Page[T]:
        """The page ``answer`` brought, the next in the list; ``ListChangedError`` when
        it shows that the list changed since the first page."""
        results = list(answer.results or [])
        if self._read == 0:
            self._count = answer.count
            if results and not _last(answer.count, len(results), len(results), self.stride):
                self.stride = len(results)  # the server gives fewer than asked
            self._planned = len(results)
        else:
            self._check(answer.count, results)
        page = Page(results, self._read, answer.count or 0)
        self._read += len(results)
        self.finished = not results or _last(self._count, self._read, len(results), self.stride)
        return page

    def more(self) -> bool:
        """Whether a page is left to request."""
        return not self.finished and (self._count is None or self._planned < self._count)

    def plan(self) -> int:
        """The offset of the next page to request."""
        offset = self._planned
        self._planned += self.stride
        return offset

    def _check(self, count: int | None, results: list[T]) -> None:
        if count != self._count:
            raise ListChangedError(
                f"the list changed while it was read: {self._count} items at first, "
                f"{count} at offset {self._read}",
                offset=self._read,
            )
        due = None if count is None else min(self.stride, count - self._read)
        if due is not None and len(results) != due:
            raise ListChangedError(
                f"the list changed while it was read: the page at offset {self._read} "
                f"has {len(results)} items where {due} were due",
                offset=self._read,
            )


class CursorPaginator(Generic[T]):
    """The items of a list paged by cursor, fetched page by page as iteration needs them.

    The same interface as ``AsyncPaginator`` but ``total``: such a list does not say how
    many items it has. A page's cursor comes from the page before it, so ``prefetch``
    above ``0`` requests the next page while the caller reads this one: one request in
    flight, never more.
    """

    def __init__(
        self,
        client: SyncAPIClient,
        op: Operation[CursorAnswer[T]],
        values: dict[str, Any],
        page_size: int,
        prefetch: int = 0,
    ) -> None:
        self._client = client
        self._op = op.with_query("limit").with_query("cursor", type_=str)
        self._values = {k: v for k, v in values.items() if v is not None}
        self._page_size = page_size
        self._prefetch = _checked_prefetch(prefetch)

    def pages(self) -> Generator[CursorPage[T], None]:
        """Each page in turn, until the list is exhausted."""
        window: ThreadWindow[CursorAnswer[T]] = ThreadWindow(min(self._prefetch, 1))
        try:
            cursor = FIRST_CURSOR
            answer = self._fetch(cursor)
            while True:
                results = list(answer.results or [])
                done = not results or not answer.next_cursor or answer.next_cursor == cursor
                following = None if done else answer.next_cursor
                if following and window.size:
                    window.start(partial(self._fetch, following))
                yield CursorPage(results, cursor, answer.next_cursor)
                if not following:
                    return
                cursor = following
                answer = window.next() if len(window) else self._fetch(cursor)
        finally:
            window.close()

    def __iter__(self) -> Iterator[T]:
        with closing(self.pages()) as pages:
            for page in pages:
                for item in page.results:
                    yield item

    def _fetch(self, cursor: str) -> CursorAnswer[T]:
        return self._client.call(self._op, **self._values, limit=self._page_size, cursor=cursor)

    def first(self) -> T | None:
        """The first item, or ``None`` for an empty list."""
        answer = self._client.call(self._op, **self._values, limit=1, cursor=FIRST_CURSOR)
        results = answer.results or []
        return results[0] if results else None

    def to_list(self) -> list[T]:
        """Every item, in a list (for lists known to be small)."""
        return [item for item in self]
