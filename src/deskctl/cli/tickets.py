"""`deskctl ticket …`: the fault-report lifecycle."""

import typer

app = typer.Typer(help="Tickets: open, dispatch tier by tier, resolve, confirm.", no_args_is_help=True)
