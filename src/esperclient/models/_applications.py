"""Applications, their versions, permissions and installs."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from esperclient.models._base import EnumModel, Limits, Model


class AppInstallStateEnum(EnumModel):
    """Device App Install State."""

    NOT_INSTALLED = "NOT_INSTALLED"
    INSTALL_IN_PROGRESS = "INSTALL_IN_PROGRESS"
    UNINSTALL_IN_PROGRESS = "UNINSTALL_IN_PROGRESS"
    INSTALL_SUCCESS = "INSTALL_SUCCESS"
    INSTALL_FAILED = "INSTALL_FAILED"
    UNINSTALL_SUCCESS = "UNINSTALL_SUCCESS"
    UNINSTALL_FAILED = "UNINSTALL_FAILED"


INSTALL_STATES: dict[str, str] = {
    AppInstallStateEnum.NOT_INSTALLED: "Not Installed",
    AppInstallStateEnum.INSTALL_IN_PROGRESS: "Installation In-Progress",
    AppInstallStateEnum.UNINSTALL_IN_PROGRESS: "Uninstallation In-Progress",
    AppInstallStateEnum.INSTALL_SUCCESS: "Install Success",
    AppInstallStateEnum.INSTALL_FAILED: "Install Failed",
    AppInstallStateEnum.UNINSTALL_SUCCESS: "Uninstall Success",
    AppInstallStateEnum.UNINSTALL_FAILED: "Uninstall Failed",
}
"""Each install state's name and the value the API answers and filters by.

The spec lists the names as the values of ``AppInstallStateEnum`` (as 0.1.3 does), but
its description maps them to what Esper sends, ``INSTALL_SUCCESS = "Install Success"``;
esper-cli's README and tests record those values.
"""


class AppInstallVersion(Model):
    """The `AppInstallVersion` object of the Esper API."""

    _limits: ClassVar[dict[str, Limits]] = {"version_name": Limits(min_length=1, max_length=128)}

    app_version_id: str | None = None
    version_code: str | None = None
    version_name: str | None = None
    build_number: str | None = None
    hash_string: str | None = None


class AppPermission(Model):
    """The `AppPermission` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"enterprise", "permission"})
    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "grant_state": ("Default", "Denied", "Granted")
    }
    _limits: ClassVar[dict[str, Limits]] = {"permission": Limits(min_length=1, max_length=255)}

    id: str | None = None
    permission: str | None = None
    grant_state: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    is_active: bool | None = None
    enterprise: str | None = None
    app_version: str | None = None


class ApplicationVersion(Model):
    """The `ApplicationVersion` object of the Esper API."""

    _limits: ClassVar[dict[str, Limits]] = {
        "version_code": Limits(min_length=1, max_length=50),
        "version_name": Limits(min_length=1, max_length=128),
        "build_number": Limits(min_length=1, max_length=100),
        "min_sdk_version": Limits(min_length=1, max_length=10),
        "target_sdk_version": Limits(min_length=1, max_length=10),
    }

    id: str | None = None
    version_code: str | None = None
    version_name: str | None = None
    build_number: str | None = None
    hash_string: str | None = None
    min_sdk_version: str | None = None
    target_sdk_version: str | None = None
    download_url: str | None = None


class InstallDevices(Model):
    """The `InstallDevices` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"id"})
    _limits: ClassVar[dict[str, Limits]] = {"group_name": Limits(min_length=1, max_length=255)}

    id: str | None = None
    device_name: str | None = None
    alias_name: str | None = None
    group_name: str | None = None


class AppInstallApplication(Model):
    """The `AppInstallApplication` object of the Esper API."""

    application_name: str | None = None
    package_name: str | None = None
    version: AppInstallVersion | None = None
    is_enabled: bool | None = None


class AppVersion(Model):
    """The `AppVersion` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset({"enterprise", "version_code", "permissions"})
    _allowed: ClassVar[dict[str, tuple[str, ...]]] = {
        "release_track": ("Alpha", "Beta", "Production")
    }
    _limits: ClassVar[dict[str, Limits]] = {
        "version_code": Limits(min_length=1, max_length=50),
        "version_name": Limits(min_length=1, max_length=128),
        "build_number": Limits(min_length=1, max_length=100),
        "release_name": Limits(min_length=1, max_length=255),
        "release_comments": Limits(min_length=1),
        "min_sdk_version": Limits(min_length=1, max_length=10),
        "target_sdk_version": Limits(min_length=1, max_length=10),
    }

    id: str | None = None
    installed_count: int | None = None
    permissions: list[AppPermission] | None = None
    app_file: str | None = None
    app_icon: str | None = None
    version_code: str | None = None
    version_name: str | None = None
    build_number: str | None = None
    size_in_mb: float | None = None
    hash_string: str | None = None
    release_name: str | None = None
    release_comments: str | None = None
    release_track: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    min_sdk_version: str | None = None
    target_sdk_version: str | None = None
    is_enabled: bool | None = None
    enterprise: str | None = None
    application: str | None = None


class Application(Model):
    """The `Application` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset(
        {"enterprise", "application_name", "package_name"}
    )
    _limits: ClassVar[dict[str, Limits]] = {
        "application_name": Limits(min_length=1, max_length=255),
        "package_name": Limits(min_length=1, max_length=255),
        "developer": Limits(min_length=1, max_length=255),
        "category": Limits(min_length=1, max_length=255),
        "compatibility": Limits(min_length=1),
    }

    id: str | None = None
    versions: list[ApplicationVersion] | None = None
    application_name: str | None = None
    package_name: str | None = None
    developer: str | None = None
    category: str | None = None
    content_rating: str | None = None
    compatibility: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    is_active: bool | None = None
    is_hidden: bool | None = None
    enterprise: str | None = None


class AppInstall(Model):
    """The `AppInstall` object of the Esper API."""

    _required: ClassVar[frozenset[str]] = frozenset(
        {"application", "install_state", "enterprise", "device"}
    )

    _enum_fields: ClassVar[dict[str, str]] = {"install_state": "AppInstallStateEnum"}
    _limits: ClassVar[dict[str, Limits]] = {"reason_details": Limits(min_length=1)}

    id: str | None = None
    application: AppInstallApplication | None = None
    install_state: str | None = None
    reason_details: str | None = None
    created_on: datetime | None = None
    updated_on: datetime | None = None
    is_active: bool | None = None
    enterprise: str | None = None
    device: str | None = None
