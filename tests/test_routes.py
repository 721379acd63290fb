"""Every route through the test client: pages, fragments, JSON, errors, caching, headers."""

from __future__ import annotations

import html
import json

import pytest
from htmldoc import parse

from otiose.web import state
from otiose.web.present import with_article
from otiose.web.security import CSP

SEED = "abcdefgh"


def test_home(client):
    r = client.get("/")
    doc = parse(r.data)
    assert r.status_code == 200
    assert "What does everyone at work" in doc.find("h1").text
    assert doc.find(cls="featured__title").find("a").attrs["href"].startswith("/specimens/")
    assert doc.find(cls="door--game").attrs["href"] == "/play/daily"


def test_taxonomy_groups_every_specimen_by_family(client, app):
    library = state.library(app)
    doc = parse(client.get("/specimens/").data)
    families = [h.attrs["id"] for h in doc.find_all("h2", cls="family__name")]
    assert len(families) >= 5
    from otiose.content.library import PAGE_SIZE  # the first page of a catalogue that outgrew one

    cards = doc.find_all("article", cls="card")
    assert len(cards) == min(len(library.specimens), PAGE_SIZE)
    assert f"{len(library.specimens)} specimens on file" in doc.find(cls="results__count").text


def test_search_matches_title_alias_and_summary(client, app):
    library = state.library(app)
    s = library.specimens["scrum-master"]
    for q in ("scrum", s.aliases[0].split()[0], s.summary.split()[3]):
        doc = parse(client.get("/specimens/", query_string={"q": q}).data)
        titles = [a.text for a in doc.find_all("h3", cls="card__title")]
        assert s.title in titles, q


def test_search_needs_every_word(client):
    doc = parse(client.get("/specimens/?q=scrum+zzzzqqq").data)
    assert doc.find_all("article", cls="card") == []
    assert "Nothing on file matches" in doc.find(cls="empty").text


def test_family_filter_and_sorts(client, app):
    library = state.library(app)
    doc = parse(client.get("/specimens/?family=people-and-talent").data)
    titles = [h.text for h in doc.find_all("h3", cls="card__title")]
    expected = sorted(
        s.title for s in library.specimens.values() if s.family == "people-and-talent"
    )
    assert sorted(titles) == expected
    by_salary = [
        h.text
        for h in parse(client.get("/specimens/?sort=salary").data).find_all("h3", cls="card__title")
    ]
    from otiose.content import vocab  # pay in several currencies sorts in US dollars

    usd = {code: c.usd for code, c in vocab.currencies().items()}
    salaries = {
        s.title: s.salary.market_average * usd[s.salary.currency]
        for s in library.specimens.values()
    }
    ranked = sorted(salaries.values(), reverse=True)
    assert [salaries[t] for t in by_salary] == ranked[: len(by_salary)]
    by_risk = [
        h.text
        for h in parse(client.get("/specimens/?sort=flight-risk").data).find_all(
            "h3", cls="card__title"
        )
    ]
    risks = {s.title: s.flight_risk.percent for s in library.specimens.values()}
    assert [risks[t] for t in by_risk] == sorted(risks.values(), reverse=True)[: len(by_risk)]


def test_htmx_gets_the_fragment_and_the_browser_the_page(client):
    page = client.get("/specimens/?q=architect")
    frag = client.get(
        "/specimens/?q=architect", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert b"<!doctype html>" in page.data and b"<!doctype html>" not in frag.data
    assert b"<html" not in frag.data and b'class="card' in frag.data
    for r in (page, frag):
        assert "HX-Request" in r.headers["Vary"]
    # the fragment is exactly the page's #results content
    assert frag.data.decode().strip() in page.data.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/specimens/?family=nope",
        "/specimens/?sort=salaryx",
        "/specimens/?page=0",
        "/specimens/?page=abc",
    ],
)
def test_bad_taxonomy_parameters_are_400(client, url):
    r = client.get(url)
    assert r.status_code == 400
    assert "Malformed" in r.data.decode()


def test_a_page_past_the_last_is_404_naming_the_last_page(client, app):
    """A hand-edited or stale ?page= past the end must not be answered with another page."""
    pages = state.library(app).search(page=1).pages
    assert client.get(f"/specimens/?page={pages}").status_code == 200
    r = client.get(f"/specimens/?page={pages + 1}")
    assert r.status_code == 404
    text = r.data.decode()
    assert f"There is no page {pages + 1}" in text and f"{pages} page" in text
    q = client.get("/specimens/?q=scrum&page=2")
    assert q.status_code == 404 and "1 page" in q.data.decode()


