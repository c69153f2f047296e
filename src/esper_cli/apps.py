"""``esper apps``: applications and their versions: list, show, upload, delete, install.

An application is named by its id, its package name or its application name. An
install is an ``INSTALL`` command with the version to install: one device command per
device (``--device``), or one group command (``--group``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from esper_cli import resolve
from esper_cli.commands import dispatch
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
from esper_cli.output import Feed, Format, View, col, page_size_for, print_one
from esper_cli.progress import BytesProgress
from esper_cli.state import state_of
from esperclient.models import Application, AppVersion

app = typer.Typer(
    help="Applications: list, show, upload, versions, delete, install.", no_args_is_help=True
)

AppArg = Annotated[str, typer.Argument(metavar="APP", help="Application id, package name or name.")]


def _latest(field: str) -> Any:
    def get(application: Application) -> Any:
        versions = application.versions or []
        return getattr(versions[0], field, None) if versions else None

    return get


def _versions(application: Application) -> list[str]:
    return [
        f"{v.version_name or '?'} (code {v.version_code or '?'}): {v.id}"
        for v in application.versions or []
    ]


APPLICATION = View.of_model(
    Application,
    [
        col("ID", "id"),
        col("NAME", "application_name"),
        col("PACKAGE", "package_name"),
        col("LATEST", _latest("version_name")),
        col("VERSIONS", lambda a: len(a.versions or [])),
        col("UPDATED", "updated_on"),
    ],
    [
        col("ID", "id"),
        col("Name", "application_name"),
        col("Package", "package_name"),
        col("Latest version", _latest("version_name")),
        col("Latest version id", _latest("id")),
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
        col("VERSION", "version_name"),
        col("CODE", "version_code"),
        col("BUILD", "build_number"),
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
        application_name=name, package_name=package, page_size=page_size_for(limit, page_size)
    )
    show_list(run, run.format(output), APPLICATION, Feed(apps, limit), "applications")


@app.command("show")
def show_app(ctx: typer.Context, application: AppArg, output: OutputOpt = None) -> None:
    """Show an application and a summary of its versions."""
    run = state_of(ctx)
    print_one(run.format(output), APPLICATION, resolve.application(run.client(), application))


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
    output: OutputOpt = None,
) -> None:
    """Upload an APK (streamed, with progress); shows the application and its new version."""
    run = state_of(ctx)
    esper = run.client()
    with BytesProgress(file.name, quiet=run.quiet) as progress:
        uploaded = esper.applications.upload(file, on_progress=progress)
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
        resolve.application_id(esper, application), page_size=page_size_for(limit, page_size)
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


@app.command("install")
def install_app(
    ctx: typer.Context,
    version_id: Annotated[
        str, typer.Argument(metavar="VERSION_ID", help="The app version to install (an id).")
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
        group,
        {"app_version": version_id},
        wait=wait,
        timeout=timeout,
        interval=interval,
    )
