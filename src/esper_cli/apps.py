"""``esper apps``: applications and their versions: list, show, upload, delete, install.

An application is named by its id, its package name or its application name. An
install is an ``INSTALL`` command with the version to install (named by its id, or by
its application: then its newest version): one device command per device
(``--device``), or one group command (``--group``).

"Version code" is always Android's ``versionCode`` (the API's ``build_number`` of an
app version), "version" its ``versionName``.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from esper_cli import resolve
from esper_cli.commands import dispatch
from esper_cli.errors import EXIT_NOT_FOUND, EXIT_USAGE, CliError
from esper_cli.options import (
    IntervalOpt,
    LimitOpt,
    OutputOpt,
    PageSizeOpt,
    TimeoutOpt,
    WaitOpt,
    YesOpt,
    confirm,
    show_list,
)
from esper_cli.output import Feed, Format, View, col, page_size_for, prefetch_for, print_one
from esper_cli.progress import BytesProgress
from esper_cli.state import State, state_of
from esperclient import BadRequestError, Esper
from esperclient.models import Application, ApplicationVersion, AppVersion

app = typer.Typer(
    help="Applications: list, show, upload, versions, delete, install.", no_args_is_help=True
)

AppArg = Annotated[str, typer.Argument(metavar="APP", help="Application id, package name or name.")]


MANIFEST = "AndroidManifest.xml"
_CHUNK = 1 << 20


def version_code(version: AppVersion | ApplicationVersion) -> str | None:
    """Android's versionCode of a version: ``build_number`` (``version_code`` if none)."""
    return version.build_number or version.version_code


def version_name(version: AppVersion | ApplicationVersion) -> str | None:
    """Android's versionName of a version."""
    return version.version_name or version.version_code


def describe_version(version: AppVersion | ApplicationVersion) -> str:
    """``1.0 (version code 1): ID``."""
    name, code = version_name(version) or "?", version_code(version) or "?"
    return f"{name} (version code {code}): {version.id}"


def _latest(get: Any) -> Any:
    def latest(application: Application) -> Any:
        versions = application.versions or []
        return get(versions[0]) if versions else None

    return latest


def _versions(application: Application) -> list[str]:
    return [describe_version(v) for v in application.versions or []]


APPLICATION = View.of_model(
    Application,
    [
        col("ID", "id"),
        col("NAME", "application_name"),
        col("PACKAGE", "package_name"),
        col("LATEST", _latest(version_name)),
        col("VERSIONS", lambda a: len(a.versions or [])),
        col("UPDATED", "updated_on"),
    ],
    [
        col("ID", "id"),
        col("Name", "application_name"),
        col("Package", "package_name"),
        col("Latest version", _latest(version_name)),
        col("Latest version id", _latest(lambda v: v.id)),
        col("Versions", _versions),
        col("Hidden", "is_hidden"),
        col("Created", "created_on"),
        col("Updated", "updated_on"),
    ],
)
APP_VERSION = View.of_model(
    AppVersion,
    [
        col("ID", "id"),
        col("VERSION", version_name),
        col("VERSION CODE", version_code),
        col("SIZE MB", "size_in_mb"),
        col("INSTALLED", "installed_count"),
        col("CREATED", "created_on"),
    ],
)


