"""Cross-site scripting: a corpus of classic payloads in every contributor-written field.

A temporary content folder that still validates carries one payload in every text field of a
specimen, an era and its postings (and every payload in their Markdown). Every page that shows
those fields is rendered through the test client and parsed the way a browser parses it: the
payloads must come out as text, never as markup. Then Chromium loads the same pages, with the
Content-Security-Policy on and with it bypassed (so escaping alone is tested too), and no payload
may run. A last browser test walks the real site with htmx in use and fails on any CSP violation.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import html5lib
import pytest
import yaml
from helpers import APPLICANT, HTMX_READY, serving

from otiose.content import vocab
from otiose.content.load import TODAY_POPULATION
from otiose.game.run import BUDGET
from otiose.web import create_app, state

# Each payload either sets the sentinel ``window.__xss`` or opens a dialog if it ever runs.
PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<SCRIPT SRC=data:,window.__xss=1></SCRIPT>",
    "<img src=x onerror=window.__xss=1>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=window.__xss=1>",
    "<svg><script>window.__xss=1</script></svg>",
    '"><script>window.__xss=1</script>',
    "'><img src=x onerror=alert(1)>",
    "'-alert(1)-'",
    '";alert(1);//',
    "javascript:window.__xss=1",
    '<a href="javascript:window.__xss=1">click me</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>',
    "[x](javascript:alert(1))",
    "{{ 7*7 }}",
    "{% for x in range(3) %}JINJA{% endfor %}",
    "</textarea><script>window.__xss=1</script>",
    "</title><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#60;b&#62;",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<details open ontoggle=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    '<div data-hx-get="/about" data-hx-trigger="load">htmx</div>',
    "<body onload=window.__xss=1>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<style>*{background:url(javascript:alert(1))}</style>",
]

# Raw HTML blocks, dangerous links in every Markdown spelling, and every payload besides.
MARKDOWN = "\n\n".join(
    [
        "## A heading <script>window.__xss=1</script>",
        "<script>window.__xss=1</script>",
        '<div onclick="window.__xss=1"><img src=x onerror="window.__xss=1"></div>',
        '<a href="javascript:window.__xss=1">a raw link</a>',
        '<iframe src="data:text/html,<script>parent.__xss=1</script>"></iframe>',
        "[a javascript link](javascript:window.__xss=1) [upper](JAVASCRIPT:alert(1)) "
        "[entity](&#106;avascript:alert(1)) [vb](vbscript:msgbox(1)) "
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![an image](javascript:alert(1)) <javascript:alert(1)> [ref link][ref]",
        "[ref]: javascript:window.__xss=1",
        '[titled](/about "a\\" onmouseover=\\"window.__xss=1") and [a safe link](/about)',
        "```html\n<script>window.__xss=1</script>\n```",
        *[f"- {p}" for p in PAYLOADS],
    ]
)

# Per filter key, a value that rejects the shared hand-built applicant on that key.
REJECT = {
    "gender": "male",
    "race": "white",
    "minAge": 40,
    "maxAge": 25,
    "education": "graduate",
    "experience": "senior",
    "union": True,
    "maritalStatus": "married",
}
CUSTOM = urlencode(APPLICANT)


def title(k: int) -> str:
    return f"{PAYLOADS[k]} {k}"


def letter_text(k: int) -> str:
    """Letters may hold only the {name}/{title}/{company} placeholders: no other braces."""
    return PAYLOADS[k].replace("{", "(").replace("}", ")")


def specimen(k: int) -> dict[str, Any]:
    p, n = PAYLOADS[k], (k + 1) % len(PAYLOADS)
    return {
        "id": f"xss-{k:02d}",
        "title": title(k),
        "family": "data-and-ai",
        "graeber": "duct-taper",
        "summary": p,
        "aliases": [p, f"{p} alias"],
        "org_chart": [title(n), p, title(k)],
        "habitat": [p],
        "salary": {
            "market_average": 100_000 + k,
            "currency": "USD",
            "region": p,
            "kind": "estimate",
            "note": f"Our estimate for 2025. {p}",
            "verdict": p,
        },
        "flight_risk": {"percent": 10 + k, "diagnosis": p},
        "bullshit_metrics": [{"name": p, "description": p}],
        "signature_weaponry": [{"name": p, "description": p}],
        "encounter_guide": p,
        "jd_autopsy": [{"illusion": p, "source": p, "translation": p}],
        "day_in_the_life": [{"start": "09:00", "end": "10:00", "title": p, "description": p}],
        "burn_ward": [{"quote": p, "source": p}],
        "related": [{"id": f"xss-{n:02d}", "match": 50}],
    }


def era(k: int) -> dict[str, Any]:
    p, letter = PAYLOADS[k], letter_text(k)
    return {
        "name": title(k),
        "years": {"start": 1900 + k, "end": 1950 + k},
        "order": k,
        "summary": p,
        "history": f"{p}\n\n{MARKDOWN}",
        "hired": f"{letter} Dear {{name}}, {{title}} at {{company}} is yours.",
        "rejections": {
            key: f"{letter} ({key}) Dear {{name}}, not {{title}} at {{company}}."
            for key in vocab.FILTER_KEYS
        },
    }


def population(k: int) -> dict[str, Any]:
    """Today's population with the payload as its title, summary and a source line."""
    data = yaml.safe_load(TODAY_POPULATION.read_text(encoding="utf-8"))
    data["title"] = data["summary"] = data["gender"]["source"] = PAYLOADS[k]
    return data


