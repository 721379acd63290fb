"""What the game hides stays hidden until the player has earned it: the day's verdicts while the
daily run is in progress, and the hidden filters of a friend's shared run until asked for."""

from __future__ import annotations

from htmldoc import parse

from otiose.game import daily as daily_mod
from otiose.game.character import deal
from otiose.game.run import BUDGET
from otiose.web import state

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
