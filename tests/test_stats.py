"""The live numbers' domain: migrations, idempotent recording, the counts, the CSV export.

Every test that takes ``db_url`` runs on a SQLite file and on a real PostgreSQL database.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from otiose.stats import Counts, SchemaBehind, Stats, Unavailable, db, run_digest
from otiose.stats.cli import db as db_cli
from otiose.stats.cli import stats as stats_cli
from otiose.stats.models import Base

pytest_plugins = ["pg"]  # PostgreSQL fixtures: db_url runs a test on SQLite and on PostgreSQL

DAY = date(2026, 11, 23)


@pytest.fixture
def stats(db_url: str) -> Iterator[Stats]:
    service = Stats(db_url, migrate="upgrade")
    assert service.start()
    yield service
    service.close()


def test_migrations_run_up_from_an_empty_database_and_back(db_url: str) -> None:
    engine = db.make_engine(db_url)
    try:
        assert db.current(engine) is None
        assert "empty (no tables yet)" in (db.behind(engine) or "")
        db.upgrade(engine)
        assert db.current(engine) == db.head()
        assert db.behind(engine) is None
        tables = set(inspect(engine).get_table_names())
        assert {"applications", "sightings", "alembic_version"} <= tables
        db.downgrade(engine, "base")
        assert not {"applications", "sightings"} & set(inspect(engine).get_table_names())
        db.upgrade(engine)
        assert db.behind(engine) is None
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_the_models(db_url: str) -> None:
    """Autogenerate finds nothing to do: the initial revision and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = db.make_engine(db_url)
    try:
        db.upgrade(engine)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_production_sets_up_a_new_database_but_refuses_one_behind_the_code(db_url: str) -> None:
    assert Stats(db_url, migrate="refuse").start()  # empty: created on first start
    engine = db.make_engine(db_url)
    db.downgrade(engine, "base")
    with engine.begin() as connection:  # a schema in use at an older revision
        connection.exec_driver_sql("CREATE TABLE applications (id INTEGER PRIMARY KEY)")
    engine.dispose()
    with pytest.raises(SchemaBehind) as caught:
        Stats(db_url, migrate="refuse").start()
    message = str(caught.value)
    assert "this code needs revision" in message
    assert "Run: flask --app app db upgrade" in message


def test_a_database_at_an_unknown_revision_is_refused_too(db_url: str) -> None:
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff'")
    engine.dispose()
    with pytest.raises(SchemaBehind, match="which this code does not know") as caught:
        Stats(db_url, migrate="refuse").start()
    # upgrading cannot help a database that newer code migrated; it says what can
    assert "db upgrade" not in str(caught.value)
    assert f"db downgrade {db.head()}" in str(caught.value)


