"""deskctl — the command-line tool of an IT operations service desk."""

__version__ = "0.1.0"
