"""Alembic, configured in code: the migrations ship inside the package, no alembic.ini.

Revisions are numbered (`0001`, `0002`, ...) so their order reads off the file
names; each later feature adds its tables in its own revision.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation: %% is a literal %.
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    # env.py runs on this connection, so callers choose the engine (and, in tests, the schema).
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def is_at_head(engine: Engine) -> bool:
    return current_revisions(engine) == head_revisions()


def next_revision_id() -> str:
    count = sum(1 for _ in ScriptDirectory.from_config(alembic_config()).walk_revisions())
    return f"{count + 1:04d}"


def new_revision(engine: Engine, message: str, *, autogenerate: bool) -> None:
    """Write a new revision file (autogenerate compares the models with `engine`'s schema)."""
    with engine.begin() as connection:
        command.revision(
            alembic_config(connection),
            message=message,
            autogenerate=autogenerate,
            rev_id=next_revision_id(),
        )
