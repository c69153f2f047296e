"""Applications: uploads parsed from real APKs, their versions, and the files kept."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import ColumnElement

from esper_emulator.apk import ApkInfo
from esper_emulator.errors import ApiError, not_found
from esper_emulator.services.clock import Clock
from esper_emulator.services.fleet import enterprise_url, like_escape
from esper_emulator.store import Page, Store, schema
from esper_emulator.store.schema import BASE_URL_MARK
from esperclient.models import (
    Application,
    ApplicationVersion,
    AppPermission,
    AppVersion,
    InlineResponse201,
)


class Apps:
    """The enterprise's applications and their versions."""

    def __init__(self, store: Store, clock: Clock, files: Path) -> None:
        self.store = store
        self.clock = clock
        self.files = files

    def add_version(self, enterprise_id: str, apk: ApkInfo, upload: Path) -> bytes:
        """Record an uploaded APK as a new version (and a new application if needed).

        The file moves from ``upload`` into the emulator's file store once the rows are
        written (a failed move undoes them); nothing is kept when the version is refused.
        """
        a = schema.applications.c
        app_row = self.store.one(
            schema.applications,
            a.enterprise_id == enterprise_id,
            a.package_name == apk.package_name,
        )
        if app_row is not None:
            self._refuse_known_version(app_row.id, apk)
        app_id = app_row.id if app_row is not None else str(uuid.uuid4())
        version = self._version(enterprise_id, app_id, apk)
        assert version.id is not None
        summary = _summary(version)
        if app_row is None:
            app = self._new_application(enterprise_id, app_id, apk, summary)
        else:
            app = msgspec.json.decode(app_row.doc, type=Application)
            app.versions = [summary, *(app.versions or [])]
            app.updated_on = version.created_on
            self.store.update(schema.applications, a.id == app_id, doc=msgspec.json.encode(app))
        stored = self.files / enterprise_id / f"{version.id}.apk"
        self.store.insert(
            schema.app_versions,
            id=version.id,
            application_id=app_id,
            enterprise_id=enterprise_id,
            version_code=version.version_code,
            build_number=version.build_number,
            file_path=str(stored),
            doc=msgspec.json.encode(version),
        )
        stored.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(os.fspath(upload), stored)
        return msgspec.json.encode(InlineResponse201(application=app))

    def _refuse_known_version(self, app_id: str, apk: ApkInfo) -> None:
        v = schema.app_versions.c
        build_number = str(apk.version_code)
        if self.store.one(
            schema.app_versions, v.application_id == app_id, v.build_number == build_number
        ):
            raise ApiError(
                400,
                f"Version code {apk.version_code} of {apk.package_name} is already uploaded.",
                [{"app_file": [f"This version ({build_number}) already exists."]}],
            )

    def _version(self, enterprise_id: str, app_id: str, apk: ApkInfo) -> AppVersion:
        """The new ``AppVersion``: versionName is its version_code, versionCode its build."""
        now = self.clock.utcnow()
        version_id = str(uuid.uuid4())
        app_url = f"{BASE_URL_MARK}/api/enterprise/{enterprise_id}/application/{app_id}/"
        version_url = f"{app_url}version/{version_id}/"
        return AppVersion(
            id=version_id,
            installed_count=0,
            permissions=[
                AppPermission(
                    id=str(uuid.uuid4()),
                    permission=p,
                    grant_state="Default",
                    created_on=now,
                    updated_on=now,
                    is_active=True,
                    enterprise=enterprise_url(enterprise_id),
                    app_version=version_url,
                )
                for p in apk.permissions
            ],
            app_file=f"{version_url}file/",
            version_code=apk.version_name or str(apk.version_code),
            version_name=apk.version_name,
            build_number=str(apk.version_code),
            size_in_mb=round(apk.size_bytes / 1_048_576, 3),
            hash_string=apk.sha256,
            release_track="Production",
            created_on=now,
            updated_on=now,
            min_sdk_version=apk.min_sdk_version,
            target_sdk_version=apk.target_sdk_version,
            is_enabled=True,
            enterprise=enterprise_url(enterprise_id),
            application=app_url,
        )

    def _new_application(
        self, enterprise_id: str, app_id: str, apk: ApkInfo, summary: ApplicationVersion
    ) -> Application:
        now = self.clock.utcnow()
        app = Application(
            id=app_id,
            versions=[summary],
            application_name=apk.label or apk.package_name,
            package_name=apk.package_name,
            developer=None,
            category=None,
            content_rating="0",
            compatibility=None,
            created_on=now,
            updated_on=now,
            is_active=True,
            is_hidden=False,
            enterprise=enterprise_url(enterprise_id),
        )
        self.store.insert(
            schema.applications,
            id=app_id,
            enterprise_id=enterprise_id,
            package_name=apk.package_name,
            application_name=app.application_name,
            is_hidden=False,
            doc=msgspec.json.encode(app),
        )
        return app

    def forget_files(self) -> None:
        """Delete every kept upload."""
        shutil.rmtree(self.files, ignore_errors=True)

    def list_apps(
        self, enterprise_id: str, filters: dict[str, Any], limit: int, offset: int
    ) -> Page:
        """A page of the enterprise's applications."""
        a = schema.applications.c
        where: list[ColumnElement[bool]] = [a.enterprise_id == enterprise_id]
        if filters.get("application_name") is not None:
            where.append(
                a.application_name.ilike(
                    f"%{like_escape(filters['application_name'])}%", escape="\\"
                )
            )
        if filters.get("package_name") is not None:
            where.append(a.package_name == filters["package_name"])
        if filters.get("is_hidden") is not None:
            where.append(a.is_hidden == filters["is_hidden"])
        return self.store.page(schema.applications, where, limit, offset)

    def list_versions(
        self,
        enterprise_id: str,
        application_id: str,
        filters: dict[str, Any],
        limit: int,
        offset: int,
    ) -> Page:
        """A page of one application's versions, or a 404 for an unknown application."""
        a = schema.applications.c
        if (
            self.store.one(
                schema.applications, a.id == application_id, a.enterprise_id == enterprise_id
            )
            is None
        ):
            raise not_found("Application")
        v = schema.app_versions.c
        where: list[ColumnElement[bool]] = [v.application_id == application_id]
        if filters.get("version_code") is not None:
            where.append(v.version_code == filters["version_code"])
        if filters.get("build_number") is not None:
            where.append(v.build_number == filters["build_number"])
        return self.store.page(schema.app_versions, where, limit, offset)


def _summary(version: AppVersion) -> ApplicationVersion:
    """The short form of a version listed inside its application."""
    return ApplicationVersion(
        id=version.id,
        version_code=version.version_code,
        version_name=version.version_name,
        build_number=version.build_number,
        hash_string=version.hash_string,
        min_sdk_version=version.min_sdk_version,
        target_sdk_version=version.target_sdk_version,
        download_url=version.app_file,
    )
