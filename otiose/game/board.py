"""Everything the game reads, precomputed once from the library: odds, verdicts, run reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from ..content import Library, Posting
from ..content.models import Era
from . import rules
from .character import Character
from .odds import Fix, exclusion_by_filter, pass_probability, smallest_fix
from .population import Population, today
from .recourse import Recourse, from_fix


@dataclass(frozen=True)
class PostingOdds:
    """A posting's exact pass probability and what each of its filters excludes on its own.

    ``odds`` is against today's population, ``era_odds`` against the posting's own era's (None
    only when the era has no population loaded, as in a single-file preview).
    """

    posting: Posting
    odds: Fraction
    exclusion: dict[str, Fraction]
    era_odds: Fraction | None = None

    @property
    def worst_filter(self) -> str | None:
        """The filter that alone turns away the largest share of people."""
        if not self.exclusion:
            return None
        return max(self.exclusion, key=lambda k: self.exclusion[k])


@dataclass(frozen=True)
class Verdict:
    """The outcome of one application, always recomputed from the character and the posting."""

    posting: Posting
    era: Era
    character: Character
    hired: bool
    checks: list[rules.Check]
    failed: str | None
    letter: str
    odds: Fraction
    fix: Fix | None
    era_odds: Fraction | None = None

    @property
    def failures(self) -> list[str]:
        """Every filter the character failed, in key order."""
        return [c.key for c in self.checks if not c.passed]

    @property
    def recourse(self) -> Recourse | None:
        """After a rejection, what could be done about it and what could not."""
        return None if self.hired else from_fix(self.fix, self.character)


@dataclass(frozen=True)
class Report:
    """The summary of a run: applications, offers, the costliest filter, the comparison."""

    character: Character
    verdicts: list[Verdict]
    offers: int
    costliest: str | None
    costliest_count: int
    passable: int
    total_postings: int
    population_rate: Fraction

    @property
    def character_rate(self) -> Fraction:
        """Share of all postings this character would pass."""
        return Fraction(self.passable, self.total_postings) if self.total_postings else Fraction(0)


def passable(library: Library, c: Character) -> list[Posting]:
    """Every posting that would hire ``c``, in board order (era, then date)."""
    return [
        p
        for era in library.eras
        for p in library.postings_by_era.get(era.id, [])
        if rules.passes(p.filters, c)
    ]


class Board:
    """The game over one library: exact odds per posting, verdicts and reports."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.population = (
            Population.from_file(library.population) if library.population else today()
        )
        self.era_populations = {
            e.id: Population.from_file(e.population) for e in library.eras if e.population
        }
        self.odds = {
            pid: PostingOdds(
                p,
                pass_probability(p.filters, self.population),
                exclusion_by_filter(p.filters, self.population),
                self._era_odds(p),
            )
            for pid, p in library.postings.items()
        }
        self._place = {  # each posting's place in its era, which picks its offer letter
            p.id: i for ps in library.postings_by_era.values() for i, p in enumerate(ps)
        }
        n = len(self.odds)
        self.population_rate = (
            sum((o.odds for o in self.odds.values()), Fraction(0)) / n if n else Fraction(0)
        )

    def _era_odds(self, p: Posting) -> Fraction | None:
        era = self.era_populations.get(p.era)
        return pass_probability(p.filters, era) if era else None

    def ranking(self) -> list[PostingOdds]:
        """Postings from the most to the least exclusive."""
        return sorted(self.odds.values(), key=lambda o: (o.odds, o.posting.id))

    def hireable(self, c: Character) -> tuple[Posting, ...]:
        """Every posting that would hire ``c``, in board order (era, then date); remembered,
        since every apply and board of a run asks it again."""
        return self._hireable(c)

    @lru_cache(maxsize=4096)  # noqa: B019 - one Board per loaded library, kept for its lifetime
    def _hireable(self, c: Character) -> tuple[Posting, ...]:
        return tuple(passable(self.library, c))

    def verdict(self, posting_id: str, c: Character) -> Verdict:
        """Apply ``c`` to the posting and explain the outcome (remembered: it never changes)."""
        return self._verdict(posting_id, c)

    @lru_cache(maxsize=16384)  # noqa: B019 - one Board per loaded library, kept for its lifetime
    def _verdict(self, posting_id: str, c: Character) -> Verdict:
        posting = self.library.postings[posting_id]
        era = self.library.era(posting.era)
        assert era is not None  # the loader only keeps postings whose era loaded
        checks = rules.check_all(posting.filters, c)
        failed = next((ch.key for ch in checks if not ch.passed), None)
        if failed is None:  # the era's offer letters, taken in turn by its postings
            offers = era.offers
            template = offers[self._place[posting_id] % len(offers)]
        else:
            template = getattr(era.rejections, failed)
        letter = rules.fill_letter(
            template, name=c.name, title=posting.title, company=posting.company
        )
        fix = smallest_fix(posting.filters, c) if failed else None
        entry = self.odds[posting_id]
        return Verdict(
            posting, era, c, failed is None, checks, failed, letter, entry.odds, fix, entry.era_odds
        )

    def report(self, c: Character, applied: list[str]) -> Report:
        """Sum up the run of applications ``applied`` (posting ids, in order)."""
        verdicts = [self.verdict(pid, c) for pid in applied if pid in self.library.postings]
        cost: Counter[str] = Counter()
        for v in verdicts:
            cost.update(v.failures)
        costliest, count = (None, 0)
        if cost:
            top = max(cost.values())
            tied = [k for k, v in cost.items() if v == top]
            costliest = max(
                tied,
                key=lambda k: sum(
                    (self.odds[v.posting.id].exclusion.get(k, Fraction(0)) for v in verdicts),
                    Fraction(0),
                ),
            )
            count = top
        return Report(
            c,
            verdicts,
            sum(v.hired for v in verdicts),
            costliest,
            count,
            len(self.hireable(c)),
            len(self.library.postings),
            self.population_rate,
        )
