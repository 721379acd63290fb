"""The board shows one era, chosen on the server by ``?era=``: the dealt and daily boards and the
sandbox, as a page or (for an htmx era tab) the board alone, with every link into the board
pointing at the era that holds its posting."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from helpers import APPLICANT
from htmldoc import parse

from otiose.game.daily import today
from otiose.game.run import BUDGET
from otiose.web import state

SEED = "abcdefgh"
CUSTOM = urlencode(APPLICANT)
HX_TAB = {"HX-Request": "true", "HX-Target": "board"}  # what htmx sends for an era tab
BOARDS = [f"/play/{SEED}", f"/play/daily/{today().isoformat()}", f"/play/custom?{CUSTOM}"]


def with_era(board: str, era_id: str) -> str:
    return f"{board}{'&' if '?' in board else '?'}era={era_id}"


def shown(doc) -> tuple[str, list[str]]:
    """The era heading and the postings on a board."""
    heading = doc.find_all("h2", cls="era-block__name")
    assert len(heading) == 1
    return heading[0].text, [a.attrs["id"] for a in doc.find_all("article", cls="posting")]


def current(doc) -> list:
    """The era tabs marked as the page shown."""
    return [a for a in doc.find(cls="era-tabs").find_all("a") if "aria-current" in a.attrs]


def links(node, rel: str = "") -> list:
    return [a for a in node.find_all("a") if not rel or rel in a.attrs.get("class", "")]


def expected(app, era_id: str) -> tuple[str, list[str]]:
    library = state.library(app)
    era = library.era(era_id)
    return era.name, [f"posting-{p.id}" for p in library.postings_by_era[era_id]]


@pytest.mark.parametrize("board", BOARDS)
def test_era_selects_the_only_era_rendered(client, app, board):
    eras = state.library(app).eras
    first = parse(client.get(board).data)
    assert shown(first) == expected(app, eras[0].id)  # no era: the first
    for era in eras[1:]:
        r = client.get(with_era(board, era.id))
        assert r.status_code == 200, era.id
        doc = parse(r.data)
        assert shown(doc) == expected(app, era.id)
        assert [a.find(cls="visually-hidden").text for a in current(doc)] == [era.name]


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("era=the-1980s", "names no era on the board ('the-1980s')"),
        ("era=INDUSTRIAL", "names no era on the board ('INDUSTRIAL')"),
        ("era=%00", "names no era on the board"),
        ("era=", "is empty"),
        ("era=postwar&era=digital", "was given 2 times"),
    ],
)
def test_a_bad_era_is_a_400_naming_the_parameter(client, board, query, says):
    url = f"{board}{'&' if '?' in board else '?'}{query}"
    r = client.get(url)
    assert r.status_code == 400, url
    message = parse(r.data).find(cls="error-sheet").text
    assert f"The parameter 'era' {says}" in message, message


def test_the_messages_say_what_is_wrong_with_the_era(client):
    def message(query: str) -> str:
        return parse(client.get(f"/play/{SEED}?{query}").data).find(cls="error-sheet").text

    assert "no era on the board ('nope')" in message("era=nope")
    assert "industrial, new-deal-and-war, postwar" in message("era=nope")
    assert "is empty" in message("era=")
    assert "given 2 times" in message("era=postwar&era=postwar")


def refusal(client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 400, url
    return parse(r.data).find(cls="error-sheet").text


def test_other_parameters_stay_refused(client):
    assert "no parameter 'page'" in refusal(client, f"/play/{SEED}?era=postwar&page=2")
    # the sandbox passes every parameter but era to the applicant builder, which refuses others
    assert "unknown parameter 'admin'" in refusal(
        client, f"/play/custom?{CUSTOM}&era=postwar&admin=1"
    )
    # an era is not an applicant
    assert "missing parameter 'gender'" in refusal(client, "/play/custom?era=postwar")


@pytest.mark.parametrize("board", BOARDS)
def test_an_era_tab_gets_the_board_alone_and_a_page_gets_the_page(client, app, board):
    url = with_era(board, "postwar")
    page = client.get(url)
    fragment = client.get(url, headers=HX_TAB)
    # a history restore (Back to an address htmx pushed) names no target: it needs the page
    restore = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    for r in (page, fragment, restore):
        assert r.status_code == 200
        assert {"HX-Request", "HX-Target"} <= set(r.headers["Vary"].replace(" ", "").split(","))
    assert page.data.startswith(b"<!doctype html>") and restore.data == page.data
    assert b"<html" not in fragment.data and b"<body" not in fragment.data
    doc, whole = parse(fragment.data), parse(page.data)
    assert shown(doc) == shown(whole) == expected(app, "postwar")
    # the same board as the page's, from the same partial
    assert doc.find(id="board").text == whole.find(id="board").text
    assert [(n.tag, n.attrs.get("href")) for n in doc.find(id="board").iter()] == [
        (n.tag, n.attrs.get("href")) for n in whole.find(id="board").iter()
    ]
    # htmx sets the title from the fragment's <title>, the page's own, era and all
    title = doc.find("title").text
    assert title == whole.find("title").text and title.endswith("The Organization Man · Otiose")
    # after the swap htmx focuses the era heading; a page load leaves focus alone
    assert "autofocus" in doc.find("h2", cls="era-block__name").attrs
    assert "autofocus" not in whole.find("h2", cls="era-block__name").attrs
    assert doc.find("h2", cls="era-block__name").attrs["tabindex"] == "-1"


def test_tabs_and_steps_link_each_era_by_its_address(client, app):
    eras = state.library(app).eras
    doc = parse(client.get(f"/play/{SEED}?era={eras[2].id}").data)
    nav = doc.find(cls="era-tabs")
    # plain links (no JS needed), boosted by htmx into a swap of the board
    assert nav.attrs["data-hx-boost"] == "true" and nav.attrs["data-hx-target"] == "#board"
    hrefs = [a.attrs["href"] for a in nav.find_all("a")]
    assert hrefs == [f"/play/{SEED}#era-{eras[0].id}"] + [
        f"/play/{SEED}?era={e.id}#era-{e.id}" for e in eras[1:]
    ]
    steps = doc.find(cls="era-block__steps")
    assert steps.attrs["data-hx-boost"] == "true" and steps.attrs["data-hx-target"] == "#board"
    assert [a.attrs["href"] for a in links(steps)] == [hrefs[1], hrefs[3]]
    assert links(steps, "era-block__prev")[0].text == f"← {eras[1].years.start} {eras[1].name}"
    assert links(steps, "era-block__next")[0].text == f"Next era: {eras[3].name} →"
    # the links out of the board (the era's history, each ad) are not boosted into it
    boosted = [n for n in doc.find(id="board").iter() if "data-hx-boost" in n.attrs]
    assert boosted == [nav, steps]
    first = parse(client.get(f"/play/{SEED}").data).find(cls="era-block__steps")
    assert [a.attrs["class"] for a in links(first)] == ["era-block__next"]
    last = parse(client.get(f"/play/{SEED}?era={eras[-1].id}").data).find(cls="era-block__steps")
    assert [a.attrs["class"] for a in links(last)] == ["era-block__prev"]


def test_sandbox_tabs_keep_the_applicant(client, app):
    eras = state.library(app).eras
    doc = parse(client.get(f"/play/custom?{CUSTOM}&era=digital").data)
    hrefs = [a.attrs["href"] for a in doc.find(cls="era-tabs").find_all("a")]
    assert hrefs[0] == f"/play/custom?{CUSTOM}#era-{eras[0].id}"
    assert hrefs[1] == f"/play/custom?{CUSTOM}&era={eras[1].id}#era-{eras[1].id}"


def test_tab_counts_cover_every_era(client, app):
    library = state.library(app)
    applied = [library.postings_by_era[e.id][0].id for e in library.eras[:3]]
    applied.append(library.postings_by_era[library.eras[2].id][1].id)
    for pid in applied:
        assert client.post(f"/play/{SEED}/apply", data={"posting": pid}).status_code == 303
    for board in (f"/play/{SEED}", with_era(f"/play/{SEED}", library.eras[-1].id)):
        doc = parse(client.get(board).data)
        tabs = doc.find(cls="era-tabs").find_all("a")
        counts = [" ".join(c.text for c in a.find_all(cls="era-tabs__count")) for a in tabs]
        assert counts == ["1 applied", "1 applied", "2 applied"] + [""] * (len(tabs) - 3)


def canonical(doc) -> str:
    (link,) = [n.attrs["href"] for n in doc.find_all("link") if n.attrs["rel"] == "canonical"]
    (og,) = [
        n.attrs["content"] for n in doc.find_all("meta") if n.attrs.get("property") == "og:url"
    ]
    assert og == link
    return link


def test_each_era_has_one_address(client, app):
    base = app.config["BASE_URL"]
    eras = state.library(app).eras
    assert canonical(parse(client.get(f"/play/{SEED}").data)) == f"{base}/play/{SEED}"
    doc = parse(client.get(f"/play/{SEED}?era={eras[1].id}").data)
    assert canonical(doc) == f"{base}/play/{SEED}?era={eras[1].id}"
    # the first era named outright is sent to the bare address, which shows it
    r = client.get(f"/play/{SEED}?era={eras[0].id}")
    assert r.status_code == 303 and r.headers["Location"] == f"/play/{SEED}"
    day = today().isoformat()
    r = client.get(f"/play/daily/{day}?era={eras[0].id}")
    assert r.status_code == 303 and r.headers["Location"] == f"/play/daily/{day}"
    r = client.get(f"/play/custom?{CUSTOM}&era={eras[0].id}")
    assert r.status_code == 303 and r.headers["Location"] == f"/play/custom?{CUSTOM}"


def test_apply_without_js_lands_on_the_card_in_its_era(client, app):
    library = state.library(app)
    first = library.postings_by_era[library.eras[0].id][0].id
    r = client.post(f"/play/{SEED}/apply", data={"posting": first})
    assert r.status_code == 303 and r.headers["Location"] == f"/play/{SEED}#posting-{first}"
    later = library.postings_by_era["dot-com"][1].id
    r = client.post(f"/play/{SEED}/apply", data={"posting": later})
    assert r.headers["Location"] == f"/play/{SEED}?era=dot-com#posting-{later}"
    doc = parse(client.get(r.headers["Location"]).data)
    assert doc.find(id=f"posting-{later}").find(cls="verdict__stamp") is not None


def test_the_last_application_swaps_in_the_board_of_its_era(client, app):
    library = state.library(app)
    others = [p for p in library.postings if library.postings[p].era != "corporate"]
    for pid in others[: BUDGET - 1]:
        assert client.post(f"/play/{SEED}/apply", data={"posting": pid}).status_code == 303
    in_progress = parse(client.get(f"/play/{SEED}?era=corporate").data)
    assert not in_progress.find_all(cls="board__done")
    last = library.postings_by_era["corporate"][-1].id
    r = client.post(
        f"/play/{SEED}/apply",
        data={"posting": last},
        headers={"HX-Request": "true", "HX-Target": f"posting-{last}"},
    )
    assert r.status_code == 200 and r.headers["HX-Retarget"] == "#board"
    doc = parse(r.data)
    assert shown(doc) == expected(app, "corporate")
    assert doc.find(id=f"posting-{last}").find(cls="verdict__stamp") is not None
    assert not doc.find_all("form", cls="posting__apply")  # the budget is spent
    assert [a.attrs["href"] for a in current(doc)] == [f"/play/{SEED}?era=corporate#era-corporate"]
    assert "autofocus" not in doc.find("h2", cls="era-block__name").attrs  # focus stays put
    # after the cards, a way on to the report (on a phone the run bar's link comes first in
    # the page, behind a keyboard user who has reached the last verdict)
    done = doc.find(cls="board__done")
    assert done is not None and f"All {BUDGET} applications spent" in done.text
    assert done.find("a").attrs["href"] == f"/play/{SEED}/report"
    page = parse(client.get(f"/play/{SEED}?era=corporate").data)
    assert page.find(cls="board__done") is not None  # the page says so too
    assert parse(client.get(f"/play/{SEED}?era=digital").data).find(cls="board__done")


def test_the_report_leads_back_to_the_era_last_applied_in(client, app):
    library = state.library(app)
    doc = parse(client.get(f"/play/{SEED}/report").data)
    assert {a.attrs["href"] for a in doc.find_all("a") if "board" in a.text} == {f"/play/{SEED}"}
    for pid in (library.postings_by_era["digital"][0].id, library.postings_by_era["postwar"][0].id):
        client.post(f"/play/{SEED}/apply", data={"posting": pid})
    doc = parse(client.get(f"/play/{SEED}/report").data)
    back = {a.attrs["href"] for a in doc.find_all("a") if "board" in a.text}
    assert back == {f"/play/{SEED}?era=postwar#era-postwar"}


def test_an_htmx_apply_brings_the_era_tabs_counts_out_of_band(client, app):
    pid = state.library(app).postings_by_era["dot-com"][0].id
    r = client.post(
        f"/play/{SEED}/apply",
        data={"posting": pid},
        headers={"HX-Request": "true", "HX-Target": f"posting-{pid}"},
    )
    doc = parse(r.data)
    assert doc.find("article").attrs["id"] == f"posting-{pid}"  # the card, then out of band:
    nav = doc.find(id="era-tabs")
    assert nav.attrs["data-hx-swap-oob"] == "true" and doc.find(id="tally-counts")
    (tab,) = [a for a in nav.find_all("a") if a.find_all(cls="era-tabs__count")]
    assert tab.attrs["href"] == f"/play/{SEED}?era=dot-com#era-dot-com"
    assert tab.attrs["aria-current"] == "page" and tab.text.endswith("1 applied")
    # on the page, the tabs are part of the board, not out of band
    page = parse(client.get(f"/play/{SEED}?era=dot-com").data)
    assert "data-hx-swap-oob" not in page.find(id="era-tabs").attrs


# ---------------------------------------------------------------- dealing into an era


def _dealt(response) -> tuple[str, str, str]:
    """Where /play sent the player: the board's path, its query and its anchor."""
    assert response.status_code == 303
    location = response.headers["Location"]
    path, _, anchor = location.partition("#")
    path, _, query = path.partition("?")
    assert path.startswith("/play/") and len(path) == len("/play/") + 8, location
    return path, query, anchor


