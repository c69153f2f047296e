"""``esper.blueprints``: Blueprints v2, their versions, and what changed between two.

A blueprint is version 1.0 when created; ``update`` saves a draft (the minor number
grows), ``publish`` a new published version (the major number grows). Every version keeps
its own ``version_id`` and stays readable with ``version``. This module is the source of
the sync resource.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import msgspec

from esperclient._async._pagination import AsyncPaginator
from esperclient._async._resource import PAGE_SIZE, AsyncResource
from esperclient._generated import v0, v2
from esperclient._generated.v0 import CommandRequest, CommandScheduleArgs
from esperclient._generated.v2 import (
    BlueprintCreate,
    BlueprintV2,
    BlueprintV2Put,
    Converge,
    ConvergePOST,
    SettingsV2,
)

SettingsInput = SettingsV2 | Mapping[str, Any]
"""Blueprint settings: a ``SettingsV2`` or the same as a dict (``{"android": {...}}``)."""


def settings_diff(a: BlueprintV2 | SettingsInput, b: BlueprintV2 | SettingsInput) -> list[str]:
    """The paths of the settings that differ between ``a`` and ``b`` (two blueprint versions,
    or their settings), sorted: ``["android.apps[1]", "android.wifi_settings.wifi_state"]``.

    A section or list entry that only one side has is one path; lists are compared entry
    by entry. Nothing is fetched: pass what ``get`` or ``version`` returned.
    """
    return sorted(_differences(_settings_of(a), _settings_of(b), ""))


def _settings_of(value: BlueprintV2 | SettingsInput) -> Any:
    if isinstance(value, BlueprintV2):
        value = value.settings or SettingsV2()
    return msgspec.to_builtins(value)


def _differences(a: Any, b: Any, path: str) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in a.keys() | b.keys():
            inner = f"{path}.{key}" if path else str(key)
            found += [inner] if (key in a) != (key in b) else _differences(a[key], b[key], inner)
        return found
    if isinstance(a, list) and isinstance(b, list):
        found = []
        for i in range(max(len(a), len(b))):
            inner = f"{path}[{i}]"
            found += [inner] if i >= min(len(a), len(b)) else _differences(a[i], b[i], inner)
        return found
    return [] if a == b else [path]


def _settings(settings: SettingsInput | None) -> SettingsV2 | None:
    """``settings`` to send: a dict goes as it is, for the server to check (its 400 names
    the field at fault)."""
    if settings is None or isinstance(settings, SettingsV2):
        return settings
    return cast(SettingsV2, dict(settings))


class AsyncBlueprints(AsyncResource):
    """Blueprints v2: named, versioned device settings for Android, iOS, Windows and Linux."""

    diff = staticmethod(settings_diff)

    def list(
        self,
        *,
        name: str | None = None,
        ordering: str | None = None,
        app_id: str | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> AsyncPaginator[BlueprintV2]:
        """Blueprints, as their latest versions: ``name`` is part of the name (any case),
        ``ordering`` fields of ``BlueprintV2`` (``"-updated_at,name"``), ``app_id`` an
        Android app their settings install."""
        return self._paged(
            v2.GET_V2_BLUEPRINTS,
            page_size,
            prefetch,
            name=name,
            ordering=ordering,
            settings_android_app_id=app_id,
        )

    async def get(self, blueprint_id: str) -> BlueprintV2:
        """One blueprint, as its latest version (draft or published)."""
        return await self._client.call(
            v2.GET_V2_BLUEPRINTS_BY_BLUEPRINT_ID, blueprint_id=blueprint_id
        )

    async def create(
        self,
        name: str,
        *,
        settings: SettingsInput | None = None,
        description: str | None = None,
        comments: str | None = None,
    ) -> BlueprintV2:
        """A new blueprint: its published version 1.0."""
        body = BlueprintCreate(
            name=name, description=description, comments=comments, settings=_settings(settings)
        )
        return await self._client.call(v2.POST_V2_BLUEPRINTS, body=body)

    async def update(self, blueprint_id: str, **fields: Any) -> BlueprintV2:
        """Save a draft: a new version with these fields changed (``name``,
        ``description``, ``comments``, ``settings``: replaced whole) and the others kept."""
        return await self._put(blueprint_id, fields)

    async def publish(self, blueprint_id: str, **fields: Any) -> BlueprintV2:
        """Publish: a new published version, with any fields changed as ``update`` does."""
        return await self._put(blueprint_id, {**fields, "publish": True})

    async def _put(self, blueprint_id: str, fields: dict[str, Any]) -> BlueprintV2:
        if "settings" in fields:
            fields["settings"] = _settings(fields["settings"])
        return await self._client.call(
            v2.PUT_V2_BLUEPRINTS_BY_BLUEPRINT_ID,
            blueprint_id=blueprint_id,
            body=BlueprintV2Put(**fields),
        )

    async def delete(self, blueprint_id: str) -> None:
        """Delete a blueprint and all its versions."""
        await self._client.call(v2.DELETE_V2_BLUEPRINTS_BY_BLUEPRINT_ID, blueprint_id=blueprint_id)

    def versions(
        self,
        blueprint_id: str,
        *,
        ordering: str | None = None,
        published: bool | None = None,
        version_number: int | None = None,
        page_size: int = PAGE_SIZE,
        prefetch: int = 0,
    ) -> AsyncPaginator[BlueprintV2]:
        """The blueprint's versions, oldest first unless ``ordering`` says otherwise
        (``"-version_number,-minor_version_number"``); ``published`` keeps the published
        ones (or, ``False``, the drafts), ``version_number`` those of one major number."""
        return self._paged(
            v2.GET_V2_BLUEPRINTS_VERSIONS,
            page_size,
            prefetch,
            blueprint_id=blueprint_id,
            ordering=ordering,
            publish=None if published is None else str(published).lower(),
            version_number=None if version_number is None else str(version_number),
        )

    async def version(self, blueprint_id: str, version_id: str) -> BlueprintV2:
        """One version of a blueprint."""
        return await self._client.call(
            v2.GET_V2_BLUEPRINTS_VERSIONS_BY_VERSION_ID,
            blueprint_id=blueprint_id,
            version_id=version_id,
        )

    async def push(
        self,
        blueprint_id: str,
        *,
        groups: Sequence[str] | None = None,
        devices: Sequence[str] | None = None,
    ) -> CommandRequest:
        """Assign a blueprint to the devices of ``groups`` (and their subgroups) and to
        ``devices``, and converge each: the Commands API's ``UPDATE_BLUEPRINT``, as
        Esper's console pushes a blueprint. ``blueprint_id`` may name one version
        (a ``version_id``); a blueprint's id pushes its latest published version.

        The command request; ``esper.converges`` follows the converges it started.
        """
        if not groups and not devices:
            raise ValueError("push needs groups or devices")
        kind = "DYNAMIC" if groups and devices else "GROUP" if groups else "DEVICE"
        body: dict[str, Any] = {
            "command_type": kind,
            "device_type": "all",
            "command": "UPDATE_BLUEPRINT",
            "command_args": {"apply_all": True, "blueprint_revision_id": blueprint_id},
        }
        if groups:
            body["groups"] = list(groups)
        if devices:
            body["devices"] = list(devices)
        return await self._client.call(v0.CREATE_COMMAND_REQUEST, body=body)

    async def converge(
        self,
        device_id: str,
        *,
        with_provision: bool = False,
        schedule: CommandScheduleArgs | Mapping[str, Any] | None = None,
    ) -> Converge:
        """Bring a device to its assigned blueprint's latest published version.

        ``with_provision`` applies the settings whose policy is ``PROVISION ONLY`` too;
        ``schedule`` (a window, as the Commands API takes one) holds its commands until
        the window opens. A device with no blueprint assigned is a ``BadRequestError``.
        """
        body = ConvergePOST(
            device_id=device_id,
            converge_with_provision_option=with_provision,
            schedule_type="WINDOW" if schedule is not None else "IMMEDIATE",
            schedule_args=None if schedule is None else dict(msgspec.to_builtins(schedule)),
        )
        return await self._client.call(v2.CREATE_CONVERGE, body=body)
