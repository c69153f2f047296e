"""What every resource of the idiomatic client builds on: its client, and its lists."""

from __future__ import annotations

from typing import Any, TypeVar

from esperclient import _operations as ops
from esperclient._async._base_client import AsyncAPIClient
from esperclient._async._pagination import AsyncPaginator

PAGE_SIZE = 100
"""Items a list asks for per page unless told otherwise."""
T = TypeVar("T")


class AsyncResource:
    """A part of the API, bound to the client that sends its calls."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    def _paged(
        self, op: ops.Operation[ops.ListAnswer[T]], page_size: int, prefetch: int, **values: Any
    ) -> AsyncPaginator[T]:
        return AsyncPaginator(self._client, op, values, page_size, prefetch)
