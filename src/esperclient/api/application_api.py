"""``ApplicationApi``: applications and their versions: list, upload, delete, installs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from esperclient._multipart import FileInput
from esperclient._operations import (
    DELETE_APP_VERSION,
    DELETE_APPLICATION,
    GET_ALL_APPLICATIONS,
    GET_APP_VERSION,
    GET_APP_VERSIONS,
    GET_APPLICATION,
    GET_INSTALL_DEVICES,
    UPLOAD,
)
from esperclient.api._base import ApiBase
from esperclient.models import (
    Application,
    AppVersion,
    InlineResponse200,
    InlineResponse201,
    InlineResponse2001,
    InlineResponse2002,
)


class ApplicationApi(ApiBase):
    """Applications and their versions: list, upload, delete, installs."""

    def delete_app_version(
        self, version_id: str, application_id: str, enterprise_id: str, **kwargs: Any
    ) -> None:
        """Delete app version."""
        return self.api_client.invoke(
            DELETE_APP_VERSION, (version_id, application_id, enterprise_id), kwargs
        )

    def delete_app_version_with_http_info(
        self, version_id: str, application_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[None, int, Mapping[str, str]]:
        """Delete app version; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            DELETE_APP_VERSION,
            (version_id, application_id, enterprise_id),
            kwargs,
            http_info=True,
        )

    def delete_application(self, application_id: str, enterprise_id: str, **kwargs: Any) -> None:
        """Delete an application."""
        return self.api_client.invoke(DELETE_APPLICATION, (application_id, enterprise_id), kwargs)

    def delete_application_with_http_info(
        self, application_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[None, int, Mapping[str, str]]:
        """Delete an application; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            DELETE_APPLICATION, (application_id, enterprise_id), kwargs, http_info=True
        )

    def get_all_applications(self, enterprise_id: str, **kwargs: Any) -> InlineResponse200:
        """List apps in enterprise."""
        return self.api_client.invoke(GET_ALL_APPLICATIONS, (enterprise_id,), kwargs)

    def get_all_applications_with_http_info(
        self, enterprise_id: str, **kwargs: Any
    ) -> tuple[InlineResponse200, int, Mapping[str, str]]:
        """List apps in enterprise; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_ALL_APPLICATIONS, (enterprise_id,), kwargs, http_info=True
        )

    def get_app_version(
        self, version_id: str, application_id: str, enterprise_id: str, **kwargs: Any
    ) -> AppVersion:
        """Get app version information."""
        return self.api_client.invoke(
            GET_APP_VERSION, (version_id, application_id, enterprise_id), kwargs
        )

    def get_app_version_with_http_info(
        self, version_id: str, application_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[AppVersion, int, Mapping[str, str]]:
        """Get app version information; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_APP_VERSION,
            (version_id, application_id, enterprise_id),
            kwargs,
            http_info=True,
        )

    def get_app_versions(
        self, application_id: str, enterprise_id: str, **kwargs: Any
    ) -> InlineResponse2001:
        """List App versions."""
        return self.api_client.invoke(GET_APP_VERSIONS, (application_id, enterprise_id), kwargs)

    def get_app_versions_with_http_info(
        self, application_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[InlineResponse2001, int, Mapping[str, str]]:
        """List App versions; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_APP_VERSIONS, (application_id, enterprise_id), kwargs, http_info=True
        )

    def get_application(
        self, application_id: str, enterprise_id: str, **kwargs: Any
    ) -> Application:
        """Get application information."""
        return self.api_client.invoke(GET_APPLICATION, (application_id, enterprise_id), kwargs)

    def get_application_with_http_info(
        self, application_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[Application, int, Mapping[str, str]]:
        """Get application information; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_APPLICATION, (application_id, enterprise_id), kwargs, http_info=True
        )

    def get_install_devices(
        self, version_id: str, application_id: str, enterprise_id: str, **kwargs: Any
    ) -> InlineResponse2002:
        """List install devices."""
        return self.api_client.invoke(
            GET_INSTALL_DEVICES, (version_id, application_id, enterprise_id), kwargs
        )

    def get_install_devices_with_http_info(
        self, version_id: str, application_id: str, enterprise_id: str, **kwargs: Any
    ) -> tuple[InlineResponse2002, int, Mapping[str, str]]:
        """List install devices; returns ``(data, status, headers)``."""
        return self.api_client.invoke(
            GET_INSTALL_DEVICES,
            (version_id, application_id, enterprise_id),
            kwargs,
            http_info=True,
        )

    def upload(self, enterprise_id: str, app_file: FileInput, **kwargs: Any) -> InlineResponse201:
        """Upload an application to enterprise."""
        return self.api_client.invoke(UPLOAD, (enterprise_id, app_file), kwargs)

    def upload_with_http_info(
        self, enterprise_id: str, app_file: FileInput, **kwargs: Any
    ) -> tuple[InlineResponse201, int, Mapping[str, str]]:
        """Upload an application to enterprise; returns ``(data, status, headers)``."""
        return self.api_client.invoke(UPLOAD, (enterprise_id, app_file), kwargs, http_info=True)
