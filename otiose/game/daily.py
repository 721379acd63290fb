"""The daily applicant: one per UTC day, the same for everyone, numbered from the first day.

A day's seed is derived from its date alone (SHA-256 of a fixed label and the ISO date), so every
server deals the same applicant for the same day, and any past day can be played again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .character import SEED_ALPHABET

LAUNCH = date(2026, 11, 23)  # daily No. 1


class NoSuchDay(ValueError):
    """A date with no daily applicant: before the first one, or still to come."""


@dataclass(frozen=True)
class Daily:
    """One day's applicant."""

    day: date
    number: int
    seed: str


def today(now: datetime | None = None) -> date:
    """The current UTC date."""
    return (now or datetime.now(UTC)).astimezone(UTC).date()


def seed_for(day: date) -> str:
    """The seed of ``day``: eight characters of the seed alphabet, the same on every machine."""
    n = int.from_bytes(hashlib.sha256(f"otiose-daily:{day.isoformat()}".encode()).digest(), "big")
    out = []
    for _ in range(8):
        n, i = divmod(n, len(SEED_ALPHABET))
        out.append(SEED_ALPHABET[i])
    return "".join(out)


def daily(day: date, now: datetime | None = None) -> Daily:
    """The daily run of ``day``; NoSuchDay before launch or after today (UTC)."""
    if day < LAUNCH:
        raise NoSuchDay(f"the first daily applicant was dealt on {LAUNCH.isoformat()}")
    if day > today(now):
        raise NoSuchDay(f"{day.isoformat()} has not come yet (UTC)")
    return Daily(day, (day - LAUNCH).days + 1, seed_for(day))


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` (exactly that spelling) to a date; ValueError otherwise, saying whether
    the spelling or the calendar is wrong."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise ValueError(f"{text[:40]!r} is not written YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"there is no {text} on the calendar") from None
