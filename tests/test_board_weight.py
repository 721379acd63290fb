"""The board's weight: every posting of every era is on one page, so what a card repeats is paid
58 times over, on the wire and in the gzip work of every board request. These tests keep the
per-card markup small and the things a card need not carry (htmx target and swap, a hidden
input) off it, without losing what the player reads or what a screen reader names."""

from __future__ import annotations

import html
import re

import pytest
from htmldoc import parse
from playwright.sync_api import expect

from otiose.web import state

SEED = "abcdefgh"

# The board of a dealt applicant before any application, over the real catalogue, was 122 KB
# of HTML; after the per-card trimming it is about 101 KB. A new posting adds about 1.7 KB:
# raise this when the catalogue grows, not when a card grows (the next test guards that).
BOARD_BYTES = 110_000
# The markup a card adds around its words, not counting its id and title where they repeat:
# about 580 bytes, down from about 870.
CARD_MARKUP_BYTES = 650


def board(client) -> str:
    r = client.get(f"/play/{SEED}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def cards(page: str) -> list[str]:
    return re.findall(r"<article\b.*?</article>", page, re.S)


def test_the_board_stays_under_its_byte_budget(client):
    size = len(board(client).encode())
    assert size <= BOARD_BYTES, f"the board is {size} bytes of HTML, over {BOARD_BYTES}"


def test_a_card_carries_little_markup_beyond_its_words(client, app):
    postings = state.library(app).postings
    found = cards(board(client))
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
    page = board(client)
    doc = parse(page)
    b = doc.find(id="board")
    assert b.attrs["data-hx-target"] == "closest article"
    assert b.attrs["data-hx-swap"] == "outerHTML"
    for card in cards(page):
        assert "data-hx-target" not in card and "data-hx-swap" not in card
        assert 'type="hidden"' not in card
    apply_url = f"/play/{SEED}/apply"
    forms = doc.find_all("form", cls="posting__apply")
    assert len(forms) == len(state.library(app).postings)
    for form in forms:
        assert form.attrs["action"] == form.attrs["data-hx-post"] == apply_url
        assert form.attrs["method"] == "post"


def test_every_apply_button_and_ad_link_names_its_posting(client, app):
    postings = state.library(app).postings
    doc = parse(board(client))
    applies, links = [], []
    for card in doc.find_all("article", cls="posting"):
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
    assert r.status_code == 303 and r.headers["Location"] == f"/play/{SEED}#posting-{pid}"


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
    page.goto(f"{live_server}/play/zzzz2345#posting-{pid}")
    page.wait_for_function("() => window.htmx !== undefined")
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
