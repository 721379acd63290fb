"""Real-browser tests: Playwright driving Debian's Chromium against the live app.

The journeys of a reader and a player (with and without JavaScript), axe-core accessibility
checks in light and dark schemes, CSP and console cleanliness, and phone-width layout.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from helpers import HTMX_READY
from playwright.sync_api import BrowserContext, Page, expect

from otiose.game.character import deal
from otiose.web import state

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SEED = "abcd2345"  # a fixed applicant for the pages whose state must not vary
RECORD = "scrum-master"  # a file record with every section and related specimens
TIMEOUT_MS = 10_000
BOARD_RE = re.compile(r"/play/[2-9a-hjkmnp-z]{8}$")
RECORD_RE = re.compile(r"/specimens/([a-z0-9-]+)$")

# Installed before any page script: records CSP violations so a test can read them back.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
});
"""


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """Contexts resolve relative URLs against the live app (and pytest-playwright's own
    ``base_url`` fallback, which newer pytest warns about, is not needed)."""
    return live_server


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `npm ci`")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def fixed_run(app) -> dict[str, str]:
    """For the fixed seed: one posting it is hired for and one it is rejected from."""
    site = state.site(app)
    character = deal(SEED)
    hired = rejected = None
    for era in site.library.eras:
        for p in site.library.postings_by_era.get(era.id, []):
            ok = site.board.verdict(p.id, character).hired
            if ok and hired is None:
                hired = p.id
            if not ok and rejected is None:
                rejected = p.id
    assert hired and rejected, f"seed {SEED} should be hired somewhere and rejected somewhere"
    era_of = {p: site.library.postings[p].era for p in (hired, rejected)}
    return {
        "hired": hired,
        "rejected": rejected,
        "hired_era": era_of[hired],
        "rejected_era": era_of[rejected],
        "era": site.library.eras[0].id,
        "posting": next(iter(site.library.postings)),
    }


def fresh_page(new_context: Any, **context_args: Any) -> Page:
    """A page in a new browser context (pytest-playwright's ``new_context`` closes it)."""
    context: BrowserContext = new_context(**context_args)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


class Watch:
    """Collects console errors, page errors and CSP violations seen by one page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(CSP_WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"{page.url}: page error: {exc}"))

    def _console(self, msg: Any) -> None:
        text = msg.text
        if msg.type == "error" or "Content Security Policy" in text:
            where = (msg.location or {}).get("url") or self.page.url
            self.problems.append(f"{where}: console {msg.type}: {text}")

    def collect_csp(self) -> None:
        """Read the CSP violations recorded on the current document."""
        found = self.page.evaluate("window.__cspViolations || []")
        self.problems.extend(f"{self.page.url}: CSP violation: {v}" for v in found)

    def assert_clean(self) -> None:
        self.collect_csp()
        assert not self.problems, "\n".join(self.problems)


def board_at(page: Page, era: str, anchor: str = "") -> str:
    """This board's address showing an era (the first era's is the bare one; ?era= of it
    redirects there), at an anchor."""
    bare = page.url.split("#")[0].split("?")[0]
    return f"{bare}?era={era}#{anchor}"


def applied_posting(page: Page, posting_id: str, era: str | None = None) -> Any:
    """Click a posting's Apply button on the board (htmx) and wait for its verdict card."""
    card = page.locator(f"#posting-{posting_id}")
    if era and not card.count():  # the board shows one era at a time: go to the posting's era
        page.goto(board_at(page, era, f"posting-{posting_id}"))
    card.get_by_role("button", name=re.compile(r"^Apply")).click()
    verdict = page.locator(f"#posting-{posting_id} .verdict")
    expect(verdict).to_be_visible()
    return page.locator(f"#posting-{posting_id}")


def settle(page: Page) -> None:
    """Wait for fonts and running CSS animations (the verdict stamp's thud) to finish."""
    page.evaluate(
        """async () => {
          await document.fonts.ready;
          await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
        }"""
    )


