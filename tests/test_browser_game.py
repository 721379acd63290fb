"""A daily run played in Chromium on a phone-sized page: deal → read → apply within budget →
report → copy the share text, with axe-core at zero violations on the board and the report."""

from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import HTMX_READY, axe_violations
from playwright.sync_api import Page, expect

from otiose.game.run import BUDGET

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


def spent(page: Page) -> int:
    return int(page.locator("#tally .tally__spent strong").inner_text())


def in_thumb_reach(page: Page, locator: Any) -> None:
    """Big enough to hit with a thumb, and on screen once scrolled to."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None
    assert box["height"] >= 44 and box["width"] >= 200, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_daily_run_on_a_phone(new_context, live_server: str, scheme: str) -> None:
    context = new_context(viewport=PHONE, color_scheme=scheme, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # deal: today's applicant, at its dated address
    page.goto(live_server + "/play/daily")
    assert re.search(r"/play/daily/\d{4}-\d{2}-\d{2}$", page.url), page.url
    page.wait_for_function(HTMX_READY)
    expect(page.locator("h1")).to_contain_text(f"{BUDGET} applications")
    tally = page.locator("#tally")
    expect(tally).to_contain_text(f"0 applications of {BUDGET}")

    # every era: one at a time, and no taller than three screens
    tabs = page.locator(".era-tabs a")
    eras = tabs.count()
    assert eras >= 5
    for i in range(eras):
        tabs.nth(i).click()
        expect(tabs.nth(i)).to_have_attribute("aria-current", "page")
        expect(page.locator(".era-block")).to_have_count(1)
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 3 * PHONE["height"], (i, height)
    tabs.first.click()
    expect(tabs.first).to_have_attribute("aria-current", "page")

    # read and apply: two postings an era, moving on with "Next era", until the budget is spent
    while spent(page) < BUDGET:
        block = page.locator(".era-block")
        buttons = block.locator("form.posting__apply button")
        applied_here = block.locator(".posting--applied").count()
        if applied_here >= 2 or buttons.count() == 0:
            era = page.locator(".era-block__name").inner_text()
            block.locator(".era-block__next").click()
            expect(page.locator(".era-block__name")).not_to_have_text(era)
            continue
        card = buttons.first.locator("xpath=ancestor::article")
        expect(card.locator(".posting__reqs li").first).to_be_visible()  # the ad is there to read
        in_thumb_reach(page, buttons.first)
        before = spent(page)
        last = (card.get_attribute("id") or "").removeprefix("posting-")
        buttons.first.click()
        expect(tally.locator(".tally__spent strong")).to_have_text(str(before + 1))
        left = tally.locator(".tally__left")
        expect(left).to_be_visible()
        expect(left).to_have_text(f"{BUDGET - before - 1} of {BUDGET} left")
        inside = tally.evaluate(
            "t => [...t.querySelectorAll('*')].every(e => e.getBoundingClientRect().right <= 390.5)"
        )
        assert inside, "the run bar runs off the right edge"
        # the bar stays on screen: fixed to the bottom edge
        box = tally.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"] + 1
    expect(page.locator("form.posting__apply")).to_have_count(0)  # nothing left to spend
    # the last application swapped in the whole board: the era on screen is still the same one
    expect(page.locator(f"#posting-{last} .verdict__stamp")).to_be_visible()
    expect(page.locator(".posting--applied")).to_have_count(2)
    counts = page.locator(".era-tabs__count").all_inner_texts()
    assert sum(int(c.split()[0]) for c in counts) == BUDGET, counts
    stamp = page.locator(".verdict__stamp").first
    expect(stamp).to_have_text(re.compile("Hired|Rejected"))
    problems = axe_violations(page, f"[{scheme}] board")

    # the report: score against par, and the share text
    tally.get_by_role("link", name=re.compile("^Report")).click()
    page.wait_for_url(re.compile(r"/play/daily/\d{4}-\d{2}-\d{2}/report$"))
    expect(page.locator("h1")).to_contain_text(re.compile(r"\d+ offers? of a possible \d+"))
    expect(page.locator(".ledger__row")).to_have_count(BUDGET)
    share = page.locator("#share-text")
    text = share.input_value()
    assert text.startswith("Otiose daily No. ") and text.rstrip().endswith(
        page.locator("#share-url").input_value()
    )
    copy = page.get_by_role("button", name="Copy the share text")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator(".share__status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == text
    og = page.locator('meta[property="og:image"]').get_attribute("content") or ""
    assert re.search(r"/play/daily/\d{4}-\d{2}-\d{2}/run\.png\?run=", og), og
    problems += axe_violations(page, f"[{scheme}] report")
    assert not problems, "\n".join(problems)
    assert not errors, errors


def test_the_board_without_javascript_on_a_phone(new_context, live_server: str) -> None:
    """Era tabs are links to each era's address; Apply is a form; the share text is selectable
    without the button."""
    context = new_context(viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server + "/play/abcd2345")
    first = page.locator(".era-block__name").inner_text()
    last = page.locator(".era-tabs a").last
    href = last.get_attribute("href") or ""
    assert re.fullmatch(r"/play/abcd2345\?era=[a-z-]+#era-[a-z-]+", href), href
    with page.expect_navigation():  # a page load: there is no script to swap the board
        last.click()
    assert page.url == live_server + href
    expect(page.locator(".era-tabs a").last).to_have_attribute("aria-current", "page")
    expect(page.locator(".era-block__name")).not_to_have_text(first)
    card = page.locator("article.posting").first
    posting = (card.get_attribute("id") or "").removeprefix("posting-")
    card.get_by_role("button", name=re.compile("^Apply")).click()
    era = href.split("#")[0].split("?")[1]
    page.wait_for_url(re.compile(rf"/play/abcd2345\?{era}#posting-{posting}$"))
    # the era holding the posting just applied to is the one on screen
    expect(page.locator(f"#posting-{posting} .verdict__stamp")).to_be_visible()
    # "Next era" and the previous era's link are links too
    page.locator(".era-block__prev").click()
    expect(page.locator(".era-tabs a").nth(-2)).to_have_attribute("aria-current", "page")
    page.locator("#tally").get_by_role("link", name=re.compile("^Report")).click()
    expect(page.get_by_role("button", name="Copy the share text")).to_be_hidden()
    expect(page.locator("#share-text")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}])
def test_an_era_tab_swaps_the_board_and_back_returns(
    new_context, live_server: str, viewport: dict[str, int]
) -> None:
    """A tab fetches its era's board alone (no page load), pushes its address and moves focus to
    the era's heading; Back and Forward restore the eras in turn, focus on each era's heading;
    the board stays usable."""
    context = new_context(viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    board = live_server + "/play/efgh2345"
    page.goto(board)
    page.wait_for_function(HTMX_READY)
    page.evaluate("window.__sameDocument = true")
    heading = page.locator(".era-block__name")
    tabs = page.locator(".era-tabs a")
    first, title = heading.inner_text(), page.title()
    requests: list[dict[str, str]] = []
    page.on("request", lambda r: requests.append(r.headers) if "era=" in r.url else None)

    tabs.nth(2).click()
    expect(tabs.nth(2)).to_have_attribute("aria-current", "page")
    assert page.url == board + "?era=postwar#era-postwar"
    third = heading.inner_text()
    assert third != first and page.title() == title.replace(first, third)
    expect(heading).to_be_focused()  # a keyboard or screen reader user lands on the new era
    expect(page.locator(".era-block")).to_have_count(1)
    expect(tabs).to_have_count(7)
    assert page.evaluate("window.__sameDocument === true"), "the tab loaded a whole page"
    assert requests and requests[0].get("hx-target") == "board", requests

    # keyboard: "Next era" with Enter, then on to its heading
    page.locator(".era-block__next").focus()
    page.keyboard.press("Enter")
    expect(tabs.nth(3)).to_have_attribute("aria-current", "page")
    expect(heading).to_be_focused()
    assert page.url == board + "?era=corporate#era-corporate"

    page.go_back()
    expect(tabs.nth(2)).to_have_attribute("aria-current", "page")
    expect(heading).to_have_text(third)
    # no page load for a screen reader to announce: focus on the era restored says where Back went
    expect(heading).to_be_focused()
    assert page.url == board + "?era=postwar#era-postwar"
    page.go_back()
    expect(tabs.nth(0)).to_have_attribute("aria-current", "page")
    expect(heading).to_have_text(first)
    assert page.url == board
    expect(page.locator(".page-head h1")).to_have_count(1)  # the page, not a board alone in it
    expect(page.locator("#board")).to_have_count(1)
    page.go_forward()
    expect(heading).to_have_text(third)
    expect(heading).to_be_focused()

    # the restored board still works: a tab swaps, an apply replaces only its card
    tabs.nth(5).click()
    expect(tabs.nth(5)).to_have_attribute("aria-current", "page")
    card = page.locator("article.posting").first
    pid = (card.get_attribute("id") or "").removeprefix("posting-")
    card.get_by_role("button", name=re.compile("^Apply for ")).click()
    expect(page.locator(f"#posting-{pid} .verdict__stamp")).to_be_visible()
    expect(page.locator("#tally .tally__spent strong")).to_have_text("1")
    expect(page.locator(f"[id='posting-{pid}']")).to_have_count(1)
    expect(page.locator("article article, #board #board")).to_have_count(0)
    expect(tabs.nth(5).locator(".era-tabs__count")).to_have_text("1 applied")
    problems = axe_violations(page, "board on a later era, after tab swaps and Back")
    assert not problems, "\n".join(problems)
    assert not errors, errors


def test_an_answer_to_apply_keeps_focus_and_a_stale_tab_catches_up(
    new_context, live_server: str
) -> None:
    """After Apply, focus lands on the verdict that replaced the button (not the top of the page);
    a second tab left behind by the first shows the run as it stands, not an error page in a card."""
    context = new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    board = live_server + "/play/jkmn2345"
    ahead, behind = context.new_page(), context.new_page()
    for page in (ahead, behind):
        page.goto(board)
        page.wait_for_function(HTMX_READY)
    cards = ahead.locator("article.posting")
    first = (cards.nth(0).get_attribute("id") or "").removeprefix("posting-")
    cards.nth(0).get_by_role("button", name=re.compile("^Apply")).click()
    expect(ahead.locator(f"#posting-{first} .verdict__stamp")).to_be_focused()

    # the other tab still offers the posting just applied to
    behind.locator(f"#posting-{first}").get_by_role("button", name=re.compile("^Apply")).click()
    notice = behind.locator(".board__notice")
    expect(notice).to_contain_text("already applied")
    expect(notice).to_be_focused()
    # focus reads it out; as a live region (an alert) too, it would be read out twice
    live = "n => n.closest('[role=alert], [role=status], [aria-live]') === null"
    assert notice.evaluate(live), "the focused notice is also a live region"
    expect(behind.locator(".error-sheet")).to_have_count(0)
    expect(behind.locator(f"#posting-{first} .verdict__stamp")).to_be_visible()
    expect(behind.locator("#tally .tally__spent strong")).to_have_text("1")
    expect(behind.locator(".era-tabs__count")).to_have_text("1 applied")

    # the second tab turns to the last era; the first spends the rest in the earliest ones
    behind.locator(".era-tabs a").last.click()
    expect(behind.locator(".era-tabs a").last).to_have_attribute("aria-current", "page")
    unapplied = (behind.locator("article.posting").first.get_attribute("id") or "")[8:]
    assert unapplied
    # a tab behind another gets no animation frames, and a click waits for frames to see that
    # its button has stopped moving: each click in the tab behind waited about 2 s
    ahead.bring_to_front()
    while spent(ahead) < BUDGET:
        buttons = ahead.locator("form.posting__apply button")
        if buttons.count() == 0:
            era = ahead.locator(".era-block__name").inner_text()
            ahead.locator(".era-block__next").click()
            expect(ahead.locator(".era-block__name")).not_to_have_text(era)
            continue
        before = spent(ahead)
        pid = buttons.first.get_attribute("value")
        buttons.first.click()
        expect(ahead.locator("#tally .tally__spent strong")).to_have_text(str(before + 1))
        expect(ahead.locator(f"#posting-{pid} .verdict__stamp")).to_be_focused()
    # the second tab, behind again, learns that the budget is gone
    behind.bring_to_front()
    behind.locator(f"#posting-{unapplied}").get_by_role("button", name=re.compile("^Apply")).click()
    expect(notice).to_contain_text(f"All {BUDGET} applications are spent")
    expect(behind.locator("form.posting__apply")).to_have_count(0)
    expect(behind.locator("#tally .tally__spent strong")).to_have_text(str(BUDGET))
    expect(behind.locator(".error-sheet")).to_have_count(0)


def test_the_run_bar_on_a_phone_hides_no_focused_control(new_context, live_server: str) -> None:
    """On a phone the run bar is fixed to the bottom edge: tabbing through an era's postings
    scrolls each control clear of it, not under it."""
    context = new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server + "/play/pqrs2345?era=corporate")
    page.wait_for_function(HTMX_READY)
    page.locator(".era-tabs a").last.focus()
    covered: list[str] = []
    for _ in range(30):
        page.keyboard.press("Tab")
        where = page.evaluate(
            """() => {
              const e = document.activeElement, bar = document.getElementById('tally');
              if (bar.contains(e) || !e.closest('#board')) return null;
              const r = e.getBoundingClientRect(), b = bar.getBoundingClientRect();
              return r.bottom > b.top ? `${e.textContent.trim().slice(0, 40)} (${r.bottom} > ${b.top})` : '';
            }"""
        )
        if where is None:
            break
        if where:
            covered.append(where)
    assert not covered, covered


def test_the_run_bar_announces_an_apply_in_one_message(new_context, live_server: str) -> None:
    """The run bar's counts are a live region that stays in the page while an apply changes its
    words: a screen reader announces a change to a region it already knows, not one swapped in
    whole. It speaks as one message (atomic), not a word per changed number; and it is the only
    live region an apply changes."""
    context = new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server + "/play/tuvw2345")
    page.wait_for_function(HTMX_READY)
    status = page.locator("#tally [role=status]")
    expect(status).to_have_count(1)
    status.evaluate("s => { s.dataset.kept = 'yes'; }")
    page.evaluate(
        """() => { window.__liveChanges = new Set();
          new MutationObserver(ms => ms.forEach(m => {
            const region = (m.target.nodeType === 1 ? m.target : m.target.parentElement)
              .closest('[role=status], [role=alert], [aria-live]');
            if (region) window.__liveChanges.add(region.className);
            for (const n of m.addedNodes) {
              if (n.nodeType !== 1) continue;
              for (const r of n.querySelectorAll('[role=status], [role=alert], [aria-live]'))
                window.__liveChanges.add(r.className);
              if (n.matches('[role=status], [role=alert], [aria-live]'))
                window.__liveChanges.add(n.className);
            }
          })).observe(document.body, {subtree: true, childList: true, characterData: true});
        }"""
    )
    before = status.inner_text()
    card = page.locator("article.posting").first
    card.get_by_role("button", name=re.compile("^Apply for ")).click()
    expect(card.locator(".verdict__stamp")).to_be_focused()
    expect(page.locator("#tally .tally__spent strong")).to_have_text("1")
    expect(status).to_have_attribute("data-kept", "yes")  # the same element, new words
    assert status.inner_text() != before
    expect(page.locator("#tally").get_by_role("link", name=re.compile("^Report"))).to_be_visible()
    expect(card.locator(".live--posting")).to_be_attached()  # the live numbers came in too
    changed = page.evaluate("[...window.__liveChanges]")
    assert changed == ["tally__counts"], changed
    expect(status).to_have_attribute("aria-atomic", "true")


def _luminance(rgb: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+(?:\.\d+)?", rgb)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_rings_in_the_run_bar_stand_out_from_it(
    new_context, live_server: str, scheme: str
) -> None:
    """The run bar is drawn in the page's inverse colours; a focus ring in it (the applicant's
    facts on a phone, the Report link) contrasts at least 3:1 with the bar around it."""
    context = new_context(viewport=PHONE, color_scheme=scheme)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server + "/play/xyza2345")
    page.wait_for_function(HTMX_READY)
    page.locator("article.posting").first.get_by_role("button", name=re.compile("^Apply")).click()
    bar = page.locator("#tally")
    report = bar.get_by_role("link", name=re.compile("^Report"))
    expect(report).to_be_visible()
    background = bar.evaluate("e => getComputedStyle(e).backgroundColor")
    for control in (bar.locator("summary"), report):
        control.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by key, so that :focus-visible applies
        expect(control).to_be_focused()
        ring = control.evaluate(
            "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineColor]"
        )
        assert ring[0] != "none", ring
        assert _contrast(ring[1], background) >= 3, (ring, background)


def test_the_card_applied_to_without_javascript_opens_clear_of_the_run_bar(
    new_context, live_server: str
) -> None:
    """Without JS an Apply is a page load to the card's anchor; on a wide screen the run bar
    sticks to the top edge, and the card opens below it, its first line readable."""
    context = new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server + "/play/yzab2345?era=corporate")
    card = page.locator("article.posting").nth(3)
    card.get_by_role("button", name=re.compile("^Apply")).click()
    page.wait_for_url(re.compile(r"#posting-"))
    expect(card.locator(".verdict__stamp")).to_be_visible()
    bar, top = page.locator("#tally").bounding_box(), card.bounding_box()
    assert bar is not None and top is not None
    assert page.evaluate("scrollY") > 0, "the page did not scroll to the card"
    assert top["y"] >= bar["y"] + bar["height"], (top, bar)


def test_each_link_on_a_board_of_verdicts_names_where_it_goes(
    new_context, live_server: str
) -> None:
    """The sandbox shows every verdict of an era at once: a screen reader's list of links tells
    each verdict's links apart (no two links of one name going to different places). Without
    JS, so the live numbers' links are still there."""
    context = new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(
        live_server + "/play/custom?gender=female&race=black&age=30&education=bachelor"
        "&experience=senior&union=false&maritalStatus=single&era=digital"
    )
    expect(page.locator(".verdict").first).to_be_visible()
    assert page.locator(".verdict").count() >= 5
    places: dict[str, set[str]] = {}
    board = page.locator("#board")
    for link in board.get_by_role("link").all():
        name = link.evaluate("a => a.textContent.replace(/\\s+/g, ' ').trim()")
        places.setdefault(name, set()).add(link.get_attribute("href") or "")
    clashes = {name: len(hrefs) for name, hrefs in places.items() if len(hrefs) > 1}
    assert not clashes, clashes


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_apply_that_never_reaches_the_site_says_so(
    new_context, live_server: str, scheme: str
) -> None:
    """The connection drops as Apply is pressed: htmx gets no answer to swap, and the page used
    to look as if the click did nothing. A notice says so, and the next request clears it."""
    context = new_context(viewport=PHONE, color_scheme=scheme)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server + "/play/jkmn2345")
    page.wait_for_function(HTMX_READY)
    notice = page.locator("#offline")
    expect(notice).to_be_hidden()
    page.route("**/apply", lambda route: route.abort("internetdisconnected"))
    card = page.locator("article.posting").first
    card.get_by_role("button", name=re.compile("^Apply")).click()
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("could not be reached, so nothing changed")
    assert notice.get_attribute("role") == "alert"
    assert spent(page) == 0
    assert axe_violations(page, f"board with the notice ({scheme})") == []
    page.unroute("**/apply")
    card.get_by_role("button", name=re.compile("^Apply")).click()
    expect(card.locator(".verdict__stamp")).to_be_visible()
    expect(notice).to_be_hidden()
    assert spent(page) == 1


