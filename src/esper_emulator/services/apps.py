"""Applications: uploads parsed from real APKs, their versions, and the files kept.

Deleting an application or a version removes its rows and, once the transaction has
committed, its stored files (the methods return the paths; the caller unlinks them with
``remove_files``). Devices keep what they have installed, as a real MDM does not
uninstall on delete: their ``device_apps`` and ``app_installs`` rows stay, with the
``app_version_id`` reference cleared. An ``INSTALL`` still queued for a deleted version
fails when it falls due.

Versions are stored in the legacy format (``version_code`` holds the version name,
``build_number`` the Android versionCode). ``legacy_format=false`` serves them
standardized: ``version_code`` is the versionCode, ``version_name`` the name, and
``build_number`` is left out.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import msgspec

from esper_emulator.apk import ApkInfo
from esper_emulator.errors import ApiError, not_found
from esper_emulator.services.clock import Clock
from esper_emulator.services.urls import (
    app_file_url,
    app_version_url,
    application_url,
    enterprise_url,
)
from esper_emulator.store import Page, Row, Store
from esper_emulator.store import apps as apps_db
from esper_emulator.store.apps import ApplicationFilters
from esperclient.models import (
    Application,
    ApplicationVersion,
    AppPermission,
    AppVersion,
    InlineResponse201,
    InstallDevices,
)


class _Alias(msgspec.Struct):
    """The one field of a stored device that an install-devices row needs."""

    alias_name: str | None = None


VERSION_EXISTS = "App version already exists"
"""Esper's refusal of a version code the application already has (esper-cli's tests)."""


class Apps:
    """The enterprise's applications and their versions."""

    def __init__(self, store: Store, clock: Clock, files: Path) -> None:
        self.store = store
        self.clock = clock
        self.files = files

    def add_version(self, enterprise_id: str, apk: ApkInfo, upload: Path) -> InlineResponse201:
        """Record an uploaded APK as a new version (and a new application if needed).

        The file moves from ``upload`` into the emulator's file store once the rows are
        written (a failed move undoes them); nothing is kept when the version is refused.
        """
        app_row = apps_db.app_by_package(self.store, enterprise_id, apk.package_name)
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
            apps_db.save_application(self.store, app_row.pk, msgspec.json.encode(app))
        stored = self.files / enterprise_id / f"{version.id}.apk"
        apps_db.add_version(
            self.store,
            enterprise_id,
            app_id,
            version.id,
            version_code=version.version_code,
            build_number=version.build_number,
            file_path=str(stored),
            doc=msgspec.json.encode(version),
        )
        stored.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(os.fspath(upload), stored)
        return InlineResponse201(application=app)

    def _refuse_known_version(self, app_id: str, apk: ApkInfo) -> None:
        build_number = str(apk.version_code)
        if apps_db.has_build(self.store, app_id, build_number):
            raise ApiError(400, VERSION_EXISTS, [{"app_file": [VERSION_EXISTS]}])

    def _version(self, enterprise_id: str, app_id: str, apk: ApkInfo) -> AppVersion:
        """The new ``AppVersion``: versionName is its version_code, versionCode its build."""
        now = self.clock.utcnow()
        version_id = str(uuid.uuid4())
        version_url = app_version_url(enterprise_id, app_id, version_id)
        return AppVersion.construct(
            id=version_id,
            installed_count=0,
            permissions=[
                AppPermission.construct(
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
            app_file=app_file_url(enterprise_id, app_id, version_id),
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
            application=application_url(enterprise_id, app_id),
        )

    def _new_application(
        self, enterprise_id: str, app_id: str, apk: ApkInfo, summary: ApplicationVersion
    ) -> Application:
        now = self.clock.utcnow()
        app = Application.construct(
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
        apps_db.add_application(
            self.store,
            enterprise_id,
            app_id,
            apk.package_name,
            app.application_name,
            msgspec.json.encode(app),
        )
        return app

    def forget_files(self) -> None:
        """Delete every kept upload."""
        shutil.rmtree(self.files, ignore_errors=True)

    def list_apps(
        self, enterprise_id: str, filters: ApplicationFilters, limit: int, offset: int
    ) -> Page:
        """A page of the enterprise's applications matching every filter given."""
        return apps_db.page(self.store, enterprise_id, filters, limit, offset)

    def list_versions(
        self,
        enterprise_id: str,
        application_id: str,
        limit: int,
        offset: int,
        *,
        version_code: str | None = None,
        build_number: str | None = None,
        legacy: bool | None = None,
    ) -> Page:
        """A page of one application's versions, or a 404 for an unknown application.

        With ``legacy`` false the versions are standardized, and the ``version_code``
        filter then matches the standardized (numeric) version code.
        """
        self._app_row(enterprise_id, application_id)
        legacy = legacy is not False
        page = apps_db.versions_page(
            self.store,
            application_id,
            limit,
            offset,
            version_code=version_code,
            build_number=build_number,
            standardized=not legacy,
        )
        return page if legacy else Page(page.count, [_standardized(d) for d in page.docs])

    def application(self, enterprise_id: str, application_id: str) -> bytes:
        """One application of the enterprise, its versions summary included, or a 404."""
        doc: bytes = self._app_row(enterprise_id, application_id).doc
        return doc

    def version(
        self, enterprise_id: str, application_id: str, version_id: str, legacy: bool | None
    ) -> bytes:
        """One version of the application; standardized when ``legacy`` is false."""
        self._app_row(enterprise_id, application_id)
        doc: bytes = self._version_row(enterprise_id, application_id, version_id).doc
        return doc if legacy is not False else _standardized(doc)

    def delete_application(self, enterprise_id: str, application_id: str) -> list[Path]:
        """Delete the application and its versions; returns their files, to remove after commit.

        Devices keep the app installed; their references to its versions are cleared.
        """
        app = self._app_row(enterprise_id, application_id)
        versions = apps_db.version_files(self.store, app.id)
        apps_db.forget_installs(self.store, [row.id for row in versions])
        apps_db.delete_versions(self.store, app.id)
        apps_db.delete_application(self.store, app.pk)
        return [Path(row.file_path) for row in versions]

    def delete_version(
        self, enterprise_id: str, application_id: str, version_id: str
    ) -> list[Path]:
        """Delete one version (the application stays, maybe with no versions left).

        Returns its file, to remove after commit; devices keep the version installed.
        """
        app_row = self._app_row(enterprise_id, application_id)
        row = self._version_row(enterprise_id, application_id, version_id)
        apps_db.forget_installs(self.store, [row.id])
        apps_db.delete_version(self.store, row.pk)
        app = msgspec.json.decode(app_row.doc, type=Application)
        app.versions = [s for s in app.versions or [] if s.id != row.id]
        app.updated_on = self.clock.utcnow()
        apps_db.save_application(self.store, app_row.pk, msgspec.json.encode(app))
        return [Path(row.file_path)]

    def install_devices(
        self,
        enterprise_id: str,
        application_id: str,
        version_id: str,
        limit: int,
        offset: int,
        search: str | None = None,
    ) -> Page:
        """A page of the devices that have the version installed (``search``: device name)."""
        self._app_row(enterprise_id, application_id)
        self._version_row(enterprise_id, application_id, version_id)
        total, rows = apps_db.install_devices(
            self.store, enterprise_id, version_id, limit, offset, search
        )
        return Page(total, [_install_device(*row) for row in rows])

    @staticmethod
    def remove_files(paths: list[Path]) -> None:
        """Delete stored files (call once the transaction that dropped their rows committed).

        The delete has happened by then: a file that cannot be removed is left behind.
        """
        for path in paths:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)

    def _app_row(self, enterprise_id: str, application_id: str) -> Row[Any]:
        """The enterprise's application row, or a 404."""
        row = apps_db.app_row(self.store, enterprise_id, application_id)
        if row is None:
            raise not_found("Application")
        return row

    def _version_row(self, enterprise_id: str, application_id: str, version_id: str) -> Row[Any]:
        """The application's version row, or a 404."""
        row = apps_db.version_row(self.store, enterprise_id, version_id, application_id)
        if row is None:
            raise not_found("App version")
        return row


def _summary(version: AppVersion) -> ApplicationVersion:
    """The short form of a version listed inside its application."""
    return ApplicationVersion.construct(
        id=version.id,
        version_code=version.version_code,
        version_name=version.version_name,
        build_number=version.build_number,
        hash_string=version.hash_string,
        min_sdk_version=version.min_sdk_version,
        target_sdk_version=version.target_sdk_version,
        download_url=version.app_file,
    )


def _standardized(doc: bytes) -> bytes:
    """A stored (legacy) version served standardized: the versionCode as ``version_code``."""
    version: dict[str, Any] = msgspec.json.decode(doc)
    build_number = version.pop("build_number", None)
    if build_number is not None:
        version["version_code"] = build_number
    return msgspec.json.encode(version)


def _install_device(device_id: str, device_name: str, doc: bytes, group: str | None) -> bytes:
    """One row of ``installdevices``: the device's id, names and first group."""
    alias = msgspec.json.decode(doc, type=_Alias).alias_name
    return msgspec.json.encode(
        InstallDevices.construct(
            id=device_id, device_name=device_name, alias_name=alias, group_name=group
        )
    )
