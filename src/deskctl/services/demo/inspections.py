"""Demo inspections."""


def seed(ctx) -> None:
    """Seeds nothing yet."""
