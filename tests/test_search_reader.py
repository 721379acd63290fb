"""Search over the real content finds what a reader types: inflections, whole words and their
beginnings, Graeber's types and the families, accents folded, a suggestion for a typo."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from htmldoc import parse

from otiose.content import load_library, vocab
from otiose.content.library import Library
from otiose.content.models import Specimen
from otiose.web.specimens import QUERY_CHARS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(ROOT)


def hits(library: Library, query: str, family: str = "") -> list[str]:
    """The ids of every match, over all pages, in the order shown."""
    first = library.search(query, family)
    ids = [s.id for s in first.items]
    for n in range(2, first.pages + 1):
        ids += [s.id for s in library.search(query, family, page=n).items]
    assert len(ids) == first.total
    return ids


def _plural(word: str) -> str:
    """The other number of an English noun: "analysts" for "analyst" and back."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("ch", "sh", "x", "ss", "z")):
        return word + "es"
    return word + "s"


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("consultants", "consultant"),
        ("managers", "manager"),
        ("analysts", "analyst"),
        ("engineers", "engineer"),
    ],
)
def test_a_plural_finds_what_its_singular_finds(library, plural, singular):
    found = hits(library, singular)
    assert found, singular
    assert hits(library, plural) == found


def test_a_word_beginning_finds_the_whole_word(library):
    consultants = {s.id for s in library.specimens.values() if "consultant" in s.title.casefold()}
    assert consultants
    assert consultants <= set(hits(library, "consult"))


def test_a_short_word_matches_whole_words_not_the_inside_of_others(library):
    """ "ai" once found 35 of 36 specimens: it is inside "against", "chain", "maintain"."""
    found = hits(library, "ai")
    families = {f.id: f.name for f in vocab.families()}

    def says_ai(s: Specimen) -> bool:
        text = "\n".join([s.title, *s.aliases, s.summary, families[s.family]])
        return re.search(r"\bai\b", text, re.I) is not None

    inside_only = [s.id for s in library.specimens.values() if not says_ai(s)]
    assert inside_only  # specimens whose text holds "ai" only inside other words
    assert not set(inside_only) & set(found)
    assert {s.id for s in library.specimens.values() if says_ai(s)} == set(found)
    assert found[0] == "ai-engineer"  # a title that starts with the word comes first


@pytest.mark.parametrize("kind", vocab.GRAEBER)
def test_a_graeber_type_finds_the_files_filed_under_it(library, kind):
    name = next(t.name for t in vocab.graeber_types()[0] if t.id == kind)
    filed = {s.id for s in library.specimens.values() if s.graeber == kind}
    assert filed, kind
    for query in (name, name.lower(), name.upper()):
        assert filed <= set(hits(library, query)), query


def test_bullshit_and_graeber_find_everything_filed_under_a_type(library):
    filed = {s.id for s in library.specimens.values() if s.graeber}
    assert 0 < len(filed) < len(library.specimens)
    assert set(hits(library, "bullshit")) == filed
    assert set(hits(library, "Graeber")) == filed


@pytest.mark.parametrize("family", [f.id for f in vocab.families()])
def test_a_family_name_finds_its_files(library, family):
    name = next(f.name for f in vocab.families() if f.id == family)
    members = {s.id for s in library.specimens.values() if s.family == family}
    assert members <= set(hits(library, name)), name


def test_every_specimen_is_found_by_its_own_words(library):
    """Each word of its title, its title with the last word's number changed, its Graeber
    type's name; and its whole title puts it first."""
    types = {t.id: t.name for t in vocab.graeber_types()[0]}
    problems = []
    for s in library.specimens.values():
        title_words = [w for w in s.title.split() if any(c.isalnum() for c in w)]  # not "&"
        queries = [*title_words, " ".join([*title_words[:-1], _plural(title_words[-1])])]
        if s.graeber:
            queries.append(types[s.graeber])
        problems += [f"{s.id}: {q!r}" for q in queries if s.id not in hits(library, q)]
        first = library.search(s.title).items[0]
        if first.title.casefold() != s.title.casefold():
            problems.append(f"{s.id}: its title ranks {first.id} first")
    assert not problems, problems


def test_a_typo_gets_the_nearest_word_on_file(library):
    page = library.search("consltant")
    assert page.total == 0
    assert page.suggestion == "consultant"
    assert library.search(page.suggestion).total == len(hits(library, "consultant")) > 0
    assert library.search("scrum mastr").suggestion == "scrum master"


