"""Library.search gives exactly what a plain word-by-word check of every specimen, then a full
sort, gives."""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from otiose.content import load_library, vocab
from otiose.content.library import PAGE_SIZE, SORTS, Library
from otiose.content.models import Specimen
from otiose.content.search import SHORT_FORMS, SPELLINGS, STOP_WORDS, fold, stem, words

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def specimens() -> list[Specimen]:
    """The real specimens and 4 copies of each, with titles, salaries and flight risks from
    short lists, so that every sort has ties (and some titles differ only by case)."""
    real = list(load_library(ROOT).specimens.values())
    out = list(real)
    for n in range(1, 5):
        for i, s in enumerate(real):
            title = real[(i * n) % len(real)].title
            salary = s.salary.model_copy(update={"market_average": 50_000 * (i % 3)})
            risk = s.flight_risk.model_copy(update={"percent": 10 * ((i + n) % 4)})
            update = {
                "id": f"{s.id}-copy-{n}",
                "title": title.upper() if n == 2 else title,
                "salary": salary,
                "flight_risk": risk,
            }
            out.append(s.model_copy(update=update))
    return out


@cache
def _stem(word: str) -> str:
    return stem(word)


def _inflection(a: str, b: str) -> bool:
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return max(len(a), len(b)) - common <= 2


@cache
def _respell(word: str) -> frozenset[str]:
    """The word with a British ending swapped for the American one or back, plural or not."""
    out = set()
    for british, american in SPELLINGS:
        for this, that in ((british, american), (american, british)):
            for end in ("", "s"):
                if len(word) >= 5 and word.endswith(this + end):
                    out.add(word[: -len(this + end)] + that + end)
    return frozenset(out - {word})


@cache  # pure, and asked millions of times by the full-sort test
def _kind(token: str, word: str) -> str | None:
    """How a word of the text matches a query word, if it does."""
    if token == word:
        return "same"
    if any(token == r or _stem(token) == _stem(r) for r in _respell(word)):
        return "same"
    if _stem(token) == _stem(word):
        return "same" if _inflection(token, word) else "related"
    return "prefix" if len(word) >= 3 and token.startswith(word) else None


# Per query word, the best of these a specimen reaches scores: kind of match before field.
LEVELS = [
    ("first", "same", 9),
    ("title", "same", 8),
    ("first", "related", 7),
    ("title", "related", 6),
    ("first", "prefix", 5),
    ("title", "prefix", 4),
    ("alias", "same", 3),
    ("alias", "related", 2),
    ("alias", "prefix", 2),
    ("any", "same", 1),
    ("any", "related", 1),
]


_FIELDS: dict[tuple[str, str], dict[str, list[str]]] = {}


def _fields(s: Specimen) -> dict[str, list[str]]:
    """The words of each field a specimen is searched by (kept: a test asks hundreds of times)."""
    if (s.id, s.title) not in _FIELDS:
        _FIELDS[s.id, s.title] = _read_fields(s)
    return _FIELDS[s.id, s.title]


def _short(text: str, start_only: bool = False) -> list[str]:
    """What ``text`` is also filed under by ``SHORT_FORMS`` (with ``start_only``, for what it
    starts with only)."""
    plain = words(text)
    out = []
    for short, phrases in SHORT_FORMS.items():
        for phrase in phrases:
            p = phrase.split()
            at = range(1) if start_only else range(len(plain))
            if any(plain[i : i + len(p)] == p for i in at):
                out.append(short)
        if len(phrases) == 1 and short in (plain[:1] if start_only else plain):
            out += phrases[0].split()
    return out


def _read_fields(s: Specimen) -> dict[str, list[str]]:
    title = words(s.title, joined=True) + _short(s.title)
    alias = [w for a in s.aliases for w in words(a, joined=True) + _short(a)]
    family = next(f.name for f in vocab.families() if f.id == s.family)
    other = [s.summary, family]
    if s.graeber:
        other += [next(t.name for t in vocab.graeber_types()[0] if t.id == s.graeber)]
        other += ["bullshit", "Graeber"]
    return {
        "first": title[:1] + _short(s.title, start_only=True),
        "title": title,
        "alias": alias,
        "any": title + alias + [w for o in other for w in words(o, joined=True) + _short(o)],
    }