def outcomes_on_report(page: Page) -> dict[str, str]:
    """Posting id -> "Hired" / "Rejected", as the run report's ledger lists them."""
    rows = page.locator(".ledger__row")
    result = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        href = row.locator(".ledger__what a").get_attribute("href") or ""
        result[href.rsplit("/postings/", 1)[-1]] = (
            row.locator(".ledger__mark").text_content().strip()
        )
    assert len(result) == rows.count(), "one ledger row per posting"
    return result


def no_full_reload(page: Page) -> bool:
    return page.evaluate("window.__otioseMarker === 'still here'")


# ---------------------------------------------------------------- the reader


def test_reader_journey(page: Page, live_server: str) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch(page)

    page.goto(live_server + "/")
    expect(page.locator("h1")).to_contain_text("actually")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Taxonomy").click()
    page.wait_for_url(live_server + "/specimens/")
    expect(page.locator("h1")).to_have_text("The taxonomy")
    total = page.locator("#results .card").count()
    assert total > 10

    # Live search: htmx swaps the results in place and pushes ?q= into the address bar.
    page.wait_for_function(HTMX_READY)
    page.evaluate("window.__otioseMarker = 'still here'")
    with page.expect_response(lambda r: "/specimens/?q=scrum" in r.url) as response_info:
        page.locator("#q").press_sequentially("scrum", delay=20)
    response = response_info.value
    assert response.request.headers.get("hx-request") == "true"
    page.wait_for_url(re.compile(r"/specimens/\?q=scrum(&|$)"))
    expect(page.locator("#results .results__count")).to_contain_text("match “scrum”")
    cards = page.locator("#results .card")
    expect(cards.first).to_be_visible()
    assert 0 < cards.count() < total
    expect(page.locator("#results .card__title", has_text="Scrum Master")).to_have_count(1)
    assert page.locator("#results .masthead").count() == 0, "the fragment, not a whole page"
    assert no_full_reload(page), "the search reloaded the page instead of swapping results"
    assert page.locator("#q").input_value() == "scrum"

    # Open a file record from the results, then follow a related specimen.
    page.locator("#results .card__title a", has_text="Scrum Master").click()
    page.wait_for_url(live_server + f"/specimens/{RECORD}")
    expect(page.locator("h1")).to_have_text("Scrum Master")
    for n in range(1, 11):
        expect(page.locator(f"#s{n:02d}")).to_be_attached()
    related = page.locator(".related__title a").first
    related_title = related.inner_text().strip()
    related.click()
    page.wait_for_url(RECORD_RE)
    assert not page.url.endswith(f"/specimens/{RECORD}")
    expect(page.locator("h1")).to_have_text(related_title)

    # /random lands on some file record.
    page.goto(live_server + "/random")
    assert RECORD_RE.search(page.url), page.url
    expect(page.locator(".record__file")).to_contain_text("File record")
    expect(page.locator("#s11-t")).to_be_visible()
    watch.assert_clean()


def test_search_without_javascript(new_context, live_server: str) -> None:
    page = fresh_page(new_context, java_script_enabled=False)
    page.goto(live_server + "/specimens/")
    total = page.locator("#results .card").count()
    page.locator("#q").fill("architect")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/specimens/\?q=architect"))
    expect(page.locator(".results__count")).to_contain_text("match “architect”")
    titles = page.locator("#results .card__title").all_inner_texts()
    assert titles and len(titles) < total
    assert any("Architect" in t for t in titles), titles

    # The family filter narrows the same way, by a plain GET.
    page.goto(live_server + "/specimens/")
    page.locator("#family").select_option("people-and-talent")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"family=people-and-talent"))
    expect(page.locator(".results__count")).to_contain_text("on file in")
    count = page.locator("#results .card").count()
    assert 0 < count < total


