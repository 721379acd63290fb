"""Fixed vocabularies that content may use, read from the YAML data files in ``otiose/data``.

The families and currencies are data, not code: adding one is a pull request to a YAML file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Family:
    id: str
    name: str
    blurb: str


@dataclass(frozen=True)
class Currency:
    code: str
    symbol: str
    usd: float


@cache
def families() -> tuple[Family, ...]:
    """The taxonomy's families, in display order."""
    raw = yaml.safe_load((DATA / "families.yaml").read_text(encoding="utf-8"))
    return tuple(Family(**item) for item in raw)


@cache
def currencies() -> dict[str, Currency]:
    """Allowed salary currencies by ISO code."""
    raw = yaml.safe_load((DATA / "currencies.yaml").read_text(encoding="utf-8"))
    return {item["code"]: Currency(**item) for item in raw}


def money(amount: int, code: str) -> str:
    """``146027, "USD"`` -> ``$146,027`` (a code with no symbol on file: ``"XYZ 146,027"``)."""
    currency = currencies().get(code)
    symbol = currency.symbol if currency else f"{code} "
    return f"{symbol}{amount:,}"


@dataclass(frozen=True)
class GraeberType:
    id: str
    name: str
    means: str
    test: str
    examples: str


@dataclass(frozen=True)
class Book:
    author: str
    title: str
    publisher: str
    year: int
    chapter: int


@cache
def graeber_types() -> tuple[tuple[GraeberType, ...], Book]:
    """David Graeber's five kinds of bullshit job, and the book they come from."""
    raw = yaml.safe_load((DATA / "graeber.yaml").read_text(encoding="utf-8"))
    return tuple(GraeberType(**item) for item in raw["types"]), Book(**raw["source"])


GRAEBER = ("flunky", "goon", "duct-taper", "box-ticker", "taskmaster")

GENDERS = ("male", "female", "nonbinary")
RACES = ("white", "black", "hispanic", "asian", "indigenous", "multiracial")
EDUCATION = ("none", "high_school", "bachelor", "graduate")
EXPERIENCE = ("none", "junior", "experienced", "senior")
MARITAL = ("single", "married", "divorced", "widowed")
MIN_AGE, MAX_AGE = 18, 70

FILTER_KEYS = (
    "gender",
    "race",
    "minAge",
    "maxAge",
    "education",
    "experience",
    "union",
    "maritalStatus",
)
PLACEHOLDERS = ("name", "title", "company")
