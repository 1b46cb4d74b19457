"""Alembic migrations: schema only, numbered, reversible. Run through `python -m seed`."""
