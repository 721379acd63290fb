"""The holes a review and an attack found in the web layer, each closed and kept closed.

Every test here failed on the home-made caching layer it replaced (page cache, static gzip
cache, spliced board HTML) or on the checks that were missing.
"""

from __future__ import annotations

import gzip
import io
import re
import tracemalloc
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from flask import url_for
from helpers import APPLICANT
from werkzeug.test import EnvironBuilder, run_wsgi_app

from otiose.game.character import build
from otiose.web import create_app, state

SEED = "abcdefgh"


@pytest.fixture
def fresh_app():
    """A new app per test: nothing one test's requests leave behind can hide another's bug."""
    return create_app({"TESTING": True, "SECRET_KEY": "holes"})


def _urls_in(body: str) -> list[str]:
    return re.findall(r'(?:href|content|src|action)="(https?://[^"]*|//[^"]*)"', body)


# ---------------------------------------------------------------- host and forwarded headers


def test_a_hostile_host_header_changes_no_later_visitors_page(fresh_app):
    client = fresh_app.test_client()
    base = fresh_app.config["BASE_URL"]
    for url in ("/specimens/sdet", "/specimens/sdet.json", f"/api/postings/{_posting(fresh_app)}"):
        client.get(url, headers={"Host": "evil.example"})
        later = client.get(url).get_data(as_text=True)
        assert "evil.example" not in later, url
    page = client.get("/specimens/sdet").get_data(as_text=True)
    absolute = _urls_in(page)
    assert absolute and all(u.startswith(base) for u in absolute), absolute


def test_forged_forwarded_headers_change_nothing_behind_a_trusted_proxy():
    app = create_app({"TESTING": True, "SECRET_KEY": "holes", "TRUSTED_PROXIES": 1})
    client = app.test_client()
    forged = {
        "X-Forwarded-Prefix": "//evil.example",
        "X-Forwarded-Proto": "javascript",
        "X-Forwarded-Host": "evil.example",
    }
    posting = _posting(app)
    client.post(
        f"/play/{SEED}/apply", data={"posting": posting}, headers={**forged, "HX-Request": "true"}
    )
    for url in ("/specimens/sdet", "/", f"/play/{SEED}"):
        hit = client.get(url, headers=forged)
        assert hit.status_code == 200, url
        for body in (hit.get_data(as_text=True), client.get(url).get_data(as_text=True)):
            assert "evil.example" not in body and "javascript:" not in body, url
    assert client.get(f"/play/{SEED}").status_code == 200  # no board left broken


def test_production_refuses_other_hosts(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s")
    monkeypatch.setenv("OTIOSE_BASE_URL", "https://otiose.example")
    monkeypatch.delenv("OTIOSE_TRUSTED_HOSTS", raising=False)
    app = create_app()
    client = app.test_client()
    assert client.get("/healthz", base_url="https://otiose.example").status_code == 200
    bad = client.get("/specimens/sdet", base_url="https://evil.example")
    assert bad.status_code == 400 and b"host" in bad.data


# ---------------------------------------------------------------- memory a client can grow


def test_spellings_of_a_static_path_are_not_kept(fresh_app):
    client = fresh_app.test_client()
    gz = {"Accept-Encoding": "gzip"}
    client.get("/static/css/site.css", headers=gz)
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for i in range(1, 121):
            r = client.get("/static/" + "./" * i + "css/site.css", headers=gz)
            assert r.status_code in (200, 308), r.status_code
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert grown < 1_000_000, f"{grown} bytes kept after 120 spellings of one file"


def test_distinct_boards_and_searches_keep_no_more_than_the_render_budget():
    budget = 256 * 1024  # the render cache's byte budget (16 MB by default)
    app = create_app({"TESTING": True, "SECRET_KEY": "holes", "RENDER_CACHE_BYTES": budget})
    client = app.test_client()
    client.get("/specimens/?q=warmup")
    client.get(f"/play/{SEED}")
    seeds = [f"{SEED[:4]}{i:04d}".replace("0", "a").replace("1", "b") for i in range(60)]
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for i, seed in enumerate(seeds):
            assert client.get(f"/play/{seed}").status_code == 200
            client.get(f"/specimens/?q=zz{i}")
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert grown < budget + 1_000_000, f"{grown} bytes kept after 60 boards and 60 searches"
    assert state.site(app).renders.size <= budget


# ---------------------------------------------------------------- cross-site writes


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "http://[", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "https://evil.example"},
    ],
)
def test_cross_site_writes_are_refused(fresh_app, headers):
    client = fresh_app.test_client()
    r = client.post(f"/play/{SEED}/apply", data={"posting": _posting(fresh_app)}, headers=headers)
    assert r.status_code == 403
    board = client.get(f"/play/{SEED}").get_data(as_text=True)
    assert "posting--applied" not in board


