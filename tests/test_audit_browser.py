"""The audit desk in a real browser: change a filter, the numbers update in place, the chart and
its table agree, the posting downloads; the same walk without JavaScript; axe at zero."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from helpers import HTMX_READY
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 10_000
START = "/audit?date=1966-06-01&jurisdiction=us"


def fresh(new_context: Any, **args: Any) -> Page:
    context: BrowserContext = new_context(**args)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def chart_and_table(page: Page) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per kind of group: the ratios the chart prints, and the ratios the table lists."""
    chart: dict[str, list[str]] = {}
    for figure in page.locator("figure.audit-chart").all():
        kind = figure.get_attribute("data-attribute") or ""
        chart[kind] = [t.strip() for t in figure.locator(".audit-chart__value").all_text_contents()]
    table: dict[str, list[str]] = {}
    for row in page.locator(".audit-table--groups tbody tr").all():
        kind = row.get_attribute("data-attribute") or ""
        table.setdefault(kind, []).append(row.locator(".ratio").text_content().strip())
    return chart, table


def test_the_desk_walk_with_htmx(new_context, live_server: str) -> None:
    page = fresh(new_context, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server + START)
    page.wait_for_function(HTMX_READY)
    page.evaluate("window.__deskMarker = 'still here'")
    rate = page.locator(".audit__rate")
    expect(rate).to_have_text("100%")

    # Men under 40, no union card: one change at a time, each answered in place.
    with page.expect_response(lambda r: "/audit?" in r.url):
        page.get_by_label("female").uncheck()
    page.get_by_label("nonbinary").uncheck()
    page.get_by_label("Maximum").fill("39")
    page.get_by_label("non-members only").check()
    expect(page.locator('.law-row[data-filter="union"] .ruling')).to_have_text("Unlawful")
    expect(page.locator('.law-row[data-filter="gender"] .ruling')).to_have_text("Unlawful")
    expect(page.locator('.law-row[data-filter="maxAge"] .ruling')).to_have_text("Lawful")
    expect(rate).not_to_have_text("100%")
    assert page.evaluate("window.__deskMarker") == "still here", "the page reloaded"
    expect(page).to_have_url(
        re.compile(r"/audit\?gender=male&maxAge=39&union=false&date=1966-06-01&")
    )
    whom = page.locator('.audit-table--whom tr[data-filter="union"] .whom')
    expect(whom).to_have_text("union members")
    women = page.locator('.audit-table--groups tr[data-attribute="gender"][data-value="female"]')
    expect(women).to_contain_text("flagged")

    chart, table = chart_and_table(page)
    assert set(chart) == {"gender", "race", "age_group", "gender_race"}
    assert chart == table
    assert chart["gender"] == ["1.00", "0.00", "0.00"]
    flagged = page.locator("figure[data-attribute=gender] .audit-chart__value--flagged")
    assert flagged.all_text_contents() == ["0.00", "0.00"]

    with page.expect_download() as caught:
        page.get_by_role("link", name="Download as a posting").click()
    download = caught.value
    assert download.suggested_filename.startswith("audit-desk-1966-")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert '"gender":"male"' in text and '"maxAge":39' in text and '"union":false' in text
    assert "postedDate: June 1, 1966" in text
    assert not errors, errors


def test_the_desk_without_javascript(new_context, live_server: str) -> None:
    page = fresh(new_context, java_script_enabled=False)
    page.goto(live_server + START)
    page.get_by_label("female").uncheck()
    page.get_by_label("nonbinary").uncheck()
    page.get_by_label("non-members only").check()
    page.get_by_role("button", name="Audit").click()
    expect(page).to_have_url(re.compile(r"gender=male&"))
    expect(page.locator('.law-row[data-filter="union"] .ruling')).to_have_text("Unlawful")
    expect(page.locator('.law-row[data-filter="gender"] .ruling')).to_have_text("Unlawful")


