"""The population the characters are drawn from: documented, roughly realistic distributions.

Every probability here is an exact ``Fraction`` so that the odds of a posting can be computed
exactly. The figures are rounded from public statistics about US adults (see the notes), because
a dealt character should feel like a person you might meet, and the odds should mean something.

Structure (the joint distribution):

* gender and race are independent of everything else;
* age is drawn first, by band, then uniformly within its band;
* education, experience, union membership and marital status are each drawn given the age band
  (independent of one another given the band), so a 19-year-old is rarely a senior graduate.
"""

from __future__ import annotations

from fractions import Fraction as F

from ..content import vocab

# Gender: roughly even; about 1-2% of US adults describe themselves as nonbinary (Pew, 2022).
GENDER = {"male": F(49, 100), "female": F(49, 100), "nonbinary": F(2, 100)}

# Race and ethnicity, rounded from the 2020 US Census (Hispanic of any race counted once).
RACE = {
    "white": F(58, 100),
    "hispanic": F(19, 100),
    "black": F(12, 100),
    "asian": F(6, 100),
    "indigenous": F(1, 100),
    "multiracial": F(4, 100),
}

# Age bands (inclusive) and their share of adults 18-70, rounded from Census age estimates.
AGE_BANDS: list[tuple[int, int, F]] = [
    (18, 21, F(7, 100)),
    (22, 24, F(6, 100)),
    (25, 34, F(22, 100)),
    (35, 44, F(21, 100)),
    (45, 54, F(19, 100)),
    (55, 64, F(18, 100)),
    (65, 70, F(7, 100)),
]

# Highest education by band: none < high_school (incl. some college) < bachelor < graduate.
# 25+ follows the Census's ~38% bachelor's-or-higher, ~14% advanced degree.
EDUCATION_BY_BAND = [
    {"none": F(14, 100), "high_school": F(83, 100), "bachelor": F(3, 100), "graduate": F(0)},
    {"none": F(9, 100), "high_school": F(56, 100), "bachelor": F(31, 100), "graduate": F(4, 100)},
    {"none": F(8, 100), "high_school": F(52, 100), "bachelor": F(27, 100), "graduate": F(13, 100)},
    {"none": F(9, 100), "high_school": F(50, 100), "bachelor": F(26, 100), "graduate": F(15, 100)},
    {"none": F(10, 100), "high_school": F(52, 100), "bachelor": F(24, 100), "graduate": F(14, 100)},
    {"none": F(10, 100), "high_school": F(54, 100), "bachelor": F(22, 100), "graduate": F(14, 100)},
    {"none": F(11, 100), "high_school": F(54, 100), "bachelor": F(21, 100), "graduate": F(14, 100)},
]

# Work experience by band: none < junior < experienced < senior.
EXPERIENCE_BY_BAND = [
    {"none": F(55, 100), "junior": F(45, 100), "experienced": F(0), "senior": F(0)},
    {"none": F(25, 100), "junior": F(65, 100), "experienced": F(10, 100), "senior": F(0)},
    {"none": F(8, 100), "junior": F(37, 100), "experienced": F(45, 100), "senior": F(10, 100)},
    {"none": F(5, 100), "junior": F(15, 100), "experienced": F(45, 100), "senior": F(35, 100)},
    {"none": F(5, 100), "junior": F(10, 100), "experienced": F(35, 100), "senior": F(50, 100)},
    {"none": F(6, 100), "junior": F(9, 100), "experienced": F(30, 100), "senior": F(55, 100)},
    {"none": F(10, 100), "junior": F(10, 100), "experienced": F(30, 100), "senior": F(50, 100)},
]

# Union membership by band; about 10% of US wage and salary workers overall (BLS, 2023).
UNION_BY_BAND = [F(4, 100), F(6, 100), F(8, 100), F(11, 100), F(12, 100), F(12, 100), F(9, 100)]

# Marital status by band, rounded from the Census's Current Population Survey.
MARITAL_BY_BAND = [
    {"single": F(95, 100), "married": F(5, 100), "divorced": F(0), "widowed": F(0)},
    {"single": F(84, 100), "married": F(15, 100), "divorced": F(1, 100), "widowed": F(0)},
    {"single": F(52, 100), "married": F(42, 100), "divorced": F(5, 100), "widowed": F(1, 100)},
    {"single": F(27, 100), "married": F(59, 100), "divorced": F(12, 100), "widowed": F(2, 100)},
    {"single": F(18, 100), "married": F(60, 100), "divorced": F(18, 100), "widowed": F(4, 100)},
    {"single": F(12, 100), "married": F(61, 100), "divorced": F(19, 100), "widowed": F(8, 100)},
    {"single": F(8, 100), "married": F(59, 100), "divorced": F(18, 100), "widowed": F(15, 100)},
]


def band_of(age: int) -> int:
    """Index of the age band holding ``age``."""
    for i, (lo, hi, _) in enumerate(AGE_BANDS):
        if lo <= age <= hi:
            return i
    raise ValueError(f"age {age} is outside {vocab.MIN_AGE}-{vocab.MAX_AGE}")


def age_probability(age: int) -> F:
    """P(age) for one year of age: the band's share spread evenly over its years."""
    lo, hi, share = AGE_BANDS[band_of(age)]
    return share / (hi - lo + 1)


def union_by_band(band: int) -> dict[bool, F]:
    """P(member) and P(not a member) for an age band."""
    p = UNION_BY_BAND[band]
    return {True: p, False: 1 - p}


def _check() -> None:
    """Every distribution sums to one; the tests call this too."""
    tables = [GENDER, RACE, *EDUCATION_BY_BAND, *EXPERIENCE_BY_BAND, *MARITAL_BY_BAND]
    for table in tables:
        assert sum(table.values()) == 1, table
    assert sum(share for _, _, share in AGE_BANDS) == 1
    assert AGE_BANDS[0][0] == vocab.MIN_AGE and AGE_BANDS[-1][1] == vocab.MAX_AGE


_check()