def test_every_file_record_has_all_eleven_sections(client, app):
    library = state.library(app)
    for sid, s in library.specimens.items():
        doc = parse(client.get(f"/specimens/{sid}").data)
        nums = [n.text for n in doc.find_all("span", cls="section__num")]
        assert nums[:11] == [f"[{i:02d}]" for i in range(1, 12)], sid
        assert doc.find("h1").text == s.title
        # related: match % and the target's summary as tagline
        for rel, item in zip(s.related, doc.find_all("li", cls="related__item"), strict=True):
            assert f"{rel.match}%" in item.text
            assert library.specimens[rel.id].summary in item.find(cls="related__tagline").text


def test_file_record_details(client, app):
    doc = parse(client.get("/specimens/junior-machine-learning-engineer").data)
    chain = doc.find("ol", cls="chain")
    assert chain.find(cls="chain__link--self").text.startswith("Junior Machine Learning Engineer")
    linked = [a.attrs["href"] for a in chain.find_all("a")]
    assert linked and all(h.startswith("/specimens/") for h in linked)
    assert "$146,027" in doc.find(cls="salary__figure").text
    assert (
        "85%" in doc.find(cls="gauge__caption").text
        and "HIGH" in doc.find(cls="gauge__caption").text
    )
    assert len(doc.find_all("li", cls="autopsy__pair")) >= 1
    starts = [t.find_all("time")[0].text for t in doc.find_all("p", cls="timeline__time")]
    assert len(starts) >= 3 and starts == sorted(starts)
    assert doc.find("meta").attrs  # head is there
    og = [m for m in doc.find_all("meta") if m.attrs.get("property") == "og:title"]
    assert og and "Junior Machine Learning Engineer" in og[0].attrs["content"]


@pytest.mark.parametrize(
    ("kind", "label"), [("statistic", "Published figure"), ("estimate", "Our estimate")]
)
def test_a_salary_figure_is_labelled_with_its_kind_wherever_it_is_shown(client, app, kind, label):
    """The record labels its figure, right under it; the card and the JSON carry the kind too."""
    library = state.library(app)
    s = next(s for s in library.specimens.values() if s.salary.kind == kind)
    doc = parse(client.get(f"/specimens/{s.id}").data)
    box = doc.find(cls="salary")
    parts = [p.attrs.get("class") for p in box.find_all("p")]
    assert parts.index(f"salary__kind salary__kind--{kind}") == parts.index("salary__figure") + 1
    assert box.find(cls="salary__tag").text == label
    assert client.get(f"/specimens/{s.id}.json").get_json()["salary"]["kind"] == kind
    cards = parse(client.get("/specimens/?q=" + s.title).data).find_all("article", cls="card")
    card = next(c for c in cards if c.find("a").attrs["href"] == f"/specimens/{s.id}")
    assert card.find(cls="card__kind").text == label.lower()
    featured = parse(client.get("/").data).find(cls="featured__card")
    assert featured.find(cls="card__kind").text in ("published figure", "our estimate")


def test_specimen_links_back_to_its_postings(client, app):
    library = state.library(app)
    sid, postings = next(iter(library.postings_by_specimen.items()))
    doc = parse(client.get(f"/specimens/{sid}").data)
    hrefs = [a.attrs.get("href") for a in doc.find_all("a")]
    for p in postings:
        assert f"/postings/{p.id}" in hrefs
        page = parse(client.get(f"/postings/{p.id}").data)
        assert f"/specimens/{sid}" in [a.attrs.get("href") for a in page.find_all("a")]


def test_specimen_json(client, app):
    r = client.get("/specimens/junior-machine-learning-engineer.json")
    data = r.get_json()
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert data["id"] == "junior-machine-learning-engineer"
    assert data["flight_risk"] == {**data["flight_risk"], "percent": 85, "label": "HIGH"}
    assert [x["id"] for x in data["related"]] == [
        "lead-backend-data-procurement-analyst",
        "enterprise-architect",
        "sdet",
    ]


