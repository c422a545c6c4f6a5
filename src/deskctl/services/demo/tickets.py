"""Demo tickets."""


def seed(ctx) -> None:
    """Seeds nothing yet."""
