"""Schema revisions this build knows, oldest first, for the fast version check on open.

Kept as plain constants so that opening a database needs no Alembic import; a test checks
that they match the migration scripts.
"""

KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006")
HEAD = KNOWN_REVISIONS[-1]