def test_specimen_json_says_what_is_invented_as_the_page_does(client):
    """A complaint lifted from the JSON must not read as a real post: the labels travel with it."""
    data = client.get("/specimens/data-annotator.json").get_json()
    page = parse(client.get("/specimens/data-annotator").data).text
    labels = data["labels"]
    assert set(labels) == {"salary", "flight_risk", "jd_autopsy", "burn_ward", "related"}
    assert (
        labels["burn_ward"].startswith("Composites:") and "never to a person" in labels["burn_ward"]
    )
    assert labels["jd_autopsy"].startswith("Composites:")
    for text in labels.values():
        assert text in page  # one wording, on the page and in the data


def test_schema_json(client):
    schema = client.get("/specimens/schema.json").get_json()
    assert schema["additionalProperties"] is False
    assert {"id", "title", "family", "summary", "salary"} <= set(schema["required"])
    assert client.get("/postings/schema.json").get_json()["title"] == "Otiose posting front matter"


def test_random_redirects_to_a_record(client, app):
    ids = set(state.library(app).specimens)
    seen = set()
    for _ in range(10):
        r = client.get("/random")
        assert r.status_code == 302
        seen.add(r.headers["Location"].rsplit("/", 1)[1])
    assert seen <= ids and len(seen) > 1


