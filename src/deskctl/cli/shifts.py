"""`deskctl shift …`: the 24-hour duty rota."""

import typer

app = typer.Typer(help="Duty rota: shift types, planning, on duty now, swaps, gaps, attendance, handover.", no_args_is_help=True)