def test_a_bad_value_without_javascript_loses_nothing(new_context, live_server: str) -> None:
    """Minimum over maximum passes the browser's own checks; the 400 page keeps every value."""
    page = fresh(new_context, java_script_enabled=False)
    page.goto(live_server + START)
    page.get_by_label("female").uncheck()
    page.get_by_label("Minimum").fill("50")
    page.get_by_label("Maximum").fill("40")
    page.get_by_label("non-members only").check()
    page.get_by_label("Jurisdiction").select_option("uk")
    with page.expect_response(lambda r: "/audit?" in r.url) as answer:
        page.get_by_role("button", name="Audit").click()
    assert answer.value.status == 400
    expect(page.get_by_label("Minimum")).to_have_value("50")
    expect(page.get_by_label("Maximum")).to_have_value("40")
    expect(page.get_by_label("female")).not_to_be_checked()
    expect(page.get_by_label("nonbinary")).to_be_checked()
    expect(page.get_by_label("non-members only")).to_be_checked()
    expect(page.get_by_label("Jurisdiction")).to_have_value("uk")
    expect(page.get_by_label("Date of the posting")).to_have_value("1966-06-01")
    minimum = page.get_by_label("Minimum")
    expect(minimum).to_have_attribute("aria-invalid", "true")
    expect(minimum).to_have_accessible_description(re.compile("greater than maxAge"))
    expect(page.locator("#error-minAge")).to_be_visible()
    maximum = page.get_by_label("Maximum")  # either may be the one to change: both are marked
    expect(maximum).to_have_attribute("aria-invalid", "true")
    expect(maximum).to_have_accessible_description(re.compile("less than minAge"))
    expect(page.get_by_role("alert")).to_contain_text("minAge")
    page.get_by_role("alert").get_by_role("link", name="minAge").click()
    expect(minimum).to_be_focused()


def test_a_bad_value_with_htmx_is_marked_and_cleared_in_place(
    new_context, live_server: str
) -> None:
    page = fresh(new_context)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + START)
    page.wait_for_function(HTMX_READY)
    page.evaluate("window.__deskMarker = 'still here'")
    page.get_by_label("Maximum").fill("40")
    minimum = page.get_by_label("Minimum")
    minimum.fill("50")
    expect(page.get_by_role("alert")).to_contain_text("greater than maxAge")
    expect(minimum).to_have_attribute("aria-invalid", "true")
    expect(minimum).to_have_accessible_description(re.compile("greater than maxAge"))
    expect(page.locator("#error-minAge")).to_be_visible()
    expect(minimum).to_be_focused()  # the form was not redrawn under the cursor
    expect(page.get_by_label("Maximum")).to_have_attribute("aria-invalid", "true")
    minimum.fill("30")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(minimum).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Maximum")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-minAge")).to_be_hidden()
    expect(page.locator(".audit__rate")).not_to_have_text("100%")
    assert page.evaluate("window.__deskMarker") == "still here", "the page reloaded"
    assert not errors, errors


@pytest.mark.parametrize(
    ("label", "value", "param", "message"),
    [
        ("Maximum", "300", "maxAge", "be between 18 and 70"),
        ("Minimum", "5", "minAge", "be between 18 and 70"),
        ("Date of the posting", "1700-01-01", "date", "fall between 1800 and 2100"),
    ],
)
def test_a_value_out_of_the_fields_range_is_answered_with_htmx(
    new_context, live_server: str, label: str, value: str, param: str, message: str
) -> None:
    """The browser's own range check must not stop the request in silence, leaving the last
    audit on screen as if it were this one: the desk names the field and says what is wrong."""
    page = fresh(new_context)
    page.goto(live_server + START)
    page.wait_for_function(HTMX_READY)
    page.evaluate("window.__deskMarker = 'still here'")
    field = page.get_by_label(label)
    field.fill(value)
    expect(page.get_by_role("alert")).to_contain_text(f"{param}: must {message}")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value(value)
    assert page.evaluate("window.__deskMarker") == "still here", "the page reloaded"


