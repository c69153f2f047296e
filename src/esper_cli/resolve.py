"""Naming things on the command line: by id, or by name.

An argument that looks like a UUID is an id and is used as it is (the server says 404
if there is no such object); anything else is a name, looked up exactly: a device by
its ``device_name``, a group by its ``name``, an application by its package name (or
else its application name), a policy by its name (a number is a policy id).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from esper_cli.errors import EXIT_NOT_FOUND, CliError
from esper_cli.output import PREFETCH
from esperclient import Esper, NotFoundError
from esperclient.models import Application, Device, DeviceGroup, EnterprisePolicy, id_from_url


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a UUID (the form of Esper's ids)."""
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _id_of(value: str | None, what: str) -> str:
    if not value:
        raise CliError(f"the server's {what} has no id")
    return value


def device_id(esper: Esper, ref: str) -> str:
    """The id of the device ``ref`` (an id, or a device name looked up)."""
    if is_uuid(ref):
        return ref
    return _id_of(esper.devices.get_by_name(ref).id, "device")


def device_ids(esper: Esper, refs: Iterable[str]) -> list[str]:
    """The ids of the devices ``refs``, in order, without repeats."""
    return list(dict.fromkeys(device_id(esper, ref) for ref in refs))


def devices(esper: Esper, refs: Iterable[str]) -> dict[str, str | None]:
    """The devices ``refs`` (ids or names) as id to name, in order, without repeats.

    A name is looked up to find its id; the names of ids are read too, so results can
    name every device (``None`` for an id the server does not know).
    """
    found: dict[str, str | None] = {}
    for ref in refs:
        if is_uuid(ref):
            found.setdefault(ref, None)
        else:
            found.setdefault(device_id(esper, ref), ref)
    unnamed = [key for key, name in found.items() if name is None]
    return found | device_names(esper, unnamed)


FEW = 20
"""Up to this many devices are read one by one; more are found in the device list."""


def device_names(esper: Esper, ids: Iterable[str]) -> dict[str, str]:
    """The names of the devices ``ids`` that exist (a device without a name: its id)."""
    wanted = set(ids)
    names: dict[str, str] = {}
    if len(wanted) <= FEW:
        for key in wanted:
            try:
                names[key] = esper.devices.get(key).device_name or key
            except NotFoundError:
                continue
        return names
    for page in esper.devices.list(prefetch=PREFETCH).pages():
        for found in page.results:
            if found.id in wanted:
                names[found.id] = found.device_name or found.id
        if len(names) == len(wanted):
            break
    return names


def group_names(esper: Esper, refs: Iterable[str]) -> list[str]:
    """The names of groups given by URL or id, in order (a group not found: its id)."""
    names = []
    for ref in refs:
        key = id_from_url(ref) or ref
        try:
            names.append(esper.groups.get(key).name or key)
        except NotFoundError:
            names.append(key)
    return names


def device(esper: Esper, ref: str) -> Device:
    """The device ``ref`` (an id or a name)."""
    if is_uuid(ref):
        return esper.devices.get(ref)
    return esper.devices.get_by_name(ref)


def group_id(esper: Esper, ref: str) -> str:
    """The id of the group ``ref`` (an id, or a group name looked up)."""
    if is_uuid(ref):
        return ref
    return _id_of(esper.groups.get_by_name(ref).id, "group")


def group(esper: Esper, ref: str) -> DeviceGroup:
    """The group ``ref`` (an id or a name)."""
    if is_uuid(ref):
        return esper.groups.get(ref)
    return esper.groups.get_by_name(ref)


def application(esper: Esper, ref: str) -> Application:
    """The application ``ref``: an id, a package name, or an application name."""
    if is_uuid(ref):
        return esper.applications.get(ref)
    found = esper.applications.list(package_name=ref, page_size=1).first()
    if found is None:
        found = esper.applications.list(application_name=ref, page_size=1).first()
    if found is None:
        raise CliError(
            f"404 Not Found: no application with package or name {ref!r}", EXIT_NOT_FOUND
        )
    return found


def application_id(esper: Esper, ref: str) -> str:
    """The id of the application ``ref`` (no request when it is an id)."""
    if is_uuid(ref):
        return ref
    return _id_of(application(esper, ref).id, "application")


def policy_number(policy: EnterprisePolicy) -> int | None:
    """A policy's id: the last segment of its ``url`` (the API has no ``id`` field)."""
    tail = id_from_url(policy.url) or ""
    return int(tail) if tail.isdigit() else None


def policy(esper: Esper, ref: str) -> EnterprisePolicy:
    """The policy ``ref``: a number (its id) or its name."""
    if ref.isdigit():
        return esper.policies.get(int(ref))
    found = esper.policies.list(name=ref, page_size=1).first()
    if found is None:
        raise CliError(f"404 Not Found: no policy named {ref!r}", EXIT_NOT_FOUND)
    return found
