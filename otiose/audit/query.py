"""The desk's query string, parsed and checked: filters in the seed's keys and values, a date, a
jurisdiction and a population. Every bad or unknown parameter is an error that names it, and
parse reports all of them at once, so a form can mark each field that needs fixing.

A list is the key repeated (``race=black&race=asian``). On the ordered scales one value means that
level or higher, as in a posting; a list of exactly one level is spelled ``experience[]=none``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
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
# What to write in a single field a form sends empty when cleared (it cannot leave it out).
_EMPTY = {
    "minAge": f"give a whole number of years ({vocab.MIN_AGE} for no minimum)",
    "maxAge": f"give a whole number of years ({vocab.MAX_AGE} for no maximum)",
    "date": "give a date as YYYY-MM-DD",
    "jurisdiction": f"use one of {' or '.join(JURISDICTIONS)}",
    "population": "leave it out for today's",
}


class ParamError(ValueError):
    """A query parameter that cannot be used; ``param`` names it."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        self.message = message
        super().__init__(f"{param}: {message}" if param else message)


class QueryError(ParamError):
    """Every bad parameter of a query, in the order checked. As a ParamError it is the first:
    an API answer names that one; the desk's form marks each."""

    def __init__(self, errors: Sequence[ParamError]) -> None:
        first = errors[0]
        super().__init__(first.param, first.message)
        self.errors = tuple(errors)


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


@dataclass(frozen=True)
class Entered:
    """The desk's parameters as the reader sent them, each key's values in order and unchecked:
    the form is drawn from this, so a bad value and everything beside it are shown as sent."""

    values: dict[str, tuple[str, ...]]
    bracketed: frozenset[str]  # sets spelled "key[]"

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Entered:
        values: dict[str, list[str]] = {}
        bracketed = set()
        for key, value in pairs:
            name = key[:-2] if key.endswith("[]") else key
            if name != key:
                bracketed.add(name)
            values.setdefault(name, []).append(value)
        return cls({k: tuple(v) for k, v in values.items()}, frozenset(bracketed))

    def one(self, key: str, default: str) -> str:
        """A single-valued parameter's (first) value as sent, or the default if absent."""
        return self.values.get(key, (default,))[0]

    def ticked(self, key: str) -> tuple[str, ...]:
        """A set's boxes to tick: the known values sent, or all of them if none or any was."""
        sent = self.values.get(key, ())
        if not sent or "any" in sent:
            return rules.CHOICES[key]
        return tuple(v for v in rules.CHOICES[key] if v in sent)

    def unknown(self, key: str) -> tuple[str, ...]:
        """A set's values as sent that no box offers, once each, in order: the form gives each
        a box of its own, ticked, so the reader sees what was sent and can untick it."""
        offered = {*rules.CHOICES[key], "any"}
        return tuple(dict.fromkeys(v for v in self.values.get(key, ()) if v not in offered))

    def is_list(self, key: str) -> bool:
        """Whether an ordered set was sent as a list (``key[]`` or repeated), not one level."""
        return key in self.bracketed or len(self.values.get(key, ())) > 1


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
    """Check every parameter; raise QueryError naming each bad one, the first first."""
    errors: dict[str, ParamError] = {}  # the first problem with each parameter

    def bad(param: str, message: str) -> None:
        errors.setdefault(param, ParamError(param, message))

    raw: dict[str, list[str]] = {}
    as_list: set[str] = set()  # keys spelled "key[]": a list even with one value
    for key, values in args:
        name = key[:-2] if key.endswith("[]") else key
        if not key:
            bad("", f"a parameter with no name; use {', '.join(PARAMS)}")
            continue
        if name not in PARAMS or (name != key and name not in SETS):
            bad(key[:40], f"unknown parameter; use {', '.join(PARAMS)}")
            continue
        if name != key:
            as_list.add(name)
        raw.setdefault(name, []).extend(values)
    for key, values in raw.items():
        for v in values:
            if not v.strip():
                bad(key, f"is empty; {_EMPTY.get(key, 'leave it out to mean any')}")
            if len(v) > 40:
                bad(key, "is too long")
        if key in SINGLE and len(values) > 1:
            bad(key, "give it once")
    fields: dict[str, Any] = {}
    for key in SETS:
        if key in raw and key not in errors:
            _check_set(key, raw[key], key in as_list, fields, bad)
    for key in ("minAge", "maxAge"):
        if key in raw and key not in errors:
            text = raw[key][0].strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 3):
                bad(key, "must be a whole number of years")
            elif not vocab.MIN_AGE <= int(text) <= vocab.MAX_AGE:
                bad(key, f"must be between {vocab.MIN_AGE} and {vocab.MAX_AGE}")
            else:
                fields[key] = int(text)
    if "union" in raw and "union" not in errors:
        choice = {"any": "any", "true": True, "false": False}.get(raw["union"][0])
        if choice is None:
            bad("union", "use any, true (members only) or false (non-members only)")
        else:
            fields["union"] = choice
    low, high = fields.get("minAge", vocab.MIN_AGE), fields.get("maxAge", vocab.MAX_AGE)
    if "minAge" not in errors and "maxAge" not in errors and low > high:
        bad("minAge", "is greater than maxAge")
        bad("maxAge", "is less than minAge")  # either may be the one the reader meant to change
    day = today
    if "date" in raw and "date" not in errors:
        text = raw["date"][0]
        try:
            if not _ISO_DAY.match(text):
                raise ValueError
            day = date.fromisoformat(text)
        except ValueError:
            bad("date", "use a real date as YYYY-MM-DD")
        else:
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                bad("date", f"must fall between {FIRST_YEAR} and {LAST_YEAR}")
    jurisdiction = raw.get("jurisdiction", ["us"])[0]
    if jurisdiction not in JURISDICTIONS and "jurisdiction" not in errors:
        bad("jurisdiction", f"use one of {', '.join(JURISDICTIONS)}")
    population = raw.get("population", ["today"])[0]
    if population not in populations and "population" not in errors:
        bad("population", f"use one of {', '.join(populations)}")
    if errors:
        raise QueryError(list(errors.values()))
    try:
        filters = Filters.model_validate(fields)
    except ValidationError as exc:  # pragma: no cover - every value was checked above
        err = exc.errors()[0]
        raise QueryError([ParamError(str(err["loc"][0]), err["msg"])]) from None
    return Query(filters, day, jurisdiction, population)


def _check_set(
    key: str,
    values: list[str],
    spelled_as_list: bool,
    fields: dict[str, Any],
    bad: Callable[[str, str], None],
) -> None:
    """Check one set's values and put its seed spelling in ``fields``, or report the first
    problem with it."""
    if "any" in values:
        if len(values) > 1:
            bad(key, '"any" cannot be combined with other values')
        return
    full = rules.CHOICES[key]
    unknown = [v for v in values if v not in full]
    if unknown:
        bad(key, f"'{unknown[0]}' is not one of any, {', '.join(full)}")
    elif len(set(values)) != len(values):
        bad(key, "repeats a value")
    elif len(values) == 1 and key in rules.ORDERED and not spelled_as_list:
        fields[key] = values[0]  # one level means that level or higher, as in a posting
    else:
        chosen = canonical(key, tuple(values))
        fields[key] = list(chosen) if isinstance(chosen, tuple) else chosen