def test_play_deals_into_the_era_a_page_was_about(client, app):
    eras = state.library(app).eras
    _, query, anchor = _dealt(client.get(f"/play?era={eras[3].id}"))
    assert (query, anchor) == (f"era={eras[3].id}", f"era-{eras[3].id}")
    _, query, anchor = _dealt(client.get(f"/play?era={eras[0].id}"))  # the first era's address
    assert (query, anchor) == ("", "")
    _, query, anchor = _dealt(client.get("/play"))
    assert (query, anchor) == ("", "")


def test_play_deals_to_a_posting_on_its_era(client, app):
    posting = state.library(app).postings_by_era[state.library(app).eras[5].id][2]
    path, query, anchor = _dealt(client.get(f"/play?posting={posting.id}"))
    assert (query, anchor) == (f"era={posting.era}", f"posting-{posting.id}")
    doc = parse(client.get(f"{path}?{query}").get_data(as_text=True))
    assert f"posting-{posting.id}" in shown(doc)[1]


@pytest.mark.parametrize(
    "query, name",
    [
        ("era=nope", "era"),
        ("era=", "era"),
        ("posting=nope", "posting"),
        ("posting=", "posting"),
        ("posting=a&posting=b", "posting"),
        ("source=x", "source"),  # tracking tags (utm_source …) are redirected: test_params.py
    ],
)
def test_play_refuses_what_it_cannot_deal_into(client, query, name):
    response = client.get(f"/play?{query}")
    assert response.status_code == 400
    assert f"&#39;{name}&#39;" in response.get_data(as_text=True)


