"""Recourse after a rejection: the smallest change that passes, split by whether a person can act.

Education, experience, a union card and marital status are things a person can do something
about (or at least leave off an application). Age, race and gender are not: they are never
offered as something to change, only named as what the filter really wanted.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.models import Filters
from ..words import join_and
from .character import Character
from .odds import Fix, smallest_fix
from .rules import ORDERED, VALUE_TEXT

ACTIONABLE = ("education", "experience", "union", "maritalStatus")
BORN_WITH = ("age", "race", "gender")

_MORE = {
    "education": {
        "high_school": "a high-school diploma",
        "bachelor": "a bachelor's degree",
        "graduate": "a graduate degree",
    },
    "experience": {
        "junior": "a year or two of experience",
        "experienced": "several years of experience",
        "senior": "a senior's length of experience",
    },
}
_LESS = {
    "education": {
        "none": "leaving every diploma off the application",
        "high_school": "leaving the degree off the application",
        "bachelor": "leaving the graduate degree off the application",
    },
    "experience": {
        "none": "a résumé trimmed to no experience at all",
        "junior": "a résumé trimmed to look junior",
        "experienced": "a résumé trimmed to look merely experienced",
    },
}
_UNION = {True: "a union card", False: "giving up the union card"}
_MARITAL = {
    "single": "being single",
    "married": "a wedding",
    "divorced": "a divorce",
    "widowed": "widowhood",
}


@dataclass(frozen=True)
class Recourse:
    """What could be done about a rejection, and what could not."""

    actions: tuple[str, ...]  # "a bachelor's degree", "giving up the union card"
    born: tuple[str, ...]  # "white", "male", "12 years later", "a year earlier"
    possible: bool = True  # False: no applicant who could exist passes these filters

    def sentences(self) -> tuple[str, ...]:
        """One or two sentences: "Recourse: …." and/or "No recourse: …."."""
        if not self.possible:
            return ("No recourse: no applicant who could exist passes these filters.",)
        out = []
        if self.actions:
            out.append(f"Recourse: {join_and(self.actions)}.")
        if self.born:
            born = self._born()
            if self.actions:
                out.append(f"No recourse for the rest: it would also have taken being born {born}.")
            else:
                out.append(f"No recourse: only being born {born} would have done it.")
        return tuple(out)

    def _born(self) -> str:
        when = [b for b in self.born if b.endswith(("later", "earlier"))]
        traits = [b for b in self.born if b not in when]
        if traits and when:
            return f"{join_and(traits)}, {when[0]}"
        return join_and(traits or when)


def _action(key: str, current: object, wanted: object) -> str:
    if key in ORDERED:
        order = ORDERED[key]
        assert isinstance(current, str) and isinstance(wanted, str)
        more = order.index(wanted) > order.index(current)
        return (_MORE if more else _LESS)[key][wanted]
    if key == "union":
        return _UNION[bool(wanted)]
    return _MARITAL[str(wanted)]


def from_fix(fix: Fix | None, c: Character) -> Recourse:
    """Split a smallest fix into what ``c`` could act on and what they were born with."""
    if fix is None:
        return Recourse((), (), possible=False)
    actions: list[str] = []
    traits: list[str] = []
    when: list[str] = []
    for key, value in fix.changes:
        if key == "age":
            n = abs(fix.age_delta)
            span = "a year" if n == 1 else f"{n} years"
            when.append(f"{span} {'later' if fix.age_delta < 0 else 'earlier'}")
        elif key == "race":
            traits.insert(0, VALUE_TEXT["race"][str(value)])
        elif key == "gender":
            traits.append(VALUE_TEXT["gender"][str(value)])
        else:
            actions.append(_action(key, getattr(c, key), value))
    return Recourse(tuple(actions), (*traits, *when))


def recourse(filters: Filters, c: Character) -> Recourse | None:
    """The recourse of ``c`` against ``filters``; None when ``c`` passes."""
    fix = smallest_fix(filters, c)
    if fix is not None and not fix.changes:
        return None
    return from_fix(fix, c)
