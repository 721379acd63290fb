"""Every table the app renders fits a phone: measured in Chromium at 390 and 320 px wide.

A table with more columns than its box holds used to scroll sideways inside a wrapper with
nothing to say more columns were there (the age bands' last five, a verdict's result, the
audit's four-fifths flag). Each page kind with a table is opened at phone widths and every
table is measured as laid out: it must fit its box, its box must not scroll, a card holding it
must fit the screen, and the page must not scroll sideways. A table reflowed into blocks still
reads as a table in Chromium's accessibility tree, carries its roles explicitly (for Safari),
and axe-core finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from helpers import HTMX_READY, axe_violations, serving
from playwright.sync_api import Page, expect

from otiose.stats.service import APPS, run_digest
from otiose.web import create_app, state

pytestmark = pytest.mark.browser

SEED = "abcd2345"
TIMEOUT_MS = 10_000
# every filter set, in Great Britain: the widest filter-by-filter table (a column a filter)
EVERY_FILTER = (
    "/audit?gender=female&gender=nonbinary&race=black&race=hispanic&maritalStatus=married"
    "&minAge=25&maxAge=45&union=false&education=graduate&experience=senior"
    "&date=1966-06-01&jurisdiction=uk"
)
# an applicant whose own values are the longest words a verdict's table shows
WORDY = (
    "gender=nonbinary&race=multiracial&age=70&education=none&experience=experienced"
    "&union=true&maritalStatus=widowed"
)
CROWD = 12_345  # players counted on one posting: a count as wide as a busy site shows

# Measures every table on the page. "hidden" is how much of a table a reader cannot see
# without scrolling sideways: past its own scrolling box; for a table in a card of a carousel
# (the board's postings on a phone), how much wider the card is than the carousel's view; for
# any other table, past its parent's content box or the screen's edge.
MEASURE = """() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  for (const t of document.querySelectorAll('table')) {
    if (!t.getClientRects().length) continue;  // in a closed disclosure, or not shown
    const r = t.getBoundingClientRect();
    const parent = t.parentElement;
    const ps = getComputedStyle(parent);
    const contentRight = parent.getBoundingClientRect().left + parent.clientLeft
      + parent.clientWidth - parseFloat(ps.paddingRight);
    let scroller = null;
    for (let e = parent; e && e !== document.body; e = e.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX)) { scroller = e; break; }
    }
    let hidden;
    if (scroller === parent) {
      hidden = parent.scrollWidth - parent.clientWidth;
    } else if (scroller) {
      const ss = getComputedStyle(scroller);
      const view = scroller.clientWidth - parseFloat(ss.paddingLeft) - parseFloat(ss.paddingRight);
      let card = t;
      while (card.parentElement !== scroller) card = card.parentElement;
      hidden = card.getBoundingClientRect().width - view;
    } else {
      hidden = Math.max(r.right - contentRight, r.right - vw, -r.left);
    }
    const caption = t.querySelector('caption');
    out.push({table: t.className + (caption ? ': ' + caption.textContent.trim() : ''),
              width: Math.round(r.width), hidden: Math.round(hidden)});
  }
  return {tables: out, page: document.documentElement.scrollWidth - vw};
}"""

# What each table reflowed into blocks (displayed as anything but a table) holds, in the DOM:
# its rows, headers and cells, and each cell's own text (what a screen reader should announce).
REFLOWED = """() => [...document.querySelectorAll('table')].map((t, i) => {
  if (['table', 'inline-table', 'none'].includes(getComputedStyle(t).display)) return null;
  return {index: i, table: t.className, rows: t.querySelectorAll('tr').length,
          columnheader: t.querySelectorAll('th[scope=col]').length,
          rowheader: t.querySelectorAll('th[scope=row]').length,
          cells: [...t.querySelectorAll('td')].map((c) => c.innerText)};
}).filter((t) => t)"""


def unread_as_tables(page: Page) -> list[str]:
    """How Chromium's accessibility tree differs from the DOM for each reflowed table: it must
    stay a table of the same rows, column headers, row headers and cells whatever its display,
    and a cell must be announced by its own text, without the column name drawn beside it for
    the eye."""
    reflowed = page.evaluate(REFLOWED)
    if not reflowed:
        return []
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        tables = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "table"})
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        backend = {
            t["index"]: cdp.send("DOM.describeNode", {"nodeId": tables["nodeIds"][t["index"]]})[
                "node"
            ]["backendNodeId"]
            for t in reflowed
        }
    finally:
        cdp.detach()
    by_id = {n["nodeId"]: n for n in nodes}
    by_dom = {n.get("backendDOMNodeId"): n for n in nodes}

    def flat(text: str) -> str:
        return " ".join(text.replace("\u00ad", "").split()).casefold()

    problems = []
    for t in reflowed:
        node = by_dom.get(backend[t["index"]])
        if node is None or node.get("role", {}).get("value") != "table":
            problems.append(f"{t['table']}: not a table to a screen reader")
            continue
        found: dict[str, list[str]] = {}
        stack = list(reversed(node.get("childIds", [])))
        while stack:  # depth first, in document order
            child = by_id.get(stack.pop())
            if child is None:
                continue
            role = child.get("role", {}).get("value", "")
            if not child.get("ignored"):
                found.setdefault(role, []).append(child.get("name", {}).get("value", ""))
            if role not in ("cell", "columnheader", "rowheader"):
                stack.extend(reversed(child.get("childIds", [])))
        counts = {k: len(found.get(k, [])) for k in ("row", "columnheader", "rowheader")}
        wanted = {"row": t["rows"], "columnheader": t["columnheader"], "rowheader": t["rowheader"]}
        if counts != wanted or len(found.get("cell", [])) != len(t["cells"]):
            problems.append(
                f"{t['table']}: {counts} and {len(found.get('cell', []))} cells read, "
                f"{wanted} and {len(t['cells'])} cells in the page"
            )
            continue
        for read, own in zip(found["cell"], t["cells"], strict=True):
            if flat(read) != flat(own):
                problems.append(f"{t['table']}: a cell reads {read!r}, not {own!r}")
                break
    return problems


# Every part of every table with the role its tag implies, set explicitly (older Safari drops
# a table's implicit roles once CSS reflows it): the first part missing it, table by table.
ROLES_MISSING = """() => {
  const want = (el) => {
    const tag = el.tagName.toLowerCase();
    if (tag === 'th') {
      const scope = el.getAttribute('scope');
      return scope === 'col' || (!scope && el.closest('thead')) ? 'columnheader' : 'rowheader';
    }
    return {table: 'table', thead: 'rowgroup', tbody: 'rowgroup', tfoot: 'rowgroup',
            tr: 'row', td: 'cell'}[tag];
  };
  const out = [];
  document.querySelectorAll('table').forEach((t, i) => {
    for (const el of [t, ...t.querySelectorAll('thead, tbody, tfoot, tr, th, td')]) {
      if (el.getAttribute('role') !== want(el)) {
        out.push(`table ${i} (${t.className}): <${el.tagName.toLowerCase()}> has role `
                 + `${el.getAttribute('role')}, not ${want(el)}`);
        break;
      }
    }
  });
  return out;
}"""


@pytest.fixture(scope="module")
def counted_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with live numbers of its own: a few players on every posting, and a crowd on
    the one with the longest word in its title (the ranking's widest cells)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('tables') / 'live.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "tables-test-secret", "DATABASE_URL": url})
    stats = app.extensions["stats"]
    assert stats.start(), "the test database should come up"
    postings = state.library(app).postings
    wordiest = max(postings, key=lambda p: max(len(w) for w in postings[p].title.split()))
    rows = [
        {
            "run": run_digest(f"{posting_id}-{n}"),
            "posting_id": posting_id,
            "era": postings[posting_id].era,
            "hired": n % 3 == 0,
            "day": date(2026, 11, 1),
            "daily": False,
            "slot": None,
        }
        for posting_id in postings
        for n in range(CROWD if posting_id == wordiest else 3)
    ]
    with stats.engine.begin() as connection:
        connection.execute(APPS.insert(), rows)
    ranking = app.test_client().get("/live/ranking").get_data(as_text=True)
    assert f"of {CROWD:,})" in ranking, "the ranking should show the crowd's count"
    with serving(app) as address:
        yield address


def eras(app: Any) -> list[str]:
    return [e.id for e in state.library(app).eras]


def apply_everywhere(page: Page) -> None:
    """Apply to every posting of the board's era shown (each verdict brings its table)."""
    page.wait_for_function(HTMX_READY)
    apply = page.locator("button[name=posting]")
    while apply.count():
        made = page.locator(".verdict").count()
        apply.first.click()
        expect(page.locator(".verdict")).to_have_count(made + 1)


