"""The desk's query string, parsed and checked: filters in the seed's keys and values, a date, a
jurisdiction and a population. Every bad or unknown parameter is an error that names it.

A list is the key repeated (``race=black&race=asian``). On the ordered scales one value means that
level or higher, as in a posting; a list of exactly one level is spelled ``experience[]=none``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from ..content import vocab
from ..content.models import Filters
from ..game import rules
from .law import JURISDICTIONS

SETS = ("gender", "race", "education", "experience", "maritalStatus")
SINGLE = ("minAge", "maxAge", "union", "date", "jurisdiction", "population")
PARAMS = (*vocab.FILTER_KEYS, "date", "jurisdiction", "population")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_YEAR, LAST_YEAR = 1800, 2100


class ParamError(ValueError):
    """A query parameter that cannot be used; ``param`` names it."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        self.message = message
        super().__init__(f"{param}: {message}")


@dataclass(frozen=True)
class Query:
    """A checked audit request."""

    filters: Filters
    day: date
    jurisdiction: str
    population: str

    def params(self, *, with_day: bool = True) -> list[tuple[str, str]]:
        """The query as (key, value) pairs, shortest form, in the seed's key order."""
        out: list[tuple[str, str]] = []
        for key in vocab.FILTER_KEYS:
            value = getattr(self.filters, key)
            if (key == "minAge" and value != vocab.MIN_AGE) or (
                key == "maxAge" and value != vocab.MAX_AGE
            ):
                out.append((key, str(value)))
            elif key == "union" and value != "any":
                out.append((key, "true" if value else "false"))
            elif key in SETS and isinstance(value, tuple):
                # A one-level list on an ordered scale needs "key[]": alone, it would mean
                # "that level or higher".
                name = f"{key}[]" if len(value) == 1 and key in rules.ORDERED else key
                out.extend((name, v) for v in value)
            elif key in SETS and value != "any":
                out.append((key, value))
        if with_day:
            out.append(("date", self.day.isoformat()))
        out += [("jurisdiction", self.jurisdiction), ("population", self.population)]
        return out


def canonical(key: str, values: tuple[str, ...]) -> str | tuple[str, ...]:
    """The seed's shortest spelling of a set: "any" for everyone, one value for one value (or,
    on an ordered scale, for that level and every level above it), else the list."""
    full = rules.CHOICES[key]
    chosen = tuple(v for v in full if v in values)
    if chosen == full:
        return "any"
    if key in rules.ORDERED:
        start = full.index(chosen[0])
        if chosen == full[start:]:
            return chosen[0]
        return chosen
    return chosen[0] if len(chosen) == 1 else chosen


def parse(
    args: Iterable[tuple[str, list[str]]], populations: Collection[str], today: date
) -> Query:
    """Check every parameter; raise ParamError naming the first bad one."""
    raw: dict[str, list[str]] = {}
    as_list: set[str] = set()  # keys spelled "key[]": a list even with one value
    for key, values in args:
        name = key[:-2] if key.endswith("[]") else key
        if name not in PARAMS or (name != key and name not in SETS):
            hint = ", ".join(PARAMS)
            raise ParamError(key[:40], f"unknown parameter; use {hint}")
        if name != key:
            as_list.add(name)
        raw.setdefault(name, []).extend(values)
    fields: dict[str, Any] = {}
    for key, values in raw.items():
        for v in values:
            if not v.strip():
                raise ParamError(key, "is empty; leave it out to mean any")
            if len(v) > 40:
                raise ParamError(key, "is too long")
        if key in SINGLE and len(values) > 1:
            raise ParamError(key, "give it once")
    for key in SETS:
        if key not in raw:
            continue
        values = raw[key]
        if "any" in values:
            if len(values) > 1:
                raise ParamError(key, '"any" cannot be combined with other values')
            continue
        full = rules.CHOICES[key]
        for v in values:
            if v not in full:
                raise ParamError(key, f"'{v}' is not one of any, {', '.join(full)}")
        if len(set(values)) != len(values):
            raise ParamError(key, "repeats a value")
        if len(values) == 1 and key in rules.ORDERED and key not in as_list:
            fields[key] = values[0]  # one level means that level or higher, as in a posting
        else:
            chosen = canonical(key, tuple(values))
            fields[key] = list(chosen) if isinstance(chosen, tuple) else chosen
    for key in ("minAge", "maxAge"):
        if key in raw:
            text = raw[key][0].strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 3):
                raise ParamError(key, "must be a whole number of years")
            age = int(text)
            if not vocab.MIN_AGE <= age <= vocab.MAX_AGE:
                raise ParamError(key, f"must be between {vocab.MIN_AGE} and {vocab.MAX_AGE}")
            fields[key] = age
    if "union" in raw:
        choice = {"any": "any", "true": True, "false": False}.get(raw["union"][0])
        if choice is None:
            raise ParamError("union", "use any, true (members only) or false (non-members only)")
        fields["union"] = choice
    if fields.get("minAge", vocab.MIN_AGE) > fields.get("maxAge", vocab.MAX_AGE):
        raise ParamError("minAge", "is greater than maxAge")
    try:
        filters = Filters.model_validate(fields)
    except ValidationError as exc:  # pragma: no cover - every value was checked above
        err = exc.errors()[0]
        raise ParamError(str(err["loc"][0]), err["msg"]) from None
    day = today
    if "date" in raw:
        text = raw["date"][0]
        try:
            if not _ISO_DAY.match(text):
                raise ValueError
            day = date.fromisoformat(text)
        except ValueError:
            raise ParamError("date", "use a real date as YYYY-MM-DD") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ParamError("date", f"must fall between {FIRST_YEAR} and {LAST_YEAR}")
    jurisdiction = raw.get("jurisdiction", ["us"])[0]
    if jurisdiction not in JURISDICTIONS:
        raise ParamError("jurisdiction", f"use one of {', '.join(JURISDICTIONS)}")
    population = raw.get("population", ["today"])[0]
    if population not in populations:
        raise ParamError("population", f"use one of {', '.join(populations)}")
    return Query(filters, day, jurisdiction, population)