@pytest.mark.parametrize(
    "url",
    [
        "/specimens/no-such-role",
        "/nowhere",
        "/eras/no-era",
        "/postings/nope",
        "/play/not-a-seed!",
    ],
)
def test_unknown_ids_get_the_in_theme_404(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert "Not on file" in r.data.decode()
    assert r.mimetype == "text/html"


@pytest.mark.parametrize(
    "url", ["/specimens/no-such-role.json", "/api/postings/nope", "/api/nowhere", "/x.json"]
)
def test_json_urls_answer_errors_in_json(client, url):
    r = client.get(url)
    assert r.status_code == 404 and r.mimetype == "application/json"
    assert r.get_json()["error"]


def test_htmx_error_is_a_fragment(client):
    r = client.get("/specimens/?family=zz", headers={"HX-Request": "true", "HX-Target": "results"})
    assert r.status_code == 400 and b"<html" not in r.data and b"error-sheet" in r.data


def test_eras_and_postings(client, app):
    library = state.library(app)
    doc = parse(client.get("/eras/").data)
    names = [h.text for h in doc.find_all("h2", cls="era-list__name")]
    assert names == [e.name for e in library.eras]
    for era in library.eras:
        page = parse(client.get(f"/eras/{era.id}").data)
        assert page.find("h1").text == era.name
        listed = [
            a.attrs["href"]
            for a in page.find(cls="era-page__postings").find_all("a")
            if a.attrs["href"].startswith("/postings/")
        ]
        assert listed == [f"/postings/{p.id}" for p in library.postings_by_era[era.id]]


def test_posting_page_keeps_the_filters_sealed(client, app):
    p = next(iter(state.library(app).postings.values()))
    html = client.get(f"/postings/{p.id}").data.decode()
    assert p.title in html and "sealed until you apply" in html
    assert "maxAge" not in html


def test_posting_api(client, app):
    board = state.board(app)
    pid = "junior-ml-engineer-new-grad"
    data = client.get(f"/api/postings/{pid}").get_json()
    assert data["id"] == pid and data["era"]["id"] == "digital"
    assert 0 <= data["odds"] <= 1 and data["odds"] == pytest.approx(float(board.odds[pid].odds))
    assert set(data["filters"]) == {
        "gender",
        "race",
        "minAge",
        "maxAge",
        "education",
        "experience",
        "union",
        "maritalStatus",
    }
    missing = client.get("/api/postings/nope")
    assert missing.status_code == 404 and missing.get_json() == {"error": "no posting 'nope'"}


def test_declassified_ranks_by_exclusion(client, app):
    board = state.board(app)
    doc = parse(client.get("/declassified").data)
    rows = doc.find_all("li", cls="ranking__row")
    assert len(rows) == len(board.odds)
    widths = [float(r.find_all("rect")[1].attrs["width"]) for r in rows]
    assert widths == sorted(widths, reverse=True)


def test_healthz(client):
    data = client.get("/healthz").get_json()
    assert data["status"] == "ok" and data["specimens"] >= 24


# ---------------------------------------------------------------- caching and headers


def test_etag_and_conditional_get(client):
    first = client.get("/specimens/sdet")
    etag = first.headers["ETag"]
    again = client.get("/specimens/sdet", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/specimens/sdet").data == first.data


def test_static_assets_are_fingerprinted_and_long_lived(client):
    html = client.get("/").data.decode()
    css = html.split('href="/static/css/site.css?v=')[1].split('"')[0]
    r = client.get(f"/static/css/site.css?v={css}")
    assert r.status_code == 200 and "immutable" in r.headers["Cache-Control"]
    stale = client.get("/static/css/site.css?v=old")
    assert "immutable" not in stale.headers["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/specimens/",
        "/specimens/sdet",
        "/nowhere",
        "/api/postings/nope",
        "/play/abcdefgh",
        "/static/css/site.css",
    ],
)
def test_security_headers_on_every_kind_of_response(client, url):
    r = client.get(url)
    assert r.headers["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "frame-ancestors 'none'" in CSP and "unsafe" not in CSP
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"]
    assert r.headers["Permissions-Policy"]


def test_no_inline_script_or_style_anywhere(client):
    for url in ("/", "/specimens/", "/specimens/sdet", f"/play/{SEED}", "/declassified"):
        doc = parse(client.get(url).data)
        for script in doc.find_all("script"):
            assert script.attrs.get("src", "").startswith("/static/") and not script.text
        assert not doc.find_all("style")
        assert not [
            n for n in doc.iter() if "style" in n.attrs or any(a.startswith("on") for a in n.attrs)
        ]


def test_no_page_loads_htmx_itself_the_loader_fetches_it(client):
    """htmx waits until the page has loaded and painted (static/js/htmx-loader.js): no page names
    it in a script tag; the loader's data-src is its fingerprinted, long-lived address."""
    for url in ("/", "/specimens/sdet", f"/play/{SEED}", "/nowhere"):
        scripts = parse(client.get(url).data).find_all("script")
        assert not [s for s in scripts if "/vendor/htmx/" in s.attrs.get("src", "")], url
        loaders = [s for s in scripts if "/static/js/htmx-loader.js?v=" in s.attrs.get("src", "")]
        assert len(loaders) == 1 and "async" in loaders[0].attrs, url
        src = loaders[0].attrs["data-src"]
        assert src.startswith("/static/vendor/htmx/htmx-2.") and "?v=" in src, url
        answer = client.get(src)
        assert answer.status_code == 200 and "immutable" in answer.headers["Cache-Control"]


def test_htmx_config_is_locked_down(client):
    doc = parse(client.get("/").data)
    meta = next(m for m in doc.find_all("meta") if m.attrs.get("name") == "htmx-config")
    config = json.loads(meta.attrs["content"])
    assert config["allowEval"] is False and config["selfRequestsOnly"] is True
    assert config["includeIndicatorStyles"] is False


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/specimens/",
        "/specimens/sdet",
        f"/play/{SEED}",
        "/static/css/site.css",
        "/specimens/sdet.json",
    ],
)
def test_text_is_compressed_when_asked_and_identical_when_unpacked(client, url):
    import gzip

    import brotli

    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    etags = {plain.headers.get("ETag")}
    for accept, coding, unpack in (
        ("gzip, br", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
    ):
        packed = client.get(url, headers={"Accept-Encoding": accept})
        assert packed.headers["Content-Encoding"] == coding
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert unpack(packed.data) == plain.data
        assert len(packed.data) < len(plain.data)
        etags.add(packed.headers.get("ETag"))
    if plain.headers.get("ETag"):
        assert len(etags) == 3  # one ETag per representation


def test_gzip_refused_with_q0(client):
    r = client.get("/specimens/sdet", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in r.headers


def test_a_new_specimen_appears_with_no_code_change(content):
    from otiose.web import create_app

    (content / "specimens" / "head-of-vibes.yaml").write_text(
        (content / "specimens" / "scrum-master.yaml")
        .read_text()
        .replace("id: scrum-master", "id: head-of-vibes")
        .replace("Scrum Master", "Head of Vibes"),  # the title, and the role in its org chart
        encoding="utf-8",
    )
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "CONTENT_ROOT": str(content)})
    c = app.test_client()
    assert "Head of Vibes" in c.get("/specimens/").data.decode()
    found = parse(c.get("/specimens/?q=vibes").data)  # the matched word comes marked
    assert "Head of Vibes" in [h.text for h in found.find_all(cls="card__title")]
    page = parse(c.get("/specimens/head-of-vibes").data)
    assert page.find("h1").text == "Head of Vibes"