@app.command("list")
def list_apps(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="Application name.", show_default=False)] = None,
    package: Annotated[str | None, typer.Option(help="Package name.", show_default=False)] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List applications."""
    run = state_of(ctx)
    apps = run.client().applications.list(
        application_name=name,
        package_name=package,
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), APPLICATION, Feed(apps, limit), "applications")


@app.command("show")
def show_app(ctx: typer.Context, application: AppArg, output: OutputOpt = None) -> None:
    """Show an application and a summary of its versions."""
    run = state_of(ctx)
    print_one(run.format(output), APPLICATION, resolve.application(run.client(), application))


def check_apk(file: Path) -> str:
    """The SHA-256 of ``file``, once it is known to be an APK: a zip with a manifest."""
    try:
        with zipfile.ZipFile(file) as archive:
            archive.getinfo(MANIFEST)
    except zipfile.BadZipFile:
        raise CliError(f"{file} is not an APK: it is not a zip archive", EXIT_USAGE) from None
    except KeyError:
        raise CliError(f"{file} is not an APK: it has no {MANIFEST}", EXIT_USAGE) from None
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _uploaded(esper: Esper, sha256: str) -> tuple[Application, ApplicationVersion] | None:
    """The application and version already holding the file with ``sha256``, if any."""
    for application in esper.applications.list():
        for version in application.versions or []:
            if version.hash_string == sha256:
                return application, version
    return None


def _already(application: Application, version: ApplicationVersion) -> str:
    return (
        f"version code {version_code(version)} of {application.package_name} is already "
        f"uploaded: version {version_name(version)}, id {version.id}"
    )


@app.command("upload")
def upload_app(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="The APK to upload.",
            show_default=False,
        ),
    ],
    skip_existing: Annotated[
        bool,
        typer.Option(
            "--skip-existing", help="When this file is already uploaded, show that version."
        ),
    ] = False,
    output: OutputOpt = None,
) -> None:
    """Upload an APK (streamed, with progress); shows the application and its new version."""
    run = state_of(ctx)
    sha256 = check_apk(file)
    esper = run.client()
    try:
        with BytesProgress(file.name, quiet=run.quiet) as progress:
            uploaded = esper.applications.upload(file, on_progress=progress)
    except BadRequestError as exc:
        found = _uploaded(esper, sha256) if "app_file" in exc.field_errors else None
        if found is None:
            raise
        if not skip_existing:
            raise CliError(
                _already(*found),
                hint="install it with `esper apps install`, or pass --skip-existing",
            ) from None
        run.note(_already(*found))
        uploaded = found[0]
    fmt = run.format(output)
    print_one(fmt, APPLICATION, uploaded)
    if fmt is Format.TABLE:
        versions = uploaded.versions or []
        if versions:
            version = versions[0]
            run.note(f"install it with: esper apps install {version.id} --device DEVICE")


@app.command("versions")
def list_versions(
    ctx: typer.Context,
    application: AppArg,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List the versions of an application."""
    run = state_of(ctx)
    esper = run.client()
    versions = esper.applications.versions(
        resolve.application_id(esper, application),
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), APP_VERSION, Feed(versions, limit), "versions")


@app.command("delete")
def delete_app(
    ctx: typer.Context,
    application: AppArg,
    version: Annotated[
        str | None,
        typer.Option(help="Delete only this version (an id).", show_default=False),
    ] = None,
    yes: YesOpt = False,
) -> None:
    """Delete an application with all its versions, or only one version."""
    run = state_of(ctx)
    esper = run.client()
    app_id = resolve.application_id(esper, application)
    if version is not None:
        confirm(f"Delete version {version} of application {application}?", yes)
        esper.applications.delete_version(app_id, version)
        run.note(f"deleted version {version} of application {app_id}")
        return
    confirm(f"Delete application {application} and all its versions?", yes)
    esper.applications.delete(app_id)
    run.note(f"deleted application {app_id}")


def _code_number(version: AppVersion) -> int:
    code = version_code(version)
    return int(code) if code and code.isdigit() else -1


def newest(versions: Iterable[AppVersion]) -> AppVersion | None:
    """The version with the highest version code (the first one listed on a tie)."""
    return max(versions, key=_code_number, default=None)


def version_to_install(run: State, esper: Esper, ref: str) -> str:
    """The version id ``ref`` names: a version id, or an application (its newest version)."""
    if resolve.is_uuid(ref):
        return ref
    application = resolve.application(esper, ref)
    version = newest(esper.applications.versions(str(application.id)))
    if version is None or not version.id:
        raise CliError(f"application {ref!r} has no version to install", EXIT_NOT_FOUND)
    run.note(f"installing {application.package_name} {describe_version(version)}")
    return version.id


@app.command("install")
def install_app(
    ctx: typer.Context,
    version: Annotated[
        str,
        typer.Argument(
            metavar="VERSION",
            help="An app version id, or an application's id, package name or name: "
            "its newest version (the highest version code).",
        ),
    ],
    device: Annotated[
        list[str] | None,
        typer.Option(
            "--device", "-d", help="Device id or name; repeat for several.", show_default=False
        ),
    ] = None,
    group: Annotated[
        str | None, typer.Option("--group", "-g", help="Group id or name.", show_default=False)
    ] = None,
    wait: WaitOpt = False,
    timeout: TimeoutOpt = 300.0,
    interval: IntervalOpt = 1.0,
    output: OutputOpt = None,
) -> None:
    """Install an app version on devices (an INSTALL command each) or on a group."""
    run = state_of(ctx)
    dispatch(
        run,
        run.format(output),
        "INSTALL",
        list(device or []),
        [group] if group else [],
        {"app_version": version_to_install(run, run.client(), version)},
        wait=wait,
        timeout=timeout,
        interval=interval,
    )
