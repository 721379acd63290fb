"""A search result says why it matched: the matched words marked in its title and summary, and a
line naming the alias, family or Graeber type that matched when the card shows neither."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template
from htmldoc import Node, parse

from otiose.content import load_library, vocab
from otiose.content.library import Library, Why
from otiose.content.models import Specimen
from otiose.content.search import Segment, fold, highlight, terms, words

ROOT = Path(__file__).resolve().parents[1]
HX = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(ROOT)


def flat(node: Node) -> str:
    """A node's text as written (``Node.text`` puts spaces between children)."""
    return "".join(c if isinstance(c, str) else flat(c) for c in node.children)


def marked(segments: list[Segment]) -> list[str]:
    """The marked pieces, in order."""
    return [text for text, hit in segments if hit]


def with_extra(library: Library, **fields: str) -> tuple[Library, Specimen]:
    """The real library plus one specimen (a copy of the Scrum Master with ``fields``)."""
    extra = library.specimens["scrum-master"].model_copy(update={"id": "extra-file", **fields})
    return Library.build([*library.specimens.values(), extra], [], []), extra


def why(lib: Library, query: str, id: str = "extra-file") -> Why:
    page = lib.search(query, sort="title", page=1)
    while id not in page.why:  # the file is on some page of the results
        assert page.page < page.pages, f"{id} not found by {query!r}"
        page = lib.search(query, sort="title", page=page.page + 1)
    return page.why[id]


# ---------------------------------------------------------------- the segments


def test_an_inflected_query_marks_every_form_it_matched(library):
    lib, _ = with_extra(
        library,
        title="Regional Manager",
        summary="Manages two managers and a manager's <manager>, not a mangle or a man.",
    )
    w = why(lib, "managers")
    assert marked(w.title) == ["Manager"]
    assert marked(w.summary) == ["Manages", "managers", "manager's", "manager"]
    assert "".join(t for t, _ in w.summary) == lib.specimens["extra-file"].summary


def test_a_word_beginning_marks_the_whole_words_it_starts(library):
    lib, _ = with_extra(
        library,
        title="Consultant Wrangler",
        summary="Consulting for consultancies in Oakland, with aid from an AI.",
    )
    w = why(lib, "consult wra")
    assert marked(w.title) == ["Consultant", "Wrangler"]
    assert marked(w.summary) == ["Consulting", "consultancies"]
    short = why(lib, "ai wrangler")  # under PREFIX_MIN letters: whole words only
    assert marked(short.summary) == ["AI"]


def test_accents_are_folded_but_the_text_is_shown_as_written(library):
    lib, _ = with_extra(
        library, title="Café Owner", summary="Runs a bistro in Neukölln and another Cafe\u0301."
    )
    for query in ("cafe neukolln", "CAFÉ NEUKÖLLN"):
        w = why(lib, query)
        assert marked(w.title) == ["Café"]
        # the second "Café" is written as "e" and a combining accent: both are marked
        assert marked(w.summary) == ["Neukölln", "Cafe\u0301"]


def test_a_hyphenated_word_found_joined_up_is_marked_whole():
    assert highlight("An e-commerce lead", frozenset(words("ecommerce"))) == [
        ("An ", False),
        ("e-commerce", True),
        (" lead", False),
    ]


def test_the_marks_are_the_search_own_matches(library):
    """Every word the index matched is marked, nothing else is, and no text is lost."""
    for query in ("managers", "engineering", "consult", "ai", "data scientists", "lead"):
        page = library.search(query)
        matches = [library._index.match(w) for w in dict.fromkeys(words(query))]
        found = {w for m in matches for w in m.words}
        assert page.why.keys() == {s.id for s in page.items}
        for s in page.items:
            for text, segments in (
                (s.title, page.why[s.id].title),
                (s.summary, page.why[s.id].summary),
            ):
                assert "".join(t for t, _ in segments) == text
                for piece in marked(segments):  # a word, a hyphenated word joined up, or a
                    # phrase filed under its short form ("artificial intelligence" as "ai")
                    also = terms(piece) - set(words(piece)) - {fold(piece).replace("-", "")}
                    assert (
                        set(words(piece)) <= found
                        or fold(piece).replace("-", "") in found
                        or not also.isdisjoint(found)
                    )
                plain = [w for t, hit in segments if not hit for w in words(t)]
                assert not found.intersection(plain), (query, s.id, text)


# ---------------------------------------------------------------- the hidden fields


