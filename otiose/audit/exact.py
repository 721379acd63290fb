"""The exact audit of a set of filters: selection rates, impact ratios and the four-fifths flag.

Because the population is a product (gender and race independent of everything; education,
experience, union membership and marital status independent of one another given the age band),
the share of a group that passes is the pass probability of the filters *intersected with the
group*, divided by the group's share. Everything is exact.

For speed, each population is turned once into an :class:`Engine`: every share becomes an integer
numerator over one common denominator per table, and the share of each allowed *set* of values is
precomputed per age band. An audit is then a few hundred integer multiplications, and rational
numbers are built only for the answers.

Choices, stated once:

* Impact ratios compare groups of one kind with each other: each gender with the best gender,
  each race with the best race, the two age groups, each gender x race cell with the best cell.
* A group with no one in it (zero weight in the population) has no rate and no ratio, is never
  flagged, and does not count as the best group.
* When no group of a kind passes at all (every rate is 0), there is no best group to compare
  with: ratios are ``None`` and nothing is flagged. The posting turns everyone away equally; the
  desk says so through the pass rate, not through the four-fifths rule.
* The four-fifths flag is raised when a ratio is *below* 4/5; exactly 4/5 is not flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from typing import Any

from ..content import vocab
from ..content.models import Filters
from ..game import rules
from .population import PopulationTables

FOUR_FIFTHS = Fraction(4, 5)
AGE_SPLIT = 40  # the ADEA's line: under 40 / 40 and over

ATTRIBUTES = ("gender", "race", "age_group", "gender_race")
ATTRIBUTE_LABELS = {
    "gender": "Gender",
    "race": "Race / ethnicity",
    "age_group": "Age",
    "gender_race": "Gender × race",
}
AGE_GROUPS = (("under_40", "under 40"), ("40_and_over", "40 and over"))

# Who a filter turns away, in the plural, per value it refuses.
PEOPLE: dict[str, dict[Any, str]] = {
    "gender": {"male": "men", "female": "women", "nonbinary": "nonbinary people"},
    "race": {
        "white": "white people",
        "black": "Black people",
        "hispanic": "Hispanic people",
        "asian": "Asian people",
        "indigenous": "Indigenous people",
        "multiracial": "multiracial people",
    },
    "education": {
        "none": "people without a diploma",
        "high_school": "high-school graduates",
        "bachelor": "holders of a bachelor's degree",
        "graduate": "holders of a graduate degree",
    },
    "experience": {
        "none": "newcomers to work",
        "junior": "junior hands",
        "experienced": "experienced hands",
        "senior": "senior hands",
    },
    "union": {True: "union members", False: "people outside a union"},
    "maritalStatus": {
        "single": "single people",
        "married": "married people",
        "divorced": "divorced people",
        "widowed": "widowed people",
    },
}
# The group's own name, for sentences like "worst impact ratio 0.12 (women)".
GENDER_NOUN = {"male": "men", "female": "women", "nonbinary": "nonbinary people"}
GENDER_CELL = {"male": "men", "female": "women", "nonbinary": "nonbinary"}


def flagged(ratio: Fraction | None) -> bool:
    """The four-fifths rule: a ratio strictly under 4/5 is flagged; no ratio, no flag."""
    return ratio is not None and ratio < FOUR_FIFTHS


@dataclass(frozen=True)
class Group:
    """One group's exact selection rate and its impact ratio against the best of its kind."""

    attribute: str  # gender | race | age_group | gender_race
    value: str  # e.g. "female", "black", "under_40", "female:black"
    label: str  # e.g. "women", "Black", "under 40", "Black women"
    weight: Fraction  # the group's share of the population
    rate: Fraction | None  # None when the group has no one in it
    ratio: Fraction | None
    flagged: bool


def noun(group: Group) -> str:
    """The group as people in a sentence: "women", "Black people", "people 40 and over"."""
    if group.attribute == "race":
        return f"{group.label} people"
    if group.attribute == "age_group":
        return f"people {group.label}"
    return group.label


@dataclass(frozen=True)
class Exclusion:
    """What one active filter does on its own."""

    key: str
    label: str
    wanted: str
    turns_away: tuple[str, ...]  # plural nouns: every person in these is refused
    share: Fraction  # of everyone
    by_group: tuple[Fraction | None, ...]  # per group in ``Audit.groups`` order


