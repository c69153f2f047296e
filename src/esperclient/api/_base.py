"""What every drop-in ``*Api`` class shares."""

from __future__ import annotations

from esperclient.api_client import ApiClient


class ApiBase:
    """An API class bound to an ``ApiClient`` (a new default one when none is given)."""

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()
