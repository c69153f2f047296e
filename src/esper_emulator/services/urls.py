"""The URLs of the emulator's objects, as they appear inside other objects.

Every URL starts with ``BASE_URL_MARK``, which the server replaces by its own address
when it serves a document (see ``store.schema``), so a stored document moves between
hosts and ports. Each object's URL is written here and nowhere else.
"""

from __future__ import annotations

from esper_emulator.store.schema import BASE_URL_MARK

__all__ = [
    "BASE_URL_MARK",
    "api_url",
    "app_file_url",
    "app_version_url",
    "application_url",
    "content_download_url",
    "content_url",
    "device_url",
    "enterprise_url",
    "group_command_url",
    "group_url",
    "policy_url",
    "user_url",
]


def api_url() -> str:
    """The root of the API, as a device's ``current_base_uri`` shows it."""
    return f"{BASE_URL_MARK}/api"


def enterprise_url(enterprise_id: str) -> str:
    """The URL of an enterprise (the v1 path, as Esper writes it in other objects)."""
    return f"{api_url()}/v1/enterprise/{enterprise_id}/"


def _in_enterprise(enterprise_id: str, path: str) -> str:
    return f"{api_url()}/enterprise/{enterprise_id}/{path}/"


def device_url(enterprise_id: str, device_id: str) -> str:
    """The URL of a device."""
    return _in_enterprise(enterprise_id, f"device/{device_id}")


def group_url(enterprise_id: str, group_id: str) -> str:
    """The URL of a device group."""
    return _in_enterprise(enterprise_id, f"devicegroup/{group_id}")


def group_command_url(enterprise_id: str, group_id: str, command_id: str) -> str:
    """The URL of a group command, as the device commands it fanned out show it."""
    return f"{group_url(enterprise_id, group_id)}command/{command_id}/"


def application_url(enterprise_id: str, application_id: str) -> str:
    """The URL of an application."""
    return _in_enterprise(enterprise_id, f"application/{application_id}")


def app_version_url(enterprise_id: str, application_id: str, version_id: str) -> str:
    """The URL of one version of an application."""
    return f"{application_url(enterprise_id, application_id)}version/{version_id}/"


def app_file_url(enterprise_id: str, application_id: str, version_id: str) -> str:
    """The URL of an app version's APK file (its ``app_file``)."""
    return f"{app_version_url(enterprise_id, application_id, version_id)}file/"


def policy_url(enterprise_id: str, policy_id: int) -> str:
    """The URL of a policy (addressed by its integer id)."""
    return _in_enterprise(enterprise_id, f"policy/{policy_id}")


def content_url(enterprise_id: str, content_id: int) -> str:
    """The URL of a content item (a v0 path, addressed by its integer id)."""
    return f"{api_url()}/v0/enterprise/{enterprise_id}/content/{content_id}/"


def content_download_url(enterprise_id: str, content_id: int) -> str:
    """The URL of a content item's file (its ``download_url``)."""
    return f"{content_url(enterprise_id, content_id)}download/"


def user_url(user_id: str) -> str:
    """The URL of the user behind an API key, as ``issued_by`` shows it."""
    return f"{api_url()}/user/{user_id}/"