@dataclass(frozen=True)
class Audit:
    """The exact audit of one set of filters over one population."""

    filters: Filters
    population: str
    odds: Fraction
    groups: tuple[Group, ...]
    exclusions: tuple[Exclusion, ...]

    def of(self, attribute: str) -> list[Group]:
        """The groups of one kind, in vocabulary order."""
        return [g for g in self.groups if g.attribute == attribute]

    def group(self, attribute: str, value: str) -> Group:
        """One group by kind and value."""
        for g in self.groups:
            if g.attribute == attribute and g.value == value:
                return g
        raise KeyError(f"{attribute}={value}")

    @property
    def worst(self) -> Group | None:
        """The group with the lowest impact ratio (the first on a tie), or None."""
        rated = [g for g in self.groups if g.ratio is not None]
        return min(rated, key=lambda g: g.ratio or 0) if rated else None


# ---------------------------------------------------------------- the engine


def _ints(fractions: Iterable[Fraction]) -> tuple[int, list[int]]:
    """A common denominator and the numerators over it."""
    items = list(fractions)
    den = lcm(*(f.denominator for f in items)) if items else 1
    return den, [int(f * den) for f in items]


def _subset_sums(nums: Sequence[int]) -> list[int]:
    """For every bitmask over the values, the sum of the numerators of the values in it."""
    out = [0] * (1 << len(nums))
    for mask in range(1, len(out)):
        low = mask & -mask
        out[mask] = out[mask ^ low] + nums[low.bit_length() - 1]
    return out


def _mask(values: tuple[Any, ...], allowed: tuple[Any, ...]) -> int:
    return sum(1 << i for i, v in enumerate(values) if v in allowed)


Ratio = tuple[int, int]
_UNION = (True, False)
_BY_BAND = (
    ("education", vocab.EDUCATION),
    ("experience", vocab.EXPERIENCE),
    ("union", _UNION),
    ("maritalStatus", vocab.MARITAL),
)


