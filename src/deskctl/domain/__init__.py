"""Pure desk logic: no I/O, no database. Imports nothing of deskctl but errors."""
