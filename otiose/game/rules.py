"""The hiring rules: what a posting's filters allow, whether a character passes, and why not.

Semantics (the design's table): "any" or a missing key allows everyone; for education and
experience one value means that level *or higher* and a list means exactly those; ``union: false``
means non-members only, ``true`` members only; ages are inclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..content import vocab
from ..content.models import Filters
from .character import Character

ORDERED = {"education": vocab.EDUCATION, "experience": vocab.EXPERIENCE}
CHOICES = {
    "gender": vocab.GENDERS,
    "race": vocab.RACES,
    "education": vocab.EDUCATION,
    "experience": vocab.EXPERIENCE,
    "maritalStatus": vocab.MARITAL,
}

LABELS = {
    "gender": "Gender",
    "race": "Race",
    "minAge": "Minimum age",
    "maxAge": "Maximum age",
    "education": "Education",
    "experience": "Experience",
    "union": "Union membership",
    "maritalStatus": "Marital status",
}
VALUE_TEXT: dict[str, dict[Any, str]] = {
    "gender": {"male": "male", "female": "female", "nonbinary": "nonbinary"},
    "race": {
        "white": "white",
        "black": "Black",
        "hispanic": "Hispanic",
        "asian": "Asian",
        "indigenous": "Indigenous",
        "multiracial": "multiracial",
    },
    "education": {
        "none": "no diploma",
        "high_school": "high school",
        "bachelor": "bachelor's degree",
        "graduate": "graduate degree",
    },
    "experience": {
        "none": "none",
        "junior": "junior",
        "experienced": "experienced",
        "senior": "senior",
    },
    "union": {True: "union member", False: "not in a union"},
    "maritalStatus": {
        "single": "single",
        "married": "married",
        "divorced": "divorced",
        "widowed": "widowed",
    },
}
# How "had you been ..." reads for each value the fix may ask for.
HAD_YOU_BEEN: dict[str, dict[Any, str]] = {
    "gender": {"male": "a man", "female": "a woman", "nonbinary": "nonbinary"},
    "race": VALUE_TEXT["race"],
    "education": {
        "none": "without a diploma",
        "high_school": "a high-school graduate",
        "bachelor": "a college graduate",
        "graduate": "the holder of a graduate degree",
    },
    "experience": {
        "none": "new to the workforce",
        "junior": "a junior hand",
        "experienced": "experienced",
        "senior": "senior",
    },
    "union": {True: "a union member", False: "out of the union"},
    "maritalStatus": VALUE_TEXT["maritalStatus"],
}


def allowed(filters: Filters, key: str) -> tuple[Any, ...]:
    """The values of attribute ``key`` that pass (ages: every passing age)."""
    if key in ("age", "minAge", "maxAge"):
        return tuple(range(filters.minAge, filters.maxAge + 1))
    if key == "union":
        return (True, False) if filters.union == "any" else (filters.union,)
    value = getattr(filters, key)
    values = CHOICES[key]
    if value == "any":
        return values
    if isinstance(value, tuple):
        return tuple(v for v in values if v in value)
    if key in ORDERED:
        return values[values.index(value) :]
    return (value,)


def is_active(filters: Filters, key: str) -> bool:
    """Whether the filter restricts anyone at all."""
    if key == "minAge":
        return filters.minAge > vocab.MIN_AGE
    if key == "maxAge":
        return filters.maxAge < vocab.MAX_AGE
    if key == "union":
        return bool(filters.union != "any")
    return len(allowed(filters, key)) < len(CHOICES[key])


def wanted_text(filters: Filters, key: str) -> str:
    """The requirement in words: "45 or younger", "bachelor's degree or higher"."""
    if not is_active(filters, key):
        return "no restriction"
    if key == "minAge":
        return f"{filters.minAge} or older"
    if key == "maxAge":
        return f"{filters.maxAge} or younger"
    if key == "union":
        return "members only" if filters.union else "non-members only"
    value = getattr(filters, key)
    texts = [VALUE_TEXT[key][v] for v in allowed(filters, key)]
    if key in ORDERED and isinstance(value, str):
        return f"{VALUE_TEXT[key][value]} or higher"
    return " or ".join(texts) + " only"


@dataclass(frozen=True)
class Check:
    """One declassified filter held against one character."""

    key: str
    label: str
    wanted: str
    actual: str
    passed: bool
    active: bool


def _value(c: Character, key: str) -> Any:
    return c.age if key in ("minAge", "maxAge") else getattr(c, key)


def _meets(filters: Filters, c: Character, key: str) -> bool:
    """Whether ``c`` passes the one filter ``key`` (no words built: the board asks this a lot)."""
    if key == "minAge":
        return c.age >= filters.minAge
    if key == "maxAge":
        return c.age <= filters.maxAge
    return _value(c, key) in allowed(filters, key)


def check_all(filters: Filters, c: Character) -> list[Check]:
    """Every filter, in the seed format's key order, marked pass or fail."""
    out = []
    for key in vocab.FILTER_KEYS:
        value = _value(c, key)
        actual = f"{value}" if key in ("minAge", "maxAge") else VALUE_TEXT[key][value]
        wanted = wanted_text(filters, key)
        ok = _meets(filters, c, key)
        out.append(Check(key, LABELS[key], wanted, actual, ok, is_active(filters, key)))
    return out


def passes(filters: Filters, c: Character) -> bool:
    """True when the character meets every filter."""
    return all(_meets(filters, c, key) for key in vocab.FILTER_KEYS)


def first_failure(filters: Filters, c: Character) -> str | None:
    """The filter whose rejection letter is sent: the first failing one in key order."""
    return next((key for key in vocab.FILTER_KEYS if not _meets(filters, c, key)), None)


def fill_letter(template: str, *, name: str, title: str, company: str) -> str:
    """Fill {name}, {title} and {company}; the loader has refused any other placeholder."""
    text = template.replace("{name}", name).replace("{title}", title)
    if company.endswith("."):  # "at Acme Inc.." reads as a typo
        text = text.replace("{company}.", "{company}")
    return text.replace("{company}", company)
