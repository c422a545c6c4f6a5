"""`deskctl train …`: technical training records."""

import typer

app = typer.Typer(help="Training records and who is overdue.", no_args_is_help=True)