@pytest.mark.parametrize("query", ["zzzqqq", "xylophone", "consultant zzzqqq"])
def test_no_suggestion_without_a_near_word_that_finds_something(library, query):
    page = library.search(query)
    assert (page.total, page.suggestion) == (0, "")


def test_a_suggestion_keeps_to_the_family_asked_for(library):
    assert library.search("consltant", "software-engineering").suggestion == ""
    family = library.specimens["management-consultant"].family
    assert library.search("consltant", family).suggestion == "consultant"


def test_accents_and_case_fold_both_ways(library):
    base = library.specimens["scrum-master"]
    accented = base.model_copy(
        update={"id": "cafe-owner", "title": "Café Owner", "summary": "Runs a bistro in Neukölln."}
    )
    lib = Library.build([*library.specimens.values(), accented], [], [])
    for query in ("cafe", "café", "CAFÉ", "Cafe\u0301", "neukolln", "NEUKÖLLN", "cafés"):
        assert "cafe-owner" in hits(lib, query), query


def test_the_empty_query_lists_everything_in_family_order(library):
    order = [f.id for f in vocab.families()]
    for query in ("", "   "):
        found = hits(library, query)
        assert sorted(found) == sorted(library.specimens)
        ranks = [order.index(library.specimens[i].family) for i in found]
        assert ranks == sorted(ranks)
        assert library.search(query).suggestion == ""


@pytest.mark.parametrize("query", ["!!!", "?", "& — …", "'"])
def test_a_query_of_only_punctuation_matches_nothing(library, query):
    page = library.search(query)
    assert (page.total, page.items, page.suggestion) == (0, [], "")


# ---------------------------------------------------------------- the page and its fragment


def test_the_page_offers_the_suggestion_as_a_link_that_runs_it(client):
    doc = parse(client.get("/specimens/?q=consltant&sort=title").data)
    empty = doc.find(cls="empty")
    assert "Nothing on file matches" in empty.text
    offer = empty.find(cls="empty__suggestion")
    link = offer.find("a")
    assert offer.text.startswith("Did you mean") and link.text == "consultant"
    target = urlsplit(link.attrs["href"])
    assert target.path == "/specimens/"
    assert parse_qs(target.query) == {"q": ["consultant"], "sort": ["title"]}
    followed = parse(client.get(link.attrs["href"]).data)
    assert "Management Consultant" in [h.text for h in followed.find_all("h3", cls="card__title")]


def test_the_fragment_carries_the_same_suggestion(client):
    page = client.get("/specimens/?q=consltant").data.decode()
    frag = client.get(
        "/specimens/?q=consltant", headers={"HX-Request": "true", "HX-Target": "results"}
    ).data.decode()
    assert "Did you mean" in frag and frag.strip() in page


def test_no_suggestion_is_offered_when_nothing_is_near(client):
    doc = parse(client.get("/specimens/?q=zzzzqqqq").data)
    assert doc.find(cls="empty") is not None
    assert doc.find_all(cls="empty__suggestion") == []


def test_an_over_long_query_is_cut_not_refused(client):
    """The query is cut to QUERY_CHARS characters, what is left is searched, and the count line
    says so (in the page and in the fragment): nothing typed is dropped without a word."""
    query = "consultant " + "x" * 500
    r = client.get("/specimens/", query_string={"q": query})
    assert r.status_code == 200
    status = parse(r.data).find(cls="results__count").text
    assert query[:QUERY_CHARS].strip() in status and query[: QUERY_CHARS + 1] not in status
    assert "0 specimens match" in status  # "consultant" and an 89-letter word no file holds
    said = f"reads only the first {QUERY_CHARS} characters"
    assert said in status
    fragment = client.get(
        "/specimens/",
        query_string={"q": query},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    assert said in parse(fragment.data).find(cls="results__count").text
    exact = parse(client.get("/specimens/", query_string={"q": query[:QUERY_CHARS]}).data)
    assert said not in exact.find(cls="results__count").text
    cut = "consultant" + " " * (QUERY_CHARS - 10) + "zzzqqq"  # the second word falls off
    doc = parse(client.get("/specimens/", query_string={"q": cut}).data)
    assert "3 specimens match “consultant”" in doc.find(cls="results__count").text


def test_an_apostrophe_does_not_split_a_word(library):
    found = hits(library, "managers")
    assert found
    for query in ("manager's", "manager\u2019s", "MANAGER\u02bcS"):
        assert hits(library, query) == found, query
