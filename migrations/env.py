"""Alembic environment: runs migrations over the engine the app hands it (see otiose.stats.db)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from otiose.stats.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (``--sql``)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a connection from the app's engine (or one made from the URL)."""
    engine = config.attributes.get("engine") or create_engine(
        config.get_main_option("sqlalchemy.url") or ""
    )
    with engine.connect() as connection:
        # SQLite cannot ALTER most things; batch mode rebuilds tables when a migration needs it.
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # several app servers starting on a new database: one migrates, the others wait
                # here and then find nothing left to do
                connection.execute(text("SELECT pg_advisory_xact_lock(7151819)"))
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
