"""The population an audit is computed over, as plain exact tables.

This module is the only place the audit reads the game's population. It adapts whatever the game
provides into :class:`PopulationTables`; everything else in ``otiose.audit`` takes a
``PopulationTables`` argument and never imports the game's population itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from types import ModuleType
from typing import Any

from ..content import vocab
from ..content.models import Filters


@dataclass(frozen=True, eq=False)  # compared and hashed by identity
class PopulationTables:
    """A joint distribution with the game's structure.

    Gender and race are independent of everything; age is drawn by band, then uniformly within
    the band; education, experience, union membership and marital status are each drawn given the
    band. Every share is an exact ``Fraction``.
    """

    name: str
    gender: Mapping[str, Fraction]
    race: Mapping[str, Fraction]
    bands: tuple[tuple[int, int, Fraction], ...]
    education: tuple[Mapping[str, Fraction], ...]
    experience: tuple[Mapping[str, Fraction], ...]
    union: tuple[Fraction, ...]  # P(member) per band
    marital: tuple[Mapping[str, Fraction], ...]

    def __post_init__(self) -> None:
        if self.bands[0][0] != vocab.MIN_AGE or self.bands[-1][1] != vocab.MAX_AGE:
            raise ValueError(f"{self.name}: age bands must run {vocab.MIN_AGE}-{vocab.MAX_AGE}")
        for (_, hi, _), (lo, _, _) in zip(self.bands, self.bands[1:], strict=False):
            if lo != hi + 1:
                raise ValueError(f"{self.name}: age bands must be contiguous")
        n = len(self.bands)
        for label, per_band in (
            ("education", self.education),
            ("experience", self.experience),
            ("union", self.union),
            ("marital", self.marital),
        ):
            if len(per_band) != n:
                raise ValueError(f"{self.name}: {label} needs one entry per age band")


def from_module(module: ModuleType, name: str = "today") -> PopulationTables:
    """Tables from a module laid out like ``otiose.game.population`` (GENDER, RACE, ...)."""
    return PopulationTables(
        name=name,
        gender=dict(module.GENDER),
        race=dict(module.RACE),
        bands=tuple(tuple(b) for b in module.AGE_BANDS),
        education=tuple(dict(t) for t in module.EDUCATION_BY_BAND),
        experience=tuple(dict(t) for t in module.EXPERIENCE_BY_BAND),
        union=tuple(module.UNION_BY_BAND),
        marital=tuple(dict(t) for t in module.MARITAL_BY_BAND),
    )


def from_population(population: Any, name: str) -> PopulationTables:
    """Tables from a typed population: ``gender``, ``race`` and ``bands``, each band with
    ``lo``, ``hi``, ``share`` and its ``education``, ``experience``, ``union`` (by True/False)
    and ``maritalStatus`` tables."""
    bands = tuple(population.bands)
    return PopulationTables(
        name=name,
        gender=dict(population.gender),
        race=dict(population.race),
        bands=tuple((b.lo, b.hi, b.share) for b in bands),
        education=tuple(dict(b.education) for b in bands),
        experience=tuple(dict(b.experience) for b in bands),
        union=tuple(b.union[True] for b in bands),
        marital=tuple(dict(b.maritalStatus) for b in bands),
    )


_BOARDS: dict[int, tuple[Any, dict[str, PopulationTables]]] = {}


def board_tables(board: Any) -> dict[str, PopulationTables]:
    """Every population a game board holds, by id: ``today`` (``board.population``) and one per
    era (``board.era_populations``), built once per board."""
    hit = _BOARDS.get(id(board))
    if hit is None or hit[0] is not board:
        tables = {"today": from_population(board.population, "today")}
        for era, population in board.era_populations.items():
            tables[era] = from_population(population, era)
        hit = (board, tables)
        _BOARDS[id(board)] = hit
    return hit[1]


# ---------------------------------------------------------------- the adapter (merge point)


@cache
def today() -> PopulationTables:
    """Today's population, as the game deals it (built once)."""
    from ..game import population

    return from_module(population, "today")


@cache
def available() -> dict[str, PopulationTables]:
    """Every population the desk offers, by id: ``today`` (era populations join here)."""
    return {"today": today()}


def reference_odds(filters: Filters, tables: PopulationTables) -> Fraction:
    """The game's own pass probability for ``filters`` over ``tables`` (what the posting API
    reports), for tests that hold the audit to it."""
    from ..game import odds
    from ..game import population as game_population

    if tables.name != "today":
        raise ValueError("the game computes odds over today's population only (for now)")
    return odds.pass_probability(filters, game_population.today())
