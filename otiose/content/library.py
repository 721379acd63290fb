"""The loaded, validated content, indexed for the pages: specimens, families, eras, postings."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from . import vocab
from .models import Era, PopulationFile, Posting, Specimen

SORTS = ("family", "title", "salary", "flight-risk")
PAGE_SIZE = 48


def era_of_year(year: int, spans: Iterable[tuple[str, int, int]]) -> str:
    """The era (id, first year, last year) whose years hold ``year``, else the nearest one; of
    two equally near, the earlier. Postings are filed by this rule (the loader checks it), and
    the audit desk files its drafts by it."""

    def distance(span: tuple[str, int, int]) -> tuple[int, int]:
        _, start, end = span
        return (max(start - year, year - end, 0), start)

    nearest = min(spans, key=distance, default=None)
    if nearest is None:
        raise ValueError("there are no eras to file a posting under")
    return nearest[0]


@dataclass(frozen=True)
class Page:
    """One page of taxonomy results."""

    items: list[Specimen]
    total: int
    page: int
    pages: int
    query: str
    family: str
    sort: str


class _Entry(NamedTuple):
    """A specimen with the folded text search reads, made once at start-up."""

    specimen: Specimen
    family: str
    title: str
    aliases: str
    text: str  # title, aliases and summary, one per line: a word never spans two

    @classmethod
    def of(cls, s: Specimen) -> _Entry:
        title, aliases = s.title.casefold(), " | ".join(a.casefold() for a in s.aliases)
        return cls(s, s.family, title, aliases, f"{title}\n{aliases}\n{s.summary.casefold()}")

    def score(self, words: list[str]) -> int:
        """Rank: 3 a word that starts the title, 2 one inside it, 1 one in an alias."""
        score = 0
        for w in words:
            if w in self.title:
                score += 3 if self.title.startswith(w) else 2
            elif w in self.aliases:
                score += 1
        return score


@dataclass
class Library:
    """Everything the web layer reads. Built once; never changed after start-up."""

    specimens: dict[str, Specimen]
    eras: list[Era]
    postings: dict[str, Posting]
    population: PopulationFile | None = None  # today's; each era carries its own
    postings_by_era: dict[str, list[Posting]] = field(default_factory=dict)
    postings_by_specimen: dict[str, list[Posting]] = field(default_factory=dict)
    by_title: dict[str, str] = field(default_factory=dict)
    # (sort, family or "") -> the specimens in that order with their folded text, built once
    _entries: dict[tuple[str, str], list[_Entry]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        specimens: list[Specimen],
        eras: list[Era],
        postings: list[Posting],
        population: PopulationFile | None = None,
    ) -> Library:
        """Index validated content (``population``: today's working-age population)."""
        ordered = sorted(specimens, key=lambda s: (s.title.casefold(), s.id))
        lib = cls(
            specimens={s.id: s for s in ordered},
            eras=sorted(eras, key=lambda e: (e.order, e.years.start, e.id)),
            postings={},
            population=population,
        )
        era_ids = [e.id for e in lib.eras]
        for p in sorted(postings, key=lambda p: (p.posted or date.min, p.postedDate, p.id)):
            if p.era in era_ids:
                lib.postings[p.id] = p
                lib.postings_by_era.setdefault(p.era, []).append(p)
                if p.specimen:
                    lib.postings_by_specimen.setdefault(p.specimen, []).append(p)
        for s in ordered:
            lib.by_title.setdefault(s.title.casefold(), s.id)
        for s in ordered:
            for alias in s.aliases:
                lib.by_title.setdefault(alias.casefold(), s.id)
        entry = {id(s): _Entry.of(s) for s in ordered}
        fam_rank = {f.id: i for i, f in enumerate(vocab.families())}
        rates = vocab.currencies()
        orders = {  # each a stable sort of the title order, so ties stay in title order
            "title": ordered,
            "family": sorted(ordered, key=lambda s: fam_rank[s.family]),
            "salary": sorted(
                ordered, key=lambda s: -s.salary.market_average * rates[s.salary.currency].usd
            ),
            "flight-risk": sorted(ordered, key=lambda s: -s.flight_risk.percent),
        }
        for sort, order in orders.items():
            lib._entries[sort, ""] = [entry[id(s)] for s in order]
            for e in lib._entries[sort, ""]:
                lib._entries.setdefault((sort, e.family), []).append(e)
        return lib

    # ------------------------------------------------------------ reading

    def family_counts(self) -> dict[str, int]:
        """How many specimens each family has (families with none included, as 0)."""
        counts = {f.id: 0 for f in vocab.families()}
        for s in self.specimens.values():
            counts[s.family] += 1
        return counts

    def era(self, era_id: str) -> Era | None:
        """The era with this id, if any."""
        return next((e for e in self.eras if e.id == era_id), None)

    def random_id(self, rng: random.Random | None = None) -> str:
        """A specimen id picked at random."""
        return (rng or random).choice(list(self.specimens))

    def featured(self, day_number: int) -> Specimen:
        """A specimen that changes once a day, the same for everyone that day."""
        ids = list(self.specimens)
        return self.specimens[ids[day_number % len(ids)]]

    def link_for(self, title: str) -> str | None:
        """The specimen id whose title (or alias) is ``title``, if there is one."""
        return self.by_title.get(title.casefold())

    def search(
        self, query: str = "", family: str = "", sort: str = "family", page: int = 1
    ) -> Page:
        """Specimens matching every word of ``query`` in title, aliases or summary.

        With a query, results are ranked (title hits first) unless a sort other than the default
        is asked for. Pages hold ``PAGE_SIZE`` results.
        """
        words = query.casefold().split()
        sort = sort if sort in SORTS else "family"
        ranked = bool(words) and sort == "family"
        entries = self._entries.get(("title" if ranked else sort, family), [])
        for w in words:
            entries = [e for e in entries if w in e.text]
        if ranked:
            entries = sorted(entries, key=lambda e: -e.score(words))  # stable: ties by title
        pages = max(1, math.ceil(len(entries) / PAGE_SIZE))
        page = min(max(1, page), pages)
        items = [e.specimen for e in entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
        return Page(items, len(entries), page, pages, query, family, sort)

    def grouped(self, items: list[Specimen]) -> list[tuple[vocab.Family, list[Specimen]]]:
        """Group specimens by family, in the families' display order."""
        groups: dict[str, list[Specimen]] = defaultdict(list)
        for s in items:
            groups[s.family].append(s)
        return [(f, groups[f.id]) for f in vocab.families() if groups.get(f.id)]