def posting(k: int, outcome: str) -> dict[str, Any]:
    p = PAYLOADS[k]
    key = vocab.FILTER_KEYS[k % len(vocab.FILTER_KEYS)]
    return {
        "id": f"post-{k:02d}-{outcome}",
        "title": p,
        "company": p,
        "location": p,
        "type": p,
        "postedDate": "January 15, 1925",
        "era": f"era-{k:02d}",
        "salary": p,
        "requirements": [p, f"{p} twice"],
        "filters": {key: REJECT[key]} if outcome == "rejected" else {},
        "specimen": f"xss-{k:02d}",
    }


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def write_xss_content(root: Path) -> Path:
    for k in range(len(PAYLOADS)):
        (root / "specimens").mkdir(parents=True, exist_ok=True)
        (root / "specimens" / f"xss-{k:02d}.yaml").write_text(dump(specimen(k)), encoding="utf-8")
        folder = root / "eras" / f"era-{k:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "era.yaml").write_text(dump(era(k)), encoding="utf-8")
        (folder / "population.yaml").write_text(dump(population(k)), encoding="utf-8")
        for outcome in ("hired", "rejected"):
            text = f"---\n{dump(posting(k, outcome))}---\n{PAYLOADS[k]}\n\n{MARKDOWN}\n"
            (folder / f"post-{k:02d}-{outcome}.md").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def xss_app(tmp_path_factory):
    root = write_xss_content(tmp_path_factory.mktemp("xss-content"))
    return create_app({"TESTING": True, "SECRET_KEY": "xss-secret", "CONTENT_ROOT": str(root)})


@pytest.fixture
def xss_client(xss_app):
    return xss_app.test_client()


# ---------------------------------------------------------------- reading HTML like a browser

HTMX_ATTRS = {
    "data-hx-boost",
    "data-hx-get",
    "data-hx-post",
    "data-hx-target",
    "data-hx-swap",
    "data-hx-swap-oob",
    "data-hx-trigger",
    "data-hx-push-url",
    "data-hx-sync",  # the board's: one Apply after another (it names no URL and runs nothing)
}
URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background", "srcset"}
NEVER = {"iframe", "object", "embed", "frame", "frameset", "applet", "base", "math", "style"}
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)
MARKDOWN_TAGS = {
    *("p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong", "code", "pre"),
    *("ul", "ol", "li", "blockquote", "hr", "br"),
}


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def parse(body: bytes | str) -> Any:
    return html5lib.parse(body, namespaceHTMLElements=False)