def test_a_typo_shows_the_corrected_results_at_once(page: Page, live_server: str) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch(page)
    page.goto(live_server + "/specimens/")
    page.wait_for_function(HTMX_READY)
    with page.expect_response(lambda r: "q=consltant" in r.url):
        page.locator("#q").press_sequentially("consltant", delay=20)
    count = page.locator("#results .results__count")
    expect(count).to_have_text(
        re.compile(
            r"^\s*No specimen matches “consltant”\.\s+Showing the 3 that match “consultant”\.\s*$"
        )
    )
    expect(page.locator("#results .card__title", has_text="Management Consultant")).to_have_count(1)
    expect(page.locator("#results .card mark").first).to_have_text(re.compile("^consultant$", re.I))
    expect(page.locator("#results .empty")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/specimens/\?q=consltant(&|$)"))  # what was typed, kept
    assert page.locator("#q").input_value() == "consltant"
    watch.assert_clean()


# ---------------------------------------------------------------- the player


def test_player_journey(page: Page, new_context, live_server: str) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch(page)

    page.goto(live_server + "/play")
    assert BOARD_RE.search(page.url), f"/play should redirect to a seed board, got {page.url}"
    seed = page.url.rsplit("/", 1)[1]
    expect(page.locator("#applicant-name")).not_to_be_empty()
    expect(page.locator("#tally")).to_contain_text("0 applications")
    page.wait_for_function(HTMX_READY)
    page.evaluate("window.__otioseMarker = 'still here'")

    # Apply to the first posting of four eras, each opened by its tab (htmx swaps the board), by
    # clicking Apply; htmx swaps in each verdict.
    tabs = page.locator(".era-tabs a")
    assert tabs.count() >= 4
    outcomes: dict[str, str] = {}
    for i in range(4):
        tabs.nth(i).click()
        expect(tabs.nth(i)).to_have_attribute("aria-current", "page")
        card = page.locator("article.posting").first
        posting_id = card.get_attribute("id").removeprefix("posting-")
        card = applied_posting(page, posting_id)
        stamp = card.locator(".verdict__stamp")
        outcome = stamp.text_content().strip()
        assert outcome in ("Hired", "Rejected"), outcome
        assert stamp.inner_text().strip() in ("HIRED", "REJECTED")  # rendered as a stamp
        expect(card.locator(".letter__body")).not_to_be_empty()
        table = card.locator("table.declass__table")
        expect(table).to_be_visible()
        assert table.locator("tbody tr").count() >= 1
        expect(card.locator(".declass__odds")).to_contain_text(
            re.compile(
                r"These filters (pass|passed|would pass) .+% of (the working-age population|today)"
            )
        )
        expect(card.locator("form.posting__apply")).to_have_count(0)
        outcomes[posting_id] = outcome
        n = len(outcomes)
        expect(page.locator("#tally")).to_contain_text(f"{n} application{'s' if n > 1 else ''}")
        offers = sum(o == "Hired" for o in outcomes.values())
        expect(page.locator("#tally")).to_contain_text(
            f"{offers} offer{'' if offers == 1 else 's'}"
        )
    assert page.locator("#tally").count() == 1
    assert no_full_reload(page), "applying reloaded the board instead of swapping the card"
    # the address is the board of the era on screen, pushed by its tab
    assert page.url == live_server + (tabs.nth(3).get_attribute("href") or "?")

    # The run report lists the same applications.
    page.locator("#tally").get_by_role("link", name=re.compile("^Report")).click()
    page.wait_for_url(live_server + f"/play/{seed}/report")
    expect(page.locator(".stat", has_text="Applications")).to_contain_text(f"{len(outcomes)} of")
    assert outcomes_on_report(page) == outcomes

    share = page.locator("#share-url")
    expect(share).to_have_attribute("readonly", "")
    share_url = share.input_value()
    assert share_url.startswith(live_server + f"/play/{seed}/report?run=")
    watch.assert_clean()

    # A stranger (no cookies) opening the link sees the same run.
    other = fresh_page(new_context)
    assert other.context.cookies() == []
    other_watch = Watch(other)
    other.goto(share_url)
    expect(other.locator(".kicker").first).to_contain_text("shared")
    assert outcomes_on_report(other) == outcomes
    assert (
        other.locator("#applicant-name").inner_text()
        == page.locator("#applicant-name").inner_text()
    )

    # "Play on from this run" (a POST) loads the run onto the stranger's own board.
    other.get_by_role("button", name="Play on from this run").click()
    other.wait_for_url(live_server + f"/play/{seed}")
    expect(other.locator("#tally")).to_contain_text(f"{len(outcomes)} applications")
    board_outcomes: dict[str, str] = {}
    eras = other.locator(".era-tabs a")
    for i in range(eras.count()):  # era by era
        eras.nth(i).click()
        expect(eras.nth(i)).to_have_attribute("aria-current", "page")
        stamps = other.locator(".posting--applied")
        for j in range(stamps.count()):
            posting_id = stamps.nth(j).get_attribute("id").removeprefix("posting-")
            board_outcomes[posting_id] = (
                stamps.nth(j).locator(".verdict__stamp").text_content().strip()
            )
    assert board_outcomes == outcomes
    other_watch.assert_clean()


def test_apply_without_javascript(new_context, live_server: str, fixed_run) -> None:
    page = fresh_page(new_context, java_script_enabled=False)
    page.goto(live_server + f"/play/{SEED}")
    for key in ("hired", "rejected"):
        posting_id = fixed_run[key]
        page.goto(board_at(page, fixed_run[f"{key}_era"], f"posting-{posting_id}"))
        page.locator(f"#posting-{posting_id}").get_by_role(
            "button", name=re.compile(r"^Apply")
        ).click()
        # the answer is a redirect to the card, on the board of the posting's era
        page.wait_for_url(re.compile(rf"/play/{SEED}(\?era=[a-z-]+)?#posting-{posting_id}$"))
        card = page.locator(f"#posting-{posting_id}")
        expected = "Hired" if key == "hired" else "Rejected"
        expect(card.locator(".verdict__stamp")).to_have_text(expected)
        expect(card.locator("table.declass__table")).to_be_visible()
        expect(card.locator(".declass__odds")).to_contain_text("These filters pass")
    expect(page.locator("#tally")).to_contain_text("2 applications")
    expect(page.locator("#tally")).to_contain_text("1 offer")
    page.locator("#tally").get_by_role("link", name=re.compile("^Report")).click()
    expect(page.locator(".ledger__row")).to_have_count(2)


# ---------------------------------------------------------------- every page, checked

REFLOW = 320  # CSS px: WCAG 1.4.10
PAGES = [
    "home",
    "taxonomy",
    "taxonomy-corrected",
    "taxonomy-none",
    "taxonomy-results",
    "record",
    "board",
    "report",
    "era",
    "declassified",
    "graeber",
    "about",
    "eras",
    "posting",
    "custom",
    "not-found",
    "bad-request",
]


def visit(page: Page, name: str, base: str, run: dict[str, str]) -> None:
    """Open one page kind; the board gets two verdicts (hired, rejected) swapped in first."""
    urls = {
        "home": "/",
        "taxonomy": "/specimens/",
        "taxonomy-corrected": "/specimens/?q=consltant",  # a typo: the corrected results
        "taxonomy-none": "/specimens/?q=zzzqqq",  # nothing matches, nothing near: "No record"
        "taxonomy-results": "/specimens/?q=managers",  # matched words marked, alias lines
        "record": f"/specimens/{RECORD}",
        "board": f"/play/{SEED}",
        "report": f"/play/{SEED}/report",
        "era": f"/eras/{run['era']}",
        "declassified": "/declassified",
        "graeber": "/graeber",
        "about": "/about",
        "eras": "/eras/",
        "bad-request": "/specimens/?sort=bogus",  # the error sheet, with the parameter named
        "posting": f"/postings/{run['posting']}",
        "custom": "/play/custom",
        "not-found": "/specimens/no-such-file",
    }
    response = page.goto(base + urls[name])
    assert response is not None
    wanted = {"not-found": 404, "bad-request": 400}.get(name, 200)
    assert response.status == wanted, (name, response.status)
    # htmx comes after the load event (static/js/htmx-loader.js): wait for it on every page
    page.wait_for_function(HTMX_READY)
    if name == "board":
        for key in ("hired", "rejected"):
            if page.locator(f"#posting-{run[key]} .verdict").count() == 0:
                applied_posting(page, run[key], run[f"{key}_era"])
    settle(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(
    new_context, live_server: str, axe_source: str, fixed_run, scheme: str
) -> None:
    page = fresh_page(new_context, color_scheme=scheme)
    failures = []
    for name in PAGES:
        visit(page, name, live_server, fixed_run)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (
            scheme == "dark"
        )
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        result = page.evaluate("async () => await axe.run(document)")
        assert result["passes"], f"axe checked nothing on {name}"
        for v in result["violations"]:
            targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:8])
            more = f" (+{len(v['nodes']) - 8} more)" if len(v["nodes"]) > 8 else ""
            failures.append(
                f"[{scheme}] {name}: {v['id']} ({v['impact']}) {v['help']}\n"
                f"    nodes: {targets}{more}\n"
                f"    e.g. {v['nodes'][0].get('failureSummary', '').strip()}"
            )
    if failures:
        print("\n".join(failures))
    assert not failures, "axe-core violations:\n" + "\n".join(failures)


