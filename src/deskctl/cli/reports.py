"""`deskctl report …`: daily page, SLA, tickets, inspections, attendance, training, recurring, performance."""

import typer

app = typer.Typer(help="Reports and performance assessment.", no_args_is_help=True)