def test_play_refuses_an_era_that_does_not_hold_the_posting(client, app):
    library = state.library(app)
    posting = library.postings_by_era[library.eras[1].id][0]
    response = client.get(f"/play?posting={posting.id}&era={library.eras[2].id}")
    assert response.status_code == 400
    assert "&#39;era&#39;" in response.get_data(as_text=True)
    same = client.get(f"/play?posting={posting.id}&era={library.eras[1].id}")
    assert _dealt(same)[2] == f"posting-{posting.id}"


def test_era_and_posting_pages_deal_into_themselves(client, app):
    library = state.library(app)
    era = library.eras[4]
    doc = parse(client.get(f"/eras/{era.id}").get_data(as_text=True))
    assert f"/play?era={era.id}" in [a.attrs["href"] for a in doc.find_all("a")]
    posting = library.postings_by_era[era.id][0]
    doc = parse(client.get(f"/postings/{posting.id}").get_data(as_text=True))
    assert f"/play?posting={posting.id}" in [a.attrs["href"] for a in doc.find_all("a")]


def test_an_error_takes_focus_only_in_answer_to_a_form_the_reader_sent(client):
    """A failed Apply's sheet takes focus; a panel that loads by itself (a GET) must not."""
    hx = {"HX-Request": "true"}
    refused = client.post(f"/play/{SEED}/apply", data={"posting": "no-such"}, headers=hx)
    assert refused.status_code == 400
    assert "autofocus" in parse(refused.data).find(id="error-title").attrs
    missing = client.get("/live/postings/no-such", headers=hx)
    assert missing.status_code == 404
    assert "autofocus" not in parse(missing.data).find(id="error-title").attrs
