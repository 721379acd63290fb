"""Populations as the game reads them: exact ``Fraction`` tables built from the data files.

Today's working-age population (``otiose/data/population.yaml``) is the one every applicant is
dealt from; each era's ``population.yaml`` describes the people of its own years and is used
only to say what share of *them* a posting's filters would have passed. The applicant is the
same person in every era.

Structure of the joint distribution (the same for every population):

* gender and race are independent of everything else;
* age is drawn first, by band, then uniformly within its band;
* education, experience, union membership and marital status are each drawn given the age band
  (independent of one another given the band), so a 19-year-old is rarely a senior graduate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

from ..content import vocab
from ..content.load import TODAY_POPULATION, load_population
from ..content.models import PopulationFile


@dataclass(frozen=True, eq=False)
class Band:
    """One age band (inclusive) with its share and the conditional tables inside it."""

    lo: int
    hi: int
    share: Fraction
    education: Mapping[str, Fraction]
    experience: Mapping[str, Fraction]
    union: Mapping[bool, Fraction]
    maritalStatus: Mapping[str, Fraction]

    @property
    def years(self) -> int:
        """How many single years of age the band holds."""
        return self.hi - self.lo + 1

    def table(self, key: str) -> Mapping[Any, Fraction]:
        """The band's table for ``education``, ``experience``, ``union`` or ``maritalStatus``."""
        table: Mapping[Any, Fraction] = getattr(self, key)
        return table


BANDED = ("education", "experience", "union", "maritalStatus")


@dataclass(frozen=True, eq=False)
class Population:
    """A working-age population (18-70) as exact probability tables."""

    title: str
    year: int
    gender: Mapping[str, Fraction]
    race: Mapping[str, Fraction]
    bands: tuple[Band, ...]
    data: PopulationFile

    @classmethod
    def from_file(cls, data: PopulationFile) -> Population:
        """Build the tables from a validated population file (the loader checked the sums)."""

        def row(model: Any, values: tuple[str, ...]) -> dict[str, Fraction]:
            return {v: getattr(model, v) for v in values}

        bands = tuple(
            Band(
                lo=b.ages[0],
                hi=b.ages[1],
                share=b.share,
                education=row(data.education.by_band[i], vocab.EDUCATION),
                experience=row(data.experience.by_band[i], vocab.EXPERIENCE),
                union={
                    True: data.union.by_band[i].member,
                    False: 1 - data.union.by_band[i].member,
                },
                maritalStatus=row(data.maritalStatus.by_band[i], vocab.MARITAL),
            )
            for i, b in enumerate(data.age.bands)
        )
        return cls(
            title=data.title,
            year=data.year,
            gender=row(data.gender.shares, vocab.GENDERS),
            race=row(data.race.shares, vocab.RACES),
            bands=bands,
            data=data,
        )

    def band_of(self, age: int) -> int:
        """Index of the age band holding ``age``."""
        for i, band in enumerate(self.bands):
            if band.lo <= age <= band.hi:
                return i
        raise ValueError(f"age {age} is outside {vocab.MIN_AGE}-{vocab.MAX_AGE}")

    def band(self, age: int) -> Band:
        """The age band holding ``age``."""
        return self.bands[self.band_of(age)]

    def age_probability(self, age: int) -> Fraction:
        """P(age) for one year of age: the band's share spread evenly over its years."""
        band = self.band(age)
        return band.share / band.years

    def weight(self, attributes: Mapping[str, Any]) -> Fraction:
        """The probability of one exact combination of the seven attributes (0: impossible)."""
        band = self.band(attributes["age"])
        p = (
            self.gender[attributes["gender"]]
            * self.race[attributes["race"]]
            * self.age_probability(attributes["age"])
        )
        for key in BANDED:
            p *= band.table(key)[attributes[key]]
        return p


@cache
def today() -> Population:
    """Today's working-age population, read once from ``otiose/data/population.yaml``.

    Raises ``ContentError`` (with ``path:line`` problems) if the file is invalid; ``check``
    reports the same problems.
    """
    return Population.from_file(load_population(TODAY_POPULATION, "otiose/data/population.yaml"))


# ---------------------------------------------------------------- the dealer's view of today

# The character dealer reads today's tables by these module-level names; they are built from
# the data file on first use, never written out here.
_TABLES: dict[str, Callable[[Population], Any]] = {
    "GENDER": lambda p: dict(p.gender),
    "RACE": lambda p: dict(p.race),
    "AGE_BANDS": lambda p: [(b.lo, b.hi, b.share) for b in p.bands],
    "EDUCATION_BY_BAND": lambda p: [dict(b.education) for b in p.bands],
    "EXPERIENCE_BY_BAND": lambda p: [dict(b.experience) for b in p.bands],
    "UNION_BY_BAND": lambda p: [b.union[True] for b in p.bands],
    "MARITAL_BY_BAND": lambda p: [dict(b.maritalStatus) for b in p.bands],
}


def __getattr__(name: str) -> Any:
    if name in _TABLES:
        value = _TABLES[name](today())
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def band_of(age: int) -> int:
    """Index of today's age band holding ``age``."""
    return today().band_of(age)


def age_probability(age: int) -> Fraction:
    """P(age) for one year of age in today's population."""
    return today().age_probability(age)


def union_by_band(band: int) -> dict[bool, Fraction]:
    """P(member) and P(not a member) for one of today's age bands."""
    return dict(today().bands[band].union)