def test_same_origin_writes_pass(fresh_app):
    client = fresh_app.test_client()
    ids = list(state.library(fresh_app).postings)
    for i, headers in enumerate(
        ({"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}, {})
    ):  # a different posting each time: applying twice to one is refused (409)
        r = client.post(f"/play/{SEED}/apply", data={"posting": ids[i]}, headers=headers)
        assert r.status_code == 303


def test_a_get_never_replaces_a_run_in_progress(fresh_app):
    """A cross-site link to /play/<seed>?run=<token> used to overwrite the victim's run."""
    from itsdangerous import URLSafeSerializer

    client = fresh_app.test_client()
    ids = list(state.library(fresh_app).postings)
    client.post(f"/play/{SEED}/apply", data={"posting": ids[0]})
    token = URLSafeSerializer("holes", salt="otiose-run").dumps([SEED, ids[1:4]])
    r = client.get(f"/play/{SEED}?run={token}", headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 303 and "/report?run=" in r.headers["Location"]
    board = client.get(f"/play/{SEED}").get_data(as_text=True)
    assert f'id="posting-{ids[0]}"' in board and board.count("posting--applied") == 1


# ---------------------------------------------------------------- the small ones


def test_a_seed_with_a_trailing_newline_is_not_a_seed(fresh_app):
    client = fresh_app.test_client()
    assert client.get(f"/play/{SEED}%0A").status_code == 404
    assert client.get(f"/play/{SEED}%0A/report").status_code == 404


def test_a_mistyped_seed_is_told_which_characters_a_seed_has(fresh_app):
    client = fresh_app.test_client()
    r = client.get("/play/qwertyui")  # eight letters, but i is not in a seed
    assert r.status_code == 404
    assert "lower-case letters but i, l and o, and digits 2 to 9" in r.get_data(as_text=True)
    r = client.get("/api/play/qwertyui")
    assert r.status_code == 404 and "but i, l and o" in r.get_json()["error"]


def test_one_applicant_however_the_age_is_spelled():
    pages = []
    for age in ("30", "030"):  # a fresh app each, so no cache can make them look alike
        client = create_app({"TESTING": True, "SECRET_KEY": "holes"}).test_client()
        r = client.get("/play/custom?" + urlencode({**APPLICANT, "age": age}))
        assert r.status_code == 200
        body = r.get_data(as_text=True)
        pages.append(body[body.index("<aside") : body.index("</aside>")])
    assert pages[0] == pages[1]
    assert build({**APPLICANT, "age": "030"}) == build(APPLICANT)


def test_options_on_static_files_is_not_a_gzipped_body(fresh_app):
    client = fresh_app.test_client()
    gz = {"Accept-Encoding": "gzip"}
    assert client.options("/static/x%00", headers=gz).status_code < 500
    r = client.options("/static/css/site.css", headers=gz)
    assert r.status_code == 200 and "Content-Encoding" not in r.headers and not r.data


@pytest.mark.parametrize("refusal", ["gzip;q=0", "gzip;q=0.000", "gzip; q=0.0, identity"])
def test_a_refused_gzip_is_not_sent(fresh_app, refusal):
    client = fresh_app.test_client()
    for url in ("/specimens/", "/static/css/site.css"):
        r = client.get(url, headers={"Accept-Encoding": refusal})
        assert "Content-Encoding" not in r.headers, (url, refusal)


# every kind of compressed answer: flask-compress on a rendered page, on a streamed static
# file, and the render cache's kept board
COMPRESSED_URLS = ("/specimens/", "/static/css/site.css", f"/play/{SEED}")


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("br;q=0, gzip", "gzip"),
        ("gzip, br;q=0", "gzip"),
        ("br;q=0", None),
        ("br;q=0, gzip;q=0", None),
        ("br;q=0, *", "gzip"),
        ("gzip;q=0, *", "br"),
        ("br;q=0, gzip;q=0, *", None),
    ],
)
def test_a_refused_br_is_not_sent(fresh_app, accept, coding):
    client = fresh_app.test_client()
    for url in COMPRESSED_URLS:
        r = client.get(url, headers={"Accept-Encoding": accept})
        assert r.headers.get("Content-Encoding") == coding, (url, accept)


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("gzip, deflate, br", "br"),
        ("br", "br"),
        ("gzip", "gzip"),
        ("gzip, br;q=0.5", "gzip"),
        ("gzip;q=0.5, br", "br"),
        ("*", "br"),
        ("identity", None),
        ("", None),
    ],
)
def test_br_goes_to_the_clients_that_take_it_and_unpacks_to_the_page(fresh_app, accept, coding):
    import brotli

    unpack = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding]
    client = fresh_app.test_client()
    for url in COMPRESSED_URLS:
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        r = client.get(url, headers={"Accept-Encoding": accept})
        assert r.headers.get("Content-Encoding") == coding, (url, accept)
        assert "Accept-Encoding" in r.headers["Vary"], url
        assert unpack(r.data) == plain.data, url


def test_the_render_cache_keeps_a_br_and_a_gzip_board_and_serves_each_to_its_client(fresh_app):
    import brotli

    client = fresh_app.test_client()
    renders = state.site(fresh_app).renders
    html = client.get(f"/play/{SEED}", headers={"Accept-Encoding": "identity"}).data
    kept = len(renders)
    order = ["br", "gzip", "br", "gzip", "identity", "br"]
    for accept in order:
        r = client.get(f"/play/{SEED}", headers={"Accept-Encoding": accept})
        coding = r.headers.get("Content-Encoding")
        assert coding == (None if accept == "identity" else accept)
        assert {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding](
            r.data
        ) == html
    # the HTML, and beside it one body per coding
    assert len(renders) == kept + 2
    codings = {
        key[1] for key in renders._items if isinstance(key, tuple) and key[1] in ("br", "gzip")
    }
    assert codings == {"br", "gzip"}


