"""Hardening: production configuration, security headers, game state under attack, logging.

(a) Production refuses to start without a SECRET_KEY or on invalid content (listing every
problem); the debug server shows content problems as a page and recovers when the file is fixed.
(b) Every kind of response carries every security header; HSTS only when asked for.
(c) Game state: forged, altered, replayed and oversized cookies and share links, impossible custom
characters and oversized bodies are refused or recomputed; no request can produce a hire that the
filters do not give. (Extends tests/test_play.py.)
(d) In production each request is logged as exactly one line.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from helpers import APPLICANT, minimal, write_era, write_posting, write_specimen
from htmldoc import parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeSerializer

from otiose.content import ContentError, vocab
from otiose.game import rules
from otiose.game.character import SEED_ALPHABET, build, deal
from otiose.game.daily import today
from otiose.game.run import BUDGET
from otiose.web import ConfigError, create_app, state
from otiose.web.game import MAX_RUNS

ROOT = Path(__file__).resolve().parents[1]

SEED = "abcdefgh"
CUSTOM = dict(APPLICANT)
ENV = (
    "SECRET_KEY",
    "FLASK_DEBUG",
    "FLASK_ENV",
    "OTIOSE_CONTENT",
    "OTIOSE_HSTS",
    "OTIOSE_TRUSTED_PROXIES",
    "OTIOSE_REPO_URL",
)


@pytest.fixture
def prod_env(monkeypatch):
    """A clean environment, as on a server; the app logger is restored afterwards."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OTIOSE_BASE_URL", "http://localhost")
    logger = logging.getLogger("otiose.web")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield monkeypatch
    logger.handlers[:], logger.level, logger.propagate = saved


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def break_content(root: Path) -> list[str]:
    """Three files broken three ways; returns the ``path:line`` each problem must name."""
    spec = write_specimen(root)
    spec.write_text(spec.read_text().replace("percent: 50", 'percent: "50"'), encoding="utf-8")
    era = write_era(root)
    era.write_text(era.read_text().replace("order: 1\n", "order: 1\ncolour: red\n"), "utf-8")
    post = write_posting(root, filters='{"gender": "robot"}')
    return [
        f"specimens/test-role.yaml:{line_of(spec, 'percent:')}",
        f"eras/test-era/era.yaml:{line_of(era, 'colour:')}",
        f"eras/test-era/test-posting.md:{line_of(post, 'filters:')}",
    ]


# ---------------------------------------------------------------- (a) production configuration


def test_production_refuses_to_start_without_a_secret_key(prod_env):
    with pytest.raises(ConfigError) as exc:
        create_app()
    message = str(exc.value)
    assert "SECRET_KEY is not set" in message
    assert "secrets.token_hex" in message  # says how to make one
    with pytest.raises(ConfigError):
        create_app({"SECRET_KEY": ""})
    # debug and testing make a throwaway key instead
    assert create_app({"TESTING": True}).config["SECRET_KEY"]


def test_production_refuses_to_start_without_a_base_url(prod_env):
    prod_env.setenv("SECRET_KEY", "s")
    prod_env.delenv("OTIOSE_BASE_URL")
    with pytest.raises(ConfigError) as exc:
        create_app()
    assert "OTIOSE_BASE_URL is not set" in str(exc.value)
    prod_env.setenv("OTIOSE_BASE_URL", "https://otiose.example/sub/path")
    with pytest.raises(ConfigError) as exc:
        create_app()
    assert "no path" in str(exc.value)


def test_production_starts_with_a_secret_key_and_debug_off(prod_env):
    prod_env.setenv("SECRET_KEY", "a-long-random-production-secret")
    app = create_app()
    assert app.config["SECRET_KEY"] == "a-long-random-production-secret"
    assert not app.debug and not app.testing
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    r = app.test_client().get("/healthz")
    assert r.status_code == 200 and r.get_json()["status"] == "ok"