def text_of(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


def by_class(doc: Any, cls: str) -> list[Any]:
    return [el for el in doc.iter() if cls in (el.get("class") or "").split()]


def assert_inert(body: bytes | str, where: str) -> Any:
    """Parse as a browser does; fail on any markup or URL a payload could have introduced."""
    raw = body.decode() if isinstance(body, bytes) else body
    problems = []
    if re.search(r"<script[^>]*>\s*(alert|window\.__xss|parent\.__xss)", raw, re.I):
        problems.append("an inline <script> carrying a payload")
    if re.search(r"""href\s*=\s*["']?\s*javascript:""", raw, re.I):
        problems.append('href="javascript:..."')
    doc = parse(raw)
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue  # comments
        tag = _local(el.tag)
        if tag in NEVER:
            problems.append(f"<{tag}> element")
        if tag == "script" and (
            "".join(el.itertext()).strip()
            or not (el.get("src") or "").startswith(("/static/vendor/htmx/", "/static/js/"))
        ):
            problems.append(f"script element {el.attrib}")
        if tag == "meta" and el.get("http-equiv"):
            problems.append("<meta http-equiv>")
        for name, value in el.attrib.items():
            attr = _local(name).lower()
            if attr.startswith("on"):
                problems.append(f"<{tag} {attr}=...> event handler")
            if (attr.startswith("hx-") or attr.startswith("data-hx-")) and attr not in HTMX_ATTRS:
                problems.append(f"<{tag} {attr}> htmx attribute")
            if attr in HTMX_ATTRS and attr.endswith(("-get", "-post")) and "__xss" in value:
                problems.append(f"<{tag} {attr}={value!r}>")
            if attr in URL_ATTRS or attr == "href":
                cleaned = re.sub(r"[\x00-\x20]", "", value)
                if DANGEROUS_SCHEME.match(cleaned):
                    problems.append(f"<{tag} {attr}={value!r}>")
            # our autofocus: the era heading of the board's htmx answer to an era tab, the stamp
            # of the verdict an Apply answers with, the notice of an Apply the run refused
            cls = el.get("class") or ""
            ours = (
                (tag == "h2" and cls == "era-block__name" and el.get("id"))
                or (tag == "h4" and cls.startswith("verdict__stamp ") and el.get("id"))
                or (tag == "p" and cls == "board__notice")
            )
            if attr == "autofocus" and not ours:
                problems.append(f"<{tag} autofocus>")
    assert not problems, f"{where}: " + "; ".join(problems)
    return doc


def assert_contains_payload(doc: Any, cls: str, payload: str, where: str) -> None:
    """Some element of class ``cls`` shows ``payload`` as text: rendered, and escaped."""
    want = " ".join(payload.split())
    found = [text_of(el) for el in by_class(doc, cls)]
    assert any(want in t for t in found), f"{where}: .{cls} should show {payload!r}; got {found}"


def md_text(payload: str) -> str:
    """What Markdown shows for a payload: CommonMark decodes entities (then escapes again)."""
    return html.unescape(payload)


def assert_markdown_inert(doc: Any, cls: str, where: str) -> None:
    """Rendered Markdown: only Markdown's own tags, no raw HTML, no dangerous links."""
    (box,) = by_class(doc, cls)
    tags = {_local(el.tag) for el in box.iter() if isinstance(el.tag, str)} - {box.tag}
    assert tags <= MARKDOWN_TAGS, f"{where}: raw HTML came through: {tags - MARKDOWN_TAGS}"
    hrefs = [a.get("href") for a in box.iter("a")]
    assert "/about" in hrefs, f"{where}: the safe Markdown link should render"
    assert all(h == "/about" for h in hrefs), f"{where}: unexpected links {hrefs}"
    text = text_of(box)
    assert "<script>window.__xss=1</script>" in text, f"{where}: the raw HTML should show as text"
    assert "[a javascript link](javascript:window.__xss=1)" in text


# ---------------------------------------------------------------- the test client


def test_the_corpus_validates_and_reaches_every_field(xss_app):
    library = state.library(xss_app)
    assert len(library.specimens) == len(PAYLOADS)
    assert len(library.postings) == 2 * len(PAYLOADS)
    assert all(len(p) <= 100 for p in PAYLOADS), "search queries are cut at 100 characters"
    s = library.specimens["xss-00"]
    assert s.summary == PAYLOADS[0] and s.burn_ward[0].source == PAYLOADS[0]


@pytest.mark.parametrize("k", range(len(PAYLOADS)))
def test_file_record_escapes_every_field(xss_client, k):
    p, where = PAYLOADS[k], f"/specimens/xss-{k:02d}"
    r = xss_client.get(where)
    assert r.status_code == 200
    doc = assert_inert(r.data, where)
    (h1,) = [el for el in doc.iter("h1")]
    assert text_of(h1) == " ".join(title(k).split())
    for cls in (
        "record__summary",
        "aliases__list",
        "chain",
        "habitat",
        "salary__unit",
        "salary__note",
        "verdict-quote",
        "diagnosis",
        "tiles",
        "tiles--weapons",
        "encounter",
        "autopsy__illusion",
        "autopsy__translation",
        "redacted",
        "timeline__body",
        "burn",
        "openings",
    ):
        assert_contains_payload(doc, cls, p, where)
    assert_contains_payload(doc, "related__tagline", PAYLOADS[(k + 1) % len(PAYLOADS)], where)
    # the org chart links the next specimen by its (payload) title, through url_for only
    chain_links = [a.get("href") for el in by_class(doc, "chain") for a in el.iter("a")]
    assert chain_links == [f"/specimens/xss-{(k + 1) % len(PAYLOADS):02d}"]
    # the <title> and description are text too
    (head_title,) = list(doc.iter("title"))
    assert " ".join(p.split()) in text_of(head_title)
    if "{{" in p or "{%" in p:
        assert p in text_of(by_class(doc, "record__summary")[0])  # literal, not evaluated
        assert "49" not in text_of(by_class(doc, "record__summary")[0])
        assert "JINJAJINJA" not in r.data.decode()


@pytest.mark.parametrize("k", range(len(PAYLOADS)))
def test_json_carries_payloads_as_data_never_as_html(xss_client, k):
    for url, field in (
        (f"/specimens/xss-{k:02d}.json", "summary"),
        (f"/api/postings/post-{k:02d}-hired", "title"),
    ):
        r = xss_client.get(url)
        assert r.status_code == 200 and r.mimetype == "application/json"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in r.headers["Content-Security-Policy"]
        assert json.loads(r.data)[field] == PAYLOADS[k]


@pytest.mark.parametrize("k", range(len(PAYLOADS)))
def test_search_page_and_fragment_escape_query_and_results(xss_client, k):
    p = PAYLOADS[k]
    url = "/specimens/?" + urlencode({"q": p})
    page = xss_client.get(url)
    assert page.status_code == 200
    doc = assert_inert(page.data, url)
    assert f"/specimens/xss-{k:02d}" in [a.get("href") for a in doc.iter("a")]
    assert_contains_payload(doc, "results__count", p, url)
    # the search box keeps the query as a value, never as markup
    (box,) = [el for el in doc.iter("input") if el.get("id") == "q"]
    assert box.get("value") == p
    fragment = xss_client.get(url, headers={"HX-Request": "true", "HX-Target": "results"})
    assert fragment.status_code == 200 and b"<html" not in fragment.data
    doc = assert_inert(fragment.data, url + " (htmx)")
    assert_contains_payload(doc, "results__count", p, url + " (htmx)")
    assert_contains_payload(doc, "card__summary", p, url + " (htmx)")


def test_taxonomy_home_and_lists(xss_client):
    for url in ("/", "/specimens/", "/specimens/?sort=title", "/eras/", "/about"):
        r = xss_client.get(url)
        assert r.status_code == 200, url
        doc = assert_inert(r.data, url)
        if url == "/specimens/":
            for k, p in enumerate(PAYLOADS):
                assert_contains_payload(doc, "card__summary", p, f"{url} card {k}")
        if url == "/eras/":
            for k in range(len(PAYLOADS)):
                assert_contains_payload(doc, "era-list__name", title(k), url)


@pytest.mark.parametrize("k", range(len(PAYLOADS)))
def test_era_page_escapes_name_summary_history_and_letters(xss_client, k):
    p, where = PAYLOADS[k], f"/eras/era-{k:02d}"
    r = xss_client.get(where)
    assert r.status_code == 200
    doc = assert_inert(r.data, where)
    assert_contains_payload(doc, "lede", p, where)
    assert_contains_payload(doc, "history", md_text(p), where)
    assert_markdown_inert(doc, "history", where)
    letters = by_class(doc, "letters__text")
    assert len(letters) == 1 + len(vocab.FILTER_KEYS)
    assert all(letter_text(k) in text_of(el) for el in letters), where
    assert_contains_payload(doc, "plain-list", p, where)


@pytest.mark.parametrize("k", range(len(PAYLOADS)))
def test_posting_page_escapes_fields_and_markdown(xss_client, k):
    p, where = PAYLOADS[k], f"/postings/post-{k:02d}-rejected"
    r = xss_client.get(where)
    assert r.status_code == 200
    doc = assert_inert(r.data, where)
    (h1,) = list(doc.iter("h1"))
    assert text_of(h1) == " ".join(p.split())
    assert_contains_payload(doc, "lede", f"{p} · {p} · {p}", where)
    assert_contains_payload(doc, "posting-page__facts", p, where)
    assert_contains_payload(doc, "posting__reqs", f"{p} twice", where)
    assert_contains_payload(doc, "posting-page__body", md_text(p), where)
    assert_markdown_inert(doc, "posting-page__body", where)


def test_board_verdicts_report_and_declassified(xss_client):
    # the "what if" sandbox shows every posting's verdict, one era (one payload) at a time, as a
    # page and as the htmx answer to an era tab; every era's name is on every era's tabs
    for k, p in enumerate(PAYLOADS):
        board = f"/play/custom?{CUSTOM}" + (f"&era=era-{k:02d}" if k else "")
        hx = {"HX-Request": "true", "HX-Target": "board"}
        for where, r in (
            (board, xss_client.get(board)),
            (board + " (htmx)", xss_client.get(board, headers=hx)),
        ):
            assert r.status_code == 200, where
            doc = assert_inert(r.data, where)
            assert len(by_class(doc, "verdict")) == 2, where
            assert_contains_payload(doc, "posting__title", p, where)
            # the era's letter, filled with the posting's payload title and company, stays text
            assert_contains_payload(doc, "letter__body", letter_text(k), where)
            assert_contains_payload(doc, "letter__body", f"{p} at {p}", where)
            assert_contains_payload(doc, "letter__head", p, where)
            assert_contains_payload(doc, "era-block__name", title(k), where)
            for other in range(len(PAYLOADS)):
                assert_contains_payload(doc, "era-tabs", title(other), where)
    # a dealt run, through htmx, within its budget; then its report and share text
    seed = "abcdefgh"
    chosen = [f"post-{k:02d}-{o}" for k in range(BUDGET // 2) for o in ("hired", "rejected")]
    for pid in chosen:
        a = xss_client.post(
            f"/play/{seed}/apply",
            data={"posting": pid},
            headers={"HX-Request": "true", "HX-Target": f"posting-{pid}"},
        )
        assert a.status_code == 200 and b"<html" not in a.data, pid
        card = assert_inert(a.data, f"verdict on {pid}")
        assert text_of(by_class(card, "verdict__stamp")[0]) in ("Hired", "Rejected"), pid
        assert_contains_payload(card, "letter__head", PAYLOADS[int(pid[5:7])], pid)
    report = f"/play/{seed}/report"
    r = xss_client.get(report)
    assert r.status_code == 200
    doc = assert_inert(r.data, report)
    assert len(by_class(doc, "ledger__row")) == BUDGET
    for k in range(BUDGET // 2):
        assert_contains_payload(doc, "ledger__what", PAYLOADS[k], report)
    r = xss_client.get("/declassified")
    doc = assert_inert(r.data, "/declassified")
    for p in PAYLOADS:
        assert_contains_payload(doc, "ranking__what", p, "/declassified")


@pytest.mark.parametrize("k", range(len(PAYLOADS)))
def test_reflected_payloads_in_urls_are_escaped(xss_client, k):
    p = PAYLOADS[k]
    seg = quote(p, safe="")
    for url, status in (
        (f"/specimens/{seg}", 404),
        (f"/eras/{seg}", 404),
        (f"/postings/{seg}", 404),
        ("/specimens/?" + urlencode({"family": p}), 400),
        ("/specimens/?" + urlencode({"sort": p}), 400),
        ("/play/custom?" + urlencode({**APPLICANT, "gender": p}), 400),
        ("/play/custom?" + urlencode({**APPLICANT, "age": p}), 400),
        (f"/play/custom?{CUSTOM}&" + urlencode({p: "1"}), 400),
    ):
        for headers in ({}, {"HX-Request": "true"}):
            r = xss_client.get(url, headers=headers)
            assert r.status_code == status, url
            assert_inert(r.data, url)
    r = xss_client.get(f"/api/postings/{seg}")
    assert r.status_code == 404 and r.mimetype == "application/json"


# ---------------------------------------------------------------- Chromium

SENTINEL_CHECK = """() => {
  const handlers = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) handlers.push(el.tagName + ' ' + a.name);
    }
  }
  return {
    xss: typeof window.__xss,
    inline: document.querySelectorAll('script:not([src])').length,
    frames: document.querySelectorAll('iframe, object, embed').length,
    handlers,
  };
}"""


def _check_page(page: Any, dialogs: list[str], where: str) -> None:
    state = page.evaluate(SENTINEL_CHECK)
    assert state == {"xss": "undefined", "inline": 0, "frames": 0, "handlers": []}, where
    assert not dialogs, f"{where}: a dialog opened: {dialogs}"


@pytest.mark.browser
@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_no_payload_runs_in_chromium(new_context, xss_app, bypass_csp):
    context = new_context(bypass_csp=bypass_csp)
    context.set_default_timeout(10_000)
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{page.url}: {dialog.type} {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    n = len(PAYLOADS)
    with serving(xss_app) as base:
        urls = ["/", "/specimens/", "/eras/", "/declassified", "/about"]
        urls += [f"/specimens/xss-{k:02d}" for k in range(n)]
        urls += [f"/eras/era-{k:02d}" for k in range(n)]
        urls += [f"/postings/post-{k:02d}-rejected" for k in range(n)]
        urls += ["/specimens/?" + urlencode({"q": p}) for p in PAYLOADS]
        urls += [f"/specimens/{quote(p, safe='')}" for p in PAYLOADS[:6]]
        urls += [f"/specimens/xss-{k:02d}.json" for k in (0, 2)]
        urls += ["/api/postings/post-00-hired"]
        for url in urls:
            page.goto(base + url, wait_until="load")
            _check_page(page, dialogs, url)

        # live search: type payloads into the box so htmx swaps in the reflected fragment
        page.goto(base + "/specimens/", wait_until="load")
        page.wait_for_function(HTMX_READY)
        for p in PAYLOADS[:8]:
            with page.expect_response(lambda r: "/specimens/?" in r.url and "q=" in r.url):
                page.locator("#q").fill(p)
            page.wait_for_load_state("load")
            _check_page(page, dialogs, f"live search for {p!r}")

        # the "what if" sandbox shows every verdict, era by era: each tab swaps in (htmx) a
        # board whose era name, in the tabs and the title, is a payload
        page.goto(f"{base}/play/custom?{CUSTOM}", wait_until="load")
        page.wait_for_function(HTMX_READY)
        _check_page(page, dialogs, "the sandbox")
        tabs = page.locator(".era-tabs a")
        assert tabs.count() == n
        for k in range(n):
            tabs.nth(k).click()
            page.locator(f"#era-era-{k:02d}").wait_for()
            _check_page(page, dialogs, f"the sandbox, era {k}")
            assert page.locator(".verdict").count() == 2
        # a dealt run: apply through htmx (in each posting's era), then read the report
        chosen = ("post-00-hired", "post-00-rejected", "post-02-rejected", "post-06-hired")
        for pid in chosen:
            era = "" if pid.startswith("post-00") else f"?era=era-{pid[5:7]}"
            page.goto(f"{base}/play/abcdefgh{era}#posting-{pid}", wait_until="load")
            page.wait_for_function(HTMX_READY)
            page.locator(f"#posting-{pid} button[type=submit]").click()
            page.locator(f"#posting-{pid} .verdict").wait_for()
            _check_page(page, dialogs, f"verdict on {pid}")
        page.goto(f"{base}/play/abcdefgh/report", wait_until="load")
        _check_page(page, dialogs, "the report")
        assert page.locator(".ledger__row").count() == len(chosen)
    context.close()


# ---------------------------------------------------------------- CSP on the real site

CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' +
                    (e.sourceFile || '') + ':' + (e.lineNumber || ''));
});
"""


@pytest.mark.browser
def test_no_csp_violation_on_any_main_page_with_htmx_in_use(new_context, live_server, app):
    context = new_context()
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.add_init_script(CSP_WATCH)
    seen: list[str] = []
    htmx_requests: list[str] = []
    page.on(
        "console",
        lambda m: (
            seen.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None
        ),
    )
    page.on(
        "request",
        lambda r: htmx_requests.append(r.url) if r.headers.get("hx-request") == "true" else None,
    )

    def collect() -> None:
        seen.extend(f"{page.url}: {v}" for v in page.evaluate("window.__csp || []"))

    library = state.library(app)
    record = next(iter(library.specimens))
    era_id = library.eras[0].id
    posting_id = next(iter(library.postings))
    for url in (
        "/",
        "/specimens/",
        f"/specimens/{record}",
        "/eras/",
        f"/eras/{era_id}",
        f"/postings/{posting_id}",
        "/declassified",
        "/about",
        "/play/custom",
        "/specimens/no-such-file",
    ):
        page.goto(live_server + url, wait_until="load")
        page.wait_for_function(HTMX_READY)
        collect()

    # live search, typed: htmx swaps the results in
    page.goto(live_server + "/specimens/", wait_until="load")
    page.wait_for_function(HTMX_READY)
    with page.expect_response(lambda r: "q=sc" in r.url):
        page.locator("#q").press_sequentially("sc", delay=30)
    page.locator(".results__count").filter(has_text="“sc”").wait_for()
    collect()
    with page.expect_response(lambda r: "q=architect" in r.url):
        page.locator("#q").fill("architect")
    page.locator(".results__count").filter(has_text="architect").wait_for()
    collect()
    assert any("q=architect" in u for u in htmx_requests), "the live search should use htmx"

    # the game: deal, apply through htmx, read the report
    page.goto(live_server + "/play", wait_until="load")
    page.wait_for_function(HTMX_READY)
    assert re.search(r"/play/[a-z0-9]{8}$", page.url)
    board_url = page.url
    for pid in list(library.postings)[:3]:
        page.locator(f"#posting-{pid} button[type=submit]").click()
        page.locator(f"#posting-{pid} .verdict").wait_for()
        collect()
    assert page.url == board_url, "applying with htmx should not navigate"
    assert sum("/apply" in u for u in htmx_requests) == 3
    # an era tab: htmx swaps in that era's board
    page.locator(".era-tabs a").last.click()
    page.locator(".era-tabs li:last-child a[aria-current=page]").wait_for()
    collect()
    assert any("era=" in u for u in htmx_requests), "an era tab should use htmx"
    page.goto(board_url + "/report", wait_until="load")
    page.wait_for_function(HTMX_READY)
    collect()
    page.goto(live_server + "/play/custom?" + CUSTOM, wait_until="load")
    page.wait_for_function(HTMX_READY)
    collect()
    context.close()
    assert not seen, "CSP violations:\n" + "\n".join(seen)
