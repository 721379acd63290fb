"""Exact odds: the probability that a random person of a population passes a posting's filters.

Computed against a given ``Population`` (today's, or an era's) by summing over age bands (within
a band every conditional is the same), so the answer is an exact ``Fraction``, not a sample.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..content import vocab
from ..content.models import Filters
from ..words import join_and, plural
from .character import Character
from .population import BANDED, Population, today
from .rules import HAD_YOU_BEEN, ORDERED, allowed, is_active


def _share(table: Mapping[Any, Fraction], values: tuple[Any, ...]) -> Fraction:
    return sum((table[v] for v in values), Fraction(0))


_FULL = {
    "gender": vocab.GENDERS,
    "race": vocab.RACES,
    "education": vocab.EDUCATION,
    "experience": vocab.EXPERIENCE,
    "union": (True, False),
    "maritalStatus": vocab.MARITAL,
}


def pass_probability(filters: Filters, population: Population, only: str | None = None) -> Fraction:
    """P(a random person of ``population`` passes ``filters``); with ``only``, that one filter."""
    ok = {k: allowed(filters, k) if only in (None, k) else full for k, full in _FULL.items()}
    lo = filters.minAge if only in (None, "minAge") else vocab.MIN_AGE
    hi = filters.maxAge if only in (None, "maxAge") else vocab.MAX_AGE
    p = _share(population.gender, ok["gender"]) * _share(population.race, ok["race"])
    total = Fraction(0)
    for band in population.bands:
        inside = max(0, min(band.hi, hi) - max(band.lo, lo) + 1)
        if not inside:
            continue
        share = band.share * Fraction(inside, band.years)
        for key in BANDED:
            share *= _share(band.table(key), ok[key])
        total += share
    return p * total


def exclusion_by_filter(filters: Filters, population: Population) -> dict[str, Fraction]:
    """For each active filter, the share of ``population`` it alone turns away."""
    return {
        key: 1 - pass_probability(filters, population, only=key)
        for key in vocab.FILTER_KEYS
        if is_active(filters, key)
    }


# ---------------------------------------------------------------- the smallest change


@dataclass(frozen=True)
class Fix:
    """The smallest change to a character that passes, as (attribute, new value) pairs."""

    changes: tuple[tuple[str, object], ...]
    age_delta: int

    def sentence(self) -> str:
        """ "had you been 12 years younger and out of the union"."""
        parts = []
        for key, value in self.changes:
            if key == "age":
                n = abs(self.age_delta)
                word = "younger" if self.age_delta < 0 else "older"
                parts.append(f"{plural(n, 'year')} {word}")
            else:
                parts.append(HAD_YOU_BEEN[key][value])
        return f"had you been {join_and(parts)}"


def smallest_fix(filters: Filters, c: Character) -> Fix | None:
    """The fewest attribute changes (then the smallest age shift) that make ``c`` pass.

    Only characters that can exist in today's population (the one applicants are dealt from)
    count: a 19-year-old with a graduate degree is not one you could become. Returns None when no
    possible character passes at all.
    """
    pop = today()
    best: tuple[tuple[int, int, int], Fix] | None = None
    fixed: list[tuple[str, object]] = []
    for key, table in (("gender", pop.gender), ("race", pop.race)):
        ok = [v for v in allowed(filters, key) if table[v] > 0]
        if not ok:
            return None
        if getattr(c, key) not in ok:
            fixed.append((key, ok[0]))
    for age in allowed(filters, "age"):
        band = pop.band(age)
        changes = list(fixed)
        distance = 0
        if age != c.age:
            changes.insert(0, ("age", age))
        feasible = True
        for key in BANDED:
            table = band.table(key)
            ok = [v for v in allowed(filters, key) if table[v] > 0]
            if not ok:
                feasible = False
                break
            current = getattr(c, key)
            if current in ok:
                continue
            if key in ORDERED:
                order = ORDERED[key]
                pick = min(ok, key=lambda v: abs(order.index(v) - order.index(current)))
                distance += abs(order.index(pick) - order.index(current))
            else:
                pick = max(ok, key=lambda v: table[v])
            changes.append((key, pick))
        if not feasible:
            continue
        score = (len(changes), abs(age - c.age), distance)
        if best is None or score < best[0]:
            best = (score, Fix(tuple(changes), age - c.age))
    return best[1] if best else None