def test_production_refuses_invalid_content_listing_every_problem(prod_env, tmp_path):
    expected = break_content(tmp_path)
    with pytest.raises(ContentError) as exc:
        create_app({"SECRET_KEY": "s", "CONTENT_ROOT": str(tmp_path)})
    report = str(exc.value)
    for where in expected:
        assert where in report, f"{where} missing from:\n{report}"
    assert sorted(f"{p.path}:{p.line}" for p in exc.value.problems) == sorted(expected)
    assert report.endswith(f"{len(exc.value.problems)} problems in content.")
    # the environment variable is honoured too
    prod_env.setenv("OTIOSE_CONTENT", str(tmp_path))
    prod_env.setenv("SECRET_KEY", "s")
    with pytest.raises(ContentError):
        create_app()


def test_debug_server_shows_problems_then_reloads_the_fixed_file(prod_env, tmp_path):
    expected = break_content(tmp_path)
    app = create_app({"DEBUG": True, "CONTENT_ROOT": str(tmp_path)})
    client = app.test_client()
    for url in ("/", "/specimens/", "/play/abcdefgh"):
        r = client.get(url)
        assert r.status_code == 500, url
        doc = parse(r.data)
        wheres = [c.text for c in doc.find_all("code", cls="problems__where")]
        assert sorted(wheres) == sorted(expected), wheres
        assert r.headers["Content-Security-Policy"]
    assert client.get("/static/css/site.css").status_code == 200  # the page keeps its style

    def touch(*paths: Path) -> None:  # a later mtime than the last load, however coarse the clock
        later = time.time() + 5
        for p in paths:
            os.utime(p, (later, later))

    fresh = minimal(tmp_path / "good")
    for rel in (
        "specimens/test-role.yaml",
        "eras/test-era/era.yaml",
        "eras/test-era/test-posting.md",
    ):
        (tmp_path / rel).write_bytes((fresh / rel).read_bytes())
        touch(tmp_path / rel)
    r = client.get("/specimens/test-role")
    assert r.status_code == 200, r.data[:500]
    assert client.get("/").status_code == 200
    # and broken again: the page comes back, listing the new problem
    spec = tmp_path / "specimens" / "test-role.yaml"
    spec.write_text(spec.read_text().replace("family: data-and-ai", "family: nope"), "utf-8")
    os.utime(spec, (time.time() + 10, time.time() + 10))
    r = client.get("/")
    assert r.status_code == 500 and b"specimens/test-role.yaml:3" in r.data


# ---------------------------------------------------------------- (b) security headers


def csp_directives(value: str) -> dict[str, list[str]]:
    out = {}
    for part in value.split(";"):
        name, *sources = part.split()
        out[name] = sources
    return out


def assert_security_headers(r, what: str, hsts: bool = False) -> None:
    h = r.headers
    csp = csp_directives(h.get("Content-Security-Policy", ""))
    assert csp.get("default-src") == ["'none'"], what
    assert csp.get("script-src") == ["'self'"], what
    assert csp.get("style-src") == ["'self'"], what
    assert csp.get("frame-ancestors") == ["'none'"], what
    assert csp.get("base-uri") == ["'none'"] and csp.get("form-action") == ["'self'"], what
    for name, sources in csp.items():
        assert set(sources) <= {"'self'", "'none'"}, f"{what}: {name} {sources}"
    assert h.get("X-Content-Type-Options") == "nosniff", what
    assert h.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "no-referrer"), what
    pp = h.get("Permissions-Policy", "")
    assert all(f"{f}=()" in pp for f in ("camera", "microphone", "geolocation")), what
    assert h.get("X-Frame-Options") == "DENY", what
    if hsts:
        sts = h.get("Strict-Transport-Security", "")
        assert "includeSubDomains" in sts, what
        assert int(sts.split("max-age=")[1].split(";")[0]) >= 31_536_000, what
    else:
        assert "Strict-Transport-Security" not in h, what


