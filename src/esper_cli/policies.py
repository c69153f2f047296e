"""``esper policies``: enterprise policies (named by number or by name)."""

from __future__ import annotations

from typing import Annotated

import typer

from esper_cli import resolve
from esper_cli.options import LimitOpt, OutputOpt, PageSizeOpt, show_list
from esper_cli.output import Feed, View, col, page_size_for, prefetch_for, print_one
from esper_cli.state import state_of
from esperclient.models import EnterprisePolicy

app = typer.Typer(help="Enterprise policies: list and show.", no_args_is_help=True)

POLICY = View.of_model(
    EnterprisePolicy,
    [
        col("ID", resolve.policy_number),
        col("NAME", "name"),
        col("DEVICES", "device_count"),
        col("ACTIVE", "is_active"),
        col("UPDATED", "updated_on"),
    ],
    [
        col("ID", resolve.policy_number),
        col("Name", "name"),
        col("Description", "description"),
        col("Devices", "device_count"),
        col("Active", "is_active"),
        col("Google policy", "google_policy_id"),
        col("Settings", "policy"),
        col("Created", "created_on"),
        col("Updated", "updated_on"),
    ],
)


@app.command("list")
def list_policies(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option(help="Policy name.", show_default=False)] = None,
    active: Annotated[
        bool | None,
        typer.Option("--active/--inactive", help="Only active or only inactive policies."),
    ] = None,
    limit: LimitOpt = None,
    page_size: PageSizeOpt = None,
    output: OutputOpt = None,
) -> None:
    """List policies (the ID column is the number other commands take)."""
    run = state_of(ctx)
    policies = run.client().policies.list(
        name=name,
        is_active=active,
        page_size=page_size_for(limit, page_size),
        prefetch=prefetch_for(limit, page_size),
    )
    show_list(run, run.format(output), POLICY, Feed(policies, limit), "policies")


@app.command("show")
def show_policy(
    ctx: typer.Context,
    policy: Annotated[str, typer.Argument(metavar="POLICY", help="Policy number or name.")],
    output: OutputOpt = None,
) -> None:
    """Show one policy with its settings."""
    run = state_of(ctx)
    print_one(run.format(output), POLICY, resolve.policy(run.client(), policy))
