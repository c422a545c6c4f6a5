"""`deskctl inspect …`: periodic inspections."""

import typer

app = typer.Typer(help="Periodic inspections: plans, what is due, runs and findings.", no_args_is_help=True)
