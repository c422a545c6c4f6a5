"""Demo people."""


def seed(ctx) -> None:
    """Seeds nothing yet."""