def test_no_csp_violations_or_console_errors(page: Page, live_server: str, fixed_run) -> None:
    page.set_default_timeout(TIMEOUT_MS)
    watch = Watch(page)
    for name in PAGES:
        visit(page, name, live_server, fixed_run)
        if name == "taxonomy":  # exercise the live search's htmx request too
            with page.expect_response(lambda r: "q=coach" in r.url):
                page.locator("#q").fill("coach")
            expect(page.locator(".results__count")).to_contain_text("coach")
        watch.collect_csp()
    # The 404 and 400 pages' own statuses are reported by Chromium as failed resource loads;
    # that is each page working as intended, not an error on it.
    expected = (("/specimens/no-such-file", "status of 404"), ("?sort=bogus", "status of 400"))
    watch.problems = [
        p for p in watch.problems if not any(u in p and status in p for u, status in expected)
    ]
    watch.assert_clean()


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll_at_the_reflow_width(
    new_context, live_server: str, fixed_run, name: str
) -> None:
    """320 CSS px, the width WCAG 1.4.10 (reflow) asks a page to fit: narrower than any phone
    the screenshots use (390 px), so a page that fits here fits there."""
    page = fresh_page(new_context, viewport={"width": REFLOW, "height": 844})
    if name == "report":  # a report with applications on it
        visit(page, "board", live_server, fixed_run)
    visit(page, name, live_server, fixed_run)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > REFLOW:
        culprits = page.evaluate(
            """w => [...document.querySelectorAll('body *')]
              .filter((e) => e.getBoundingClientRect().right > w + 0.5)
              .slice(0, 10)
              .map((e) => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')
                   + ' right=' + Math.round(e.getBoundingClientRect().right))""",
            REFLOW,
        )
        pytest.fail(f"{name} is {width}px wide at {REFLOW}px:\n" + "\n".join(culprits))


