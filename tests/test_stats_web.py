"""Live numbers over HTTP: recording from apply, fragments that keep pages cacheable, the
sightings form (once per browser per day, rate-limited), and "unavailable" instead of errors."""

from __future__ import annotations

import json
import logging
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from flask_limiter.util import get_qualified_name

from otiose.game.character import deal
from otiose.game.run import BUDGET
from otiose.stats import Counts, SchemaBehind, Stats, db
from otiose.web import create_app, live, state

SEED = "abcdefgh"
POSTING = "corporate-account-representative"
SPECIMEN = "agile-coach"
OTHERS = ["corporate-administrative-assistant", "corporate-associate-consultant", POSTING]


@pytest.fixture
def live_app(tmp_path: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "live-test-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}",
            "SIGHTING_RATE_LIMIT": "5 per minute",
        }
    )


def _stats(app: Flask) -> Stats:
    service: Stats = app.extensions["stats"]
    return service


def _apply(client: FlaskClient, posting: str = POSTING, seed: str = SEED) -> int:
    return client.post(f"/play/{seed}/apply", data={"posting": posting}).status_code


def test_each_application_of_a_run_is_counted_once(live_app: Flask) -> None:
    client = live_app.test_client()
    assert client.get(f"/play/{SEED}").status_code == 200  # the board, before any apply
    before = client.get_cookie("session")
    assert before is not None
    assert _apply(client) == 303
    assert _apply(client) == 409  # the game refuses a repeat; nothing is counted
    assert _stats(live_app).posting(POSTING).applied == 1
    # a replay of the first request, with the cookie it carried (another tab, a resend): the
    # game accepts it, since that state had not applied yet, but the run has counted already
    replay = live_app.test_client()
    replay.set_cookie("session", before.value)
    assert _apply(replay) == 303
    assert _stats(live_app).posting(POSTING).applied == 1
    # another player (another browser) is another run
    assert _apply(live_app.test_client()) == 303
    assert _stats(live_app).posting(POSTING).applied == 2


def test_an_address_past_its_cap_plays_on_uncounted_and_is_logged_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "s",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cap.db'}",
            "LIVE_COUNT_LIMIT": "3 per hour",
        }
    )
    flood = {"REMOTE_ADDR": "10.0.0.7"}
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        # each request without a cookie is a new run: one address could add runs without end
        answers = [
            app.test_client().post(
                f"/play/{SEED}/apply", data={"posting": POSTING}, environ_base=flood
            )
            for _ in range(6)
        ]
    assert [r.status_code for r in answers] == [303] * 6  # the game never refuses for this
    assert _stats(app).posting(POSTING).applied == 3
    told = [r.getMessage() for r in caplog.records if "OTIOSE_LIVE_COUNT_LIMIT" in r.getMessage()]
    assert told == [
        "live numbers: 10.0.0.7 sent more than 3 applications within 1 hour; the rest are "
        "played but not counted until that time has passed (OTIOSE_LIVE_COUNT_LIMIT)"
    ]
    # another address is counted as before
    other = app.test_client()
    other.post(
        f"/play/{SEED}/apply", data={"posting": POSTING}, environ_base={"REMOTE_ADDR": "10.0.0.8"}
    )
    assert _stats(app).posting(POSTING).applied == 4


def test_a_bad_application_counts_nothing(live_app: Flask) -> None:
    client = live_app.test_client()
    assert client.post(f"/play/{SEED}/apply", data={"posting": "no-such"}).status_code == 400
    assert client.post("/play/not-a-seed!/apply", data={"posting": POSTING}).status_code == 404
    assert _stats(live_app).postings() == {}


def test_recording_off_records_nothing(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "s",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'off.db'}",
            "LIVE_RECORD": False,
        }
    )
    assert _apply(app.test_client()) == 303
    assert _stats(app).posting(POSTING) == Counts(0, 0)


