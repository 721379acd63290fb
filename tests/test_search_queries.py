"""Queries readers type that the search once got wrong: each test is named for the query.

The unit tests build a small index of their own; the last ones read the real content and only
ask that a specimen is found (and first), never how many there are."""

from __future__ import annotations

from pathlib import Path

import pytest

from otiose.content import load_library
from otiose.content.library import Library
from otiose.content.search import Document, SearchIndex, highlight

ROOT = Path(__file__).resolve().parents[1]

DOCS = [
    Document("Product Manager", [], ["Owns the roadmap."]),
    Document("Project Manager", [], ["Owns the Gantt chart."]),
    Document("HR Business Partner", [], ["Partners with the business."]),
    Document("Software Engineer", [], ["Writes code, some of it in the frontend."]),
    Document(
        "Scrum Master", [], ["Runs the organization of ceremonies and the labor of standups."]
    ),
    Document("Policy Adviser", ["Programme officer"], ["Writes email about the centre."]),
    Document("Box Ticker", [], ["Ticks boxes."]),
    Document("Chief of Staff", [], ["Sits in on the meetings of them all, front to end."]),
]
TITLES = [d.title for d in DOCS]


def found(index: SearchIndex, query: str) -> list[str]:
    """The titles a query finds, best first, as the library ranks them."""
    matches = [index.match(w) for w in index.query_words(query)]
    hits = index.find(matches)
    scores = index.scores(matches, hits)
    return [TITLES[n] for n in sorted(hits, key=lambda n: (-scores[n], n))]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(DOCS)


def test_pm_finds_product_and_project_managers(index: SearchIndex) -> None:
    assert found(index, "pm") == ["Product Manager", "Project Manager"]
    assert found(index, "PM roadmap") == ["Product Manager"]


def test_pm_marks_the_phrase_it_stands_for(index: SearchIndex) -> None:
    matched = {w for m in map(index.match, index.query_words("pm")) for w in m.words}
    assert [t for t, hit in highlight("Senior Product Manager", matched) if hit] == [
        "Product Manager"
    ]
    assert not any(hit for _, hit in highlight("Product owner; manager", matched))


def test_human_resources_finds_hr(index: SearchIndex) -> None:
    assert found(index, "human resources") == ["HR Business Partner"]
    matched = {w for m in map(index.match, index.query_words("human resources")) for w in m.words}
    assert [t for t, hit in highlight("HR Business Partner", matched) if hit] == ["HR"]


def test_swe_finds_software_engineer(index: SearchIndex) -> None:
    assert found(index, "swe") == ["Software Engineer"]


def test_organisation_finds_organization(index: SearchIndex) -> None:
    assert found(index, "organisation") == ["Scrum Master"]
    assert found(index, "organisations") == ["Scrum Master"]


def test_labour_finds_labor(index: SearchIndex) -> None:
    assert found(index, "labour") == ["Scrum Master"]


def test_center_and_program_find_british_spellings(index: SearchIndex) -> None:
    assert found(index, "center") == ["Policy Adviser"]
    assert found(index, "program officer") == ["Policy Adviser"]


def test_advisor_finds_the_adviser_by_title(index: SearchIndex) -> None:
    assert found(index, "advisor") == ["Policy Adviser"]


def test_enter_does_not_find_entrepreneur_through_a_respelling() -> None:
    index = SearchIndex([Document("Founder", [], ["An entrepreneur."])])
    assert not index.match("enter")  # "entre" is its respelling, but only as a whole word
    assert index.match("entre")  # ...while typed, it is a prefix like any other


def test_email_and_e_mail_find_the_same(index: SearchIndex) -> None:
    assert found(index, "e-mail") == found(index, "email") == ["Policy Adviser"]


def test_front_end_finds_frontend(index: SearchIndex) -> None:
    assert found(index, "front-end") == ["Software Engineer"]  # the hyphen says it is one word
    assert found(index, "front end") == ["Chief of Staff"]  # two words, and they are on file


def test_scrum_master_is_two_words_when_they_find_something_together() -> None:
    index = SearchIndex([Document("Scrum Master", ["ScrumMaster"], []), Document("Back", [], [])])
    assert index.query_words("scrum master") == ["scrum", "master"]
    assert index.query_words("scrum ... master") == ["scrum", "master"]


def test_chief_does_not_mark_ceo(index: SearchIndex) -> None:
    one = {w for m in map(index.match, index.query_words("chief")) for w in m.words}
    assert not any(hit for _, hit in highlight("Reports to the CEO.", one))
    three = {"chief", "executive", "officer"}  # what the search matches for the three
    assert [t for t, hit in highlight("Reports to the CEO.", three) if hit] == ["CEO"]


def test_box_ticker_with_a_hyphen_still_finds_box_ticker(index: SearchIndex) -> None:
    assert found(index, "box-ticker") == ["Box Ticker"]


def test_the_chief_of_staff_marks_no_stop_words(index: SearchIndex) -> None:
    assert index.query_words("the chief of staff") == ["chief", "staff"]
    assert found(index, "the chief of staff") == ["Chief of Staff"]
    assert index.query_words("the") == ["the"]  # a query of stop words alone is kept


def test_it_is_not_a_stop_word(index: SearchIndex) -> None:
    assert index.query_words("it manager") == ["it", "manager"]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(ROOT)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("pm", "product-manager"),
        ("swe", "software-engineer"),
        ("csm", "customer-success-manager"),
        ("vc", "venture-capital-associate"),
        ("pe", "private-equity-associate"),
        ("rto", "head-of-return-to-office"),
        ("human resources", "hr-business-partner"),
        ("programme manager", "program-manager"),
        ("advisor", "policy-adviser"),
        ("back end", "lead-backend-data-procurement-analyst"),
        ("lawyer", "in-house-counsel"),
    ],
)
def test_reader_query_finds_the_specimen_first(library: Library, query: str, first: str) -> None:
    page = library.search(query)
    assert page.items and page.items[0].id == first, [s.id for s in page.items[:5]]