class Engine:
    """One population, precomputed as exact integer tables for fast audits."""

    def __init__(self, tables: PopulationTables) -> None:
        self.tables = tables
        self.bands = [(lo, hi) for lo, hi, _ in tables.bands]
        self.den_g, g = _ints(tables.gender[v] for v in vocab.GENDERS)
        self.den_r, r = _ints(tables.race[v] for v in vocab.RACES)
        self.gender, self.race = g, r
        self.sum_g, self.sum_r = _subset_sums(g), _subset_sums(r)
        self.den_age, self.year = _ints(s / (hi - lo + 1) for lo, hi, s in tables.bands)
        per_band: dict[str, Sequence[Mapping[Any, Fraction]]] = {
            "education": tables.education,
            "experience": tables.experience,
            "union": tuple({True: p, False: 1 - p} for p in tables.union),
            "maritalStatus": tables.marital,
        }
        self.den: dict[str, int] = {}
        self.sums: dict[str, list[list[int]]] = {}
        for key, values in _BY_BAND:
            tables_ = per_band[key]
            den, _ = _ints(t[v] for t in tables_ for v in values)
            self.den[key] = den
            self.sums[key] = [_subset_sums([int(t[v] * den) for v in values]) for t in tables_]
        self.full = {key: (1 << len(values)) - 1 for key, values in _BY_BAND}
        self.den_a = self.den_age
        for key, _ in _BY_BAND:
            self.den_a *= self.den[key]
        self.age_ranges = (
            (vocab.MIN_AGE, AGE_SPLIT - 1),
            (AGE_SPLIT, vocab.MAX_AGE),
        )
        self.age_weight = [self._years(lo, hi) for lo, hi in self.age_ranges]

    def _years(self, lo: int, hi: int) -> int:
        """P(lo <= age <= hi), over ``den_age``."""
        total = 0
        for b, (blo, bhi) in enumerate(self.bands):
            inside = min(bhi, hi) - max(blo, lo) + 1
            if inside > 0:
                total += inside * self.year[b]
        return total

    def _a(self, lo: int, hi: int, masks: dict[str, int]) -> int:
        """The age-dependent part: P(lo <= age <= hi and the four band-drawn attributes pass),
        over ``den_a``."""
        e, x = self.sums["education"], self.sums["experience"]
        u, m = self.sums["union"], self.sums["maritalStatus"]
        me, mx = masks["education"], masks["experience"]
        mu, mm = masks["union"], masks["maritalStatus"]
        total = 0
        for b, (blo, bhi) in enumerate(self.bands):
            inside = min(bhi, hi) - max(blo, lo) + 1
            if inside > 0:
                total += inside * self.year[b] * e[b][me] * x[b][mx] * u[b][mu] * m[b][mm]
        return total

    def audit(self, filters: Filters) -> Audit:
        """Selection rate and impact ratio of every group, and what each filter turns away."""
        allowed = {
            key: rules.allowed(filters, key)
            for key in ("gender", "race", "education", "experience", "union", "maritalStatus")
        }
        gmask = _mask(vocab.GENDERS, allowed["gender"])
        rmask = _mask(vocab.RACES, allowed["race"])
        masks = {key: _mask(values, allowed[key]) for key, values in _BY_BAND}
        lo, hi = filters.minAge, filters.maxAge

        def age_parts(lo: int, hi: int, masks: dict[str, int]) -> tuple[int, int, int]:
            (ulo, uhi), (olo, ohi) = self.age_ranges
            return (
                self._a(lo, hi, masks),
                self._a(max(lo, ulo), min(hi, uhi), masks),
                self._a(max(lo, olo), min(hi, ohi), masks),
            )

        main = age_parts(lo, hi, masks)
        groups = self._groups(gmask, rmask, main)
        a_all = main[0]
        odds = Fraction(
            self.sum_g[gmask] * self.sum_r[rmask] * a_all, self.den_g * self.den_r * self.den_a
        )
        exclusions = []
        for key in vocab.FILTER_KEYS:
            if not rules.is_active(filters, key):
                continue
            gm = gmask if key == "gender" else (1 << len(vocab.GENDERS)) - 1
            rm = rmask if key == "race" else (1 << len(vocab.RACES)) - 1
            only = {k: (masks[k] if k == key else self.full[k]) for k, _ in _BY_BAND}
            klo = lo if key == "minAge" else vocab.MIN_AGE
            khi = hi if key == "maxAge" else vocab.MAX_AGE
            if key in ("gender", "race"):
                parts = (
                    self.den_a,
                    self.age_weight[0] * self._rest,
                    self.age_weight[1] * self._rest,
                )
            else:
                parts = age_parts(klo, khi, only)
            alone = self._rates(gm, rm, parts)
            share = 1 - Fraction(
                self.sum_g[gm] * self.sum_r[rm] * parts[0], self.den_g * self.den_r * self.den_a
            )
            exclusions.append(
                Exclusion(
                    key=key,
                    label=rules.LABELS[key],
                    wanted=rules.wanted_text(filters, key),
                    turns_away=_turned_away(filters, key),
                    share=share,
                    by_group=tuple(
                        None if r is None else Fraction(r[1] - r[0], r[1]) for r in alone
                    ),
                )
            )
        return Audit(filters, self.tables.name, odds, groups, tuple(exclusions))

    @property
    def _rest(self) -> int:
        """``den_a / den_age``: the band-drawn attributes all passing, over their denominators."""
        out = 1
        for key, _ in _BY_BAND:
            out *= self.den[key]
        return out

    def _rates(self, gmask: int, rmask: int, parts: tuple[int, int, int]) -> list[Ratio | None]:
        """Rates of every group as (numerator, denominator), in ``Audit.groups`` order; None for
        a group with no one in it."""
        a_all, a_under, a_over = parts
        sg, sr = self.sum_g[gmask], self.sum_r[rmask]
        out: list[Ratio | None] = []
        for i in range(len(vocab.GENDERS)):
            ok = gmask >> i & 1
            out.append((ok * sr * a_all, self.den_r * self.den_a) if self.gender[i] else None)
        for i in range(len(vocab.RACES)):
            ok = rmask >> i & 1
            out.append((ok * sg * a_all, self.den_g * self.den_a) if self.race[i] else None)
        for weight, part in zip(self.age_weight, (a_under, a_over), strict=True):
            den = self.den_g * self.den_r * self.den_a * weight
            out.append((sg * sr * part * self.den_age, den) if weight else None)
        for i in range(len(vocab.GENDERS)):
            for j in range(len(vocab.RACES)):
                ok = (gmask >> i & 1) * (rmask >> j & 1)
                empty = not (self.gender[i] and self.race[j])
                out.append(None if empty else (ok * a_all, self.den_a))
        return out

    def _groups(self, gmask: int, rmask: int, parts: tuple[int, int, int]) -> tuple[Group, ...]:
        rates = [None if r is None else Fraction(*r) for r in self._rates(gmask, rmask, parts)]
        t = self.tables
        keys: list[tuple[str, str, str, Fraction]] = []
        for gv in vocab.GENDERS:
            keys.append(("gender", gv, GENDER_NOUN[gv], t.gender[gv]))
        for rv in vocab.RACES:
            keys.append(("race", rv, rules.VALUE_TEXT["race"][rv], t.race[rv]))
        for (value, label), years in zip(AGE_GROUPS, self.age_weight, strict=True):
            keys.append(("age_group", value, label, Fraction(years, self.den_age)))
        for gv in vocab.GENDERS:
            for rv in vocab.RACES:
                label = f"{rules.VALUE_TEXT['race'][rv]} {GENDER_CELL[gv]}"
                keys.append(("gender_race", f"{gv}:{rv}", label, t.gender[gv] * t.race[rv]))
        best: dict[str, Fraction] = {}
        for (attribute, _, _, _), rate in zip(keys, rates, strict=True):
            if rate is not None and rate > best.get(attribute, Fraction(-1)):
                best[attribute] = rate
        out = []
        for (attribute, value, label, weight), rate in zip(keys, rates, strict=True):
            top = best.get(attribute)
            ratio = rate / top if rate is not None and top else None
            out.append(Group(attribute, value, label, weight, rate, ratio, flagged(ratio)))
        return tuple(out)


