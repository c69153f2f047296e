"""``esper enterprise``: the enterprise the settings point at."""

from __future__ import annotations

import typer

from esper_cli.options import OutputOpt
from esper_cli.output import View, col, print_one
from esper_cli.state import state_of
from esperclient.models import EnterpriseV1

app = typer.Typer(help="The enterprise: show its details.", no_args_is_help=True)

ENTERPRISE = View.of_model(
    EnterpriseV1,
    [
        col("ID", "id"),
        col("Name", "name"),
        col("Short code", "short_code"),
        col("Registered name", "registered_name"),
        col("Address", "registered_address"),
        col("Location", "location"),
        col("Zip code", "zipcode"),
        col("Contact", "contact_person"),
        col("Phone", "contact_number"),
        col("Email", "contact_email"),
        col("Google enterprise", lambda e: e.emm.google_enterprise_id if e.emm else None),
        col("Created", "created_on"),
    ],
)


@app.command("show")
def show_enterprise(ctx: typer.Context, output: OutputOpt = None) -> None:
    """Show the enterprise's details."""
    run = state_of(ctx)
    print_one(run.format(output), ENTERPRISE, run.client().enterprise.get())
