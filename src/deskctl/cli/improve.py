"""`deskctl review …` and `deskctl improve …`: supervision and the improvement log."""

import typer

review_app = typer.Typer(help="Supervisor reviews.", no_args_is_help=True)
app = typer.Typer(help="Improvement actions: problems, actions, owners, outcomes.", no_args_is_help=True)