def every_kind_of_response(app) -> dict[str, object]:
    """One response of each kind, including a forced 500 and two 304s."""
    client = app.test_client()

    def boom():
        raise RuntimeError("a secret detail from inside the view")

    app.view_functions["pages.about"] = boom
    out: dict[str, object] = {
        "html": client.get("/"),
        "cached html": client.get("/specimens/"),
        "json": client.get("/healthz"),
        "json record": client.get("/specimens/scrum-master.json"),
        "json 404": client.get("/api/postings/nope"),
        "404": client.get("/nowhere"),
        "404 htmx": client.get("/specimens/nope", headers={"HX-Request": "true"}),
        "400": client.get("/specimens/?sort=sideways"),
        "403": client.post(
            f"/play/{SEED}/apply", data={"posting": "x"}, headers={"Origin": "https://e.example"}
        ),
        "405": client.post("/"),
        "413": client.post(f"/play/{SEED}/apply", data={"posting": "x" * 20_000}),
        "500": client.get("/about"),
        "500 htmx": client.get("/about", headers={"HX-Request": "true"}),
        "redirect": client.get("/play"),
        "static": client.get("/static/css/site.css"),
    }
    page = out["cached html"]
    out["304"] = client.get("/specimens/", headers={"If-None-Match": page.headers["ETag"]})
    static = out["static"]
    out["304 static"] = client.get(
        "/static/css/site.css", headers={"If-None-Match": static.headers["ETag"]}
    )
    return out


def test_every_security_header_on_every_kind_of_response():
    app = create_app({"TESTING": True, "SECRET_KEY": "headers"})
    responses = every_kind_of_response(app)
    expected = {
        "html": 200,
        "cached html": 200,
        "json": 200,
        "json record": 200,
        "json 404": 404,
        "404": 404,
        "404 htmx": 404,
        "400": 400,
        "403": 403,
        "405": 405,
        "413": 413,
        "500": 500,
        "500 htmx": 500,
        "redirect": 303,
        "static": 200,
        "304": 304,
        "304 static": 304,
    }
    assert {k: r.status_code for k, r in responses.items()} == expected
    for what, r in responses.items():
        assert_security_headers(r, what)
    # the 500 is the designed page and leaks nothing of the exception
    for what in ("500", "500 htmx"):
        body = responses[what].get_data(as_text=True)
        assert "error-sheet" in body and "secret detail" not in body and "Traceback" not in body
    assert "<html" not in responses["500 htmx"].get_data(as_text=True)
    assert responses["405"].headers["Allow"]  # a 405 says what is allowed
    assert "error-sheet" in responses["413"].get_data(as_text=True)


def test_hsts_only_when_configured(prod_env):
    app = create_app({"TESTING": True, "SECRET_KEY": "h", "HSTS": True})
    for what, r in every_kind_of_response(app).items():
        assert_security_headers(r, what, hsts=True)
    prod_env.setenv("OTIOSE_HSTS", "1")
    app = create_app({"TESTING": True, "SECRET_KEY": "h"})
    assert_security_headers(app.test_client().get("/"), "env", hsts=True)
    # over HTTPS only: the session cookie is marked Secure too
    r = app.test_client().post(f"/play/{SEED}/apply", data={"posting": "new-deal-wing-riveter"})
    cookie = r.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_flags_without_hsts(client):
    r = client.post(f"/play/{SEED}/apply", data={"posting": "new-deal-wing-riveter"})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


# ---------------------------------------------------------------- (c) game state


def tally(client, url: str) -> str:
    return parse(client.get(url).data).find(id="tally").text


def stamps(client, url: str) -> dict[str, str]:
    """The verdict stamps on a board, era by era (the board shows one at a time)."""
    found: dict[str, str] = {}
    for i, era in enumerate(state.library(client.application).eras):
        r = client.get(url + (f"{'&' if '?' in url else '?'}era={era.id}" if i else ""))
        assert r.status_code == 200, (url, era.id)
        doc = parse(r.data)
        assert doc.find("h2", cls="era-block__name").text == era.name
        found |= {
            card.attrs["id"].removeprefix("posting-"): stamp[0].text
            for card in doc.find_all("article", cls="posting")
            if (stamp := card.find_all(cls="verdict__stamp"))
        }
    return found