def test_a_value_out_of_the_fields_range_without_javascript(new_context, live_server: str) -> None:
    page = fresh(new_context, java_script_enabled=False)
    page.goto(live_server + START)
    page.get_by_label("Maximum").fill("300")
    with page.expect_response(lambda r: "/audit?" in r.url) as answer:
        page.get_by_role("button", name="Audit").click()
    assert answer.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("maxAge: must be between 18 and 70")
    expect(page.get_by_label("Maximum")).to_have_value("300")


def test_a_bad_level_in_a_list_from_a_link_can_be_unticked(new_context, live_server: str) -> None:
    """Without JavaScript: a link's list of levels with a bad one is a 400 whose form lets the
    reader drop the bad level, and the next audit keeps the good one as a list."""
    page = fresh(new_context, java_script_enabled=False)
    with page.expect_response(lambda r: "/audit?" in r.url) as answer:
        page.goto(live_server + START + "&experience[]=none&experience[]=phd")
    assert answer.value.status == 400
    box = page.get_by_label("phd (not a choice)")
    expect(box).to_have_accessible_description(re.compile("'phd' is not one of"))
    box.uncheck()
    with page.expect_response(lambda r: "/audit?" in r.url) as answer:
        page.get_by_role("button", name="Audit").click()
    assert answer.value.status == 200
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("group", name="Experience: exactly these levels")).to_be_visible()
    expect(page.get_by_label("none", exact=True)).to_be_checked()
    expect(page.get_by_label("junior", exact=True)).not_to_be_checked()


MARTIAN = "/audit?race=black&race=martian&gender=male&date=1966-06-01&jurisdiction=us"


def test_an_unknown_box_value_is_shown_and_unticked_without_javascript(
    new_context, live_server: str
) -> None:
    page = fresh(new_context, java_script_enabled=False)
    with page.expect_response(lambda r: "/audit?" in r.url) as answer:
        page.goto(live_server + MARTIAN)
    assert answer.value.status == 400
    box = page.get_by_label("martian (not a choice)")
    expect(box).to_be_checked()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_have_accessible_description(re.compile("'martian' is not one of"))
    expect(page.locator("#error-race")).to_be_visible()
    expect(page.get_by_label("black")).to_be_checked()
    expect(page.get_by_label("white")).not_to_be_checked()
    box.uncheck()
    with page.expect_response(lambda r: "/audit?" in r.url) as answer:
        page.get_by_role("button", name="Audit").click()
    assert answer.value.status == 200
    expect(page).to_have_url(re.compile(r"\?gender=male&race=black&"))  # the form, as it stood
    assert "martian" not in page.url
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_label("martian (not a choice)")).to_have_count(0)


def test_an_unknown_box_value_with_htmx_is_cleared_in_place(new_context, live_server: str) -> None:
    page = fresh(new_context)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server + MARTIAN)
    page.wait_for_function(HTMX_READY)
    page.evaluate("window.__deskMarker = 'still here'")
    box = page.get_by_label("martian (not a choice)")
    expect(box).to_be_checked()
    expect(box).to_have_accessible_description(re.compile("'martian' is not one of"))
    expect(page.get_by_role("alert")).to_contain_text("race")
    with page.expect_response(lambda r: "/audit?" in r.url) as answer:
        box.uncheck()
    assert "martian" not in answer.value.url and "gender=male" in answer.value.url
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#error-race")).to_be_hidden()
    expect(page.get_by_label("black")).not_to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"gender=male&race=black&date=1966-06-01&"))
    expect(page.get_by_label("male", exact=True)).to_be_checked()
    assert page.evaluate("window.__deskMarker") == "still here", "the page reloaded"
    assert not errors, errors


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_the_desk(new_context, live_server: str, scheme: str) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `npm ci`")
    page = fresh(new_context, color_scheme=scheme)
    failures = []
    for url in (
        START + "&gender=male&maxAge=39&union=false&education=bachelor",
        "/audit?minAge=90",
        "/audit?minAge=50&maritalStatus=single&date=1995-01-01",  # unsettled and silent
        "/audit?gender=male&minAge=abc&maxAge=40&race=martian&union=maybe&date=1066-10-14",
        "/law",
    ):
        page.goto(live_server + url)
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("async () => await axe.run(document)")
        assert result["passes"]
        for v in result["violations"]:
            nodes = "; ".join(" ".join(n["target"]) for n in v["nodes"][:6])
            failures.append(f"[{scheme}] {url}: {v['id']} ({v['impact']}) {v['help']}: {nodes}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", [1280, 1100, 900, 700, 600, 390])
