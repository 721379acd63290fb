"""PostgreSQL for the tests: a real server (Debian's postgresql 15) started by
pytest-postgresql's executor in a temporary folder on a free port, one fresh database per test.

Import the fixtures a test module needs (``from pg import pg, pg_url``). Without the binaries
the PostgreSQL tests are skipped locally and fail in CI (``.ci/run`` installs them).
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_postgresql.executors import PostgreSQLExecutor
from pytest_postgresql.janitor import DatabaseJanitor

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import benchlib


def _server() -> Iterator[PostgreSQLExecutor]:
    """A server of its own on a free port, in a folder of its own under /tmp."""
    _need_postgresql()
    with benchlib.postgresql("otiose") as server:
        yield server


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgreSQLExecutor]:
    """The session's PostgreSQL server."""
    yield from _server()


@pytest.fixture(scope="session")
def pg_outage_server() -> Iterator[PostgreSQLExecutor]:
    """A second server, for the tests that stop and start it."""
    yield from _server()


def _need_postgresql() -> None:
    if (benchlib.PG_BIN / "pg_ctl").exists():
        return
    message = f"PostgreSQL binaries not found in {benchlib.PG_BIN} (apt-get install postgresql)"
    if os.environ.get("CI"):
        pytest.fail(message + "; .ci/run installs them")
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg(pg_server: PostgreSQLExecutor) -> PostgreSQLExecutor:
    """The session's PostgreSQL server (a short name for tests)."""
    return pg_server


def url_of(server: PostgreSQLExecutor, dbname: str) -> str:
    """The SQLAlchemy URL of one database on ``server``."""
    return f"postgresql+psycopg://{server.user}@{server.host}:{server.port}/{dbname}"


@pytest.fixture
def pg_url(pg: PostgreSQLExecutor) -> Iterator[str]:
    """A new, empty database on the session's server, dropped after the test."""
    yield from _database(pg)


@pytest.fixture
def pg_outage(
    pg_outage_server: PostgreSQLExecutor,
) -> Iterator[tuple[PostgreSQLExecutor, str]]:
    """A server of its own (the test stops and starts it) and a database on it."""
    server = pg_outage_server
    for url in _database(server):
        yield server, url
    if not server.running():
        server.start()


def _database(server: PostgreSQLExecutor) -> Iterator[str]:
    name = "otiose_" + uuid.uuid4().hex[:12]
    janitor = DatabaseJanitor(
        user=server.user, host=server.host, port=server.port, dbname=name, password=server.password
    )
    janitor.init()
    try:
        yield url_of(server, name)
    finally:
        if server.running():
            janitor.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes this runs twice: on a SQLite file, and on a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'otiose.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url
