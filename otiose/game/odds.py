"""Exact odds: the probability that a random character passes a posting's filters.

Computed from ``population`` by summing over age bands (within a band every conditional is the
same), so the answer is an exact ``Fraction``, not a sample.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..content import vocab
from ..content.models import Filters
from . import population as pop
from .character import Character
from .rules import HAD_YOU_BEEN, ORDERED, allowed, is_active


def _share(table: dict, values: tuple) -> Fraction:
    return sum((table[v] for v in values), Fraction(0))


_FULL = {
    "gender": vocab.GENDERS,
    "race": vocab.RACES,
    "education": vocab.EDUCATION,
    "experience": vocab.EXPERIENCE,
    "union": (True, False),
    "maritalStatus": vocab.MARITAL,
}


def pass_probability(filters: Filters, only: str | None = None) -> Fraction:
    """P(a random character passes ``filters``); with ``only``, just that one filter."""
    ok = {k: allowed(filters, k) if only in (None, k) else full for k, full in _FULL.items()}
    lo = filters.minAge if only in (None, "minAge") else vocab.MIN_AGE
    hi = filters.maxAge if only in (None, "maxAge") else vocab.MAX_AGE
    p = _share(pop.GENDER, ok["gender"]) * _share(pop.RACE, ok["race"])
    total = Fraction(0)
    for band, (band_lo, band_hi, share) in enumerate(pop.AGE_BANDS):
        inside = max(0, min(band_hi, hi) - max(band_lo, lo) + 1)
        if not inside:
            continue
        total += (
            share
            * Fraction(inside, band_hi - band_lo + 1)
            * _share(pop.EDUCATION_BY_BAND[band], ok["education"])
            * _share(pop.EXPERIENCE_BY_BAND[band], ok["experience"])
            * _share(pop.union_by_band(band), ok["union"])
            * _share(pop.MARITAL_BY_BAND[band], ok["maritalStatus"])
        )
    return p * total


def exclusion_by_filter(filters: Filters) -> dict[str, Fraction]:
    """For each active filter, the share of the population it alone turns away."""
    return {
        key: 1 - pass_probability(filters, only=key)
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
                parts.append(f"{n} year{'s' if n != 1 else ''} {word}")
            else:
                parts.append(HAD_YOU_BEEN[key][value])
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"had you been {joined}"


_TABLES = {
    "education": lambda band: pop.EDUCATION_BY_BAND[band],
    "experience": lambda band: pop.EXPERIENCE_BY_BAND[band],
    "union": pop.union_by_band,
    "maritalStatus": lambda band: pop.MARITAL_BY_BAND[band],
}


def smallest_fix(filters: Filters, c: Character) -> Fix | None:
    """The fewest attribute changes (then the smallest age shift) that make ``c`` pass.

    Only characters that can exist in the population count: a 19-year-old with a graduate degree
    is not one you could become. Returns None when no possible character passes at all.
    """
    best: tuple[tuple[int, int, int], Fix] | None = None
    fixed: list[tuple[str, object]] = []
    for key, table in (("gender", pop.GENDER), ("race", pop.RACE)):
        ok = [v for v in allowed(filters, key) if table[v] > 0]
        if not ok:
            return None
        if getattr(c, key) not in ok:
            fixed.append((key, ok[0]))
    for age in allowed(filters, "age"):
        band = pop.band_of(age)
        changes = list(fixed)
        distance = 0
        if age != c.age:
            changes.insert(0, ("age", age))
        feasible = True
        for key, table_of in _TABLES.items():
            table = table_of(band)
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
