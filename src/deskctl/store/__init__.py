"""Storage: engine and pragmas, SQLModel tables, Alembic migrations, the audit hash chain.

The only package that knows SQL dialect details. Importing it imports SQLAlchemy: keep it
out of module tops in `deskctl.cli`.
"""
