"""One posting's audit in a sentence: lawful or not in its own year and today, and its worst
impact ratio ("Lawful in 1899. Unlawful today under ..., worst impact ratio 0.12 (women)")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..content.models import Filters
from . import exact, law
from .population import PopulationTables


@dataclass(frozen=True)
class Summary:
    """What the desk says about one posting, then and now."""

    then: date
    now: date
    jurisdiction: str
    unlawful_then: tuple[law.Ruling, ...]
    unlawful_now: tuple[law.Ruling, ...]
    silent_now: tuple[law.Ruling, ...]
    worst: exact.Group | None

    @property
    def lawful_then(self) -> bool:
        return not self.unlawful_then

    @property
    def lawful_now(self) -> bool:
        return not self.unlawful_now

    @property
    def laws_now(self) -> list[law.Law]:
        """The laws that make it unlawful today, each once, oldest first."""
        seen: dict[str, law.Law] = {}
        for ruling in self.unlawful_now:
            if ruling.law is not None:
                seen.setdefault(ruling.law.id, ruling.law)
        return sorted(seen.values(), key=lambda x: x.in_force)


def summarize(
    filters: Filters,
    then: date,
    now: date,
    tables: PopulationTables,
    jurisdiction: str = "us",
) -> Summary:
    """The audit of a posting dated ``then``, held against the law then and on ``now``."""
    result = exact.audit(filters, tables)
    at_then = law.rule_on(filters, then, jurisdiction)
    at_now = law.rule_on(filters, now, jurisdiction)
    return Summary(
        then=then,
        now=now,
        jurisdiction=jurisdiction,
        unlawful_then=tuple(r for r in at_then if r.lawful is False),
        unlawful_now=tuple(r for r in at_now if r.lawful is False),
        silent_now=tuple(r for r in at_now if r.lawful is None),
        worst=result.worst if result.worst is not None and result.worst.flagged else None,
    )
