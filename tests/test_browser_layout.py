"""Layout details seen in screenshots and held here: where a line starts, what lines up.

Each test measures the rendered page in Chromium (boxes, not style sheets), so a change in
markup or CSS that brings a defect back fails here.
"""

from __future__ import annotations

import pytest
from helpers import axe_violations
from playwright.sync_api import Page

from otiose.web import state

pytestmark = pytest.mark.browser

SEED = "abcd2345"


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    return live_server


@pytest.mark.parametrize("width", [1280, 390])
def test_a_postings_pay_starts_its_own_line_under_the_company(
    page: Page, live_server: str, width: int
) -> None:
    """Company and pay share one paragraph; run together on one line they read as one name
    ("Lantern Hill Pictures Unpaid; lunch provided")."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/play/{SEED}?era=digital")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.posting > h3 + p')].map((p) => {
             const pay = p.querySelector('span').getBoundingClientRect();
             const range = document.createRange();
             range.selectNodeContents(p.firstChild);  // the company's text
             const company = range.getClientRects();
             const last = company[company.length - 1];
             return {pay: [pay.left, pay.top], company: [p.getBoundingClientRect().left, last.bottom]};
           })"""
    )
    assert boxes
    for box in boxes:
        assert box["pay"][0] == pytest.approx(box["company"][0], abs=1), box
        assert box["pay"][1] >= box["company"][1] - 1, box


def test_a_live_box_has_the_same_inner_spacing_on_its_own_page_as_on_the_record(
    page: Page, live_server: str
) -> None:
    """The live page sets the box in prose, whose h2 margin must not push the label down."""

    def gap(url: str) -> float:
        page.goto(url)
        page.wait_for_selector("#sightings .live__title")  # the record's box comes by htmx
        return page.evaluate(
            """() => {
                 const box = document.querySelector('#sightings');
                 const title = box.querySelector('.live__title');
                 return title.getBoundingClientRect().top - box.getBoundingClientRect().top;
               }"""
        )

    on_record = gap(f"{live_server}/specimens/scrum-master")
    on_own_page = gap(f"{live_server}/live/specimens/scrum-master")
    assert on_own_page == pytest.approx(on_record, abs=1)


def test_card_facts_line_up_across_a_row_of_cards(page: Page, live_server: str) -> None:
    """Salary and flight risk sit side by side on every card, not on some cards only."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/specimens/")
    tops = page.evaluate(
        """() => [...document.querySelectorAll('.card__facts')].map((dl) =>
             [...dl.querySelectorAll(':scope > div')].map((d) => d.getBoundingClientRect().top))"""
    )
    assert len(tops) > 10
    stacked = [t for t in tops if abs(t[0] - t[1]) > 1]
    assert not stacked, f"{len(stacked)} of {len(tops)} cards stack their facts"


def test_the_audit_groups_table_shows_its_four_fifths_column_on_a_phone(
    page: Page, live_server: str
) -> None:
    """The last column says which groups are flagged; on a phone it was scrolled out of sight
    with nothing to say it was there."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(
        f"{live_server}/audit?gender=female&gender=nonbinary&race=black&race=hispanic"
        "&maritalStatus=married&minAge=25&maxAge=45&union=false&date=1966-06-01&jurisdiction=us"
    )
    widths = page.evaluate(
        """() => { const t = document.querySelector('.audit-table--groups');
                   return [t.getBoundingClientRect().width, t.parentElement.clientWidth]; }"""
    )
    assert widths[0] <= widths[1] + 0.5, widths


def test_a_postings_code_breaks_at_a_phones_edge(page: Page, live_server: str, app) -> None:
    """Some ads quote their machine-readable lines (``alternative_selection_process: available``):
    one unbroken token, wider than a 320 px phone, pushed the whole page sideways."""
    postings = state.library(app).postings
    quoting = [p for p in postings if "<code>" in postings[p].body_html]
    assert quoting, "expected an ad that quotes code"
    page.set_viewport_size({"width": 320, "height": 800})
    for posting_id in quoting:
        page.goto(f"{live_server}/postings/{posting_id}")
        over = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert over <= 0, f"/postings/{posting_id} scrolls {over}px sideways"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_printed_page_is_dark_ink_on_white_paper(new_context, live_server: str, scheme: str):
    """Printing from a browser in dark mode used the dark theme's pale reds and its pale
    redaction bar on white paper; print is light, whatever the screen's scheme, and leaves out
    the live numbers' links that have not loaded (a link in a box on paper)."""
    page = new_context(viewport={"width": 800, "height": 1100}, color_scheme=scheme).new_page()
    problems: list[str] = []
    for path in (
        "/",
        "/specimens/junior-machine-learning-engineer",
        "/postings/postwar-stewardess",
        "/eras/postwar",
    ):
        page.goto(live_server + path)
        page.emulate_media(media="print", color_scheme=scheme)
        slots = page.locator(".live--slot")
        for i in range(slots.count()):
            if slots.nth(i).is_visible():
                problems.append(f"{path}: a live slot prints as an empty box")
        problems += [
            line
            for line in axe_violations(page, f"[print, {scheme}] {path}")
            if "color-contrast" in line
        ]
    assert not problems, "\n".join(problems)


def test_in_forced_colours_the_current_page_and_era_still_stand_out(
    new_context, live_server: str
) -> None:
    """Windows' contrast themes repaint every colour: the menu's transparent underlines all
    showed, and the current era's tab lost its fill, so nothing said where the reader was."""
    page = new_context(viewport={"width": 1280, "height": 900}, forced_colors="active").new_page()
    page.goto(f"{live_server}/play/{SEED}?era=postwar")
    looks = page.evaluate(
        """() => {
             const look = (el) => {
               const s = getComputedStyle(el);
               return [s.backgroundColor, s.color, s.borderBottomColor, s.borderBottomWidth].join();
             };
             const group = (sel) => [...document.querySelectorAll(sel)].map(
               (a) => [a.hasAttribute('aria-current'), look(a)]);
             return {nav: group('.nav a'), tabs: group('.era-tabs a')};
           }"""
    )
    for name, links in looks.items():
        current = {look for is_current, look in links if is_current}
        others = {look for is_current, look in links if not is_current}
        assert len(current) == 1 and others, (name, links)
        assert not current & others, f"{name}: the current one looks like the rest: {links}"
