"""Applications: list, upload (streamed to disk, parsed as an APK), versions, deletes.

Deletes drop the rows in one transaction and remove the stored files only after it
has committed, so a failed request leaves both rows and files as they were.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from esper_emulator.apk import InvalidApk, read_apk
from esper_emulator.errors import bad_request
from esper_emulator.operation import Answer, Call, page_body, serve
from esper_emulator.store.apps import ApplicationFilters
from esper_emulator.uploads import receive_file
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


def list_applications(call: Call) -> Answer:
    """``GET /application/``: a page of the enterprise's applications."""
    filters = ApplicationFilters(call["application_name"], call["package_name"], call["is_hidden"])
    page = call.emulator.apps.list_apps(call.enterprise_id, filters, call["limit"], call["offset"])
    return page_body(call, page.count, page.docs)


def list_versions(call: Call) -> Answer:
    """``GET /application/{id}/version/``: a page of the application's versions."""
    page = call.emulator.apps.list_versions(
        call.enterprise_id,
        call["application_id"],
        call["limit"],
        call["offset"],
        version_code=call["version_code"],
        build_number=call["build_number"],
        legacy=call["legacy_format"],
    )
    return page_body(call, page.count, page.docs)


def get_application(call: Call) -> Answer:
    """``GET /application/{id}/``: the application with its versions summary."""
    return call.emulator.apps.application(call.enterprise_id, call["application_id"])


async def delete_application(call: Call) -> bytes:
    """``DELETE /application/{id}/``: the application, its versions and their files."""
    apps = call.emulator.apps
    with call.emulator.store.transaction():
        files = apps.delete_application(call.enterprise_id, call["application_id"])
    apps.remove_files(files)
    return b""


def get_version(call: Call) -> Answer:
    """``GET /application/{id}/version/{id}/``: one version, legacy unless asked otherwise."""
    return call.emulator.apps.version(
        call.enterprise_id, call["application_id"], call["version_id"], call["legacy_format"]
    )


async def delete_version(call: Call) -> bytes:
    """``DELETE /application/{id}/version/{id}/``: the version and its file."""
    apps = call.emulator.apps
    with call.emulator.store.transaction():
        files = apps.delete_version(call.enterprise_id, call["application_id"], call["version_id"])
    apps.remove_files(files)
    return b""


def install_devices(call: Call) -> Answer:
    """``GET .../version/{id}/installdevices``: a page of the devices that have it."""
    page = call.emulator.apps.install_devices(
        call.enterprise_id,
        call["application_id"],
        call["version_id"],
        call["limit"],
        call["offset"],
        call["search"],
    )
    return page_body(call, page.count, page.docs)


async def upload(call: Call) -> Answer:
    """``POST /application/upload/``: a new application or version from an APK."""
    settings = call.emulator.settings
    received = await receive_file(
        call.request, "app_file", settings.max_upload_bytes, settings.files_dir / "incoming"
    )
    path = received.path
    try:
        if received.size == 0:
            raise bad_request("app_file", "The submitted file is empty.")
        try:
            apk = await run_in_threadpool(read_apk, path)  # hashing a big file takes a while
        except InvalidApk as exc:
            raise bad_request("app_file", str(exc)) from None
        with call.emulator.store.transaction():
            return call.emulator.apps.add_version(call.enterprise_id, apk, path)
    finally:
        if path.exists():
            path.unlink()


ROUTES = [
    serve(GET_ALL_APPLICATIONS, list_applications),
    serve(UPLOAD, upload),
    serve(GET_APP_VERSIONS, list_versions),
    serve(GET_APPLICATION, get_application),
    serve(DELETE_APPLICATION, delete_application),
    serve(GET_APP_VERSION, get_version),
    serve(DELETE_APP_VERSION, delete_version),
    serve(GET_INSTALL_DEVICES, install_devices),
]