def test_flask_db_upgrade_on_an_unknown_revision_says_why_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff'")
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(db_cli, ["upgrade"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "at revision ffff, which this code does not know" in result.output


def test_each_application_of_a_run_counts_once(stats: Stats) -> None:
    assert stats.record_application("run-1", "typist", "postwar", False, DAY, True) is True
    # a replayed request, a reload, a second tab: the same run applying to the same posting
    assert stats.record_application("run-1", "typist", "postwar", False, DAY, True) is False
    assert stats.record_application("run-1", "typist", "postwar", True, DAY, False) is False
    assert stats.posting("typist") == Counts(applied=1, hired=0)
    assert stats.record_application("run-2", "typist", "postwar", True, DAY, True) is True
    assert stats.record_application("run-1", "welder", "postwar", True, DAY, True) is True
    assert stats.posting("typist") == Counts(applied=2, hired=1)
    assert stats.posting("typist").rate == 0.5
    assert stats.posting("nobody-applied") == Counts(0, 0)
    assert stats.posting("nobody-applied").rate is None
    assert stats.postings() == {"typist": Counts(2, 1), "welder": Counts(1, 1)}


def test_simultaneous_replays_still_count_once(stats: Stats) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def replay() -> None:
        barrier.wait()
        results.append(stats.record_application("run-x", "clerk", "gilded", True, DAY, False))

    threads = [threading.Thread(target=replay) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]
    assert stats.posting("clerk") == Counts(1, 1)


def test_a_run_counts_one_application_per_place_in_it(stats: Stats) -> None:
    """An old copy of a run's cookie applies again in a place the run already filled: that
    second application in one place is not counted, whatever posting it names."""
    assert stats.record_application("run", "typist", "postwar", True, DAY, True, slot=0)
    assert not stats.record_application("run", "clerk", "postwar", True, DAY, True, slot=0)
    assert stats.record_application("run", "clerk", "postwar", True, DAY, True, slot=1)
    assert stats.record_application("other", "clerk", "postwar", True, DAY, True, slot=0)
    assert stats.scores(DAY) == {1: 1, 2: 1}
    with pytest.raises(ValueError, match="slot"):
        stats.record_application("run", "pilot", "postwar", True, DAY, True, slot=-1)


def test_runs_are_stored_only_as_digests(stats: Stats) -> None:
    stats.record_application("a-secret-run-token", "typist", "postwar", True, DAY, True)
    with stats.engine.connect() as connection:
        runs = [r[0] for r in connection.exec_driver_sql("SELECT run FROM applications")]
    assert runs == [run_digest("a-secret-run-token")]
    assert "secret" not in runs[0]


def test_nothing_about_a_person_or_browser_has_a_column() -> None:
    columns = {
        table.name: sorted(c.name for c in table.columns) for table in Base.metadata.sorted_tables
    }
    assert columns == {
        "applications": ["daily", "day", "era", "hired", "id", "posting_id", "run", "slot"],
        "sightings": ["day", "id", "specimen_id"],
    }


def test_daily_scores_and_a_runs_standing(stats: Stats) -> None:
    postings = ["a", "b", "c"]
    # five daily runs scoring 0, 1, 1, 2, 3; one non-daily run and one of another day
    for run, hires in {"r0": 0, "r1": 1, "r1b": 1, "r2": 2, "r3": 3}.items():
        for i, pid in enumerate(postings):
            stats.record_application(run, pid, "digital", i < hires, DAY, True)
    stats.record_application("free", "a", "digital", True, DAY, False)
    stats.record_application("old", "a", "digital", True, DAY - timedelta(days=1), True)
    assert stats.scores(DAY) == {0: 1, 1: 2, 2: 1, 3: 1}
    standing = stats.standing("r1", DAY)
    assert standing is not None
    assert (standing.score, standing.runs) == (1, 5)
    assert (standing.below, standing.same, standing.above) == (1, 1, 2)
    assert standing.beat == 0.25
    best = stats.standing("r3", DAY)
    assert best is not None and best.beat == 1.0
    assert stats.standing("free", DAY) is None  # not a daily run
    assert stats.standing("never-played", DAY) is None


def test_sightings_and_the_weeks_most_sighted(stats: Stats) -> None:
    assert stats.most_sighted(DAY) is None
    for _ in range(3):
        stats.record_sighting("scrum-master", DAY - timedelta(days=7))  # outside the week
    for _ in range(2):
        stats.record_sighting("growth-hacker", DAY - timedelta(days=6))
    stats.record_sighting("chief-of-staff", DAY)
    stats.record_sighting("chief-of-staff", DAY + timedelta(days=1))  # after "today"
    assert stats.sightings("scrum-master") == 3
    assert stats.sightings("nobody") == 0
    assert stats.most_sighted(DAY) == ("growth-hacker", 2)
    assert stats.most_sighted(DAY - timedelta(days=7), days=1) == ("scrum-master", 3)
    stats.record_sighting("chief-of-staff", DAY)
    assert stats.most_sighted(DAY) == ("chief-of-staff", 2)  # a tie goes to the first id
    assert stats.all_sightings() == {
        "scrum-master": 3,
        "growth-hacker": 2,
        "chief-of-staff": 3,
    }


def test_ids_are_checked(stats: Stats) -> None:
    with pytest.raises(ValueError, match="posting_id"):
        stats.record_application("r", "", "era", True, DAY, False)
    with pytest.raises(ValueError, match="specimen_id"):
        stats.record_sighting("x" * 121, DAY)


def test_export_writes_the_counts_as_csv_and_no_runs(stats: Stats) -> None:
    stats.record_application("run-1", "typist", "postwar", True, DAY, True)
    stats.record_application("run-2", "typist", "postwar", False, DAY, True)
    stats.record_application("run-3", "typist", "postwar", False, DAY, False)
    stats.record_sighting("scrum-master", DAY)
    stats.record_sighting("scrum-master", DAY)
    out = io.StringIO()
    assert stats.export_csv(out) == 3
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["kind", "id", "era", "day", "daily", "count", "hired"],
        ["application", "typist", "postwar", "2026-11-23", "0", "1", "0"],
        ["application", "typist", "postwar", "2026-11-23", "1", "2", "1"],
        ["sighting", "scrum-master", "", "2026-11-23", "", "2", ""],
    ]
    assert run_digest("run-1") not in out.getvalue()


def test_cli_upgrades_and_exports(db_url: str, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    runner = CliRunner()
    result = runner.invoke(db_cli, ["current"])
    assert result.exit_code == 1 and "Run: flask --app app db upgrade" in result.output
    result = runner.invoke(stats_cli, ["export"])
    assert result.exit_code == 1 and "db upgrade" in result.output
    result = runner.invoke(db_cli, ["upgrade"])
    assert result.exit_code == 0, result.output
    assert f"is at revision {db.head()}" in result.output
    assert runner.invoke(db_cli, ["current"]).exit_code == 0
    Stats(db_url).record_sighting("scrum-master", DAY)
    target = tmp_path / "counts.csv"
    result = runner.invoke(stats_cli, ["export", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text().splitlines() == [
        "kind,id,era,day,daily,count,hired",
        "sighting,scrum-master,,2026-11-23,,1,",
    ]


def test_an_unreachable_database_is_unavailable_and_logged_once(tmp_path, caplog) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the database's folder should be")
    service = Stats(f"sqlite:///{blocked / 'x' / 'otiose.db'}", retry_after=60)
    caplog.set_level(logging.INFO, logger="otiose.stats")
    for _ in range(5):
        with pytest.raises(Unavailable):
            service.sightings("scrum-master")
    assert not service.available
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1
