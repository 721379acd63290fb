"""Live numbers: anonymous counts of applications and sightings in a real database. No Flask.

SQLite under ``instance/`` by default, PostgreSQL through ``DATABASE_URL``; Alembic migrations in
``migrations/``. Nothing stored can identify a person or a browser.
"""

from __future__ import annotations

from .service import Counts, SchemaBehind, Standing, Stats, Unavailable, run_digest

__all__ = ["Counts", "SchemaBehind", "Standing", "Stats", "Unavailable", "run_digest"]