@pytest.mark.parametrize("url", ["/static/css/site.css", "/specimens/", "/specimens/sdet.json"])
def test_compressed_responses_revalidate(fresh_app, url):
    client = fresh_app.test_client()
    gz = {"Accept-Encoding": "gzip"}
    first = client.get(url, headers=gz)
    assert first.headers["Content-Encoding"] == "gzip" and gzip.decompress(first.data)
    etag = first.headers["ETag"]
    again = client.get(url, headers={**gz, "If-None-Match": etag})
    assert again.status_code == 304 and not again.data


def test_public_pages_say_so_in_standard_headers(fresh_app):
    client = fresh_app.test_client()
    for url in ("/", "/specimens/", "/specimens/sdet", "/eras/", "/declassified", "/about"):
        r = client.get(url)
        assert r.headers["Cache-Control"].startswith("public, max-age="), url
        etag = r.headers["ETag"]
        assert not etag.startswith("W/"), url
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url
    search = client.get(
        "/specimens/?q=scrum", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert {"HX-Request", "HX-Target", "Accept-Encoding"} <= set(search.vary)
    board = client.get(f"/play/{SEED}")
    assert board.headers["Cache-Control"] == "private, no-cache" and "Cookie" in board.vary


# a value for each argument the app's URL rules take, so that every GET rule can be asked
ROUTE_ARGS = {
    "id": "sdet",
    "specimen_id": "sdet",
    "era_id": "industrial",
    "posting_id": "new-deal-wing-riveter",
    "seed": SEED,
    "day": datetime.now(UTC).date().isoformat(),  # the daily game has no future days
}


def test_every_get_route_says_how_it_may_be_cached(fresh_app):
    """Every GET rule of the app, asked with no query: a 200 says in Cache-Control who may keep
    it. A public answer has a strong ETag and revalidates to 304 that varies as the 200 did; a
    personal one is private or no-store. The custom applicant's empty form and the health check
    said nothing at all, and every picture said it varied by Accept-Encoding, on which a cache
    that honours Vary keys its copies, though no picture is ever compressed."""
    client = fresh_app.test_client()
    answered = []
    for rule in fresh_app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        missing = set(rule.arguments) - set(ROUTE_ARGS)
        assert not missing, f"{rule.rule}: add a sample value for {missing} to ROUTE_ARGS"
        with fresh_app.test_request_context():
            url = url_for(rule.endpoint, **{a: ROUTE_ARGS[a] for a in rule.arguments})
        r = client.get(url)
        if rule.rule.endswith("/run.png"):  # a run's picture needs its run: the report links it
            assert r.status_code == 400, url
            report = client.get(url.replace("/run.png", "/report")).get_data(as_text=True)
            url = re.search(r'og:image" content="https?://[^/]+([^"]+)"', report)[1]
            r = client.get(url.replace("&amp;", "&"))
        if r.status_code != 200:
            assert r.status_code in (302, 303), (url, r.status_code)
            continue
        answered.append(url)
        # a minimal Vary: a picture is never compressed, so it does not vary by coding
        coded = r.mimetype in fresh_app.config["COMPRESS_MIMETYPES"]
        assert ("Accept-Encoding" in r.vary) == coded, (url, r.mimetype, r.vary)
        policy = r.headers.get("Cache-Control", "")
        if policy.startswith("public"):
            assert "max-age=" in policy, url
            etag = r.headers.get("ETag", "")
            assert etag and not etag.startswith("W/"), url
            again = client.get(url, headers={"If-None-Match": etag})
            assert again.status_code == 304 and set(again.vary) == set(r.vary), url
        else:
            assert "private" in policy or "no-store" in policy, (url, policy)
    assert len(answered) >= 35, answered


def _post_chunked(app, body: bytes) -> str:
    """POST ``body`` to apply as gunicorn passes a chunked body: no length, input terminated."""
    env = EnvironBuilder(
        path=f"/play/{SEED}/apply",
        method="POST",
        input_stream=io.BytesIO(body),
        headers={
            "Transfer-Encoding": "chunked",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    ).get_environ()
    env.pop("CONTENT_LENGTH", None)
    env["wsgi.input_terminated"] = True
    _, status, _ = run_wsgi_app(app, env)
    return status


def test_an_oversize_chunked_body_is_refused_not_cut(fresh_app):
    assert _post_chunked(fresh_app, b"posting=" + b"a" * 40_000).startswith("413")


def test_a_small_chunked_body_still_works(fresh_app):
    body = urlencode({"posting": _posting(fresh_app)}).encode()
    assert _post_chunked(fresh_app, body).startswith("303")


def _posting(app) -> str:
    return next(iter(state.library(app).postings))
