"""The live numbers' service: record applications and sightings, read the counts back.

Every call either answers or raises :class:`Unavailable`; the database being down never
becomes an error page. The first failure is logged once and later calls fail fast (no
connection attempt) for ``retry_after`` seconds, then the next call tries again; the first
success after an outage logs one line and everything carries on.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any, TypeVar, cast

from sqlalchemy import Engine, Table, bindparam, case, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from . import db
from .models import Application, Sighting

T = TypeVar("T")
MAX_ID = 120
log = logging.getLogger("otiose.stats")

# Statements built once, with bound parameters: building an ORM statement per call cost more
# than the database's own work. Core tables, compiled once per dialect and cached.
APPS = cast(Table, Application.__table__)
SIGHTS = cast(Table, Sighting.__table__)
HIRED = func.sum(case((APPS.c.hired.is_(True), 1), else_=0))
RECORD = {
    "sqlite": sqlite.insert(APPS).on_conflict_do_nothing(),
    "postgresql": postgresql.insert(APPS).on_conflict_do_nothing().returning(APPS.c.id),
}
SIGHT = insert(SIGHTS)
# Daily runs of the day ``held`` or later are left out of the posting counts: see Stats.posting.
SETTLED = or_(APPS.c.daily.is_(False), APPS.c.day < bindparam("held"))
POSTING = select(func.count(), HIRED).where(APPS.c.posting_id == bindparam("posting_id"), SETTLED)
POSTINGS = select(APPS.c.posting_id, func.count(), HIRED).where(SETTLED).group_by(APPS.c.posting_id)
SIGHTINGS = (
    select(func.count()).select_from(SIGHTS).where(SIGHTS.c.specimen_id == bindparam("specimen_id"))
)
_PER_RUN = (
    select(HIRED.label("score"))
    .where(APPS.c.day == bindparam("day"), APPS.c.daily.is_(True))
    .group_by(APPS.c.run)
    .subquery()
)
SCORES = select(_PER_RUN.c.score, func.count()).group_by(_PER_RUN.c.score)
MINE = select(func.count(), HIRED).where(
    APPS.c.run == bindparam("run"), APPS.c.day == bindparam("day"), APPS.c.daily.is_(True)
)


class Unavailable(Exception):
    """The database cannot be reached (or is not at the code's migrations) just now."""


class SchemaBehind(RuntimeError):
    """The database is behind the code's migrations; the message names the command to run."""


@dataclass(frozen=True)
class Counts:
    """How many runs applied to something, and how many of them were hired."""

    applied: int
    hired: int

    @property
    def rate(self) -> float | None:
        """The share hired (0-1), or None before anyone applied."""
        return self.hired / self.applied if self.applied else None


@dataclass(frozen=True)
class Standing:
    """Where one daily run's score sits among every daily run of its day."""

    score: int
    runs: int
    below: int
    same: int
    above: int

    @property
    def beat(self) -> float:
        """The share of the other runs this one scored strictly more than (0-1)."""
        others = self.runs - 1
        return self.below / others if others > 0 else 0.0


def run_digest(run_id: str) -> str:
    """The stored form of a run id: 128 bits of its SHA-256, so rows cannot be tied to a link."""
    return hashlib.sha256(run_id.encode("utf-8")).hexdigest()[:32]


class Stats:
    """The counts over one database. Thread-safe; safe across ``fork`` (each process reconnects).

    ``migrate`` says what to do when the database is behind the code: ``"upgrade"`` applies the
    migrations (the dev server, tests), ``"refuse"`` raises :class:`SchemaBehind` from
    :meth:`start` (production) and otherwise keeps the numbers unavailable, but sets up a new,
    empty database on first use: only a schema someone already relies on is never migrated
    behind their back. ``"never"`` writes nothing (the CSV export).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        migrate: str = "refuse",
        retry_after: float = 2.0,
        logger: logging.Logger | None = None,
    ) -> None:
        if migrate not in ("upgrade", "refuse", "never"):
            raise ValueError("migrate must be 'upgrade', 'refuse' or 'never'")
        self.url = db.normalise(url or db.default_url())
        db.parse(self.url)  # a malformed or unsupported URL stops here, naming DATABASE_URL
        db.sqlite_sync()  # and so does a bad OTIOSE_SQLITE_SYNC, on any database
        self.migrate = migrate
        self.retry_after = retry_after
        self.log = logger or log
        self._engine: Engine | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._ready = False
        self._down = False
        self._next_try = 0.0
        self._problem = ""
        self._behind: str | None = None

    # ------------------------------------------------------------ connection and health

    @property
    def engine(self) -> Engine:
        """The engine of this process (a forked child drops its parent's pooled connections)."""
        with self._lock:
            if self._engine is None:
                self._engine = db.make_engine(self.url, autocommit=True)
                self._pid = os.getpid()
            elif self._pid != os.getpid():
                self._engine.dispose(close=False)
                self._pid = os.getpid()
            return self._engine

    def start(self) -> bool:
        """Check (or, with ``migrate="upgrade"``, bring up) the schema; True if ready.

        Raises :class:`SchemaBehind` when the database answers but is behind the code and
        migrations are not to be applied here. An unreachable database is logged once and
        retried by later calls. Pooled connections are closed afterwards, so a server that
        forks workers after this hands them none.
        """
        try:
            self._call(lambda _c: None)
        except Unavailable:
            if self._behind is not None:
                raise SchemaBehind(self._behind) from None
        finally:
            if self._engine is not None:
                self._engine.dispose()
        return self._ready

    @property
    def available(self) -> bool:
        """False while the last attempt failed (without trying again)."""
        return self._ready and not self._down

    def _prepare(self, engine: Engine) -> None:
        problem = db.behind(engine)
        if problem is not None and (
            self.migrate == "upgrade" or (self.migrate == "refuse" and db.empty(engine))
        ):
            migrations = db.make_engine(self.url)  # transactional, unlike the service's
            try:
                db.upgrade(migrations)
            finally:
                migrations.dispose()
            problem = db.behind(engine)
        self._behind = problem
        if problem is not None:
            self._problem = problem
            raise Unavailable(problem)
        self._ready = True

    def _call(self, work: Callable[[Connection], T], *, write: bool = False) -> T:
        now = time.monotonic()
        if self._down and now < self._next_try:
            raise Unavailable(self._problem)
        engine = self.engine
        try:
            if not self._ready:
                self._prepare(engine)
            # Every call is one statement (or a few reads) on an autocommit engine: no BEGIN or
            # COMMIT round trips. SQLite has one writer at a time; a process-wide lock queues
            # this process's writers instead of letting them sleep in SQLite's busy handler.
            if write and engine.dialect.name == "sqlite":
                with self._write_lock, engine.connect() as connection:
                    result = work(connection)
            else:
                with engine.connect() as connection:
                    result = work(connection)
        except Unavailable:
            self._failed(self._problem, now)
            raise
        except (DBAPIError, PoolTimeout) as exc:
            # Any database error, not only a lost connection: a table dropped or renamed under
            # the running app (a restored backup, a downgrade) fails as "no such table", and
            # that must leave the game working too. The schema is checked again on the next
            # try, so the numbers come back once it is right (a new, empty database is set up
            # again as at first start).
            self._ready = False
            self._failed(reason(exc), now)
            raise Unavailable(self._problem) from exc
        if self._down:
            with self._lock:
                if self._down:
                    self._down = False
                    self.log.warning("live numbers: database %s is back", db.describe(self.url))
        return result

    def _failed(self, problem: str, now: float) -> None:
        with self._lock:
            self._problem = problem
            self._next_try = now + self.retry_after
            if not self._down:
                self._down = True
                self.log.error(
                    "live numbers unavailable (retrying every %.0fs, logged once): %s",
                    self.retry_after,
                    problem,
                )

    # ------------------------------------------------------------ writes

    def record_application(
        self,
        run_id: str,
        posting_id: str,
        era: str,
        hired: bool,
        day: date,
        daily: bool,
        slot: int | None = None,
    ) -> bool:
        """Count one application; True if it was new, False if this run had already applied
        to this posting, or had already made an application in place ``slot``.

        Idempotent on (run, posting) and on (run, slot) by unique constraints and an insert that
        does nothing on conflict, so a replayed request, a reload or a second tab adds nothing.
        ``slot`` is the application's place in its run (0 for the first): the run's state comes
        back from the player, and an old copy of it applies again in a place already filled,
        so without it one run could count more applications than the budget. For a daily run
        ``day`` is the daily applicant's date; otherwise the day it was played (UTC).
        """
        _check_id("posting_id", posting_id)
        _check_id("era", era)
        if slot is not None and (not isinstance(slot, int) or slot < 0):
            raise ValueError("slot must be a place in the run: a whole number from 0")
        values = {
            "run": run_digest(run_id),
            "posting_id": posting_id,
            "era": era,
            "hired": bool(hired),
            "day": day,
            "daily": bool(daily),
            "slot": slot,
        }

        def work(connection: Connection) -> bool:
            stmt = RECORD.get(connection.dialect.name)
            if stmt is None:  # pragma: no cover - only SQLite and PostgreSQL are supported
                raise RuntimeError(f"unsupported database {connection.dialect.name}")
            result = connection.execute(stmt, values)
            if connection.dialect.name == "postgresql":
                # an id comes back only when the row went in (the driver's rowcount does not tell)
                return result.first() is not None
            return result.rowcount == 1  # SQLite: 0 when the unique constraint was met

        return self._call(work, write=True)

    def record_sighting(self, specimen_id: str, day: date) -> None:
        """Count one "I have worked with one" (the web layer keeps it to one per browser a day)."""
        _check_id("specimen_id", specimen_id)
        self._call(lambda c: c.execute(SIGHT, {"specimen_id": specimen_id, "day": day}), write=True)

    # ------------------------------------------------------------ reads

    def posting(self, posting_id: str, held_back: date = date.max) -> Counts:
        """Runs that applied to one posting, and how many were hired.

        Daily runs of the day ``held_back`` or later are left out: every player of a day has
        the same applicant, so the day's own counts would tell a player who has not applied yet
        how that applicant fares there. The site passes today (UTC); they join the next day.
        """
        params = {"posting_id": posting_id, "held": held_back}
        row = self._call(lambda c: c.execute(POSTING, params).one())
        return Counts(int(row[0]), int(row[1] or 0))

    def postings(self, held_back: date = date.max) -> dict[str, Counts]:
        """Every posting anyone applied to: its counts (for the ranking's hire rate), the daily
        runs of the day ``held_back`` or later left out as in :meth:`posting`."""
        rows: list[Any] = self._call(lambda c: list(c.execute(POSTINGS, {"held": held_back})))
        return {str(pid): Counts(int(n), int(h or 0)) for pid, n, h in rows}

    def scores(self, day: date) -> dict[int, int]:
        """How the daily runs of ``day`` scored: offers -> number of runs."""
        rows: list[Any] = self._call(lambda c: list(c.execute(SCORES, {"day": day})))
        return {int(score or 0): int(n) for score, n in rows}

    def standing(self, run_id: str, day: date) -> Standing | None:
        """Where this daily run stands among the day's daily runs (None if it has not applied)."""
        return self.standing_of(run_digest(run_id), day)

    def standing_of(self, digest: str, day: date) -> Standing | None:
        """:meth:`standing` for a run given by its stored digest (what a report page links)."""
        row: Any = self._call(lambda c: c.execute(MINE, {"run": digest, "day": day}).one())
        applied, hired = row
        if not applied:
            return None
        histogram = self.scores(day)
        score = int(hired or 0)
        return Standing(
            score=score,
            runs=sum(histogram.values()),
            below=sum(n for s, n in histogram.items() if s < score),
            same=max(histogram.get(score, 0) - 1, 0),
            above=sum(n for s, n in histogram.items() if s > score),
        )

    def sightings(self, specimen_id: str) -> int:
        """How many times readers said they had worked with one."""
        return int(
            self._call(lambda c: c.execute(SIGHTINGS, {"specimen_id": specimen_id}).scalar_one())
        )

    def all_sightings(self) -> dict[str, int]:
        """Sightings of every specimen that has any."""
        stmt = select(Sighting.specimen_id, func.count()).group_by(Sighting.specimen_id)
        return {sid: int(n) for sid, n in self._call(lambda c: c.execute(stmt).all())}

    def most_sighted(self, today: date, days: int = 7) -> tuple[str, int] | None:
        """The specimen sighted most in the ``days`` days up to ``today`` (ties: by id)."""
        n = func.count().label("n")
        stmt = (
            select(Sighting.specimen_id, n)
            .where(Sighting.day > today - timedelta(days=days), Sighting.day <= today)
            .group_by(Sighting.specimen_id)
            .order_by(n.desc(), Sighting.specimen_id)
            .limit(1)
        )
        row = self._call(lambda c: c.execute(stmt).first())
        return None if row is None else (str(row[0]), int(row[1]))

    # ------------------------------------------------------------ export

    def export_csv(self, out: IO[str]) -> int:
        """Write the counts as CSV (per posting and day, per specimen and day); rows written.

        Columns: ``kind`` (application | sighting), ``id``, ``era``, ``day``, ``daily``,
        ``count``, ``hired``. Runs are summed away: nothing in the file identifies one.
        """
        applications = (
            select(
                Application.posting_id,
                Application.era,
                Application.day,
                Application.daily,
                func.count(),
                HIRED,
            )
            .group_by(Application.posting_id, Application.era, Application.day, Application.daily)
            .order_by(Application.day, Application.posting_id, Application.daily)
        )
        sightings = (
            select(Sighting.specimen_id, Sighting.day, func.count())
            .group_by(Sighting.specimen_id, Sighting.day)
            .order_by(Sighting.day, Sighting.specimen_id)
        )

        def work(connection: Connection) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
            return (
                [tuple(r) for r in connection.execute(applications)],
                [tuple(r) for r in connection.execute(sightings)],
            )

        apps, seen = self._call(work)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["kind", "id", "era", "day", "daily", "count", "hired"])
        for pid, era, day, daily, n, hired in apps:
            writer.writerow(
                ["application", pid, era, day.isoformat(), int(bool(daily)), n, int(hired or 0)]
            )
        for sid, day, n in seen:
            writer.writerow(["sighting", sid, "", day.isoformat(), "", n, ""])
        return len(apps) + len(seen)

    def close(self) -> None:
        """Close pooled connections."""
        if self._engine is not None:
            self._engine.dispose()


def _check_id(name: str, value: str) -> None:
    if not isinstance(value, str) or not value or len(value) > MAX_ID:
        raise ValueError(f"{name} must be a non-empty string of at most {MAX_ID} characters")


def reason(exc: Exception) -> str:
    """The first line of the driver's message, without the SQL or parameters."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return f"{type(orig).__name__}: {text[0] if text else ''}"
