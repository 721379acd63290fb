"""The game as a game, over HTTP: the daily applicant, the budget, par on the report, the share
text and picture, the applicant API, and states that try to add applications or offers."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
from htmldoc import parse
from itsdangerous import URLSafeSerializer
from PIL import Image

from otiose.game import daily as daily_mod
from otiose.game import rules
from otiose.game.character import deal
from otiose.game.run import BUDGET, par
from otiose.web import state
from otiose.web.present import percent

SEED = "abcdefgh"  # Samuel O'Connell, 44


def spent(doc) -> int:
    return int(doc.find(cls="tally__spent").find("strong").text)


def offers(doc) -> int:
    return int(doc.find(cls="tally__offers").find("strong").text)


def hired_and_rejected(app, seed: str = SEED) -> tuple[list[str], list[str]]:
    site = state.site(app)
    c = deal(seed)
    ids = [p.id for e in site.library.eras for p in site.library.postings_by_era[e.id]]
    hired = [pid for pid in ids if site.board.verdict(pid, c).hired]
    return hired, [pid for pid in ids if pid not in hired]


def token(app, key: str, ids: list[str]) -> str:
    return URLSafeSerializer(app.config["SECRET_KEY"], salt="otiose-run").dumps([key, ids])


# ---------------------------------------------------------------- the daily applicant


def test_daily_redirects_to_today_in_utc(client):
    r = client.get("/play/daily")
    assert r.status_code == 303
    assert r.headers["Location"] == f"/play/daily/{daily_mod.today().isoformat()}"


def test_a_day_deals_the_same_applicant_for_everyone(app):
    day = daily_mod.LAUNCH.isoformat()
    names = {
        parse(app.test_client().get(f"/play/daily/{day}").data).find(id="applicant-name").text
        for _ in range(3)
    }
    assert names == {deal(daily_mod.seed_for(daily_mod.LAUNCH)).name}
    doc = parse(app.test_client().get(f"/play/daily/{day}").data)
    assert "Daily applicant No. 1" in doc.find(cls="kicker").text


@pytest.mark.parametrize(
    "day",
    [
        (daily_mod.today() + timedelta(days=1)).isoformat(),  # tomorrow: not yet
        (daily_mod.LAUNCH - timedelta(days=1)).isoformat(),  # before No. 1
        "2026-02-30",
        "20261123",
        "soon",
    ],
)
def test_days_without_an_applicant_are_404(client, day):
    assert client.get(f"/play/daily/{day}").status_code == 404
    assert client.post(f"/play/daily/{day}/apply", data={"posting": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("day", "says"),
    [
        ("2026-13-01", "there is no 2026-13-01 on the calendar"),
        ("2020-02-30", "there is no 2020-02-30 on the calendar"),
        ("2026.01.01", "'2026.01.01' is not written YYYY-MM-DD"),
    ],
)
def test_a_day_that_is_no_date_says_what_is_wrong_with_it(client, day, says):
    """In the site's words, whether the spelling or the calendar is wrong: a month of 13 was
    answered in Python's ("month must be in 1..12"), and a 30 February was told to use the
    spelling it already had."""
    for url, status in ((f"/play/daily/{day}", 404), (f"/live/daily/{day}", 400)):
        response = client.get(url)
        assert response.status_code == status, url
        assert says in html.unescape(response.get_data(as_text=True)), url


# ---------------------------------------------------------------- the budget


def test_budget_spent_and_offers_are_on_the_board(client, app):
    hired, rejected = hired_and_rejected(app)
    doc = parse(client.get(f"/play/{SEED}").data)
    assert doc.find(cls="tally__spent").text == f"0 applications of {BUDGET}"
    assert doc.find(cls="tally__left").text == f"{BUDGET} of {BUDGET} left"
    client.post(f"/play/{SEED}/apply", data={"posting": hired[0]})
    client.post(f"/play/{SEED}/apply", data={"posting": rejected[0]})
    doc = parse(client.get(f"/play/{SEED}").data)
    assert (spent(doc), offers(doc)) == (2, 1)
    assert doc.find(cls="tally__left").text == f"{BUDGET - 2} of {BUDGET} left"


def test_the_budget_is_enforced_on_the_server(client, app):
    hired, rejected = hired_and_rejected(app)
    ids = (hired + rejected)[: BUDGET + 1]
    for pid in ids[: BUDGET - 1]:
        assert client.post(f"/play/{SEED}/apply", data={"posting": pid}).status_code == 303
    # the last application, through htmx: the whole board comes back, with no Apply left on it
    last = client.post(
        f"/play/{SEED}/apply", data={"posting": ids[BUDGET - 1]}, headers={"HX-Request": "true"}
    )
    assert last.status_code == 200
    assert (last.headers["HX-Retarget"], last.headers["HX-Reswap"]) == ("#board", "outerHTML")
    doc = parse(last.data)
    assert doc.find(id="board") and not doc.find_all("form", cls="posting__apply")
    assert spent(doc) == BUDGET
    over = client.post(f"/play/{SEED}/apply", data={"posting": ids[BUDGET]})
    assert over.status_code == 409
    assert f"All {BUDGET} applications are spent" in over.data.decode()
    assert spent(parse(client.get(f"/play/{SEED}").data)) == BUDGET


def test_a_forged_session_cannot_add_applications_or_offers(client, app):
    hired, rejected = hired_and_rejected(app)
    # signed by us (so it is read), but more than the budget, or repeated: no run at all
    with client.session_transaction() as sess:
        sess["runs"] = [[SEED, (hired + rejected)[: BUDGET + 1]]]
    assert spent(parse(client.get(f"/play/{SEED}").data)) == 0
    with client.session_transaction() as sess:
        sess["runs"] = [[SEED, [hired[0], hired[0], hired[0]]]]
    assert offers(parse(client.get(f"/play/{SEED}").data)) == 0


def test_a_forged_or_foreign_run_token_is_refused(client, app):
    hired, rejected = hired_and_rejected(app)
    good = token(app, SEED, hired[:2])
    assert client.get(f"/play/{SEED}/report?run={good}").status_code == 200
    for bad in (
        token(app, SEED, (hired + rejected)[: BUDGET + 1]),  # over the budget
        token(app, SEED, [*hired[:2], "no-such-posting"]),
        token(app, SEED, hired[:1] * 2),  # the same offer twice
        token(app, "zzzzzzzz", hired[:2]),  # another applicant's
        URLSafeSerializer("not-ours", salt="otiose-run").dumps([SEED, hired[:2]]),
        good[:-3] + "AAA",
    ):
        r = client.get(f"/play/{SEED}/report?run={bad}")
        assert r.status_code == 400 and "run parameter" in r.data.decode()
        assert client.get(f"/play/{SEED}/run.png?run={bad}").status_code == 400


def test_a_run_link_cannot_replace_or_take_back_a_run(client, app):
    """A GET never changes a run; taking one over (a POST) cannot undo a final application."""
    hired, rejected = hired_and_rejected(app)
    client.post(f"/play/{SEED}/apply", data={"posting": hired[0]})
    earlier = token(app, SEED, [])
    r = client.get(f"/play/{SEED}?run={earlier}")
    assert r.status_code == 303 and "/report?run=" in r.headers["Location"]
    assert spent(parse(client.get(f"/play/{SEED}").data)) == 1
    refused = client.post(f"/play/{SEED}/adopt", data={"run": earlier})  # a replayed earlier state
    assert refused.status_code == 409 and "applications are final" in refused.data.decode()
    other = client.post(f"/play/{SEED}/adopt", data={"run": token(app, SEED, rejected[:2])})
    assert other.status_code == 409
    assert spent(parse(client.get(f"/play/{SEED}").data)) == 1
    later = token(app, SEED, [hired[0], rejected[0]])  # the same run, one application on
    assert client.post(f"/play/{SEED}/adopt", data={"run": later}).status_code == 303
    assert spent(parse(client.get(f"/play/{SEED}").data)) == 2


# ---------------------------------------------------------------- the report


def test_report_scores_against_par_and_lists_what_was_passed_over(client, app):
    hired, rejected = hired_and_rejected(app)
    chosen = hired[:3] + rejected[: BUDGET - 3]
    for pid in chosen[:-1]:
        client.post(f"/play/{SEED}/apply", data={"posting": pid})
    doc = parse(client.get(f"/play/{SEED}/report").data)
    best = par(state.library(app), deal(SEED))
    assert doc.find("h1").text == f"Samuel O'Connell: 3 offers of a possible {best}"
    assert "still to spend" in doc.find(cls="lede").text
    assert not doc.find_all(id="passed-t")  # not before the budget is spent: it would spoil it
    client.post(f"/play/{SEED}/apply", data={"posting": chosen[-1]})
    doc = parse(client.get(f"/play/{SEED}/report").data)
    passed = [a.attrs["href"].rsplit("/", 1)[1] for a in doc.find(cls="passed").find_all("a")]
    assert passed == hired[3:]
    hopeless = doc.find(cls="giveaways").find_all("li")
    assert len(hopeless) == BUDGET - 3


def test_report_quotes_the_line_of_the_ad_that_gave_it_away(client, app):
    """Each rejection names the requirement line its posting marks for the filter that failed."""
    board = state.board(app)
    c = deal(SEED)
    told = [
        p
        for p in state.library(app).postings.values()
        if any(k in p.tells for k in board.verdict(p.id, c).failures)
    ][:3]
    assert told
    for p in told:
        client.post(f"/play/{SEED}/apply", data={"posting": p.id})
    tells = parse(client.get(f"/play/{SEED}/report").data).find_all(cls="giveaway__tell")
    for p, tell in zip(told, tells, strict=True):
        key = next(k for k in board.verdict(p.id, c).failures if k in p.tells)
        assert tell.find("q").text == p.requirements[p.tells[key] - 1]
        assert rules.LABELS[key].lower() in tell.text


# ---------------------------------------------------------------- sharing


def _finished_report(client, app):
    hired, rejected = hired_and_rejected(app)
    for pid in (hired[:4] + rejected)[:BUDGET]:
        client.post(f"/play/{SEED}/apply", data={"posting": pid})
    raw = client.get(f"/play/{SEED}/report").data.decode()
    return parse(raw), raw, (hired[:4] + rejected)[:BUDGET]


def test_share_text_has_no_spoilers_and_the_link(client, app):
    doc, raw, chosen = _finished_report(client, app)
    text = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", raw, re.S).group(1))
    link = doc.find(id="share-url").attrs["value"]
    assert text.splitlines()[0] == f"Otiose run {SEED}"
    assert text.splitlines()[-1] == link
    assert link.startswith(f"{app.config['BASE_URL']}/play/{SEED}/report?run=")
    assert text.count("🟩") == 4 and text.count("🟩") + text.count("🟥") == BUDGET
    postings = state.library(app).postings
    for pid in chosen:
        p = postings[pid]
        for spoiler in (p.title, p.company, *p.requirements):
            assert spoiler not in text
    copy = doc.find("button", cls="button")
    assert copy.attrs.get("data-copy") == "share-text" and "hidden" in copy.attrs


def test_report_links_its_own_picture_and_the_picture_is_a_png(client, app):
    doc, _, _ = _finished_report(client, app)
    metas = {m.attrs.get("property"): m.attrs.get("content") for m in doc.find_all("meta")}
    image = metas["og:image"]
    base = app.config["BASE_URL"]
    assert image.startswith(f"{base}/play/{SEED}/run.png?run=")
    r = client.get(image.removeprefix(base))
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert Image.open(io.BytesIO(r.data)).size == (1200, 630)
    assert "public" in r.headers["Cache-Control"]
    again = app.test_client().get(image.removeprefix(base))
    assert again.data == r.data  # the same run, the same bytes, for anyone
    assert (
        client.get(
            image.removeprefix(base), headers={"If-None-Match": r.headers["ETag"]}
        ).status_code
        == 304
    )
    assert client.get(f"/play/{SEED}/run.png").status_code == 400  # a picture shows one run


def test_a_shared_report_hides_the_postings_until_asked(client, app):
    doc, _, _ = _finished_report(client, app)
    link = doc.find(id="share-url").attrs["value"].removeprefix(app.config["BASE_URL"])
    shared = parse(app.test_client().get(link).data)
    assert "shared" in shared.find(cls="kicker").text
    spoilers = shared.find("details", cls="spoilers")
    assert spoilers.find_all("li", cls="ledger__row") and "open" not in spoilers.attrs


# ---------------------------------------------------------------- the applicant API


def test_api_gives_the_applicant_budget_and_par(client, app):
    r = client.get(f"/api/play/{SEED}")
    data = r.get_json()
    c = deal(SEED)
    assert data["applicant"] == {
        "gender": c.gender,
        "race": c.race,
        "age": c.age,
        "education": c.education,
        "experience": c.experience,
        "union": c.union,
        "maritalStatus": c.maritalStatus,
    }
    assert data["budget"] == BUDGET
    assert data["par"] == par(state.library(app), c)
    assert 0 < data["par"] <= BUDGET
    bad = client.get("/api/play/not-a-seed")
    assert bad.status_code == 404 and "error" in bad.get_json()


def test_a_verdict_gives_the_odds_of_its_era_and_of_today(client, app):
    board = state.board(app)
    pid = "industrial-time-study-man"
    r = client.post(f"/play/{SEED}/apply", data={"posting": pid}, headers={"HX-Request": "true"})
    odds = parse(r.data).find(cls="declass__odds").text
    entry = board.odds[pid]
    year = board.era_populations[board.library.postings[pid].era].year
    assert entry.era_odds is not None
    assert f"passed {percent(entry.era_odds)} of the working-age population of {year}" in odds
    assert f"would pass {percent(entry.odds)} of today's" in odds
