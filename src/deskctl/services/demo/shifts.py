"""Demo shifts."""


def seed(ctx) -> None:
    """Seeds nothing yet."""