def test_a_failed_htmx_request_shows_its_error(page: Page, live_server: str) -> None:
    """htmx 2 swaps no 4xx/5xx by default; the htmx-config meta makes it show the error."""
    page.goto(live_server + f"/play/{SEED}")
    page.wait_for_function(HTMX_READY)
    card = page.locator("article.posting").first
    # a posting id the server does not know: the apply is refused with a 400
    card.locator("button[name=posting]").evaluate("el => el.value = 'no-such-posting'")
    with page.expect_response(lambda r: r.url.endswith("/apply")) as answer:
        card.get_by_role("button").click()
    assert answer.value.status == 400
    sheet = page.locator(".error-sheet")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text("posting")
    assert page.url == live_server + f"/play/{SEED}"  # swapped in place, no navigation
    # the button pressed is gone with its card: focus goes to the message, not to the body
    expect(page.locator("#error-title")).to_be_focused()


HTMX_TIMING = """() => {
  const load = performance.getEntriesByType('navigation')[0].loadEventEnd;
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const htmx = performance.getEntriesByType('resource').filter((r) => r.name.includes('/vendor/htmx/'));
  return {load, paint: paint ? paint.startTime : null, htmx: htmx.map((r) => r.startTime)};
}"""


@pytest.mark.parametrize("path", ["/", f"/specimens/{RECORD}", f"/play/{SEED}"])
def test_htmx_is_fetched_after_the_page_has_loaded_and_painted(
    page: Page, live_server: str, path: str
) -> None:
    """htmx never shares the first paint's bandwidth or main thread: it is requested after the
    load event and after the first contentful paint, and then starts (the live numbers come)."""
    page.goto(live_server + path)
    page.wait_for_function(HTMX_READY)
    timing = page.evaluate(HTMX_TIMING)
    assert timing["paint"] is not None and len(timing["htmx"]) == 1, timing
    assert timing["htmx"][0] >= max(timing["load"], timing["paint"]), timing
    if path != f"/play/{SEED}":  # the home page's and the record's live numbers swap in
        expect(page.locator(".live--slot")).to_have_count(0)


