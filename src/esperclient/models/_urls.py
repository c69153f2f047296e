"""Objects name each other by URL (``"device": ".../device/ID/"``); the id is its last segment."""

from __future__ import annotations


def id_from_url(url: str | None) -> str | None:
    """The id at the end of an API object's URL (``.../device/ID/`` gives ``ID``)."""
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None