def test_a_refusal_from_nginx_is_read_out_and_leaves_the_card_in_place(
    new_context, live_server: str
) -> None:
    """Past an address's limit nginx answers 429 with a line of plain text. htmx swapped that
    line in place of the card that was clicked, so the posting and its Apply button were gone."""
    context = new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server + "/play/jkmn2345")
    page.wait_for_function(HTMX_READY)
    line = "Too many requests from your address just now; wait a few seconds and try again."
    page.route(
        "**/apply",
        lambda route: route.fulfill(status=429, content_type="text/plain", body=line + "\n"),
    )
    card = page.locator("article.posting").first
    title = card.locator(".posting__title").inner_text()
    card.get_by_role("button", name=re.compile("^Apply")).click()
    notice = page.locator("#offline")
    expect(notice).to_have_text(line)
    expect(page.locator("article.posting").first.locator(".posting__title")).to_have_text(title)
    expect(card.get_by_role("button", name=re.compile("^Apply"))).to_be_visible()
    assert spent(page) == 0
    page.unroute("**/apply")
    card.get_by_role("button", name=re.compile("^Apply")).click()
    expect(card.locator(".verdict__stamp")).to_be_visible()
    expect(notice).to_be_hidden()


def test_two_applies_sent_at_once_both_stay_in_the_run(new_context, live_server: str) -> None:
    """Two Apply buttons pressed before the first answer came back: both requests carried the
    same cookie, each answer set a run with only its own application, and the last one won. The
    board showed two verdicts; after a reload, one of them was gone and could be applied again."""
    context = new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(live_server + "/play/qrst2345")
    page.wait_for_function(HTMX_READY)
    page.evaluate(
        """() => {
            const buttons = document.querySelectorAll("article.posting form button");
            buttons[0].click();
            buttons[1].click();
        }"""
    )
    expect(page.locator("article.posting .verdict__stamp")).to_have_count(2)
    expect(page.locator("#tally .tally__spent strong")).to_have_text("2")
    page.reload()
    expect(page.locator("article.posting .verdict__stamp")).to_have_count(2)
    assert spent(page) == 2


