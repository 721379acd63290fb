"""The board's weight: the board shows one era at a time, rendered on the server (?era=), so a
page carries one era's postings (eight to ten), not all 58. What a card repeats is still paid
once per posting, on the wire and in the compression of every board request. These tests keep
each era's page small and the per-card markup small, and the things a card need not carry (htmx
target and swap, a hidden input) off it, without losing what the player reads or what a screen
reader names."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import brotli
import pytest
from helpers import HTMX_READY
from htmldoc import parse
from playwright.sync_api import expect

from otiose.web import state

SEED = "abcdefgh"

# Every era's board of a dealt applicant before any application, over the real catalogue. When
# every era was on one page, that page was 101,848 bytes of HTML (22,986 brotli, 1,451 elements).
# One era's page is now 20.5-25.0 KB of HTML (the Digital Era, with ten postings, the heaviest:
# 24,974 bytes, 7,015 brotli at the app's level, 379 elements). A posting adds about 1.7 KB of
# HTML to its era's page: raise these when an era gains postings, not when a card grows (the
# next test guards that).
BOARD_BYTES = 28_000
BOARD_BR_BYTES = 8_000
BOARD_ELEMENTS = 450
# The markup a card adds around its words, not counting its id and title where they repeat:
# about 580 bytes, down from about 870.
CARD_MARKUP_BYTES = 650


def era_urls(app) -> list[str]:
    """Every era's board: the first at the bare address."""
    eras = state.library(app).eras
    return [f"/play/{SEED}"] + [f"/play/{SEED}?era={e.id}" for e in eras[1:]]


def boards(client, app) -> list[str]:
    pages = []
    for url in era_urls(app):
        r = client.get(url)
        assert r.status_code == 200, url
        pages.append(r.get_data(as_text=True))
    return pages


def cards(page: str) -> list[str]:
    return re.findall(r"<article\b.*?</article>", page, re.S)


class _Elements(HTMLParser):
    count = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.count += 1


def test_every_era_stays_under_its_byte_budgets(client, app):
    for url in era_urls(app):
        page = client.get(url).get_data()
        assert len(page) <= BOARD_BYTES, f"{url} is {len(page)} bytes of HTML, over {BOARD_BYTES}"
        elements = _Elements()
        elements.feed(page.decode())
        assert elements.count <= BOARD_ELEMENTS, f"{url} has {elements.count} elements"
        wire = client.get(url, headers={"Accept-Encoding": "br"})
        assert wire.headers["Content-Encoding"] == "br"
        assert brotli.decompress(wire.get_data()) == page
        size = len(wire.get_data())
        assert size <= BOARD_BR_BYTES, f"{url} is {size} bytes with brotli, over {BOARD_BR_BYTES}"


def test_each_posting_is_on_exactly_one_era_page(client, app):
    found = [c for page in boards(client, app) for c in cards(page)]
    ids = [re.search(r'id="posting-([^"]+)"', c).group(1) for c in found]
    assert sorted(ids) == sorted(state.library(app).postings)


def test_a_card_carries_little_markup_beyond_its_words(client, app):
    postings = state.library(app).postings
    found = [c for page in boards(client, app) for c in cards(page)]
    assert len(found) == len(postings)
    for card in found:
        pid = re.search(r'id="posting-([^"]+)"', card)
        assert pid, card[:200]
        p = postings[pid.group(1)]
        words = [p.type, p.location, p.postedDate, p.company, p.salary, *p.requirements]
        title = html.escape(p.title)
        markup = (
            len(card)
            - sum(len(html.escape(w)) for w in words)
            - card.count(p.id) * len(p.id)
            - card.count(title) * len(title)
            - (len(p.posted.isoformat()) if p.posted else 0)
        )
        assert markup <= CARD_MARKUP_BYTES, f"{p.id}: {markup} bytes of markup"
        assert card.count(p.id) <= 5 and card.count(title) <= 3, p.id


def test_cards_inherit_the_htmx_target_and_swap_from_the_board(client, app):
    apply_url = f"/play/{SEED}/apply"
    forms = []
    for page in boards(client, app):
        doc = parse(page)
        b = doc.find(id="board")
        assert b.attrs["data-hx-target"] == "closest article"
        assert b.attrs["data-hx-swap"] == "outerHTML"
        for card in cards(page):
            assert "data-hx-target" not in card and "data-hx-swap" not in card
            assert 'type="hidden"' not in card
        forms += doc.find_all("form", cls="posting__apply")
    assert len(forms) == len(state.library(app).postings)
    for form in forms:
        assert form.attrs["action"] == form.attrs["data-hx-post"] == apply_url
        assert form.attrs["method"] == "post"


def test_every_apply_button_and_ad_link_names_its_posting(client, app):
    postings = state.library(app).postings
    applies, links = [], []
    for card in [c for page in boards(client, app) for c in parse(page).find_all("article")]:
        p = postings[card.attrs["id"].removeprefix("posting-")]
        button = card.find("button")
        assert button.attrs["name"] == "posting" and button.attrs["value"] == p.id
        assert button.attrs["type"] == "submit"
        assert button.text == f"Apply for {p.title}"
        link = card.find("form").find("a")
        assert link.attrs["href"] == f"/postings/{p.id}"
        assert link.text == f"Read the whole ad : {p.title}"  # htmldoc joins the span with a space
        # and the words the player reads are all there
        assert card.find("h3", cls="posting__title").text == p.title
        assert card.find("ul", cls="posting__reqs").text == " ".join(
            " ".join(r.split()) for r in p.requirements
        )
        text = card.text
        for word in (p.type, p.location, p.postedDate, p.company, p.salary):
            assert " ".join(word.split()) in text, (p.id, word)
        applies.append(button.text)
        links.append(link.text)
    assert len(set(applies)) == len(applies) and len(set(links)) == len(links)


def test_applying_without_js_still_posts_the_button_and_lands_on_the_card(client):
    pid = "new-deal-wing-riveter"
    r = client.post(f"/play/{SEED}/apply", data={"posting": pid})
    board = f"/play/{SEED}?era=new-deal-and-war"  # the era that holds the posting
    assert r.status_code == 303 and r.headers["Location"] == f"{board}#posting-{pid}"


@pytest.mark.browser
def test_an_htmx_apply_swaps_only_its_card(new_context, live_server: str) -> None:
    """The inherited target is the card the form is in: the answer replaces that card (not the
    form, not the board), the tally comes out of band, and the verdict's live numbers, which
    sit inside the card, still replace only their own placeholder."""
    context = new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    pid = "new-deal-wing-riveter"
    page.goto(f"{live_server}/play/zzzz2345?era=new-deal-and-war#posting-{pid}")
    page.wait_for_function(HTMX_READY)
    url = page.url
    page.locator(f"#posting-{pid}").get_by_role("button", name=re.compile("^Apply for ")).click()
    card = page.locator(f"#posting-{pid}")
    expect(card.locator(".verdict__stamp")).to_be_visible()
    expect(page.locator("#tally .tally__spent strong")).to_have_text("1")
    assert page.url == url  # no navigation: htmx answered
    expect(page.locator(f"[id='posting-{pid}']")).to_have_count(1)
    expect(page.locator("article article, form article")).to_have_count(0)
    expect(card.locator(".live--slot")).to_have_count(0)  # the live numbers arrived in place
    expect(card.locator(".live")).to_have_count(1)
    expect(card.locator(".verdict__stamp")).to_be_visible()  # and the card is still whole
    assert not errors, errors