def reference(
    specimens: list[Specimen], query: str, family: str, sort: str, page: int
) -> tuple[list[str], int, int, int]:
    """Every specimen checked word by word, matches sorted in full: what search must give."""
    fields = {s.id: _fields(s) for s in specimens}
    on_file = {w for f in fields.values() for w in f["any"]}
    pieces = []  # a hyphenated word joined when on file, else its parts
    for piece in re.findall(r"[^\W_]+(?:-[^\W_]+)*", fold(query)):
        joined = piece.replace("-", "")
        pieces += [joined] if joined in on_file else piece.split("-")
    pieces = [w for w in pieces if w not in STOP_WORDS] or pieces
    query_words: list[str] = []

    def found(s: Specimen, w: str) -> bool:
        return any(_kind(t, w) for t in fields[s.id]["any"])

    def together(a: str, b: str) -> bool:
        return any(all(found(s, w) for w in (a, b)) for s in specimens)

    for w in pieces:  # two words in a row that find nothing together joined when on file
        if query_words and query_words[-1] + w in on_file and not together(query_words[-1], w):
            query_words[-1] += w
        else:
            query_words.append(w)
    query_words = list(dict.fromkeys(query_words))
    sort = sort if sort in SORTS else "family"
    fam_rank = {f.id: i for i, f in enumerate(vocab.families())}
    rates = vocab.currencies()

    def score(s: Specimen) -> int:
        total = 0
        for w in query_words:
            total += next(
                (
                    n
                    for field, kind, n in LEVELS
                    if any(_kind(t, w) == kind for t in fields[s.id][field])
                ),
                0,
            )
        return total

    def first(s: Specimen) -> float:
        if query.strip() and sort == "family":
            return -score(s)
        return {
            "title": 0,
            "family": fam_rank[s.family],
            "salary": -s.salary.market_average * rates[s.salary.currency].usd,
            "flight-risk": -s.flight_risk.percent,
        }[sort]

    hits = [
        s
        for s in specimens
        if (not family or s.family == family)
        and (not query.strip() or (query_words and all(found(s, w) for w in query_words)))
    ]
    hits.sort(key=lambda s: (first(s), s.title.casefold(), s.id))
    pages = max(1, math.ceil(len(hits) / PAGE_SIZE))
    page = min(max(1, page), pages)
    items = hits[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return [s.id for s in items], len(hits), page, pages


QUERIES = [
    "",
    "engineer",
    "managers",
    "a",
    "the",
    "ENGINEER  the",
    "scrum master",
    "zzzqqq",
    "consult",
    "box ticker",
    "Data & AI",
    "engineering",
    "?!",
    "pm",
    "human resources",
    "organisation",
    "e-mail",
    "front end",
    "the chief of staff",
    "ML engineer",
    "back end",
]
FAMILIES = ["", "software-engineering", "people-and-talent", "no-such-family"]


@pytest.mark.parametrize("query", QUERIES)
def test_search_matches_a_full_sort_for_every_sort_family_and_page(specimens, query):
    library = Library.build(list(reversed(specimens)), [], [])
    checked = 0
    for family in FAMILIES:
        for sort in (*SORTS, "no-such-sort"):
            last = reference(specimens, query, family, sort, 1)[3]
            for page in sorted({0, 1, 2, 3, last, last + 5}):
                got = library.search(query, family, sort, page)
                want = reference(specimens, query, family, sort, page)
                assert ([s.id for s in got.items], got.total, got.page, got.pages) == want, (
                    query,
                    family,
                    sort,
                    page,
                )
                checked += bool(want[0])
    assert checked or query in ("zzzqqq", "?!")  # some pages held results


def test_the_fixture_has_ties_across_pages(specimens):
    """What the test above relies on: ties in every sort key, some longer than a page."""
    assert len(specimens) > 3 * PAGE_SIZE
    salaries = Counter(s.salary.market_average for s in specimens)
    risks = Counter(s.flight_risk.percent for s in specimens)
    titles = Counter(s.title.casefold() for s in specimens)
    assert salaries.most_common(1)[0][1] > PAGE_SIZE
    assert risks.most_common(1)[0][1] > PAGE_SIZE
    assert titles.most_common(1)[0][1] >= 3
    assert len({s.title for s in specimens}) > len(titles)  # some differ only by case


def test_a_word_never_matches_across_two_fields(specimens):
    """The end of a title run into an alias, or an alias into the summary, is not a hit."""
    library = Library.build(specimens, [], [])
    spans = []
    for s in specimens[:20]:
        if s.aliases:
            spans.append(s.title[-4:] + s.aliases[0][:4])
            spans.append(s.aliases[-1][-4:] + s.summary[:4])
    assert spans
    for word in spans:
        if " " in word:
            continue
        got = library.search(word, sort="title")
        # nothing matches as typed: a typo's results are the corrected query's, said so
        searched = got.corrected or word
        assert got.corrected == "" or reference(specimens, word, "", "title", 1)[1] == 0, word
        assert ([s.id for s in got.items], got.total) == reference(
            specimens, searched, "", "title", 1
        )[:2], word
