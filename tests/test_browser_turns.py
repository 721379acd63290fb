"""POSTs take turns across the tabs of one browser (static/js/htmx-loader.js).

The answer to an Apply sets the session cookie with every run in it, and the answer to "I have
worked with one" sets the day's sightings. Two tabs posting before either answer came back both
sent the cookie as it was, and the last answer overwrote the other's: an application or a
sighting was lost. Here every POST is held back 0.6 s on the server, as over a slow connection,
so that the second tab presses while the first tab's answer is still on its way.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import HTMX_READY, serving
from playwright.sync_api import Page, expect

from otiose.web import create_app

pytestmark = pytest.mark.browser

TIMEOUT_MS = 10_000
DESK = {"width": 1280, "height": 900}


class _SlowPosts:
    """WSGI middleware: every POST waits ``seconds`` before the app reads it."""

    def __init__(self, wsgi_app: Any, seconds: float) -> None:
        self.wsgi_app = wsgi_app
        self.seconds = seconds

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "POST":
            time.sleep(self.seconds)
        return self.wsgi_app(environ, start_response)


@pytest.fixture(scope="module")
def slow_server() -> Iterator[str]:
    """The real app (live numbers on, a database of its own), its POSTs slowed, in a thread."""
    app = create_app({"TESTING": True, "SECRET_KEY": "turns-secret"})
    app.wsgi_app = _SlowPosts(app.wsgi_app, 0.6)  # type: ignore[method-assign]
    with serving(app) as url:
        yield url


def _tabs(new_context: Any, *addresses: str) -> list[Page]:
    """A tab for each address, all in one browser context (one cookie jar), htmx loaded."""
    context = new_context(viewport=DESK)
    context.set_default_timeout(TIMEOUT_MS)
    tabs = []
    for address in addresses:
        page = context.new_page()
        page.goto(address)
        page.wait_for_function(HTMX_READY)
        tabs.append(page)
    return tabs


def _press(page: Page, selector: str) -> None:
    """Click without waiting for anything: the answer is still on its way when this returns."""
    page.evaluate("s => document.querySelector(s).click()", selector)


def test_two_tabs_applying_at_once_both_stay_in_the_run(new_context, slow_server: str) -> None:
    """Each tab showed its own verdict; reloaded, one of the two applications was gone (and the
    budget had one more to spend than the player had spent)."""
    board = slow_server + "/play/wxyz2345"
    tabs = _tabs(new_context, board, board)
    cards = tabs[0].locator("article.posting")
    ids = [(cards.nth(i).get_attribute("id") or "").removeprefix("posting-") for i in (0, 1)]
    for page, posting in zip(tabs, ids, strict=True):
        _press(page, f"#posting-{posting} form button")
    for page, posting in zip(tabs, ids, strict=True):
        expect(page.locator(f"#posting-{posting} .verdict__stamp")).to_be_visible()
    # the answer that came second already knew of the first application
    spent = sorted(int(p.locator("#tally .tally__spent strong").inner_text()) for p in tabs)
    assert spent == [1, 2]
    tabs[0].reload()
    for posting in ids:
        expect(tabs[0].locator(f"#posting-{posting} .verdict__stamp")).to_be_visible()
    expect(tabs[0].locator("#tally .tally__spent strong")).to_have_text("2")


def test_two_tabs_filing_sightings_at_once_keep_both(new_context, slow_server: str) -> None:
    """Each tab said "Sighting filed", but the browser remembered only one of the two: pressed
    again, the other record counted the same reader a second time that day."""
    records = [slow_server + "/specimens/" + s for s in ("agile-coach", "data-analyst")]
    tabs = _tabs(new_context, *records)
    button, count = "#sightings form button", "#sightings .live__line strong"
    for page in tabs:
        expect(page.locator(button)).to_be_enabled()
    for page in tabs:
        _press(page, button)
    for page in tabs:
        expect(page.locator("#sightings")).to_contain_text("Sighting filed")
    counted = [page.locator(count).inner_text() for page in tabs]
    for page, before in zip(tabs, counted, strict=True):
        page.reload()
        page.locator(button).click()
        expect(page.locator("#sightings")).to_contain_text("Sighting filed")
        expect(page.locator(count)).to_have_text(before)


def test_apply_pressed_twice_on_one_card_leaves_the_next_apply_free(
    new_context, live_server: str
) -> None:
    """A double press: the second waits its turn behind the first, whose answer takes its form
    away. It must then give up its turn, not keep every later Apply waiting behind it."""
    (page,) = _tabs(new_context, live_server + "/play/stuv2345")
    page.evaluate(
        """() => {
            const button = document.querySelector("article.posting form button");
            button.click();
            button.click();
        }"""
    )
    expect(page.locator("article.posting .verdict__stamp")).to_have_count(1)
    page.locator("article.posting form button").first.click()
    # well inside the 15 s after which a turn nobody gave back is taken anyway
    expect(page.locator("article.posting .verdict__stamp")).to_have_count(2, timeout=5_000)
    expect(page.locator("#tally .tally__spent strong")).to_have_text("2")


def test_a_browser_without_web_locks_still_applies(new_context, live_server: str) -> None:
    """Web Locks arrived in Safari 15.4 and Firefox 96: an older browser posts at once."""
    context = new_context(viewport=DESK)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script("Object.defineProperty(Navigator.prototype, 'locks', {get() {}})")
    page = context.new_page()
    page.goto(live_server + "/play/stuv2345")
    page.wait_for_function(HTMX_READY)
    assert page.evaluate("navigator.locks === undefined")
    page.locator("article.posting form button").first.click()
    expect(page.locator("article.posting .verdict__stamp")).to_have_count(1)
    expect(page.locator("#tally .tally__spent strong")).to_have_text("1")
