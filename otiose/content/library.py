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
from .search import Document, Match, SearchIndex, Segment, highlight, replace_words, terms

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
class Why:
    """Why a specimen matched a query: its title and summary with the matched words marked,
    and notes (label, items) from the fields a card does not show (aliases, family, Graeber
    type) that hold the query words its title and summary do not."""

    title: list[Segment]
    summary: list[Segment]
    notes: list[tuple[str, list[list[Segment]]]]


@dataclass(frozen=True)
class Page:
    """One page of taxonomy results; with a query, ``why`` each item matched, by its id.

    ``query`` is always the query asked for. When nothing matched it but the same query with its
    unknown words put right does find something, ``corrected`` is that query and the page holds
    its results (``total``, ``pages`` and ``why`` included); otherwise ``corrected`` is empty.
    """

    items: list[Specimen]
    total: int
    page: int
    pages: int
    query: str
    family: str
    sort: str
    corrected: str = ""
    why: dict[str, Why] = field(default_factory=dict)


class _Entry(NamedTuple):
    """A specimen and its place in the search index (its rank in title order)."""

    specimen: Specimen
    family: str
    number: int


GRAEBER_WORDS = ("Graeber", "bullshit")  # what a specimen of a Graeber type is also found by


def _document(s: Specimen, family_names: dict[str, str], graeber_names: dict[str, str]) -> Document:
    """What a specimen is found by: its title, aliases and summary, its family's name and, when
    it is filed under one of Graeber's types, that type's name and ``GRAEBER_WORDS``."""
    other = [s.summary, family_names[s.family]]
    if s.graeber:
        other += [graeber_names[s.graeber], *GRAEBER_WORDS]
    return Document(s.title, s.aliases, other)


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
    # (sort, family or "") -> the specimens in that order, built once
    _entries: dict[tuple[str, str], list[_Entry]] = field(default_factory=dict)
    _index: SearchIndex = field(default_factory=lambda: SearchIndex(()))
    _family_names: dict[str, str] = field(default_factory=dict)
    _graeber_names: dict[str, str] = field(default_factory=dict)

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
        family_names = {f.id: f.name for f in vocab.families()}
        graeber_names = {t.id: t.name for t in vocab.graeber_types()[0]}
        lib._index = SearchIndex(_document(s, family_names, graeber_names) for s in ordered)
        lib._family_names, lib._graeber_names = family_names, graeber_names
        entry = {id(s): _Entry(s, s.family, n) for n, s in enumerate(ordered)}
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
        """Specimens matching every word of ``query`` (see ``otiose.content.search``) in their
        title, aliases, summary, family name or Graeber type.

        With a query, results are ranked (title hits first) unless a sort other than the default
        is asked for. Pages hold ``PAGE_SIZE`` results. A query with no words in it (only
        punctuation, say) matches nothing. When nothing (in ``family``) matches a query, the
        query is searched again with each word that matches nothing replaced by the nearest
        word on file, and if that finds something, those are the results, with the query that
        found them in ``Page.corrected``.
        """
        sort = sort if sort in SORTS else "family"
        matches = self._matches(query)
        entries = self._matching(matches, family, sort)
        corrected = ""
        if matches and not entries and (fixes := self._index.corrections(matches)):
            fixed = replace_words(query, fixes)
            fixed_matches = self._matches(fixed)
            if fixed_entries := self._matching(fixed_matches, family, sort):
                corrected, matches, entries = fixed, fixed_matches, fixed_entries
        pages = max(1, math.ceil(len(entries) / PAGE_SIZE))
        page = min(max(1, page), pages)
        items = [e.specimen for e in entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
        why: dict[str, Why] = {}
        if matches:
            found = frozenset(w for m in matches for w in m.words)
            why = {s.id: self.why(s, matches, found) for s in items}
        return Page(items, len(entries), page, pages, query, family, sort, corrected, why)

    def _matches(self, query: str) -> list[Match] | None:
        """What each word of ``query`` matches in the index; None for a blank query."""
        if not query.strip():
            return None
        return [self._index.match(w) for w in self._index.query_words(query)]

    def _matching(self, matches: list[Match] | None, family: str, sort: str) -> list[_Entry]:
        """The entries matching every query word (all of them when there is no query), in the
        order shown."""
        if matches is None:
            return self._entries.get((sort, family), [])
        hits = self._index.find(matches)
        ranked = sort == "family"
        entries = [
            e
            for e in self._entries.get(("title" if ranked else sort, family), [])
            if e.number in hits
        ]
        if ranked and entries:
            scores = self._index.scores(matches, {e.number for e in entries} if family else hits)
            by_score: dict[int, list[_Entry]] = {}  # scores are small whole numbers: bucket them
            for e in entries:  # in title order, which each bucket keeps for its ties
                by_score.setdefault(scores[e.number], []).append(e)
            entries = [e for score in sorted(by_score, reverse=True) for e in by_score[score]]
        return entries

    def why(self, s: Specimen, matches: list[Match], found: frozenset[str]) -> Why:
        """Why ``s`` matched: the words the search matched (``found``: every word of
        ``matches``) marked in its title and summary, and notes for the query words only its
        aliases, family or Graeber type hold."""
        title, summary = highlight(s.title, found), highlight(s.summary, found)
        shown = {w for text, hit in (*title, *summary) if hit for w in terms(text)}
        hidden = frozenset(w for m in matches if shown.isdisjoint(m.words) for w in m.words)
        notes: list[tuple[str, list[list[Segment]]]] = []
        if hidden:
            aliases = [a for a in s.aliases if not hidden.isdisjoint(terms(a))]
            if aliases:
                notes.append(("Also known as", [highlight(a, found) for a in aliases]))
            family = self._family_names[s.family]
            if not hidden.isdisjoint(terms(family)):
                notes.append(("Filed under", [highlight(family, found)]))
            kind = self._graeber_names.get(s.graeber or "", "")
            if kind and not hidden.isdisjoint(terms(" ".join((kind, *GRAEBER_WORDS)))):
                graeber, bullshit = (highlight(w, found) for w in GRAEBER_WORDS)
                line = [*highlight(kind, found), (", one of ", False), *graeber, ("’s ", False)]
                notes.append(("Filed under", [[*line, *bullshit, (" jobs", False)]]))
        return Why(title, summary, notes)

    def grouped(self, items: list[Specimen]) -> list[tuple[vocab.Family, list[Specimen]]]:
        """Group specimens by family, in the families' display order."""
        groups: dict[str, list[Specimen]] = defaultdict(list)
        for s in items:
            groups[s.family].append(s)
        return [(f, groups[f.id]) for f in vocab.families() if groups.get(f.id)]