def test_edit_links_follow_the_configured_repository(client):
    from otiose.web import create_app

    assert b"Edit this page" not in client.get("/specimens/sdet").data
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "REPO_URL": "https://github.com/example/otiose"}
    )
    c = app.test_client()
    record = parse(c.get("/specimens/sdet").data)
    links = {a.text: a.attrs["href"] for a in record.find_all("a")}
    assert (
        links["Edit this page"] == "https://github.com/example/otiose/edit/main/specimens/sdet.yaml"
    )
    assert links["Suggest a change"].startswith(
        "https://github.com/example/otiose/issues/new?title=Suggestion"
    )
    posting = parse(c.get("/postings/postwar-stewardess").data)
    links = {a.text: a.attrs["href"] for a in posting.find_all("a")}
    assert (
        links["Edit this page"]
        == "https://github.com/example/otiose/edit/main/eras/postwar/postwar-stewardess.md"
    )
    assert "Suggest a change" in links


def test_odds_in_words():
    from otiose.web.present import one_in, percent

    assert one_in(0.0125) == "1 in 80"
    assert one_in(0.674) == "7 in 10"
    assert one_in(0.999) == "9 in 10"
    assert one_in(0) == "no one" and one_in(1) == "everyone"
    assert percent(0.0004) == "under 0.1%" and percent(0.127) == "12.7%" and percent(1) == "100%"


def test_graeber_page_defines_the_five_and_files_every_typed_specimen(client, app):
    from otiose.content import vocab

    types, source = vocab.graeber_types()
    assert tuple(t.id for t in types) == vocab.GRAEBER
    assert source.title.startswith("Bullshit Jobs") and source.year == 2018
    r = client.get("/graeber")
    assert r.status_code == 200
    doc = parse(r.data)
    library = state.library(app)
    for t in types:
        section = doc.find(id=t.id)
        linked = {a.attrs["href"] for a in section.find_all("a")}
        for s in library.specimens.values():
            if s.graeber == t.id:
                assert f"/specimens/{s.id}" in linked, (t.id, s.id)
    typed = next(s for s in library.specimens.values() if s.graeber)
    record = parse(client.get(f"/specimens/{typed.id}").data)
    hrefs = {a.attrs.get("href") for a in record.find_all("a")}
    assert f"/graeber#{typed.graeber}" in hrefs


def test_a_file_record_labels_what_it_made_up(client):
    """Invented ad lines are composites; the flight risk and the match are judgements; the pay
    figure is 'on file', not a market average, because its note may say it is an estimate."""
    page = client.get("/specimens/scrum-master").get_data(as_text=True)
    assert "Composites: each ad line is written here" in page
    assert "not a measured rate" in page
    assert "not a computed score" in page
    assert "Yearly pay on file" in page and "Market average" not in page


@pytest.mark.parametrize(
    ("url", "method", "says"),
    [
        ("/live/postings/no-such-posting", "get", "No posting is filed under 'no-such-posting'"),
        ("/live/specimens/no-such-role", "get", "No specimen is filed under 'no-such-role'"),
        (
            "/live/specimens/no-such-role/sightings",
            "post",
            "No specimen is filed under 'no-such-role'",
        ),
    ],
)
def test_a_live_address_for_an_unknown_id_names_it(client, url, method, says):
    """Like the posting and the file record themselves, not the generic "no file" page."""
    r = getattr(client, method)(url)
    assert r.status_code == 404
    assert says in html.unescape(r.data.decode())


@pytest.mark.parametrize(
    ("title", "said"),
    [
        ("Executive Briefing Center Manager", "an Executive Briefing Center Manager"),
        ("AI Engineer", "an AI Engineer"),
        ("SRE", "an SRE"),
        ("MLOps Engineer", "an MLOps Engineer"),
        ("FP&A Analyst", "an FP&A Analyst"),
        ("UX Researcher", "a UX Researcher"),
        ("University Administrator", "a University Administrator"),
        ("VP of AI Strategy", "a VP of AI Strategy"),
        ("Scrum Master", "a Scrum Master"),
        ("In-House Counsel", "an In-House Counsel"),
    ],
)
def test_a_record_names_its_role_with_the_article_it_is_said_with(title, said):
    assert with_article(title) == said


def test_a_record_of_a_role_said_with_a_vowel_reads_what_an(client):
    """The kicker read "What a Executive Briefing Center Manager actually does"."""
    html = client.get("/specimens/executive-assistant").get_data(as_text=True)
    assert "What an Executive Assistant actually does, on file" in html
