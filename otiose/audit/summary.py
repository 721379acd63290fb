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
    unsettled_then: tuple[law.Ruling, ...] = ()
    unsettled_now: tuple[law.Ruling, ...] = ()

    @property
    def verdict_then(self) -> law.Verdict:
        """Unlawful if any clause was; else unsettled if any clause was; else lawful."""
        return _verdict(self.unlawful_then, self.unsettled_then)

    @property
    def verdict_now(self) -> law.Verdict:
        return _verdict(self.unlawful_now, self.unsettled_now)

    @property
    def laws_now(self) -> list[law.Law]:
        """The laws that make it unlawful today, each once, oldest first."""
        seen: dict[str, law.Law] = {}
        for ruling in self.unlawful_now:
            if ruling.law is not None:
                seen.setdefault(ruling.law.id, ruling.law)
        return sorted(seen.values(), key=lambda x: x.in_force)


def _verdict(unlawful: tuple[law.Ruling, ...], unsettled: tuple[law.Ruling, ...]) -> law.Verdict:
    return "unlawful" if unlawful else "unsettled" if unsettled else "lawful"


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
        unlawful_then=tuple(r for r in at_then if r.verdict == "unlawful"),
        unlawful_now=tuple(r for r in at_now if r.verdict == "unlawful"),
        silent_now=tuple(r for r in at_now if r.verdict == "silent"),
        unsettled_then=tuple(r for r in at_then if r.verdict == "unsettled"),
        unsettled_now=tuple(r for r in at_now if r.verdict == "unsettled"),
        worst=result.worst if result.worst is not None and result.worst.flagged else None,
    )