def test_the_posting_fragment_is_short_lived_public_and_says_what_the_gap_means(
    live_app: Flask,
) -> None:
    client = live_app.test_client()
    for _ in range(3):
        _apply(live_app.test_client())
    r = client.get(f"/live/postings/{POSTING}", headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "public, max-age=30"
    assert "HX-Request" in r.headers["Vary"]
    assert "Cookie" not in r.headers.get("Vary", "")
    assert "Set-Cookie" not in r.headers
    text = r.get_data(as_text=True)
    assert "<html" not in text
    assert "of the <strong>3</strong> players who applied here" in text
    assert "a percentage is given from 30 players up" in text
    # without JS, the same numbers on a page of their own
    page = client.get(f"/live/postings/{POSTING}").get_data(as_text=True)
    assert "<html" in page and "of the <strong>3</strong> players" in page
    assert client.get("/live/postings/no-such").status_code == 404


def test_sightings_once_per_browser_per_day(live_app: Flask) -> None:
    reader = live_app.test_client()
    url = f"/live/specimens/{SPECIMEN}/sightings"
    r = reader.post(url, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "<strong>1</strong> sighting filed" in r.get_data(as_text=True)
    assert r.headers["Cache-Control"] == "private, no-store"
    r = reader.post(url, headers={"HX-Request": "true"})
    assert "<strong>1</strong> sighting filed" in r.get_data(as_text=True)
    assert "one per reader per specimen per day" in r.get_data(as_text=True)
    assert _stats(live_app).sightings(SPECIMEN) == 1
    # without JS: a real form post that lands back on the file record
    other = live_app.test_client()
    r = other.post(url)
    assert r.status_code == 303
    assert r.headers["Location"].endswith(f"/live/specimens/{SPECIMEN}?filed=yes")
    page = other.get(r.headers["Location"]).get_data(as_text=True)
    assert "<html" in page and "Sighting filed" in page and "<strong>2</strong> sightings" in page
    assert _stats(live_app).sightings(SPECIMEN) == 2
    # a forged cookie is not believed, and an unknown specimen is refused
    forger = live_app.test_client()
    forger.set_cookie(live.COOKIE, "garbage")
    assert forger.post(url).status_code == 303
    assert _stats(live_app).sightings(SPECIMEN) == 3
    assert reader.post("/live/specimens/no-such/sightings").status_code == 404


def test_yesterdays_cookie_does_not_stop_todays_sighting(live_app: Flask, monkeypatch) -> None:
    reader = live_app.test_client()
    url = f"/live/specimens/{SPECIMEN}/sightings"
    monkeypatch.setattr(live, "today", lambda: date(2026, 11, 22))
    reader.post(url)
    monkeypatch.setattr(live, "today", lambda: date(2026, 11, 23))
    reader.post(url)
    reader.post(url)
    assert _stats(live_app).sightings(SPECIMEN) == 2


def test_sightings_are_rate_limited_per_client(live_app: Flask) -> None:
    url = f"/live/specimens/{SPECIMEN}/sightings"
    answers = [live_app.test_client().post(url) for _ in range(7)]
    assert [r.status_code for r in answers] == [303] * 5 + [429] * 2
    refused = answers[-1].get_data(as_text=True)  # a sentence, not the bare "5 per 1 minute"
    assert "Too many sightings from your address (the limit is 5 per minute)" in refused
    assert re.search(r"not filed\. Try again in \d+ seconds?\.", refused)
    assert _stats(live_app).sightings(SPECIMEN) == 5
    other = live_app.test_client()
    r = other.post(url, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert r.status_code == 303


def test_the_limiter_works_out_limits_only_for_views_that_have_one(
    live_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every other view skips the limiter's per-request work. That is only right while no limit
    # applies app-wide and every view Flask-Limiter has a limit for carries live.limited's mark.
    manager = live.limiter.limit_manager
    assert manager.default_limits == [] and manager.application_limits == []
    marked = set()
    with live_app.app_context():  # limits can read the app's config
        for endpoint, view in live_app.view_functions.items():
            has_limit = bool(manager.decorated_limits(get_qualified_name(view)))
            assert has_limit == getattr(view, live.LIMITED, False), endpoint
            if has_limit:
                marked.add(endpoint)
    assert marked == {"live.sight"}
    resolved: list[str] = []
    resolve = manager.resolve_limits

    def counting(app: Flask, endpoint: str, *args: object) -> object:
        resolved.append(endpoint)
        return resolve(app, endpoint, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(manager, "resolve_limits", counting)
    client = live_app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get(f"/specimens/{SPECIMEN}").status_code == 200
    assert _apply(client) == 303
    assert resolved == []
    assert client.post(f"/live/specimens/{SPECIMEN}/sightings").status_code == 303
    assert set(resolved) == {"live.sight"}


def test_the_sightings_fragment_and_the_home_fragment(live_app: Flask) -> None:
    client = live_app.test_client()
    r = client.get(f"/live/specimens/{SPECIMEN}", headers={"HX-Request": "true"})
    assert r.headers["Cache-Control"] == "public, max-age=30"
    text = r.get_data(as_text=True)
    assert "<strong>0</strong> sightings filed" in text
    assert f'action="/live/specimens/{SPECIMEN}/sightings"' in text
    home = client.get("/live/home", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "No sightings were filed in the last 7 days" in home
    client.post(f"/live/specimens/{SPECIMEN}/sightings")
    home = client.get("/live/home", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Most sighted in the last 7 days" in home and f'href="/specimens/{SPECIMEN}"' in home


def test_the_daily_chart_and_a_runs_standing(live_app: Flask) -> None:
    stats = _stats(live_app)
    day = date(2026, 11, 23)
    for run, hires in {"a": 0, "b": 1, "c": 1, "d": 2}.items():
        for i in range(2):
            stats.record_application(run, f"p{i}", "digital", i < hires, day, True)
    client = live_app.test_client()
    key = live.run_digest("b")
    r = client.get(f"/live/daily/2026-11-23?run={key}", headers={"HX-Request": "true"})
    text = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "<svg" in text and text.count("<rect") == 4  # scores 0..3
    assert "1 run with 0 offers; 2 runs with 1 offer; 1 run with 2 offers; 0 runs with 3" in text
    assert "beat 1 of the other 3 runs, tied with 1, and trailed 1" in text
    assert "live-chart__bar--you" in text
    assert "style=" not in text  # the CSP allows no inline style
    for bad in ("2026-13-01", "2026-W48-1", "20261123", "2026-11-23x"):
        assert client.get(f"/live/daily/{bad}").status_code == 400, bad
    assert client.get("/live/daily/2026-11-23?run=nothex").status_code == 400
    empty = client.get(f"/live/daily/{live.today()}", headers={"HX-Request": "true"})
    assert "No one has played this day" in empty.get_data(as_text=True)
    # a day with no daily applicant has no players to count: 404, as its board is
    for none in ("2020-01-01", "2026-11-22", (live.today() + timedelta(days=1)).isoformat()):
        missing = client.get(f"/live/daily/{none}", headers={"HX-Request": "true"})
        assert missing.status_code == 404, none
        assert "No daily applicant for that date" in missing.get_data(as_text=True)
    # the day as the daily board writes it: a heading breaks at a space, never inside "2026-11-23"
    page = client.get("/live/daily/2026-11-23").get_data(as_text=True)
    assert "<title>How the players of 23 Nov 2026 scored" in page, page[:400]
    assert '<time datetime="2026-11-23">23 Nov 2026</time> scored' in page
    assert "2026-11-23 scored" not in page


def test_an_unreachable_database_leaves_the_site_working(tmp_path: Path, caplog) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "s",
            "DATABASE_URL": f"sqlite:///{blocked}/sub/live.db",
            "LIVE_RETRY_AFTER": 60,
        }
    )
    caplog.set_level(logging.INFO)
    client = app.test_client()
    for posting in OTHERS:
        assert client.get(f"/specimens/{SPECIMEN}").status_code == 200
        assert _apply(client, posting) == 303
        r = client.get(f"/live/postings/{POSTING}", headers={"HX-Request": "true"})
        assert r.status_code == 200 and "unavailable just now" in r.get_data(as_text=True)
        r = client.post(f"/live/specimens/{SPECIMEN}/sightings", headers={"HX-Request": "true"})
        assert r.status_code == 200 and "not filed" in r.get_data(as_text=True)
        assert "unavailable" in client.get("/live/home").get_data(as_text=True)
    assert len([r for r in caplog.records if "live numbers unavailable" in r.getMessage()]) == 1
    # "unavailable" is not kept by caches for the numbers' 30 s: they are back as it answers
    for url in (
        f"/live/postings/{POSTING}",
        f"/live/specimens/{SPECIMEN}",
        "/live/home",
        "/live/ranking",
        f"/live/daily/{live.today()}",
    ):
        r = client.get(url, headers={"HX-Request": "true"})
        assert "unavailable just now" in r.get_data(as_text=True), url
        assert r.headers["Cache-Control"] == "no-store", url


def test_the_json_apis_carry_the_counts(live_app: Flask) -> None:
    client = live_app.test_client()
    assert client.get(f"/api/postings/{POSTING}").get_json()["players"] == {
        "applied": 0,
        "hired": 0,
    }
    _apply(live_app.test_client())
    _apply(live_app.test_client())
    client.post(f"/live/specimens/{SPECIMEN}/sightings")
    players = client.get(f"/api/postings/{POSTING}").get_json()["players"]
    assert players["applied"] == 2 and 0 <= players["hired"] <= 2
    assert client.get(f"/specimens/{SPECIMEN}.json").get_json()["sightings"] == 1


def test_the_json_apis_say_null_while_unavailable(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "s", "DATABASE_URL": f"sqlite:///{blocked}/x/live.db"}
    )
    client = app.test_client()
    assert client.get(f"/api/postings/{POSTING}").get_json()["players"] is None
    assert client.get(f"/specimens/{SPECIMEN}.json").get_json()["sightings"] is None


def test_the_ranking_fragment_puts_the_players_rate_beside_the_odds(live_app: Flask) -> None:
    client = live_app.test_client()
    text = client.get("/live/ranking", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "No player has applied anywhere yet" in text
    _stats(live_app).record_application("r1", POSTING, "corporate", True, date.today(), False)
    _stats(live_app).record_application("r2", POSTING, "corporate", False, date.today(), False)
    text = client.get("/live/ranking", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'href="/postings/{POSTING}"' in text
    assert '<span class="live__count">1 of 2</span>' in text  # too few for a percentage
    assert text.count("<tr>") == 2  # the header and the one posting anyone applied to


def test_about_says_what_we_count(live_app: Flask) -> None:
    text = live_app.test_client().get("/about").get_data(as_text=True)
    assert 'id="what-we-count"' in text
    assert "No IP address, browser description, account or cookie is written" in text
    assert "flask --app app stats export" in text


def test_a_daily_run_from_apply_stands_in_the_days_chart(live_app: Flask) -> None:
    client = live_app.test_client()
    with live_app.test_request_context():
        assert live.standing_key("abcdefgh") is None  # nothing applied: no key, no cookie
    assert _apply(client) == 303
    day = live.today()
    # a daily run records with the daily's date (the game calls record itself); here, by hand
    with live_app.test_request_context():
        session["live"] = "0" * 32
        verdict = state.board().verdict(POSTING, deal("abcdefgh"))
        assert live.record(verdict, live.session_run("daily-key"), True, day)
        key = live.standing_key("daily-key")
    assert key == live.run_digest("daily-key:" + "0" * 32)
    text = client.get(f"/live/daily/{day.isoformat()}?run={key}", headers={"HX-Request": "true"})
    assert "1 run of this day's applicant so far" in text.get_data(as_text=True)
    assert "This run is the only one so far" in text.get_data(as_text=True)


def test_a_slot_is_a_link_that_htmx_replaces_on_load(live_app: Flask) -> None:
    with live_app.test_request_context():
        from flask import render_template_string

        html = render_template_string(
            '{% from "_live_slot.html" import live_slot %}{{ live_slot(url, "How players fared") }}',
            url=f"/live/postings/{POSTING}",
        )
    assert f'data-hx-get="/live/postings/{POSTING}"' in html
    assert 'data-hx-trigger="load"' in html
    assert f'<a class="live__link" href="/live/postings/{POSTING}">How players fared</a>' in html


def test_the_live_pages_are_valid_html(live_app: Flask, tmp_path: Path) -> None:
    """Every live page as a browser without JS gets it, checked by the Nu Html Checker."""
    from test_html_valid import VNU, _tools

    java = _tools()
    stats = _stats(live_app)
    day = date(2026, 11, 23)
    for run, hires in {"a": 0, "b": 1}.items():
        stats.record_application(run, POSTING, "corporate", hires > 0, day, True)
    stats.record_sighting(SPECIMEN, live.today())
    client = live_app.test_client()
    urls = [
        f"/live/postings/{POSTING}",
        f"/live/specimens/{SPECIMEN}",
        f"/live/specimens/{SPECIMEN}?filed=yes",
        "/live/home",
        "/live/ranking",
        f"/live/daily/2026-11-23?run={live.run_digest('b')}",
        f"/live/daily/{live.today()}",
    ]
    files = []
    for i, url in enumerate(urls):
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"live-{i}.html"
        path.write_text(response.get_data(as_text=True), encoding="utf-8")
        files.append(str(path))
    proc = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(proc.stderr or proc.stdout or "{}").get("messages", [])
    assert [m for m in messages if m.get("type") in ("error", "non-document-error")] == []


def test_production_will_not_start_on_a_database_behind_the_code(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = db.make_engine(url)
    with engine.begin() as connection:  # a schema in use, not at the code's revision
        connection.exec_driver_sql("CREATE TABLE applications (id INTEGER PRIMARY KEY)")
    engine.dispose()
    logger = logging.getLogger("otiose.web")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    production = {"SECRET_KEY": "s", "BASE_URL": "http://localhost", "DATABASE_URL": url}
    try:
        with pytest.raises(SchemaBehind, match=r"Run: flask --app app db upgrade"):
            create_app(production)
        # once the operator has brought it up (here: dropped the stray table, then upgraded)
        engine = db.make_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE applications")
        db.upgrade(engine)
        engine.dispose()
        assert create_app(production).extensions["stats"].available
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved


def test_a_daily_report_shows_where_the_players_own_run_stands(live_app: Flask) -> None:
    client = live_app.test_client()
    board = client.get("/play/daily")
    assert board.status_code in (302, 303)
    path = board.headers["Location"]
    day = path.rstrip("/").rsplit("/", 1)[-1]
    assert client.get(path).status_code == 200
    assert client.post(f"{path}/apply", data={"posting": POSTING}).status_code == 303
    report = client.get(f"{path}/report").get_data(as_text=True)
    found = re.search(rf'data-hx-get="/live/daily/{day}\?run=([0-9a-f]{{32}})"', report)
    assert found, "the report's slot names this run"
    chart = client.get(f"/live/daily/{day}?run={found.group(1)}", headers={"HX-Request": "true"})
    assert "This run is the only one so far" in chart.get_data(as_text=True)
    assert _stats(live_app).scores(date.fromisoformat(day)) == {
        int(_stats(live_app).posting(POSTING).hired): 1
    }


def _line(text: str) -> str:
    """The fragment's figures (its ``live__line`` paragraphs) as one string, tags stripped."""
    lines = re.findall(r'<p class="live__line">(.*?)</p>', text, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", line) for line in lines)


def test_a_rate_waits_for_a_count_large_enough_to_mean_something(live_app: Flask) -> None:
    stats, client, hx = _stats(live_app), live_app.test_client(), {"HX-Request": "true"}
    stats.record_application("r0", POSTING, "corporate", True, date(2026, 11, 1), False)
    stats.record_application("r1", POSTING, "corporate", False, date(2026, 11, 1), False)
    posting = client.get(f"/live/postings/{POSTING}", headers=hx).get_data(as_text=True)
    assert "1 of the 2 players who applied here was hired" in _line(posting)
    assert "%" not in _line(posting)  # not "50%" on two players
    assert f"from {live.MIN_FOR_RATE} players up" in posting  # and the page says why
    ranking = client.get("/live/ranking", headers=hx).get_data(as_text=True)
    assert "50%" not in ranking and "1 of 2" in ranking
    assert f"from {live.MIN_FOR_RATE} players up" in ranking
    for i in range(2, live.MIN_FOR_RATE):
        stats.record_application(f"r{i}", POSTING, "corporate", False, date(2026, 11, 1), False)
    posting = client.get(f"/live/postings/{POSTING}", headers=hx).get_data(as_text=True)
    share = f"{100 / live.MIN_FOR_RATE:.1f}".rstrip("0").rstrip(".")
    assert f"Of {live.MIN_FOR_RATE} players who applied here, {share}% were hired" in _line(posting)
    assert "The gap between the two figures is their reading of the ads" in posting
    ranking = client.get("/live/ranking", headers=hx).get_data(as_text=True)
    assert f'{share}% <small class="live__count">(1 of {live.MIN_FOR_RATE})</small>' in ranking


def test_sightings_are_called_sightings_and_their_period_is_said(live_app: Flask) -> None:
    """One reader can file one a day, so a count of sightings is not a count of readers."""
    reader, hx = live_app.test_client(), {"HX-Request": "true"}
    r = reader.post(f"/live/specimens/{SPECIMEN}/sightings", headers=hx)
    assert "1 sighting filed since the register opened" in _line(r.get_data(as_text=True))
    assert "reader" not in _line(r.get_data(as_text=True))
    home = reader.get("/live/home", headers=hx).get_data(as_text=True)
    assert "1 sighting" in _line(home) and "reader" not in _line(home)
    assert "in the last 7 days" in _line(home) and "this week" not in home
    assert "once per browser per file record per day" in home


def test_the_charts_axis_title_sits_below_its_score_labels(live_app: Flask) -> None:
    """The title "offers" is centred, as the middle score's label is: it needs a line of its own."""
    stats = _stats(live_app)
    for run, hires in {"a": 0, "b": 2, "c": 4}.items():
        for i in range(4):
            stats.record_application(run, f"p{i}", "digital", i < hires, date(2026, 11, 23), True)
    r = live_app.test_client().get("/live/daily/2026-11-23", headers={"HX-Request": "true"})
    svg = r.get_data(as_text=True)
    texts = re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)"[^>]*font-size="(\d+)"[^>]*>([^<]*)</text>', svg
    )
    title = [float(y) for _, y, _, t in texts if t == "offers"]
    labels = [(float(y), int(size)) for _, y, size, t in texts if t.strip() in "01234"]
    assert len(title) == 1 and len(labels) >= 5
    lowest_label = max(y for y, _ in labels)
    assert title[0] - lowest_label >= max(size for _, size in labels)  # a full line apart
    assert title[0] <= float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg)[1])  # inside it


def test_a_refused_sighting_keeps_the_sightings_box_and_says_when_to_retry(
    live_app: Flask,
) -> None:
    """htmx swaps any answer into the box: a 429 must be the box, not an error page's sheet."""
    url = f"/live/specimens/{SPECIMEN}/sightings"
    for _ in range(5):
        live_app.test_client().post(url)
    r = live_app.test_client().post(url, headers={"HX-Request": "true"})
    assert r.status_code == 429
    assert r.headers["Cache-Control"] == "private, no-store"
    assert int(r.headers["Retry-After"]) > 0
    box = r.get_data(as_text=True)
    assert box.lstrip().startswith('<section class="live live--sightings" id="sightings"')
    assert "<h1" not in box and "error-sheet" not in box
    assert "Too many sightings from your address" in box and "was not filed" in box
    assert f'action="{url}"' in box and "disabled" not in box  # it can be pressed again later
    # without JS: the sightings page, with the same note and the form, still a 429
    page = live_app.test_client().post(url)
    assert page.status_code == 429
    text = page.get_data(as_text=True)
    assert "<title>Sightings of the Agile Coach" in text and "was not filed" in text
    assert f'action="{url}"' in text
    assert _stats(live_app).sightings(SPECIMEN) == 5
    # an unknown specimen is still a 404 once the limit is reached, not a box for nothing
    assert live_app.test_client().post("/live/specimens/no-such/sightings").status_code in (
        404,
        429,
    )


def test_each_live_page_without_js_links_back_to_the_page_its_numbers_belong_to(
    live_app: Flask,
) -> None:
    """Opened from its plain link (no JS), a live fragment is a page of its own: the reader
    gets a way back to the record, posting, list or board it was counting for."""
    client = live_app.test_client()
    day = date(2026, 11, 23).isoformat()
    pages = {
        f"/live/postings/{POSTING}": f"/postings/{POSTING}",
        f"/live/specimens/{SPECIMEN}": f"/specimens/{SPECIMEN}",
        "/live/ranking": "/declassified",
        "/live/home": "/",
        f"/live/daily/{day}": f"/play/daily/{day}",
    }
    for url, back in pages.items():
        html = client.get(url).get_data(as_text=True)
        assert re.search(rf'class="live-page__back"><a href="{re.escape(back)}"', html), url
        fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
        assert "live-page__back" not in fragment, url  # htmx's swap stays the numbers alone


def test_a_replayed_or_doubled_apply_never_counts_more_than_the_budget(live_app: Flask) -> None:
    """The run's state lives in the player's cookie, so an old cookie (or two tabs applying at
    once from one state) can apply again in a place the run has already filled. The game lets
    the replayed cookie play on, but the counts keep one application per place in the run: a
    daily run cannot count more applications (or offers) than the budget."""
    day = live.today()
    stats = _stats(live_app)
    postings = list(state.library(live_app).postings)[: BUDGET + 5]

    def counted() -> int:
        return sum(c.applied for c in stats.postings().values())

    client = live_app.test_client()
    url = f"/play/daily/{day.isoformat()}"
    assert client.get(url).status_code == 200
    fresh = client.get_cookie("session")
    assert fresh is not None
    for posting in postings:  # each from the state before the first apply
        replay = live_app.test_client()
        replay.set_cookie("session", fresh.value)
        assert replay.post(f"{url}/apply", data={"posting": posting}).status_code == 303
    assert counted() == 1
    assert sum(stats.scores(day).values()) == 1  # one run
    # the same cookie played honestly: each later place in the run counts once, to the budget
    client.set_cookie("session", fresh.value)
    for posting in postings:
        client.post(f"{url}/apply", data={"posting": posting})
    assert counted() == BUDGET
    assert max(stats.scores(day)) <= BUDGET


def test_two_threads_counting_at_once_never_fail(live_app: Flask) -> None:
    """The in-memory counts behind the rate limits (limits' MemoryStorage) start a timer thread
    to expire old counts, and another whenever the last has finished. Two threads counting at
    that moment each made a timer, and both started the one made second: "threads can only be
    started once", an error page for an Apply or a sighting (1 request in 706 under wrk, in
    gunicorn's threads). Here each thread waits, just after storing its timer, until the other
    has stored its own: the moment the race needs. A count no longer starts a timer (the next
    test); this one stays for the day one does again."""
    import contextlib
    import threading

    from limits import parse
    from limits.strategies import FixedWindowRateLimiter

    stored = threading.Barrier(2, timeout=0.5)

    def meet() -> None:
        # broken: the other thread is kept out until this one is done, so go on alone
        with contextlib.suppress(threading.BrokenBarrierError):
            stored.wait()

    with live_app.app_context():
        storages = [live_app.extensions["otiose_live_cap"]._window.storage, live.limiter.storage]
    for storage in storages:
        kind = type(storage)

        class Racing(kind):  # type: ignore[misc, valid-type]
            @property
            def timer(self) -> threading.Timer:
                return self.__dict__["timer"]

            @timer.setter
            def timer(self, value: threading.Timer) -> None:
                self.__dict__["timer"] = value
                meet()

        storage.timer.join()  # the last timer has run: the next count starts another
        storage.__class__ = Racing
        failures: list[BaseException] = []

        def count(who: str, storage=storage, failures=failures) -> None:
            try:
                FixedWindowRateLimiter(storage).hit(parse("100/minute"), "race", who)
            except BaseException as exc:  # what the thread met is the result
                failures.append(exc)

        threads = [threading.Thread(target=count, args=(w,)) for w in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        storage.__class__ = kind
        stored.reset()
        assert failures == [], (kind, failures)


def test_counting_starts_no_thread_and_ended_windows_are_still_swept(live_app, monkeypatch):
    """limits' MemoryStorage started a 10 ms timer thread from a count whenever the last had
    finished: under load a hundred thread starts a second in each worker, every one waited for
    by a request's thread. Counts now start none: the counting threads clear ended windows
    themselves, at most once a second."""
    import threading
    import time

    from limits import parse
    from limits.strategies import FixedWindowRateLimiter

    with live_app.app_context():
        storages = [live_app.extensions["otiose_live_cap"]._window.storage, live.limiter.storage]
    started: list[threading.Thread] = []
    start = threading.Thread.start
    for storage in storages:
        storage.timer.join()  # the timer made when the storage was: it has run
        monkeypatch.setattr(threading.Thread, "start", lambda t: started.append(t) or start(t))
        window = FixedWindowRateLimiter(storage)
        for who in range(50):
            assert window.hit(parse("100/minute"), "sweep", str(who))
        monkeypatch.setattr(threading.Thread, "start", start)
        assert started == [], type(storage)
        counted = [k for k in storage.storage if "sweep" in k]
        assert len(counted) == 50
        for key in counted:  # every window has ended
            storage.expirations[key] = time.time() - 1
        storage._next_sweep = time.monotonic() + 60  # a sweep is not due: nothing is cleared
        window.hit(parse("100/minute"), "other", "x")
        assert all(k in storage.storage for k in counted)
        storage._next_sweep = 0  # due: the next count clears every ended window
        window.hit(parse("100/minute"), "other", "x")
        assert not any(k in storage.storage or k in storage.expirations for k in counted)
        assert storage._next_sweep > time.monotonic()  # and the next is a second away