def board_answering_slowly(new_context, board: str) -> tuple[Page, list[Any]]:
    """A phone-sized page on ``board`` whose next request to that board is held: its route lands
    in the returned list, to be let through (``continue_()``) when the test chooses, as a slow
    connection would. Later requests go through at once. The page is marked, so a test can tell
    a swap from a whole page load (``window.__sameDocument``)."""
    context = new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(board)
    page.wait_for_function(HTMX_READY)
    page.evaluate("window.__sameDocument = true")
    held: list[Any] = []

    def hold_the_first(route: Any) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(board + "**", hold_the_first)
    return page, held


@pytest.mark.parametrize("first", ["tab", "apply"])
def test_a_tab_pressed_while_the_board_is_still_answering_is_not_lost(
    new_context, live_server: str, first: str
) -> None:
    """A tab pressed before the answer to an earlier press came back waited in htmx's queue, and
    htmx drops a queued request whose link that answer replaced (a tab answer replaces the whole
    board, an Apply answer the tabs): the second press did nothing and the board stayed where the
    first one took it. The first answer is held back here, so the second press always comes
    before it, as it does on a slow connection."""
    board = live_server + "/play/uvwx2345"
    page, held = board_answering_slowly(new_context, board)
    tabs = page.locator(".era-tabs a")
    if first == "tab":
        tabs.nth(1).click()
    else:
        page.locator("article.posting form button").first.click()
    page.wait_for_function("() => document.querySelector('#board .htmx-request') !== null")
    tabs.nth(2).click()
    page.wait_for_timeout(100)
    assert len(held) == 1  # the second press waits its turn
    held[0].continue_()

    expect(tabs.nth(2)).to_have_attribute("aria-current", "page")
    assert page.url == board + "?era=postwar#era-postwar"
    expect(page.locator(".era-block__name")).to_be_focused()
    assert page.evaluate("window.__sameDocument === true"), "the tab loaded a whole page"
    if first == "apply":  # the application went in first, and the tab counts it
        expect(page.locator("#tally .tally__spent strong")).to_have_text("1")
        expect(tabs.nth(0).locator(".era-tabs__count")).to_contain_text("1")


