"""Migrations apply on every backend and match the models exactly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from api.store import migrate
from api.store.database import make_engine
from api.store.models import Base


def test_upgrade_from_empty_reaches_head(blank_database_url: str) -> None:
    engine = make_engine(blank_database_url)
    try:
        assert not migrate.is_at_head(engine)
        migrate.upgrade(engine)
        assert migrate.is_at_head(engine)
        tables = set(inspect(engine).get_table_names())
        assert {"organisations", "users", "api_keys", "audit_events", "alembic_version"} <= tables
        migrate.upgrade(engine)  # a second run is a no-op
        assert migrate.current_revisions(engine) == migrate.head_revisions()
    finally:
        engine.dispose()


def test_models_match_the_migrated_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_downgrade_to_base_and_back(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            command.downgrade(migrate.alembic_config(connection), "base")
        assert "api_keys" not in inspect(engine).get_table_names()
        migrate.upgrade(engine)
        assert migrate.is_at_head(engine)
    finally:
        engine.dispose()


def test_revisions_are_numbered_in_order() -> None:
    names = sorted(p.name for p in (migrate.MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))
    assert names[0].startswith("0001_")
    assert migrate.next_revision_id() == f"{len(names) + 1:04d}"
