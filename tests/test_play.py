"""The game over HTTP: dealing, applying with and without htmx, reports, share links, forgery."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from helpers import APPLICANT
from htmldoc import parse
from itsdangerous import URLSafeSerializer

from otiose.game.character import deal
from otiose.game.run import par
from otiose.web import state

SEED = "abcdefgh"
CUSTOM = urlencode(APPLICANT)


def apply(client, posting, seed=SEED, htmx=False):
    url = f"/play/{seed}/apply"
    headers = {"HX-Request": "true", "HX-Target": f"posting-{posting}"} if htmx else {}
    return client.post(url, data={"posting": posting}, headers=headers)


def spent(doc) -> int:
    """Applications spent, as the run bar shows them."""
    return int(doc.find(cls="tally__spent").find("strong").text)


def test_play_deals_a_fresh_shareable_seed(client):
    first = client.get("/play")
    second = client.get("/play")
    assert first.status_code == 303
    assert first.headers["Location"].startswith("/play/")
    assert first.headers["Location"] != second.headers["Location"]
    board = client.get(first.headers["Location"])
    assert board.status_code == 200


def test_board_shows_character_the_first_era_and_tabs_for_every_era(client, app):
    library = state.library(app)
    doc = parse(client.get(f"/play/{SEED}").data)
    c = deal(SEED)
    assert doc.find(id="applicant-name").text == c.name
    first = library.eras[0]
    assert [h.text for h in doc.find_all("h2", cls="era-block__name")] == [first.name]
    assert [a.attrs["id"] for a in doc.find_all("article", cls="posting")] == [
        f"posting-{p.id}" for p in library.postings_by_era[first.id]
    ]
    tabs = doc.find(cls="era-tabs").find_all("a")
    assert [a.find(cls="visually-hidden").text for a in tabs] == [e.name for e in library.eras]
    # filters are hidden until applied
    assert not doc.find_all(cls="declass")


def test_apply_without_js_redirects_to_the_card_with_its_verdict(client, app):
    pid = "new-deal-wing-riveter"
    r = apply(client, pid)
    board = f"/play/{SEED}?era=new-deal-and-war"  # the posting's era, not the first
    assert r.status_code == 303 and r.headers["Location"] == f"{board}#posting-{pid}"
    doc = parse(client.get(board).data)
    card = doc.find(id=f"posting-{pid}")
    verdict = state.board(app).verdict(pid, deal(SEED))
    assert card.find(cls="verdict__stamp").text == ("Hired" if verdict.hired else "Rejected")
    assert "These filters pass" in card.find(cls="declass__odds").text
    assert spent(doc) == 1


def test_apply_with_htmx_returns_the_card_and_an_oob_tally(client):
    apply(client, "new-deal-wing-riveter", htmx=True)
    r = apply(client, "junior-ml-engineer-new-grad", htmx=True)
    doc = parse(r.data)
    assert r.status_code == 200 and b"<html" not in r.data
    card = doc.find("article")
    assert card.attrs["id"] == "posting-junior-ml-engineer-new-grad"
    assert card.find(cls="verdict__stamp").text == "Rejected"
    # the run bar's counts and Report link, each swapped into the element on the page (the
    # counts are a live region: kept, it announces its new words), not the whole bar
    assert not doc.find_all(id="tally")
    for slot in ("tally-counts", "tally-report"):
        assert doc.find(id=slot).attrs["data-hx-swap-oob"] == "innerHTML"
    assert doc.find(id="tally-report").find("a").attrs["href"] == f"/play/{SEED}/report"
    assert spent(doc) == 2
    assert "HX-Request" in r.headers["Vary"]
    # the same markup as the board renders for that card
    board = parse(client.get(f"/play/{SEED}?era=digital").data)
    same = board.find(id="posting-junior-ml-engineer-new-grad")
    assert same.find(cls="letter__body").text == card.find(cls="letter__body").text
    assert same.find("table").text == card.find("table").text


def test_rejection_explains_itself(client):
    r = apply(client, "junior-ml-engineer-new-grad", htmx=True)
    doc = parse(r.data)
    fails = [row.find("th").text for row in doc.find_all("tr", cls="fail")]
    assert fails == ["Maximum age", "Education"]
    assert [p.text for p in doc.find_all("p", cls="recourse__line")] == [
        "Recourse: a graduate degree.",
        "No recourse for the rest: it would also have taken being born 25 years later.",
    ]
    assert "Samuel O'Connell" in doc.find(cls="letter__body").text


def test_applying_twice_is_refused_and_counts_once(client):
    assert apply(client, "new-deal-wing-riveter").status_code == 303
    again = apply(client, "new-deal-wing-riveter")  # a replayed form
    assert again.status_code == 409 and "applications are final" in again.data.decode()
    assert spent(parse(client.get(f"/play/{SEED}").data)) == 1


def test_a_refused_apply_without_js_shows_the_board_saying_why(client):
    """A page left behind, without JavaScript: the 409 is the run's board with the notice on
    top, so the player is still in their run, not on an error page with no way back to it."""
    apply(client, "new-deal-wing-riveter")
    again = apply(client, "new-deal-wing-riveter")
    assert again.status_code == 409 and again.headers["Cache-Control"] == "no-store"
    doc = parse(again.data)
    assert "already applied there" in doc.find(cls="board__notice").text
    assert doc.find(id="applicant-name").text == deal(SEED).name
    assert doc.find(id="posting-new-deal-wing-riveter").find(cls="verdict__stamp")
    assert spent(doc) == 1
    canonical = next(n for n in doc.find_all("link") if n.attrs.get("rel") == "canonical")
    canonical = canonical.attrs["href"]
    assert canonical.endswith(f"/play/{SEED}?era=new-deal-and-war"), canonical  # not .../apply


def test_a_refused_htmx_apply_answers_with_the_board_as_the_run_stands(client):
    """A tab left behind (the posting applied to from another tab) gets its whole board back,
    up to date and saying why, not an error sheet where the card was."""
    apply(client, "new-deal-wing-riveter", htmx=True)
    again = apply(client, "new-deal-wing-riveter", htmx=True)
    assert again.status_code == 409
    assert again.headers["HX-Retarget"] == "#board"
    doc = parse(again.data)
    assert "already applied there" in doc.find(cls="board__notice").text
    assert not doc.find_all(cls="error-sheet")
    assert doc.find(id="posting-new-deal-wing-riveter").find(cls="verdict__stamp")
    assert spent(doc) == 1


def test_a_days_run_outlasts_an_evening_of_random_deals(client, app):
    """The daily run played first is still there after a dozen random runs in the same browser
    (it was silently dropped after four), and a browser full of finished runs keeps its cookie
    small."""
    day = client.get("/play/daily").headers["Location"]
    for pid in ("industrial-time-study-man", "industrial-eating-house-waitress"):
        assert client.post(f"{day}/apply", data={"posting": pid}).status_code == 303
    postings = list(state.library(app).postings)
    for i in range(11):
        seed = client.get("/play").headers["Location"]
        for pid in postings[i : i + 10]:  # every run spends its whole budget
            assert client.post(f"{seed}/apply", data={"posting": pid}).status_code == 303
    assert spent(parse(client.get(day).data)) == 2
    assert len(client.get_cookie("session").value) < 3000


@pytest.mark.parametrize("posting", ["", "nope", "x" * 5000])
def test_apply_to_a_missing_posting_is_400(client, posting):
    assert apply(client, posting).status_code == 400


def test_report_counts_and_names_the_costliest_filter(client, app):
    for pid in (
        "junior-ml-engineer-new-grad",
        "prompt-engineer-llm-behavior",
        "new-deal-wing-riveter",
    ):
        apply(client, pid)
    doc = parse(client.get(f"/play/{SEED}/report").data)
    stats = {s.find("dt").text: s.find("dd").text for s in doc.find_all(cls="stat")}
    report = state.board(app).report(
        deal(SEED),
        ["junior-ml-engineer-new-grad", "prompt-engineer-llm-behavior", "new-deal-wing-riveter"],
    )
    assert stats["Applications"] == "3 of 10"
    assert stats["Offers"] == str(report.offers)
    assert stats["Par"].startswith(f"{par(state.library(app), deal(SEED))} ")
    assert stats["Costliest filter"].startswith(
        {"maxAge": "Maximum age", "education": "Education"}[report.costliest]
    )
    assert len(doc.find_all("li", cls="ledger__row")) == 3


def test_share_link_reproduces_the_run_without_cookies(client, app):
    apply(client, "new-deal-wing-riveter")
    apply(client, "junior-ml-engineer-new-grad")
    doc = parse(client.get(f"/play/{SEED}/report").data)
    share = doc.find(id="share-url").attrs["value"]
    assert "run=" in share
    fresh = app.test_client()
    assert share.startswith(app.config["BASE_URL"] + "/")  # from configuration, not the Host
    shared = parse(fresh.get(share.removeprefix(app.config["BASE_URL"])).data)
    assert [r.text for r in shared.find_all("li", cls="ledger__row")] == [
        r.text for r in doc.find_all("li", cls="ledger__row")
    ]
    # "Play this applicant" starts the stranger's own run: nothing of the sharer's is spent
    replay = shared.find("a", cls="button").attrs["href"]
    assert replay == f"/play/{SEED}"
    assert spent(parse(fresh.get(replay).data)) == 0
    # adopting (a POST) loads the run onto the fresh player's board
    form = shared.find("form", cls="share__adopt")
    token = form.find("input").attrs["value"]
    r = fresh.post(form.attrs["action"], data={"run": token})
    assert r.status_code == 303
    board = parse(fresh.get(r.headers["Location"]).data)
    assert spent(board) == 2


def test_forged_share_tokens_are_refused(client, app):
    good = URLSafeSerializer(app.config["SECRET_KEY"], salt="otiose-run").dumps(
        [SEED, ["new-deal-wing-riveter"]]
    )
    assert client.get(f"/play/{SEED}/report?run={good}").status_code == 200
    tampered = good[:-2] + ("AA" if not good.endswith("AA") else "BB")
    assert client.get(f"/play/{SEED}/report?run={tampered}").status_code == 400
    other_key = URLSafeSerializer("not-our-secret", salt="otiose-run").dumps(
        [SEED, ["new-deal-wing-riveter"]]
    )
    assert client.get(f"/play/{SEED}/report?run={other_key}").status_code == 400
    wrong_player = URLSafeSerializer(app.config["SECRET_KEY"], salt="otiose-run").dumps(
        ["zzzzzzzz", []]
    )
    assert client.get(f"/play/{SEED}/report?run={wrong_player}").status_code == 400
    assert client.get(f"/play/{SEED}/report?run={'x' * 5000}").status_code == 400


def test_forged_session_cannot_make_a_hire(client, app):
    # a session cookie we did not sign is ignored; a signed one only lists postings, never outcomes
    client.set_cookie(
        "session",
        "eyJydW5zIjpbWyJhYmNkZWZnaCIsWyJqdW5pb3ItbWwtZW5naW5lZXItbmV3LWdyYWQiXV1dfQ.forged.sig",
    )
    doc = parse(client.get(f"/play/{SEED}").data)
    assert spent(doc) == 0
    with client.session_transaction() as sess:
        sess["runs"] = [[SEED, ["junior-ml-engineer-new-grad"]], "junk", [1, 2, 3]]
    doc = parse(client.get(f"/play/{SEED}?era=digital").data)
    assert spent(doc) == 1
    card = doc.find(id="posting-junior-ml-engineer-new-grad")
    assert card.find(cls="verdict__stamp").text == "Rejected"  # recomputed, not remembered


def test_custom_character_is_a_sandbox_with_every_verdict(client, app):
    library = app.extensions["otiose"].library
    stamps = 0
    for i, era in enumerate(library.eras):
        r = client.get(f"/play/custom?{CUSTOM}" + (f"&era={era.id}" if i else ""))
        doc = parse(r.data)
        assert r.status_code == 200 and "hand-built" in doc.find(cls="dossier").text
        assert doc.find("h2", cls="era-block__name").text == era.name
        cards = doc.find_all("article", cls="posting")
        assert len(cards) == len(library.postings_by_era[era.id])
        assert all(card.find(cls="verdict__stamp") for card in cards)
        stamps += len(cards)
        assert not doc.find_all("form", cls="posting__apply")  # nothing to spend
        assert not doc.find_all(id="tally")  # no budget, no score
    assert stamps == len(library.postings)
    assert client.post(
        "/play/custom/apply", data={"posting": "postwar-stewardess"}
    ).status_code in (
        404,
        405,
    )


@pytest.mark.parametrize(
    "query",
    [
        CUSTOM.replace("age=30", "age=200"),
        CUSTOM.replace("gender=female", "gender=robot"),
        CUSTOM.replace("&union=false", ""),
        CUSTOM + "&admin=1",
        CUSTOM.replace("age=30", "age=thirty"),
    ],
)
def test_bad_custom_values_get_a_clear_400(client, query):
    r = client.get(f"/play/custom?{query}")
    assert r.status_code == 400
    assert "This applicant cannot be assembled" in r.data.decode()


def test_builder_form_without_parameters(client):
    doc = parse(client.get("/play/custom").data)
    names = {s.attrs["name"] for s in doc.find_all("select")} | {
        i.attrs["name"] for i in doc.find_all("input")
    }
    assert names == {"gender", "race", "age", "education", "experience", "union", "maritalStatus"}


def test_cross_site_posts_are_refused(client):
    r = client.post(
        f"/play/{SEED}/apply",
        data={"posting": "new-deal-wing-riveter"},
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 403


def test_a_finished_clean_run_explains_par_and_has_no_costliest_filter_yet_to_come(client, app):
    seed = "g75uedvb"  # passes 13 postings: ten applications can all be offers
    board, c = state.board(app), deal(seed)
    spend = [p.id for p in board.hireable(c)][:10]
    assert len(spend) == 10
    for pid in spend:
        apply(client, pid, seed=seed)
    doc = parse(client.get(f"/play/{seed}/report").data)
    stats = {s.find("dt").text: s.find("dd").text for s in doc.find_all(cls="stat")}
    assert stats["Costliest filter"] == "none"
    why = doc.find(cls="report__par").text
    total = len(state.library(app).postings)
    assert f"would pass {len(board.hireable(c))} of the {total} postings" in why
    assert "par" in why.lower()
    # the way on sits at the top, not six phone screens down under the share box
    after = doc.find(cls="report__next")
    hrefs = [a.attrs["href"] for a in after.find_all("a")]
    assert hrefs == ["/play", "/play/daily", "#share-t"]
    assert doc.find(id="share-t") is not None
