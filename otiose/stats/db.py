"""Engines and migrations: SQLite under ``instance/`` by default, PostgreSQL by URL.

Durability on SQLite: the database runs in WAL mode with ``synchronous=NORMAL``. A commit is
written to the WAL file before the call returns, so killing the app (even with SIGKILL) loses
nothing it acknowledged; only an operating-system crash or power cut can lose the last
commits, which are then rolled back cleanly (the file is never corrupted). ``synchronous=FULL``
would close that gap at the cost of one fsync per application; set ``OTIOSE_SQLITE_SYNC=FULL``
to choose it. On PostgreSQL every commit is durable (the server's ``synchronous_commit`` is left
at its default).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from .. import settings
from ..settings import ConfigError

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "migrations"
DEFAULT_PATH = ROOT / "instance" / "otiose.db"
SQLITE_SYNC = ("NORMAL", "FULL")


def default_url() -> str:
    """``DATABASE_URL`` from the environment, or the SQLite file ``instance/otiose.db``."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_PATH}"


def normalise(url: str) -> str:
    """Plain ``postgresql://`` and ``postgres://`` URLs mean the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def parse(url: str) -> URL:
    """``url`` (normalised) as SQLAlchemy reads it, or :class:`ConfigError` naming DATABASE_URL.

    Only SQLite and PostgreSQL are supported; anything else, or a URL that does not parse, is
    refused before any connection is tried.
    """
    try:
        parsed = make_url(normalise(url))
        parsed.port  # noqa: B018 - a port that is not a number fails here, not at connect time
    except (ArgumentError, ValueError):
        raise ConfigError(
            "DATABASE_URL must look like sqlite:///path/to/file.db or "
            "postgresql://user:password@host:port/database; it does not parse"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            "DATABASE_URL must name SQLite (sqlite:///…) or PostgreSQL (postgresql://…), "
            f"not {parsed.get_backend_name()!r}"
        )
    return parsed


def sqlite_sync() -> str:
    """``OTIOSE_SQLITE_SYNC``: NORMAL (default) or FULL; checked whatever the database, so a
    typo is caught before the day the site moves to SQLite."""
    return settings.choice("OTIOSE_SQLITE_SYNC", "NORMAL", SQLITE_SYNC)


def describe(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str | None = None, *, autocommit: bool = False) -> Engine:
    """An engine for ``url`` with the settings this app relies on.

    SQLite: the file's folder is created, WAL journal, a busy timeout so that concurrent
    writers wait instead of failing, foreign keys on. PostgreSQL: a short connect timeout, so
    an unreachable server is noticed in seconds. ``autocommit`` makes every statement its own
    transaction (the stats service; migrations use a transactional engine).
    """
    url = normalise(url or default_url())
    parsed = parse(url)
    kwargs: dict[str, Any] = {}
    if autocommit:
        # the service runs one statement per call: no BEGIN/COMMIT round trips, and no
        # isolation-level switch on every checkout (set here once, for the whole pool)
        kwargs["isolation_level"] = "AUTOCOMMIT"
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            # best effort: if it cannot be made, connecting fails and the numbers are unavailable
            with contextlib.suppress(OSError):
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        sync = sqlite_sync()
        kwargs["connect_args"] = {"timeout": 10}
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={sync}")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    if parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 3, "application_name": "otiose"}
        # no pre-ping (a round trip per request): a connection broken by a restart fails one
        # call, which invalidates the whole pool; the service retries after a pause
        kwargs["pool_size"] = 5
        kwargs["max_overflow"] = 10
        kwargs["pool_timeout"] = 5
    return create_engine(url, **kwargs)


# ---------------------------------------------------------------- migrations


def alembic_config(engine: Engine) -> Config:
    """A programmatic Alembic config over ``migrations/`` that reuses ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option(
        "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
    )
    config.attributes["engine"] = engine
    return config


def head() -> str:
    """The newest revision the code knows."""
    script = ScriptDirectory.from_config(_script_config())
    heads = script.get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations/ has {len(heads)} heads; merge them into one")
    return heads[0]


def current(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def behind(engine: Engine) -> str | None:
    """None when the database is at the code's head; otherwise why it is not, as a sentence."""
    at = current(engine)
    want = head()
    if at == want:
        return None
    script = ScriptDirectory.from_config(_script_config())
    if at is None:
        where = "empty (no tables yet)" if empty(engine) else "unversioned (tables, no revision)"
    else:
        where = f"at revision {at}"
    if at is not None and not _known(script, at):
        # newer code migrated it: upgrading from here cannot work, only that code can go back
        return (
            f"The database {describe(str(engine.url))} is at revision {at}, which this code "
            f"does not know (newer code migrated it?); this code needs revision {want}. Deploy "
            f"the code that has {at}, or run its flask --app app db downgrade {want}"
        )
    return (
        f"The database {describe(str(engine.url))} is {where}; this code needs revision {want}. "
        "Run: flask --app app db upgrade"
    )


def empty(engine: Engine) -> bool:
    """True for a new database: no migration recorded and none of the app's tables."""
    if current(engine) is not None:
        return False
    return not {"applications", "sightings"} & set(inspect(engine).get_table_names())


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision``."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to ``revision`` (``base`` for an empty database)."""
    command.downgrade(alembic_config(engine), revision)


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def _script_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