def truth(app, character, posting_id: str) -> str:
    posting = state.library(app).postings[posting_id]
    return "Hired" if rules.first_failure(posting.filters, character) is None else "Rejected"


def rejecting(app, character) -> str:
    library = state.library(app)
    return next(pid for pid in library.postings if truth(app, character, pid) == "Rejected")


def test_session_signed_with_another_key_is_ignored(client, app):
    pid = rejecting(app, deal(SEED))
    stranger = Flask("stranger")
    stranger.secret_key = "not-our-secret"
    foreign = stranger.session_interface.get_signing_serializer(stranger).dumps(
        {"runs": [[SEED, [pid]]]}
    )
    client.set_cookie("session", foreign)
    assert tally(client, f"/play/{SEED}").startswith("0 applications")
    # altered by one character: ignored as well
    ours = app.session_interface.get_signing_serializer(app).dumps({"runs": [[SEED, [pid]]]})
    client.set_cookie("session", ours)
    assert tally(client, f"/play/{SEED}").startswith("1 application")
    flipped = ours[:10] + ("A" if ours[10] != "A" else "B") + ours[11:]
    client.set_cookie("session", flipped)
    assert tally(client, f"/play/{SEED}").startswith("0 applications")


@pytest.mark.filterwarnings("ignore:The 'session' cookie is too large")
@pytest.mark.parametrize(
    "runs",
    [
        [[SEED, [["nested"], {"a": 1}, None, 7, "new-deal-wing-riveter"]]],  # unhashable junk
        [[SEED, "new-deal-wing-riveter"]],
        [[SEED, ["new-deal-wing-riveter"], "extra"]],
        {"not": "a list"},
        [[SEED * 20, ["new-deal-wing-riveter"]]],
        [[SEED, ["new-deal-wing-riveter"] * 5000]],
        [[f"k{i}", []] for i in range(5000)],
    ],
)
def test_malformed_signed_sessions_are_cleaned_not_crashed(client, app, runs):
    with client.session_transaction() as sess:
        sess["runs"] = runs
    r = client.get(f"/play/{SEED}")
    assert r.status_code == 200
    shown = parse(r.data).find(id="tally").text
    assert shown.startswith(("0 applications", "1 application"))
    # applying still works and the session written back is small and well-formed
    r = client.post(f"/play/{SEED}/apply", data={"posting": "postwar-stewardess"})
    assert r.status_code == 303
    assert len(client.get_cookie("session").value) < 4000
    with client.session_transaction() as sess:
        assert len(sess["runs"]) <= MAX_RUNS
        assert sess["runs"][0][0] == SEED and "postwar-stewardess" in sess["runs"][0][1]


def test_replayed_session_restores_a_run_but_never_a_verdict(client, app):
    c = deal(SEED)
    pid = rejecting(app, c)
    client.post(f"/play/{SEED}/apply", data={"posting": pid})
    stolen = client.get_cookie("session").value
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert stamps(other, f"/play/{SEED}") == {pid: "Rejected"}
    # the same cookie replayed under another seed shows nothing of that run
    assert tally(other, "/play/zzzzzzzz").startswith("0 applications")


