"""What the game hides stays hidden until the player has earned it: the day's verdicts while the
daily run is in progress, and the hidden filters of a friend's shared run until asked for."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from htmldoc import parse

from otiose.game import daily as daily_mod
from otiose.game.character import deal
from otiose.game.rules import LABELS
from otiose.game.run import BUDGET
from otiose.web import create_app, live, state

SEED = "abcdefgh"


def _board_order(app) -> list[str]:
    library = state.library(app)
    return [p.id for e in library.eras for p in library.postings_by_era[e.id]]


def _sandbox_links(doc) -> list:
    return [a for a in doc.find_all("a") if a.attrs.get("href", "").startswith("/play/custom?")]


# ---------------------------------------------------------------- the sandbox beside the board


def test_a_daily_in_progress_offers_no_sandbox_of_its_applicant(client, app):
    day = f"/play/daily/{daily_mod.today().isoformat()}"
    ids = _board_order(app)
    assert not _sandbox_links(parse(client.get(day).data))
    for pid in ids[: BUDGET - 1]:
        assert client.post(f"{day}/apply", data={"posting": pid}).status_code == 303
        assert not _sandbox_links(parse(client.get(day).data))
    client.post(f"{day}/apply", data={"posting": ids[BUDGET - 1]})
    c = deal(daily_mod.daily(daily_mod.today()).seed)
    (link,) = _sandbox_links(parse(client.get(day).data))  # the run is over: now it may
    assert all(f"{k}={v}" in link.attrs["href"] for k, v in c.query().items())


def test_the_last_apply_of_a_daily_brings_the_sandbox_link_with_htmx(client, app):
    day = f"/play/daily/{daily_mod.today().isoformat()}"
    ids = _board_order(app)
    for pid in ids[: BUDGET - 1]:
        answer = client.post(f"{day}/apply", data={"posting": pid}, headers={"HX-Request": "true"})
        assert not _sandbox_links(parse(answer.data))
    last = client.post(
        f"{day}/apply", data={"posting": ids[BUDGET - 1]}, headers={"HX-Request": "true"}
    )
    doc = parse(last.data)
    side = doc.find(id="play-links")
    assert side.attrs.get("data-hx-swap-oob") == "true"
    assert len(_sandbox_links(side)) == 1


def test_a_dealt_run_keeps_its_sandbox_link_and_says_what_it_shows(client):
    (link,) = _sandbox_links(parse(client.get(f"/play/{SEED}").data))
    assert "every verdict" in link.text


# ---------------------------------------------------------------- a shared report


def _shared_daily_report(client, app):
    """A finished daily run's report as a friend opens it from the share link, and the label of
    its costliest filter."""
    day = daily_mod.today()
    board = state.board(app)
    c = deal(daily_mod.daily(day).seed)
    ids = _board_order(app)
    rejected = [pid for pid in ids if not board.verdict(pid, c).hired]
    chosen = (rejected + ids)[:BUDGET]
    for pid in dict.fromkeys(chosen):
        client.post(f"/play/daily/{day.isoformat()}/apply", data={"posting": pid})
    own = parse(client.get(f"/play/daily/{day.isoformat()}/report").data)
    link = own.find(id="share-url").attrs["value"].removeprefix(app.config["BASE_URL"])
    doc = parse(app.test_client().get(link).data)
    summary = board.report(c, list(dict.fromkeys(chosen)))
    assert summary.costliest is not None  # the run was chosen to have rejections
    return doc, LABELS[summary.costliest]


def _outside(node, cls: str) -> str:
    """The text of ``node`` without any element of class ``cls`` (nor its children)."""
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif cls not in child.attrs.get("class", "").split():
            parts.append(_outside(child, cls))
    return " ".join(" ".join(parts).split())


def test_a_shared_report_keeps_the_costliest_filter_in_the_spoiler_fold(client, app):
    doc, costliest = _shared_daily_report(client, app)
    report = doc.find(cls="report")
    outside = _outside(report, "spoilers")
    assert "Costliest" not in outside and costliest not in outside
    fold = report.find("details", cls="spoilers")
    assert "open" not in fold.attrs
    assert "Costliest filter" in fold.text and costliest in fold.text


def test_a_shared_report_s_head_names_no_filter(client, app):
    doc, _ = _shared_daily_report(client, app)
    head = doc.find("head")
    said = " ".join(
        [head.find("title").text]
        + [m.attrs.get("content", "") for m in head.find_all("meta")]
        + [a.attrs.get("href", "") for a in head.find_all("link")]
    ).lower()
    for label in LABELS.values():
        assert label.lower() not in said, label
    assert "costliest" not in said and "rejection" not in said


def test_the_player_s_own_report_still_shows_the_costliest_filter(client, app):
    day = daily_mod.today().isoformat()
    c = deal(daily_mod.daily(daily_mod.today()).seed)
    board = state.board(app)
    rejected = next(pid for pid in _board_order(app) if not board.verdict(pid, c).hired)
    client.post(f"/play/daily/{day}/apply", data={"posting": rejected})
    doc = parse(client.get(f"/play/daily/{day}/report").data)
    stats = {s.find("dt").text: s.find("dd").text for s in doc.find_all(cls="stat")}
    costliest = board.report(c, [rejected]).costliest
    assert costliest is not None and stats["Costliest filter"].startswith(LABELS[costliest])


# ---------------------------------------------------------------- the players' numbers


@pytest.fixture
def live_app(tmp_path: Path) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "spoiler-test-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}",
        }
    )


def _players(client, posting_id: str) -> tuple[dict, str, str]:
    """A posting's players as its JSON, its live fragment and the ranking's fragment give them."""
    api = client.get(f"/api/postings/{posting_id}").get_json()["players"]
    hx = {"HX-Request": "true"}
    fragment = client.get(f"/live/postings/{posting_id}", headers=hx).get_data(as_text=True)
    ranking = client.get("/live/ranking", headers=hx).get_data(as_text=True)
    return api, fragment, ranking


def test_the_day_s_daily_applications_join_the_players_numbers_the_next_day(live_app, monkeypatch):
    day = daily_mod.today()
    c = deal(daily_mod.daily(day).seed)
    board = state.board(live_app)
    posting = next(pid for pid in _board_order(live_app) if not board.verdict(pid, c).hired)
    title = board.library.postings[posting].title
    for _ in range(3):  # three players of the day's applicant, all turned away
        player = live_app.test_client()
        r = player.post(f"/play/daily/{day.isoformat()}/apply", data={"posting": posting})
        assert r.status_code == 303
    reader = live_app.test_client()
    api, fragment, ranking = _players(reader, posting)
    assert api == {"applied": 0, "hired": 0}
    assert "No player has applied here yet" in fragment
    assert title not in ranking
    # a dealt applicant's application is nobody's puzzle of the day: it counts at once
    live_app.test_client().post(f"/play/{SEED}/apply", data={"posting": posting})
    assert _players(reader, posting)[0]["applied"] == 1
    # the next day (UTC), the day's runs are history and join the count
    monkeypatch.setattr(live, "today", lambda: day + timedelta(days=1))
    api, fragment, ranking = _players(reader, posting)
    assert api["applied"] == 4
    assert "of the <strong>4</strong> players who applied here" in fragment
    assert title in ranking


# ---------------------------------------------------------------- a posting's own page


def test_a_posting_page_offers_its_filters_only_inside_the_fold_that_says_so(client):
    pid = "new-deal-wing-riveter"
    doc = parse(client.get(f"/postings/{pid}").data)
    fold = doc.find("details", cls="posting-page__audit")
    assert "gives the filters away" in fold.find("summary").text and "open" not in fold.attrs

    def json_links(node) -> list:
        return [a for a in node.find_all("a") if a.attrs.get("href") == f"/api/postings/{pid}"]

    assert len(json_links(doc)) == len(json_links(fold)) == 1  # the one link is in the fold
    assert "filters" in json_links(fold)[0].text
    assert client.get(f"/api/postings/{pid}").get_json()["filters"]  # what that link gives