FONT_FACE = re.compile(
    r'@font-face\s*\{[^}]*font-family:\s*"([^"]+)";[^}]*font-weight:\s*([\d ]+);'
    r"[^}]*url\(\.\./fonts/([^)]+)\)"
)
DRAWN_FACES = """async () => {
  await document.fonts.ready;
  return [...document.fonts].filter((f) => f.status === 'loaded')
    .map((f) => f.family.replaceAll('"', '') + ' ' + f.weight);
}"""
PRELOADED = """() => [...document.querySelectorAll('link[rel=preload][as=font]')]
  .map((l) => new URL(l.href).pathname.split('/').pop())"""


def test_every_preloaded_font_is_drawn(new_context, live_server: str, fixed_run) -> None:
    """A font preload shares the first round trips with the stylesheet: every page must draw
    (at phone width) each face it preloads, or the bytes are spent for nothing."""
    css = (ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
    faces = {file: f"{family} {weight}" for family, weight, file in FONT_FACE.findall(css)}
    assert len(faces) == 4, faces
    page = fresh_page(new_context, viewport={"width": 390, "height": 844})
    problems = []
    for name in PAGES:
        visit(page, name, live_server, fixed_run)
        files = set(page.evaluate(PRELOADED))
        if files - faces.keys():  # fetched twice: once preloaded, once for the CSS's own URL
            problems.append(f"{name} preloads {sorted(files - faces.keys())}, not in site.css")
        preloaded = {faces[file] for file in files & faces.keys()}
        drawn = set(page.evaluate(DRAWN_FACES))
        if preloaded - drawn:
            problems.append(f"{name} preloads but never draws {sorted(preloaded - drawn)}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- layout details seen by eye

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# a hand-built applicant with the longest values the applicant card shows
LONG_FACTS = (
    "/play/custom?gender=nonbinary&race=multiracial&age=34&education=none"
    "&experience=senior&union=false&maritalStatus=divorced"
)
BOX = "(el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_home_page_doors_and_buttons_are_laid_out(
    new_context, live_server: str, viewport: dict[str, int]
) -> None:
    """The two doors' titles share a line (a door with a shorter note is not spread out), and
    the specimen of the day's buttons stand clear of its facts and of each other."""
    page = fresh_page(new_context, viewport=viewport)
    page.goto(live_server + "/")
    settle(page)
    titles = [t.evaluate(BOX) for t in page.locator(".door__title").all()]
    assert len(titles) == 2
    if titles[1][0] >= titles[0][2]:  # side by side: the same top
        assert abs(titles[0][1] - titles[1][1]) <= 1, titles
    facts = page.locator(".featured__card .card__facts").evaluate(BOX)
    first, second = (b.evaluate(BOX) for b in page.locator(".featured__card .button").all())
    assert first[1] - facts[3] >= 12, ("buttons touch the facts", facts, first)
    if second[1] >= first[3]:  # wrapped under the first
        assert second[1] - first[3] >= 8, ("stacked buttons touch", first, second)
    else:
        assert second[0] - first[2] >= 8, ("buttons touch side by side", first, second)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_applicant_card_fits_its_facts(
    new_context, live_server: str, viewport: dict[str, int]
) -> None:
    """The facts run the width of the applicant card, under the portrait, and no value spills
    out of its cell into the next ("multiracial" ran into "no diploma")."""
    page = fresh_page(new_context, viewport=viewport)
    page.goto(live_server + LONG_FACTS)
    settle(page)
    card = page.locator(".dossier").first
    left, _, right, _ = card.evaluate(BOX)
    f_left, _, f_right, _ = card.locator(".dossier__facts").evaluate(BOX)
    assert f_right - f_left >= 0.8 * (right - left), "the facts are squeezed beside the portrait"
    spilled = card.locator(".dossier__facts dd").evaluate_all(
        "(dds) => dds.filter((d) => d.scrollWidth > d.clientWidth + 1).map((d) => d.textContent)"
    )
    assert not spilled, f"values wider than their cell: {spilled}"


@pytest.mark.parametrize(
    "path", ["/specimens/", "/about", "/live/home", "/live/daily/2026-11-23", "/declassified"]
)
def test_a_page_head_stands_clear_of_the_masthead(page: Page, live_server: str, path: str) -> None:
    """Every page opens the same way: its kicker a page head's padding below the masthead (the
    method page and the live numbers' own pages had theirs against the rule)."""
    page.goto(live_server + path)
    gap = page.evaluate(
        """() => document.querySelector('main .kicker').getBoundingClientRect().top
                 - document.querySelector('.masthead').getBoundingClientRect().bottom"""
    )
    assert 32 <= gap <= 64, f"{path}: the kicker is {gap:.0f}px below the masthead"


LINES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const lines = new Map();  // one entry per line: its top, and the width drawn on it
  for (const r of range.getClientRects()) {
    const top = Math.round(r.top);
    lines.set(top, (lines.get(top) || 0) + r.width);
  }
  return [...lines.values()];
}"""


def test_a_wrapped_button_label_leaves_no_word_alone(new_context, live_server: str) -> None:
    """The sandbox's "Send this applicant in" wrapped to a lone "IN" in its grid cell."""
    page = fresh_page(new_context, viewport=DESKTOP)
    page.goto(live_server + "/play/custom")
    settle(page)
    widths = page.get_by_role("button", name="Send this applicant in").evaluate(LINES)
    if len(widths) > 1:
        assert min(widths) >= 0.5 * max(widths), f"unbalanced lines: {widths}"