def pages(kind: str, era_ids: list[str]) -> list[str]:
    """The addresses of one page kind with tables, every variant worth measuring."""
    return {
        "about": ["/about"],
        # an era's people sit in a narrow column at any width
        "era": [f"/eras/{e}" for e in era_ids],
        "audit": [
            EVERY_FILTER,
            "/audit?union=false&maritalStatus=single&experience=senior&date=1950-01-01",
            "/audit?union=false&maritalStatus=single&date=1930-01-01&population=industrial",
        ],
        "board": [f"/play/{SEED}"],
        "custom": [f"/play/custom?{WORDY}&era={e}" for e in era_ids],
        "declassified": ["/declassified"],
        "live-ranking": ["/live/ranking"],
    }[kind]


KINDS = ["about", "era", "audit", "board", "custom", "declassified", "live-ranking"]
# each page is measured at both widths; axe runs at each, once light and once dark
PHONES = [(390, "light"), (320, "dark")]


@pytest.mark.parametrize("kind", KINDS)
def test_no_table_hides_a_column_past_a_phones_edge(
    new_context, app, counted_server: str, kind: str
) -> None:
    context = new_context(viewport={"width": PHONES[0][0], "height": 844})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    hidden: list[str] = []
    unread: list[str] = []
    problems: list[str] = []
    seen = 0
    # three eras (the first, a middle one and the last), not all seven, to keep the suite's
    # time: every era's tables have the same columns, only their figures differ
    every = eras(app)
    urls = pages(kind, [every[0], every[len(every) // 2], every[-1]])
    for url in urls:
        page.set_viewport_size({"width": PHONES[0][0], "height": 844})
        page.goto(counted_server + url)
        page.wait_for_function(HTMX_READY)
        if kind == "board":
            apply_everywhere(page)
        if kind == "declassified":
            page.wait_for_selector(".live__table")  # the players' column comes by htmx
        page.locator("details").evaluate_all("(ds) => ds.forEach((d) => { d.open = true; })")
        for width, scheme in PHONES:
            page.set_viewport_size({"width": width, "height": 844})
            page.emulate_media(color_scheme=scheme)
            found = page.evaluate(MEASURE)
            seen += len(found["tables"])
            hidden += [f"{width}px {url}: {t}" for t in found["tables"] if t["hidden"] > 0]
            if found["page"] > 0:
                hidden.append(f"{width}px {url}: the page scrolls {found['page']}px sideways")
            unread += [f"{width}px {url}: {e}" for e in unread_as_tables(page)]
            unread += [f"{width}px {url}: {e}" for e in page.evaluate(ROLES_MISSING)]
            if url == urls[0]:
                problems += axe_violations(page, f"[{width}px, {scheme}] {url}")
    assert seen, f"no table on {kind}"
    assert not hidden, "\n".join(hidden)
    assert not unread, "reflowed tables that do not read as tables:\n" + "\n".join(unread)
    assert not problems, "axe-core violations:\n" + "\n".join(problems)


def test_a_table_wide_enough_to_fit_stays_a_table(page: Page, counted_server: str) -> None:
    """The reflow is for boxes too narrow: on a desktop every table is a table, and the age
    bands keep their nine columns on the about page (where all nine once did not show)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(counted_server + "/about")
    shown = page.evaluate(
        """() => { const t = document.querySelector('.pop-table--wide');
                   return [getComputedStyle(t).display, t.parentElement.scrollWidth
                           - t.parentElement.clientWidth]; }"""
    )
    assert shown == ["inline-table", 0], shown
    page.goto(counted_server + EVERY_FILTER)
    page.locator("details").evaluate_all("(ds) => ds.forEach((d) => { d.open = true; })")
    displays = page.locator("table").evaluate_all(
        "(ts) => ts.map((t) => getComputedStyle(t).display)"
    )
    assert displays and set(displays) == {"table"}, displays
