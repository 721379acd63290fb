"""Search over the real content finds what a reader types: inflections, whole words and their
beginnings, Graeber's types and the families, accents folded, and for a typo the results of the
nearest words on file."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from htmldoc import parse

from otiose.content import library as library_module
from otiose.content import load_library, vocab
from otiose.content.library import SORTS, Library, Page
from otiose.content.models import Specimen
from otiose.content.search import fold, replace_words, stem
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


def same_results(got: Page, want: Page) -> None:
    """Two pages hold the same files, counts and reasons."""
    assert [s.id for s in got.items] == [s.id for s in want.items]
    assert (got.total, got.page, got.pages) == (want.total, want.page, want.pages)
    assert got.why == want.why


@pytest.mark.parametrize(
    ("typed", "corrected"),
    [
        ("consltant", "consultant"),
        ("recuiter", "recruiter"),
        ("scrum mastr", "scrum master"),
        ("Chief of Stff", "Chief of Staff"),  # what was typed kept, but for the word put right
        ("RECUITER", "RECRUITER"),
        ("Recuiter!", "Recruiter!"),
    ],
)
def test_a_typo_shows_the_results_of_the_nearest_word_on_file(library, typed, corrected):
    page = library.search(typed)
    assert (page.query, page.corrected) == (typed, corrected)
    assert page.total > 0
    same_results(page, library.search(corrected))
    assert library.search(corrected).corrected == ""  # the corrected query matches as it is


@pytest.mark.parametrize("query", ["zzzqqq", "xylophone", "consultant zzzqqq"])
def test_no_correction_without_a_near_word_that_finds_something(library, query):
    page = library.search(query)
    assert (page.total, page.items, page.corrected, page.why) == (0, [], "", {})


@pytest.mark.parametrize("query", ["engineer", "enginer", "consult", "managers", "scrum master"])
def test_a_query_that_matches_is_never_corrected(library, query):
    """ "enginer" has the stem of "engineer", so it matches as typed."""
    page = library.search(query)
    assert page.total > 0 and page.corrected == ""


def test_a_correction_keeps_to_the_family_asked_for(library):
    page = library.search("consltant", "software-engineering")
    assert (page.total, page.corrected) == (0, "")
    family = library.specimens["management-consultant"].family
    page = library.search("consltant", family)
    assert page.corrected == "consultant"
    same_results(page, library.search("consultant", family))
    assert {s.family for s in page.items} == {family}


@pytest.mark.parametrize("sort", SORTS)
def test_a_corrected_search_sorts_and_pages_like_the_corrected_query(library, monkeypatch, sort):
    monkeypatch.setattr(library_module, "PAGE_SIZE", 10)
    first = library.search("managr", sort=sort)
    assert first.corrected == "manager" and first.pages > 2
    for n in range(1, first.pages + 1):
        page = library.search("managr", sort=sort, page=n)
        assert (page.query, page.corrected, page.sort) == ("managr", "manager", sort)
        same_results(page, library.search("manager", sort=sort, page=n))


def test_a_corrected_search_marks_the_corrected_words(library):
    page = library.search("recuiter")
    marked = [t for w in page.why.values() for t, hit in [*w.title, *w.summary] if hit]
    assert marked and {stem(fold(t)) for t in marked} == {stem("recruiter")}
    assert page.why["technical-recruiter"].title == [("Technical ", False), ("Recruiter", True)]


@pytest.mark.parametrize(
    ("text", "replacements", "want"),
    [
        ("chief of stff", {"stff": "staff"}, "chief of staff"),
        ("Stff, chief of", {"stff": "staff"}, "Staff, chief of"),
        ("STFF stff Stff", {"stff": "staff"}, "STAFF staff Staff"),
        ("manger's desk", {"mangers": "managers"}, "managers desk"),
        ("Gérnt-mangr", {"gernt": "agent", "mangr": "manager"}, "Agent-manager"),
        ("Ge\u0301rnt x", {"gernt": "agent"}, "Agent x"),  # the combining accent goes too
        ("stffing stff", {"stff": "staff"}, "stffing staff"),  # whole words only
    ],
)
def test_replace_words_puts_words_right_and_keeps_the_rest_as_typed(text, replacements, want):
    assert replace_words(text, replacements) == want


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
        assert library.search(query).corrected == ""


@pytest.mark.parametrize("query", ["!!!", "?", "& — …", "'"])
def test_a_query_of_only_punctuation_matches_nothing(library, query):
    page = library.search(query)
    assert (page.total, page.items, page.corrected) == (0, [], "")


# ---------------------------------------------------------------- the page and its fragment


def count_line(doc) -> str:
    return " ".join(doc.find(cls="results__count").text.split())


def test_the_page_shows_the_corrected_results_and_says_so(client):
    r = client.get("/specimens/?q=consltant&sort=title")
    assert r.status_code == 200  # no redirect: the address keeps what the reader typed
    doc = parse(r.data)
    assert count_line(doc) == (
        "No specimen matches “consltant”. Showing the 3 that match “consultant”."
    )
    assert doc.find(cls="results__count").attrs["role"] == "status"
    assert doc.find_all(cls="empty") == []
    assert "Did you mean" not in doc.text
    titles = [h.text for h in doc.find_all("h3", cls="card__title")]
    assert len(titles) == 3 and titles == sorted(titles, key=str.casefold)
    assert "Management Consultant" in titles
    assert {fold(m.text) for m in doc.find_all("mark")} >= {"consultant"}
    assert doc.find("input", id="q").attrs["value"] == "consltant"
    assert "“consltant” in the taxonomy" in doc.find("title").text


def test_one_corrected_result_is_counted_as_one(client):
    doc = parse(client.get("/specimens/?q=scrum+mastr").data)
    assert count_line(doc) == (
        "No specimen matches “scrum mastr”. Showing the one that matches “scrum master”."
    )


def test_the_count_line_names_the_family_of_a_corrected_search(client, library):
    family = library.specimens["management-consultant"].family
    name = next(f.name for f in vocab.families() if f.id == family)
    doc = parse(client.get("/specimens/", query_string={"q": "consltant", "family": family}).data)
    assert count_line(doc).startswith(f"No specimen matches “consltant” in {name}. Showing the ")


def test_the_fragment_carries_the_same_corrected_results(client):
    page = client.get("/specimens/?q=recuiter").data.decode()
    frag = client.get(
        "/specimens/?q=recuiter", headers={"HX-Request": "true", "HX-Target": "results"}
    ).data.decode()
    assert "Showing the 2 that match “recruiter”" in frag and frag.strip() in page


def rel_link(doc, rel: str):
    (link,) = [a for a in doc.find(cls="pager").find_all("a") if a.attrs.get("rel") == rel]
    return link


def test_page_two_of_a_corrected_search_keeps_the_query_typed(client, library, monkeypatch):
    monkeypatch.setattr(library_module, "PAGE_SIZE", 10)
    first = parse(client.get("/specimens/?q=managr&sort=title").data)
    assert count_line(first).startswith("No specimen matches “managr”. Showing the 25 that match")
    assert count_line(first).endswith("Page 1 of 3.")
    link = rel_link(first, "next")
    target = urlsplit(link.attrs["href"])
    assert parse_qs(target.query) == {"q": ["managr"], "sort": ["title"], "page": ["2"]}
    second = parse(client.get(link.attrs["href"]).data)
    assert count_line(second).endswith("Showing the 25 that match “manager”. Page 2 of 3.")
    titles = [h.text for h in second.find_all("h3", cls="card__title")]
    want = [s.title for s in library.search("manager", sort="title", page=2).items]
    assert titles == want and len(titles) == 10
    back = urlsplit(rel_link(second, "prev").attrs["href"])
    assert parse_qs(back.query) == {"q": ["managr"], "sort": ["title"], "page": ["1"]}
    past = client.get("/specimens/?q=managr&sort=title&page=4")
    assert past.status_code == 404 and b"these results run to 3 pages" in past.data


def test_nothing_near_still_says_nothing_matches(client):
    doc = parse(client.get("/specimens/?q=zzzzqqqq").data)
    assert count_line(doc) == "0 specimens match “zzzzqqqq”."
    assert "Nothing on file matches" in doc.find(cls="empty").text


def test_the_count_line_says_one_specimen_matches(client):
    doc = parse(client.get("/specimens/?q=scrum+master").data)
    assert count_line(doc) == "1 specimen matches “scrum master”."


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


def test_the_readme_example_of_a_corrected_search_is_what_the_page_says(client):
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    said = re.search(
        r'"(No specimen matches “(\w+)”\. Showing the \d+ that match “\w+”\.)"', readme
    )
    assert said, "README no longer shows a corrected search"
    doc = parse(client.get("/specimens/", query_string={"q": said[2]}).data)
    assert count_line(doc) == said[1]