def _turned_away(filters: Filters, key: str) -> tuple[str, ...]:
    """Everyone a filter refuses, as plural nouns ("women", "union members")."""
    if key == "minAge":
        return (f"people under {filters.minAge}",)
    if key == "maxAge":
        return (f"people over {filters.maxAge}",)
    full = _UNION if key == "union" else rules.CHOICES[key]
    ok = rules.allowed(filters, key)
    return tuple(PEOPLE[key][v] for v in full if v not in ok)


_ENGINES: dict[int, tuple[PopulationTables, Engine]] = {}


def engine(tables: PopulationTables) -> Engine:
    """The engine for a population, built once and kept."""
    hit = _ENGINES.get(id(tables))
    if hit is None or hit[0] is not tables:
        hit = (tables, Engine(tables))
        _ENGINES[id(tables)] = hit
    return hit[1]


def audit(filters: Filters, tables: PopulationTables) -> Audit:
    """The exact audit of ``filters`` over ``tables``."""
    return engine(tables).audit(filters)


@dataclass(frozen=True)
class Alone:
    """One group under one filter on its own: its rate and its ratio to the best of its kind."""

    group: Group
    rate: Fraction | None
    ratio: Fraction | None
    flagged: bool


def alone(result: Audit, exclusion: Exclusion) -> list[Alone]:
    """The impact of one filter on its own: each group's rate and impact ratio under it."""
    rates = [None if s is None else 1 - s for s in exclusion.by_group]
    best: dict[str, Fraction] = {}
    for g, r in zip(result.groups, rates, strict=True):
        if r is not None and r > best.get(g.attribute, Fraction(-1)):
            best[g.attribute] = r
    out = []
    for g, r in zip(result.groups, rates, strict=True):
        top = best.get(g.attribute)
        ratio = r / top if r is not None and top else None
        out.append(Alone(g, r, ratio, flagged(ratio)))
    return out


def worst_alone(result: Audit, exclusion: Exclusion) -> Alone | None:
    """The group one filter on its own hits hardest (lowest impact ratio), if any."""
    rated = [a for a in alone(result, exclusion) if a.ratio is not None]
    return min(rated, key=lambda a: a.ratio or 0) if rated else None