def test_share_tokens_cannot_cross_salts_players_or_shapes(client, app):
    key = app.config["SECRET_KEY"]
    pid = rejecting(app, deal(SEED))
    client.post(f"/play/{SEED}/apply", data={"posting": pid})
    session_cookie = client.get_cookie("session").value
    fresh = app.test_client()
    # a session cookie is not a share token (different salt), nor the other way round
    assert fresh.get(f"/play/{SEED}/report?run={session_cookie}").status_code == 400
    token = URLSafeSerializer(key, salt="otiose-run").dumps([SEED, [pid]])
    fresh.set_cookie("session", token)
    assert tally(fresh, f"/play/{SEED}").startswith("0 applications")
    fresh.delete_cookie("session")
    # a token signed by us but shaped wrongly, or naming a posting twice or one that is not on
    # file, is refused: no run could have made it
    for data in ({"a": 1}, [SEED], [SEED, "x"], [SEED, [1, 2]], "text", None):
        bad = URLSafeSerializer(key, salt="otiose-run").dumps(data)
        assert fresh.get(f"/play/{SEED}/report?run={bad}").status_code == 400, data
    junk = URLSafeSerializer(key, salt="otiose-run").dumps([SEED, [pid, "no-such", pid]])
    assert fresh.get(f"/play/{SEED}/report?run={junk}").status_code == 400
    good = URLSafeSerializer(key, salt="otiose-run").dumps([SEED, [pid]])
    doc = parse(fresh.get(f"/play/{SEED}/report?run={good}").data)
    assert len(doc.find_all("li", cls="ledger__row")) == 1
    # opening a share link on a board changes nothing (a GET); it shows the shared report
    r = fresh.get(f"/play/{SEED}?run={good}")
    assert r.status_code == 303 and "/report?run=" in r.headers["Location"]
    assert stamps(fresh, f"/play/{SEED}") == {}
    # adopting a forged run (a POST) is refused; adopting an honest one loads exactly its
    # postings, with recomputed verdicts
    assert fresh.post(f"/play/{SEED}/adopt", data={"run": junk}).status_code == 400
    r = fresh.post(f"/play/{SEED}/adopt", data={"run": good})
    assert r.status_code == 303
    assert stamps(fresh, f"/play/{SEED}") == {pid: "Rejected"}


@pytest.mark.parametrize(
    "changes",
    [
        {"age": "17"},
        {"age": "71"},
        {"age": "-1"},
        {"age": "٣٠"},  # Arabic-Indic digits
        {"age": "²"},
        {"age": "3e1"},
        {"age": " 30"},
        {"age": "9" * 5000},
        {"union": "True"},
        {"union": "1"},
        {"gender": "Female"},
        {"education": "phd"},
        {"maritalStatus": ""},
        {"race": "white" * 1000},
    ],
)
def test_out_of_range_custom_applicants_are_refused_everywhere(client, changes):
    query = urlencode({**CUSTOM, **changes})
    for method, url in (("GET", f"/play/custom?{query}"),):
        r = client.open(url, method=method, data={"posting": "postwar-stewardess"})
        assert r.status_code == 400, (method, url[:80])
        assert "This applicant cannot be assembled" in r.get_data(as_text=True)
    with client.session_transaction() as sess:
        assert not sess.get("runs")