def test_a_posting_salary_on_a_line_of_its_own_starts_at_the_margin(
    new_context, live_server: str
) -> None:
    """On a phone a posting's salary often wraps under the company; it starts at the card's
    text edge, not indented by the gap meant for when it follows the company on one line."""
    page = fresh_page(new_context, viewport=PHONE)
    page.goto(live_server + f"/play/{SEED}")
    settle(page)
    offsets = page.locator(".posting > h3 + p > span").evaluate_all(
        """(spans) => spans.map((s) => {
             const p = s.parentElement.getBoundingClientRect();
             const company = document.createRange();
             company.setStartBefore(s.parentElement.firstChild);
             company.setEndBefore(s);
             const before = [...company.getClientRects()].filter((r) => r.width > 0).pop();
             const first = s.getClientRects()[0];
             // only a salary that begins a line below the company's last
             return first.top > before.bottom - 2 ? first.left - p.left : null;
           }).filter((x) => x !== null)"""
    )
    assert offsets, "expected a salary that wraps under its company on a phone"
    assert max(offsets) < 1, offsets


def test_the_flight_risk_gauge_labels_sit_clear_of_its_bands(new_context, live_server: str) -> None:
    """The scale's numbers (0, 40, 70, 100) were drawn across the coloured band's ends and edges."""
    page = fresh_page(new_context, viewport=PHONE)
    page.goto(live_server + "/specimens/junior-machine-learning-engineer")
    settle(page)
    # in the SVG's own units: each label's box, sampled, against the band (radius 72 to 88 about
    # (100, 100), the upper half: a stroke of 16 around the radius 80 the bands are drawn at)
    hits = page.locator(".gauge svg").evaluate(
        """(svg) => [...svg.querySelectorAll('.gauge__tick')].map((t) => {
             const b = t.getBBox();
             const inside = [];
             for (let i = 0; i <= 8; i++) for (let j = 0; j <= 8; j++) {
               const x = b.x + b.width * i / 8, y = b.y + b.height * j / 8;
               const d = Math.hypot(x - 100, y - 100);
               if (y <= 100 && d >= 72 && d <= 88) inside.push([x, y]);
             }
             return [t.textContent, inside.length];
           })"""
    )
    assert [h[0] for h in hits] == ["0", "40", "70", "100"]
    assert [h for h in hits if h[1]] == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
