"""Operations that real clients use but Esper's public API reference does not describe.

Esper's own tools (esper-io/esper-api-support-tool, "EAST") edit a device's tags with
``PATCH /enterprise/{enterprise_id}/device/{device_id}/`` and ``{"tags": [...]}``,
reading the device back, and list the enterprise's tags at
``GET /enterprise/{enterprise_id}/tags/`` (a Django REST framework page, ``ordering=tag``
and ``search``). What is written here is what those clients send and read, not a
documented contract: it may change without notice.
"""

from __future__ import annotations

from esperclient._operations import Operation, Param
from esperclient.models import Device
from esperclient.models._base import Model


class DeviceTagsUpdate(Model):
    """The body that sets a device's tags (their names)."""

    tags: list[str] | None = None


class Tag(Model):
    """A tag of the enterprise: its id and name."""

    id: str | None = None
    tag: str | None = None
    enterprise: str | None = None


class TagPage(Model):
    """A page of the enterprise's tags."""

    count: int | None = None
    next: str | None = None
    previous: str | None = None
    results: list[Tag] | None = None


UPDATE_DEVICE_TAGS = Operation(
    "update_device_tags",
    "PATCH",
    "/enterprise/{enterprise_id}/device/{device_id}/",
    "Set a device's tags (undocumented; as EAST sends it)",
    params=(
        Param("enterprise_id", "path", uuid=True),
        Param("device_id", "path", uuid=True),
        Param("data", "body", DeviceTagsUpdate),
    ),
    returns=Device,
    status=200,
)

LIST_TAGS = Operation(
    "list_tags",
    "GET",
    "/enterprise/{enterprise_id}/tags/",
    "The enterprise's device tags (undocumented; as EAST reads them)",
    params=(
        Param("enterprise_id", "path", uuid=True),
        Param("ordering", "query", required=False),
        Param("search", "query", required=False),
        Param("limit", "query", int, required=False, default=20),
        Param("offset", "query", int, required=False, default=0),
    ),
    returns=TagPage,
    status=200,
    paging="offset",
)