@pytest.mark.parametrize("htmx", [False, True])
def test_oversized_bodies_get_the_designed_413(client, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    too_big = client.post(f"/play/{SEED}/apply", data={"posting": "x" * 17_000}, headers=headers)
    parts = {f"f{i}": (b"x", f"f{i}.txt") for i in range(60)}
    too_many = client.post(
        f"/play/{SEED}/apply",
        data={"posting": "new-deal-wing-riveter", **parts},
        headers=headers,
        content_type="multipart/form-data",
    )
    for r in (too_big, too_many):
        assert r.status_code == 413
        body = r.get_data(as_text=True)
        assert "error-sheet" in body and "Over limit" in body
        assert ("<html" in body) is not htmx
        # in the site's own words and case, not Werkzeug's "Request Entity Too Large"
        assert ">Request entity too large</h1>" in body
        assert "larger than the 16 KiB this site accepts" in body
    with client.session_transaction() as sess:
        assert not sess.get("runs")


def test_extra_form_fields_cannot_buy_a_hire(client, app):
    c = deal(SEED)
    pid = rejecting(app, c)
    r = client.post(
        f"/play/{SEED}/apply",
        data={
            "posting": pid,
            "hired": "true",
            "verdict": "Hired",
            "odds": "1",
            "filters": "{}",
            "seed": "zzzzzzzz",
        },
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 400
    assert "This form takes no field 'hired'; it takes posting." in unescape(r.get_data(True))
    with client.session_transaction() as sess:
        assert not sess.get("runs")
    r = client.post(f"/play/{SEED}/apply", data={"posting": pid}, headers={"HX-Request": "true"})
    assert parse(r.data).find(cls="verdict__stamp").text == "Rejected"


FORMS = [  # every POST address, with the form its page sends
    (f"/play/{SEED}/apply", {"posting": "new-deal-wing-riveter"}),
    (f"/play/daily/{today().isoformat()}/apply", {"posting": "new-deal-wing-riveter"}),
    (f"/play/{SEED}/adopt", {"run": "token"}),
    (f"/play/daily/{today().isoformat()}/adopt", {"run": "token"}),
    ("/live/specimens/agile-coach/sightings", {}),
]


@pytest.mark.parametrize(("url", "form"), FORMS)
def test_every_form_refuses_a_field_it_does_not_take_or_one_given_twice(client, url, form):
    """``posting=a&posting=b`` applied to a and dropped b unsaid; a made-up field went unread."""
    takes = ", ".join(form) or "none"
    r = client.post(url, data={**form, "zzz": "1"})
    assert r.status_code == 400, url
    said = f"This form takes no field 'zzz'; it takes {takes}."
    assert said in unescape(r.get_data(True))
    r = client.post(
        url, data={"zzz": (io.BytesIO(b"x"), "z.txt")}, content_type="multipart/form-data"
    )
    assert r.status_code == 400 and said in unescape(r.get_data(True)), url
    for name, value in form.items():
        r = client.post(url, data={**form, name: [value, value]})
        assert r.status_code == 400, url
        said = f"The field '{name}' was given 2 times; give it once."
        assert said in unescape(r.get_data(True))
    with client.session_transaction() as sess:
        assert not sess.get("runs")
    assert client.get_cookie("otiose_sighted") is None


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.text(alphabet=SEED_ALPHABET, min_size=8, max_size=8),
    custom=st.fixed_dictionaries(
        {
            "gender": st.sampled_from(vocab.GENDERS),
            "race": st.sampled_from(vocab.RACES),
            "age": st.integers(vocab.MIN_AGE, vocab.MAX_AGE).map(str),
            "education": st.sampled_from(vocab.EDUCATION),
            "experience": st.sampled_from(vocab.EXPERIENCE),
            "union": st.sampled_from(["true", "false"]),
            "maritalStatus": st.sampled_from(vocab.MARITAL),
        }
    ),
)
def test_no_state_makes_a_hire_the_filters_do_not_give(app, seed, custom):
    """Every posting in the session, plus junk: each stamp is exactly what the rules say."""
    client = app.test_client()
    ids = list(state.library(app).postings)
    dealt, built = deal(seed), build(custom)
    custom_key = "custom:" + ":".join(built.query().values())
    with client.session_transaction() as sess:
        sess["runs"] = [[seed, [*ids[1 : BUDGET + 1], "forged-hire"]], [custom_key, ids]]
    assert stamps(client, f"/play/{seed}") == {}  # no honest run holds that: none is shown
    with client.session_transaction() as sess:
        sess["runs"] = [[seed, ids[1 : BUDGET + 1]]]
    board = stamps(client, f"/play/{seed}")
    assert board == {pid: truth(app, dealt, pid) for pid in ids[1 : BUDGET + 1]}
    board = stamps(client, f"/play/custom?{urlencode(custom)}")
    assert board == {pid: truth(app, built, pid) for pid in ids}
    report = parse(client.get(f"/play/{seed}/report").data)
    offers = sum(truth(app, dealt, pid) == "Hired" for pid in ids[1 : BUDGET + 1])
    stats = {s.find("dt").text: s.find("dd").text for s in report.find_all(cls="stat")}
    assert stats["Offers"] == str(offers) and stats["Applications"] == f"{BUDGET} of {BUDGET}"


# ---------------------------------------------------------------- (d) logging


def test_production_logs_exactly_one_line_per_request(prod_env, caplog):
    app = create_app({"SECRET_KEY": "logging"})
    assert not app.debug and not app.testing
    client = app.test_client()
    caplog.set_level(logging.INFO, logger=app.logger.name)
    page = client.get("/specimens/")
    requests = [
        ("GET", "/", {}),
        ("GET", "/specimens/", {"If-None-Match": page.headers["ETag"]}),
        ("GET", "/specimens/scrum-master", {}),
        ("GET", "/specimens/scrum-master.json", {}),
        ("GET", "/nowhere", {}),
        ("GET", "/specimens/?sort=sideways", {}),
        ("GET", "/static/css/site.css", {}),
        ("GET", "/play", {}),
        ("POST", f"/play/{SEED}/apply", {}),
        ("POST", "/about", {}),
        ("GET", "/specimens/%0A2026-01-01%20INFO%20forged%20entry", {}),  # no log injection
        ("GET", "/specimens/%E2%80%A8x%0Dy", {}),
    ]
    for method, url, headers in requests:
        caplog.clear()
        data = {"posting": "new-deal-wing-riveter"} if method == "POST" else None
        r = client.open(url, method=method, headers=headers, data=data)
        records = [rec for rec in caplog.records if rec.name == app.logger.name]
        assert len(records) == 1, (url, [rec.getMessage() for rec in records])
        line = records[0].getMessage()
        assert len(line.splitlines()) == 1 and "\r" not in line, repr(line)
        assert f'"{method} ' in line and f" {r.status_code} " in line, line
    # over gunicorn's unix socket with no proxy header there is no address: "-", not a blank
    caplog.clear()
    client.get("/", environ_base={"REMOTE_ADDR": ""})
    (record,) = [rec for rec in caplog.records if rec.name == app.logger.name]
    assert record.getMessage().startswith('- "GET /" 200 '), record.getMessage()
    # a crash: one access line, plus the traceback on its own record
    app.view_functions["pages.about"] = lambda: 1 / 0
    caplog.clear()
    assert client.get("/about").status_code == 500
    records = [rec for rec in caplog.records if rec.name == app.logger.name]
    access = [rec for rec in records if rec.levelno == logging.INFO]
    errors = [rec for rec in records if rec.levelno == logging.ERROR]
    assert len(access) == 1 and " 500 " in access[0].getMessage()
    assert len(errors) == 1 and errors[0].exc_info and len(records) == 2


def _flask_unconfigured(command: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``flask --app app COMMAND`` with none of the operator's settings but ``env``."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("SECRET_KEY", "OTIOSE_", "FLASK_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", command],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_list_shows_without_the_production_settings():
    """``flask --app app --help`` lists the commands (none needs the app) and says, once, why
    the app itself would not start; it used to print only that error."""
    run = _flask_unconfigured("--help")
    assert run.returncode == 0, run.stderr
    commands = run.stdout.split("Commands:", 1)[1].split()
    assert {"check", "new", "preview", "docs", "schema", "export", "db", "stats"} <= set(commands)
    assert run.stderr.count("SECRET_KEY is not set") == 1
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("env", "says"),
    [({}, "SECRET_KEY is not set"), ({"SECRET_KEY": "x" * 32}, "OTIOSE_BASE_URL is not set")],
)
def test_a_missing_setting_is_one_line_not_a_traceback(env, says):
    """``flask --app app routes`` (or gunicorn) without a setting it needs says which, and stops."""
    run = _flask_unconfigured("routes", **env)
    assert run.returncode != 0
    assert run.stderr.startswith(f"Error: {says}."), run.stderr
    assert "Traceback" not in run.stderr
