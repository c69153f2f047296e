"""``esper content``: files of the content library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from esper_cli.options import (
    LimitOpt,
    NameSearchOpt,
    OutputOpt,
    PageSizeOpt,
    YesOpt,
    confirm,
    show_list,
)
from esper_cli.output import Feed, View, col, page_size_for, prefetch_for, print_one
from esper_cli.progress import BytesProgress
from esper_cli.state import state_of
from esperclient.models import Content

app = typer.Typer(help="Content library: upload, list, show, delete.", no_args_is_help=True)

ContentArg = Annotated[int, typer.Argument(metavar="ID", help="Content id (a number).")]

CONTENT = View.of_model(
    Content,
    [
        col("ID", "id"),
        col("NAME", "name"),
        col("KIND", "kind"),
        col("SIZE", "size"),
        col("TAGS", "tags"),
        col("CREATED", "created"),
    ],
    [
        col("ID", "id"),
        col("Name", "name"),
        col("Kind", "kind"),
        col("Size", "size"),
        col("Hash", "hash"),
        col("Tags", "tags"),
        col("Description", "description"),
        col("Download URL", "download_url"),
        col("Created", "created"),
        col("Modified", "modified"),
    ],
)


@app.command("upload")
def upload_content(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="The file to upload.",
            show_default=False,
        ),
    ],
    output: OutputOpt = None,
) -> None:
    """Upload a file (streamed, with progress)."""
    run = state_of(ctx)
    esper = run.client()
    with BytesProgress(file.name, quiet=run.quiet) as progress:
        uploaded = esper.content.upload(file, on_progress=progress)
    print_one(run.format(output), CONTENT, uploaded)


@app.command("list")
def list_content(
    ctx: typer.Context,
    search: NameSearchOpt = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List content files."""
    run = state_of(ctx)
    files = run.client().content.list(
        search=search,
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), CONTENT, Feed(files, limit), "content files")


@app.command("show")
def show_content(ctx: typer.Context, content_id: ContentArg, output: OutputOpt = None) -> None:
    """Show one content file."""
    run = state_of(ctx)
    print_one(run.format(output), CONTENT, run.client().content.get(content_id))


@app.command("delete")
def delete_content(ctx: typer.Context, content_id: ContentArg, yes: YesOpt = False) -> None:
    """Delete a content file."""
    run = state_of(ctx)
    confirm(f"Delete content {content_id}?", yes)
    run.client().content.delete(content_id)
    run.note(f"deleted content {content_id}")