@pytest.mark.parametrize("tab", ["this era", "another era"])
def test_an_apply_pressed_while_a_tab_is_answering_is_not_lost(
    new_context, live_server: str, tab: str
) -> None:
    """An Apply pressed before a tab's answer came back was queued behind it, and dropped when
    that answer replaced its card; its turn on the tabs' shared lock then stayed taken until a
    15 s timer ran out. It is pressed again on the same card when the new board has it, and
    sent as a plain form would send it when the tab opened another era."""
    page, held = board_answering_slowly(new_context, live_server + "/play/yzab2345")
    tabs = page.locator(".era-tabs a")
    card = page.locator("article.posting").first
    card_id = card.get_attribute("id")
    tabs.nth(0 if tab == "this era" else 1).click()
    page.wait_for_function("() => document.querySelector('#board .htmx-request') !== null")
    card.get_by_role("button", name=re.compile("^Apply")).click()
    page.wait_for_timeout(100)
    assert len(held) == 1  # the Apply waits for the tab's answer
    held[0].continue_()

    applied = page.locator(f"#{card_id} .verdict__stamp")
    expect(applied).to_have_count(1)
    expect(page.locator("#tally .tally__spent strong")).to_have_text("1")
    same_page = page.evaluate("window.__sameDocument === true")
    assert same_page == (tab == "this era")  # another era's card comes back on a page of its own
    started = page.evaluate("Date.now()")  # and the next Apply is not kept waiting for a turn
    page.locator("article.posting form button").first.click()
    expect(page.locator("#tally .tally__spent strong")).to_have_text("2", timeout=3000)
    assert page.evaluate("Date.now()") - started < 3000
