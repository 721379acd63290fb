"""The tables behind the live numbers. Anonymous by design: no column can hold an address,
a user agent, an account or anything else that points at a person or a browser.

A run is stored only as a one-way digest of the id the game gives it, so a row cannot be
matched with a share link.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the stats tables (its metadata is what Alembic compares against)."""


class Application(Base):
    """One application of one run to one posting; a run counts once per posting."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("run", "posting_id", name="uq_applications_run_posting"),
        # a posting's counts, the day's daily runs held back, read from the index alone
        Index("ix_applications_posting", "posting_id", "daily", "day", "hired"),
        Index("ix_applications_day_daily", "day", "daily", "run"),
        # one application per place in a run: a replayed cookie cannot count past the budget
        # (None for rows recorded before places were kept, and for callers that keep none)
        Index("uq_applications_run_slot", "run", "slot", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run: Mapped[str] = mapped_column(String(32))  # sha256 of the game's run id, 128 bits in hex
    posting_id: Mapped[str] = mapped_column(String(120))
    era: Mapped[str] = mapped_column(String(60))
    hired: Mapped[bool] = mapped_column(Boolean)
    day: Mapped[date] = mapped_column(Date)
    daily: Mapped[bool] = mapped_column(Boolean)
    slot: Mapped[int | None] = mapped_column(Integer, nullable=True)  # its place in the run


class Sighting(Base):
    """One reader's "I have worked with one" for one specimen on one day."""

    __tablename__ = "sightings"
    __table_args__ = (
        Index("ix_sightings_specimen", "specimen_id"),
        Index("ix_sightings_day_specimen", "day", "specimen_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    specimen_id: Mapped[str] = mapped_column(String(120))
    day: Mapped[date] = mapped_column(Date)
