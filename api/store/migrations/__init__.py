"""Alembic migration scripts (a package so they install with carepost)."""