def test_a_graeber_type_match_says_what_the_file_is_filed_under(library):
    w = why(library, "flunky", "thought-leadership-manager")
    assert marked(w.title) == marked(w.summary) == []
    [(label, [line])] = w.notes
    assert label == "Filed under"
    assert "".join(t for t, _ in line) == "Flunky, one of Graeber’s bullshit jobs"
    assert marked(line) == ["Flunky"]


def test_an_alias_match_says_also_known_as(library):
    w = why(library, "relationship", "account-manager")
    assert w.notes == [("Also known as", [[("Relationship", True), (" Manager", False)]])]


def test_a_family_match_says_filed_under_the_family(library):
    lib, _ = with_extra(library, title="Ticket Herder", summary="Moves tickets.", aliases=[])
    family = next(f.name for f in vocab.families() if f.id == lib.specimens["extra-file"].family)
    w = why(lib, f"herder {family}")
    assert [label for label, _ in w.notes] == ["Filed under"]
    assert "".join(t for t, _ in w.notes[0][1][0]) == family


def test_no_line_when_the_card_already_shows_every_word(library):
    w = why(library, "account manager", "account-manager")
    assert marked(w.title) == ["Account", "Manager"]
    assert w.notes == []


def test_no_reasons_without_a_query(library):
    for query in ("", "   "):
        assert library.search(query).why == {}


# ---------------------------------------------------------------- the page and its fragment


def test_the_page_marks_the_words_and_shows_the_line(client):
    doc = parse(client.get("/specimens/?q=box+tickers").data)
    cards = doc.find_all("article", cls="card")
    assert cards
    for card in cards:
        shown = card.find(cls="card__title").text + " " + card.find(cls="card__summary").text
        if "box" not in shown.casefold():
            line = card.find(cls="card__why")
            assert flat(line) == "Filed under: Box ticker, one of Graeber’s bullshit jobs"
            assert [m.text for m in line.find_all("mark")] == ["Box", "ticker"]


def test_each_card_shows_why_it_matched(client):
    doc = parse(client.get("/specimens/?q=managers").data)
    cards = doc.find_all("article", cls="card")
    assert len(cards) > 3
    for card in cards:
        assert card.find_all("mark"), flat(card)
    titles = [m.text for c in cards for m in c.find(cls="card__title").find_all("mark")]
    summaries = [m.text for c in cards for m in c.find(cls="card__summary").find_all("mark")]
    assert "Manager" in titles and titles.count("Manager") < len(cards)
    assert {"managers", "Managing", "management"} & set(summaries)


def test_the_fragment_and_the_page_show_the_same_results(client):
    for query in ("managers", "flunky", "relationship"):
        page = client.get(f"/specimens/?q={query}").data.decode()
        fragment = client.get(f"/specimens/?q={query}", headers=HX).data.decode()
        assert "<mark>" in fragment and fragment.strip() in page


@pytest.mark.parametrize(
    "path", ["/specimens/", "/specimens/?family=data-and-ai", "/specimens/?sort=salary", "/graeber"]
)
def test_no_marks_without_a_query(client, path):
    html = client.get(path).data.decode()
    assert "<article" in html
    assert "<mark" not in html and "card__why" not in html


def test_markup_in_the_text_and_the_query_is_escaped(app, library):
    lib, _ = with_extra(
        library,
        title='The <b>"Bold"</b> & Brash',
        summary="Writes <script>alert('x')</script> & signs it \"Brash & Co\".",
        aliases=["<i>Brash</i> & Sons"],
    )
    page = lib.search('<b> & "brash" sons', sort="title")
    with app.test_request_context():
        html = render_template(
            "_results.html",
            page=page,
            groups=None,
            families=vocab.families(),
            counts=lib.family_counts(),
            query_cut=None,
        )
    card = html[html.index("File extra-file") :]
    card = card[: card.index("</article>")]
    assert "<b>" not in card and "<script>" not in card and "<i>" not in card
    assert (
        "&lt;<mark>b</mark>&gt;&#34;Bold&#34;&lt;/<mark>b</mark>&gt; &amp; <mark>Brash</mark>"
        in card
    )
    assert (
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; signs it &#34;<mark>Brash</mark> &amp; Co&#34;."
        in card
    )
    assert re.search(
        r'<p class="card__why">Also known as: &lt;i&gt;<mark>Brash</mark>&lt;/i&gt; &amp; <mark>Sons</mark></p>',
        card,
    )
    assert "“&lt;b&gt; &amp; &#34;brash&#34; sons”" in html  # the count line quotes the query