def test_every_population_reads_in_full_in_its_select(new_context, live_server: str, width: int):
    """The chosen option's text, with the select's padding and its arrow, fits the select."""
    page = fresh(new_context, viewport={"width": width, "height": 900})
    page.goto(live_server + "/audit?minAge=abc")  # the error state, its messages in the form
    fits = page.locator("#population").evaluate(
        """(s) => {
             const style = getComputedStyle(s);
             const pen = document.createElement('canvas').getContext('2d');
             pen.font = style.font;
             const room = s.clientWidth - parseFloat(style.paddingLeft)
               - parseFloat(style.paddingRight) - 24;  // 24px: Chromium's arrow
             return [...s.options].map((o) => [o.text, pen.measureText(o.text).width <= room]);
           }"""
    )
    assert len(fits) > 1
    assert all(ok for _, ok in fits), fits


@pytest.mark.parametrize("url", [START + "&gender=male&maxAge=39&union=false", "/law"])
def test_no_horizontal_scroll_at_the_reflow_width(new_context, live_server: str, url: str) -> None:
    """320 CSS px, the width WCAG 1.4.10 (reflow) asks a page to fit, narrower than any phone."""
    page = fresh(new_context, viewport={"width": 320, "height": 844})
    page.goto(live_server + url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


# Six filters: the filter-by-filter table has a column each, more than a phone holds as columns.
MANY_FILTERS = (
    START + "&gender=female&gender=nonbinary&race=black&race=hispanic"
    "&maritalStatus=married&minAge=25&maxAge=45&union=false"
)


@pytest.mark.parametrize("url", [MANY_FILTERS, "/about"])
def test_wide_tables_on_a_phone_sit_in_a_box_a_keyboard_reaches(
    new_context, live_server: str, url: str
) -> None:
    """A wide table reflows on a phone rather than scroll (test_browser_tables.py), but its box
    still scrolls should it ever have to (very large text): so every box can be reached by
    keyboard and is named (axe's scrollable-region-focusable), and its caption is not cut off
    at the screen's edge."""
    page = fresh(new_context, viewport={"width": 390, "height": 844})
    page.goto(live_server + url)
    # the widest table on the desk (every group, filter by filter) sits in a closed disclosure
    page.locator("details").evaluate_all("(ds) => ds.forEach((d) => { d.open = true; })")
    boxes = page.locator(".table-scroll").evaluate_all(
        """(boxes) => boxes.map((b) => {
             const caption = b.querySelector('caption');
             return {focusable: b.tabIndex >= 0, named: !!b.getAttribute('aria-labelledby'),
                     scrolls: b.scrollWidth > b.clientWidth,
                     captionRight: caption ? caption.getBoundingClientRect().right : 0};
           })"""
    )
    assert boxes, "expected a wide table in its box"
    for box in boxes:
        assert box["focusable"] and box["named"], box
        assert not box["scrolls"], box
        assert box["captionRight"] <= 390, box
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    violations = [
        f"{v['id']}: {[n['target'] for n in v['nodes'][:4]]}" for v in result["violations"]
    ]
    assert not violations, violations
