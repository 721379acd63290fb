"""Open Graph cards: a file record's (/specimens/<id>.png), an era's and a posting's
(/eras/<id>.png, /postings/<id>.png) and the site's own: the picture, its layout over every
one on file, what it says, and how it is served."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import sys
from functools import cache
from html import unescape
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from htmldoc import parse
from PIL import Image

from otiose import drawing
from otiose.content import picture
from otiose.content.lint import SUMMARY_WORDS
from otiose.web import http as web_http
from otiose.web import state

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "static" / "fonts"
RECORD = "junior-machine-learning-engineer"


@pytest.fixture(scope="module")
def library(app):
    return state.library(app)


@pytest.fixture(scope="module")
def layouts(library):
    return {sid: picture.layout(s, FONTS) for sid, s in library.specimens.items()}


@cache
def _cmap(name: str) -> frozenset[str]:
    return frozenset(chr(c) for c in TTFont(FONTS / name).getBestCmap())


def _misplaced(plan: picture.Layout) -> list[str]:
    """The boxes of a card's layout outside their area or over another (none, when right)."""
    boxes = plan.boxes()
    faults = [n for n in ("file", "title", "summary") if not boxes[n].within(picture.TEXT_AREA)]
    faults += [f"fact {p.fact.label}" for p in plan.facts if not p.box.within(picture.FACTS_AREA)]
    pairs = itertools.combinations(boxes.items(), 2)
    return faults + [
        f"{a} over {b}" for (a, box_a), (b, box_b) in pairs if not box_a.clear_of(box_b)
    ]


def _missing_letters(plan: picture.Layout) -> dict[str, set[str]]:
    """Letters of the card drawn in a face that has no glyph for them, by face (none: {})."""
    drawn = {
        drawing.TYPE: "".join(plan.title.lines),
        drawing.SERIF: "".join(plan.summary.lines),
        drawing.MONO: plan.file + "".join(p.fact.label + p.fact.value + p.note for p in plan.facts),
    }
    missing = {face: set(text) - _cmap(face) - {" "} for face, text in drawn.items()}
    return {face: letters for face, letters in missing.items() if letters}


# ---------------------------------------------------------------- the picture


def test_a_card_is_a_1200_by_630_png_on_the_sites_paper(library):
    data = picture.card_image(library.specimens[RECORD], FONTS)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.size == (1200, 630)
    assert img.convert("RGB").getpixel((5, 300)) == drawing.PAPER
    assert not img.info.keys() & {"date", "Creation Time", "modify"}  # no timestamps saved


def test_a_card_is_the_same_bytes_every_time_and_differs_between_records(library):
    first = picture.card_image(library.specimens[RECORD], FONTS)
    drawing.font.cache_clear()
    assert picture.card_image(library.specimens[RECORD], FONTS) == first
    assert picture.card_image(library.specimens["sdet"], FONTS) != first


def test_a_card_shows_the_record_not_a_blank_sheet(library):
    """Ink where the title and the summary are laid out, paper where nothing is."""
    s = library.specimens[RECORD]
    plan = picture.layout(s, FONTS)
    img = Image.open(io.BytesIO(picture.card_image(s, FONTS))).convert("L")

    def darkest(box: drawing.Box) -> int:
        return img.crop((int(box.x0), int(box.y0), int(box.x1), int(box.y1))).getextrema()[0]

    assert darkest(plan.title.box) < 60  # the title's ink
    assert darkest(plan.summary.box) < 110  # the summary's softer ink
    gap = drawing.Box(plan.summary.box.x0, plan.summary.box.y1 + 12, 1100, picture.FACTS_RULE - 4)
    assert darkest(gap) > 200  # nothing but ruled paper between the summary and the facts


def test_the_drawing_needs_no_flask():
    """The card is domain code: drawn from a specimen and a fonts folder, nothing of the web."""
    code = "import sys, otiose.content.picture; print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


# ---------------------------------------------------------------- the layout, on every record


def test_every_card_on_file_fits_its_text_inside_the_card(layouts):
    """Measured as drawn: every box inside its area and clear of every other, every title
    whole, every summary whole unless it is longer than the content check says a card shows."""
    assert len(layouts) >= 80
    masthead = drawing.Box(0, 0, drawing.WIDTH, picture.MASTHEAD)
    for sid, plan in layouts.items():
        assert not _misplaced(plan), (sid, _misplaced(plan))
        assert plan.stamp.within(masthead), (sid, plan.stamp)
        assert not plan.title.cut, (sid, plan.title.lines)
        words = len(plan.said.summary.split())
        assert not plan.summary.cut or words > SUMMARY_WORDS, (sid, plan.summary.lines)
        assert plan.file == plan.said.file, sid  # no file number is cut either
        assert [p.note for p in plan.facts] == [f.note for f in plan.said.facts], sid


def test_the_widest_titles_on_file_are_set_smaller_than_the_short_ones(layouts):
    by_width = sorted(layouts.values(), key=lambda p: p.title.box.x1 - p.title.box.x0)
    assert len(by_width[0].title.lines) == 1 and by_width[0].title.size == 84
    longest = max(layouts.values(), key=lambda p: len(p.said.title))
    assert len(longest.title.lines) == 2 and longest.title.size < 84


def test_a_card_draws_only_letters_its_faces_have(layouts):
    """No box for a missing glyph: the typewriter face, the serif and the mono each have every
    letter drawn in them (a currency sign they lack, ₱ or ₹, is left to the code after it)."""
    for sid, plan in layouts.items():
        assert not _missing_letters(plan), (sid, _missing_letters(plan))


def test_a_long_title_shrinks_and_a_long_summary_is_cut_with_an_ellipsis(library):
    s = library.specimens["policy-adviser"]
    title = " ".join(["Principal Staff Senior Associate Vice President of Alignment"] * 2)
    long = s.model_copy(update={"title": title, "summary": " ".join([s.summary] * 4)})
    plan = picture.layout(long, FONTS)
    assert plan.title.size < 48 and not plan.title.cut
    assert plan.title.box.within(picture.TEXT_AREA) and plan.summary.box.within(picture.TEXT_AREA)
    assert plan.summary.cut and len(plan.summary.lines) == picture.SUMMARY_LINES
    assert plan.summary.lines[-1].endswith("…")
    endless = s.model_copy(update={"title": "Synergy " * 60})  # past any title content allows
    cut = picture.layout(endless, FONTS).title
    assert cut.cut and cut.lines[-1].endswith("…") and cut.box.within(picture.TEXT_AREA)


# ---------------------------------------------------------------- what it says


def test_everything_a_card_says_is_on_its_file_record(client, library):
    """The card says nothing the record does not: its file line, title, summary, each fact's
    label, value and note are all in the record's own text."""
    for sid, s in library.specimens.items():
        page = " ".join(parse(client.get(f"/specimens/{sid}").data).find("main").text.split())
        said = picture.said(s)
        plan = picture.layout(s, FONTS)
        shown = [said.file, said.title, said.summary]
        for placed in plan.facts:  # as drawn: a sign the face lacks is left off, not replaced
            shown += [placed.fact.label, placed.fact.value, *placed.note.split(" · ")]
        for text in shown:
            assert text.casefold() in page.casefold(), (sid, text)


def test_the_card_shows_the_records_pay_and_flight_risk(library):
    s = library.specimens[RECORD]
    facts = {f.label: f for f in picture.said(s).facts}
    assert facts["YEARLY PAY ON FILE"].value == "$146,027 USD a year"
    assert facts["YEARLY PAY ON FILE"].note == "United States · our estimate"
    assert facts["FLIGHT RISK"].value == f"{s.flight_risk.percent}% HIGH"
    assert facts["FLIGHT RISK"].colour == drawing.RED_INK
    assert facts["FAMILY"].value == "Data & AI"


def test_a_currency_sign_the_face_lacks_is_left_off_and_the_code_kept(layouts):
    pay = {p.fact.label: p.fact.value for p in layouts["content-moderator"].facts}
    assert re.fullmatch(r"[\d,]+ PHP a year", pay["YEARLY PAY ON FILE"])
    pay = {p.fact.label: p.fact.value for p in layouts["big-four-auditor"].facts}
    assert pay["YEARLY PAY ON FILE"].startswith("£")  # a sign the face has is kept


def test_the_cards_words_for_og_image_alt(library):
    alt = picture.alt_text(library.specimens[RECORD])
    assert alt.startswith("File record: Junior Machine Learning Engineer. Recruited to build")
    assert "Flight risk: 85% HIGH." in alt
    assert "Yearly pay on file: $146,027 USD a year (United States · our estimate)." in alt


# ---------------------------------------------------------------- served


def test_the_card_is_served_public_with_a_strong_etag_and_304(client):
    url = f"/specimens/{RECORD}.png"
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert Image.open(io.BytesIO(r.data)).size == (1200, 630)
    assert r.headers["Cache-Control"] == "public, max-age=300"
    etag = r.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(url, headers={"If-None-Match": etag})
    assert (again.status_code, again.data) == (304, b"")
    assert (
        again.headers["ETag"] == etag
        and again.headers["Cache-Control"] == r.headers["Cache-Control"]
    )
    other = client.get("/specimens/sdet.png")
    assert other.headers["ETag"] != etag and other.data != r.data


def test_a_revalidation_draws_nothing(client, monkeypatch):
    etag = client.get(f"/specimens/{RECORD}.png").headers["ETag"]

    def refuse(*args: object) -> bytes:
        raise AssertionError("drawn for a request that already held the card")

    monkeypatch.setattr(web_http, "card_image", refuse)
    assert (
        client.get(f"/specimens/{RECORD}.png", headers={"If-None-Match": etag}).status_code == 304
    )


def test_an_unknown_record_has_no_card_and_parameters_are_refused(client):
    r = client.get("/specimens/no-such-role.png")
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert "No specimen is filed under 'no-such-role'." in unescape(r.get_data(as_text=True))
    r = client.get(f"/specimens/{RECORD}.png?size=large")
    assert r.status_code == 400 and "no parameter 'size'" in unescape(r.get_data(as_text=True))
    r = client.get(f"/specimens/{RECORD}.png?utm_source=chat")
    assert r.status_code == 301 and r.headers["Location"].endswith(f"/specimens/{RECORD}.png")


def test_the_file_record_names_its_card_as_its_og_image(client, app, library):
    base = app.config["BASE_URL"]
    for sid in (RECORD, "sdet"):
        doc = parse(client.get(f"/specimens/{sid}").data)
        metas = {
            m.attrs.get("property") or m.attrs.get("name"): m.attrs.get("content")
            for m in doc.find_all("meta")
        }
        assert metas["og:image"] == f"{base}/specimens/{sid}.png"
        assert (metas["og:image:width"], metas["og:image:height"]) == ("1200", "630")
        assert metas["og:image:alt"] == picture.alt_text(library.specimens[sid])
        assert metas["twitter:image:alt"] == metas["og:image:alt"]
        assert client.get(metas["og:image"].removeprefix(base)).status_code == 200


def test_other_pages_name_the_sites_card_and_say_what_it_shows(client, app):
    doc = parse(client.get("/specimens/").data)
    metas = {m.attrs.get("property"): m.attrs.get("content") for m in doc.find_all("meta")}
    assert metas["og:image"] == f"{app.config['BASE_URL']}/card.png"
    assert "What does everyone at work actually do?" in metas["og:image:alt"]


def test_the_sites_card_says_what_the_home_page_says_with_todays_counts(client, app, library):
    """The site's picture was a screenshot of an early home page: "Browse 36 file records",
    "Apply for 35 jobs". It is drawn from the content now, so its counts are the site's."""
    from otiose.web.pages import site_card

    with app.test_request_context():
        what = site_card()
    home = parse(client.get("/").data)
    assert what.title == " ".join(home.find("h1").text.split())
    assert what.summary == " ".join(home.find("p", cls="lede").text.split())
    assert what.file == " ".join(home.find("p", cls="kicker").text.split()).upper()
    doors = [" ".join(d.find(cls="door__title").text.split()) for d in home.find_all(cls="door")]
    assert doors[0] == f"Browse {what.facts[0].value}"
    assert what.facts[0].value == f"{len(library.specimens)} file records"
    assert what.facts[1].value == doors[1]  # "10 applications, 59 jobs"
    plan = picture.layout(what, FONTS)
    assert not plan.title.cut and not plan.summary.cut
    r = client.get("/card.png")
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert Image.open(io.BytesIO(r.data)).size == (1200, 630)
    assert r.headers["Cache-Control"] == "public, max-age=300"
    again = client.get("/card.png", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


# ---------------------------------------------------------------- eras and postings


def _timeline_cards(library) -> dict[str, picture.Said]:
    saids: dict[str, picture.Said] = {}
    for era in library.eras:
        saids[f"eras/{era.id}"] = picture.era_said(era, len(library.postings_by_era[era.id]))
    for pid, p in library.postings.items():
        era = library.era(p.era)
        saids[f"postings/{pid}"] = picture.posting_said(p, era, speculative=False)
        saids[f"postings/{pid} (future)"] = picture.posting_said(p, era, speculative=True)
    return saids


def test_every_era_and_posting_card_fits_its_text_inside_the_card(library):
    """As for the file records: every box inside its area and clear of the rest, no title
    cut, every letter in its face; a posting's requirements may run on past three lines."""
    saids = _timeline_cards(library)
    assert len(saids) == len(library.eras) + 2 * len(library.postings)
    for name, what in saids.items():
        plan = picture.layout(what, FONTS)
        assert not _misplaced(plan), (name, _misplaced(plan))
        assert not _missing_letters(plan), (name, _missing_letters(plan))
        assert not plan.title.cut, (name, plan.title.lines)
        assert name.startswith("postings/") or not plan.summary.cut, (name, plan.summary.lines)
        assert plan.file == what.file, name
        notes = [f.note for f in what.facts]
        if name.startswith("postings/") and plan.facts[-1].note != notes[-1]:  # a long place
            assert plan.facts[-1].note.endswith("…"), (name, plan.facts[-1].note)
            notes[-1] = plan.facts[-1].note
        assert [p.note for p in plan.facts] == notes, name


def test_a_posting_with_the_longest_company_and_place_the_loader_takes_still_fits(library):
    """A contributor's posting can name a company and a place of 200 characters each (the
    longest line a posting takes): its card cuts them with an ellipsis instead of drawing them
    off the edge, so no posting that passes the content check breaks its card."""
    p = next(iter(library.postings.values()))
    long = p.model_copy(
        update={
            "company": "Consolidated " * 15 + "Ltd.",
            "location": "Northern Lakes, " * 12 + "Ohio",
        }
    )
    assert len(long.company) <= 200 and len(long.location) <= 200
    plan = picture.layout(picture.posting_said(long, library.era(p.era), False), FONTS)
    assert not _misplaced(plan), _misplaced(plan)
    company = plan.facts[-1]
    assert company.fact.value.endswith("…") and company.note.endswith("…")


def test_an_eras_card_counts_its_postings_in_words(library):
    era = library.eras[0]
    assert picture.era_said(era, 8).facts[1].value == "8 postings"
    assert picture.era_said(era, 1).facts[1].value == "1 posting"


@pytest.mark.parametrize(
    "page",
    [
        "/eras/industrial",
        "/postings/new-deal-wing-riveter",
        "/postings/data-hall-electrician-apprentice",
    ],
)
def test_an_era_or_posting_page_names_its_own_card_and_it_is_served_like_a_records(
    client, app, page
):
    base = app.config["BASE_URL"]
    r = client.get(page)
    assert r.status_code == 200, page
    metas = {
        m.attrs.get("property") or m.attrs.get("name"): m.attrs.get("content")
        for m in parse(r.data).find_all("meta")
    }
    assert metas["og:image"] == f"{base}{page}.png"
    assert metas["twitter:image:alt"] == metas["og:image:alt"]
    picture_r = client.get(f"{page}.png")
    assert picture_r.status_code == 200 and picture_r.mimetype == "image/png"
    assert Image.open(io.BytesIO(picture_r.data)).size == (1200, 630)
    assert picture_r.headers["Cache-Control"] == "public, max-age=300"
    etag = picture_r.headers["ETag"]
    assert client.get(f"{page}.png", headers={"If-None-Match": etag}).status_code == 304
    gone = client.get(page.rsplit("/", 1)[0] + "/no-such-thing.png")
    assert gone.status_code == 404 and "is filed under 'no-such-thing'" in unescape(
        gone.get_data(as_text=True)
    )


def test_a_postings_card_says_what_its_page_says_and_keeps_its_filters_sealed(client, library):
    """The card's words are the page's: title, company, place, date and every printed
    requirement, and nothing else from the file: the filters stay sealed, as on the page."""
    for pid, p in library.postings.items():
        what = picture.posting_said(p, library.era(p.era), speculative=False)
        words = picture.alt_text(what)
        assert words.startswith(f"Job posting: {p.title}. {what.summary}")
        assert f"{p.requirements[-1].rstrip('.')}. Posted: {p.postedDate}." in words, pid
        assert what.summary == " · ".join(p.requirements), pid
        assert (what.facts[0].value, what.facts[0].note) == (p.postedDate, "")
        assert (what.facts[1].label, what.facts[1].value) == ("THE FILTERS", "sealed")
        assert (what.facts[2].value, what.facts[2].note) == (p.company, p.location)


def test_a_posting_dated_in_the_future_says_so_on_its_card(client, app, library):
    future = [pid for pid, p in library.postings.items() if p.posted and p.posted.year > 2030]
    assert future
    doc = parse(client.get(f"/postings/{future[0]}").data)
    alt = next(
        m.attrs["content"]
        for m in doc.find_all("meta")
        if m.attrs.get("property") == "og:image:alt"
    )
    assert "speculation: a future date" in alt
    past = next(pid for pid, p in library.postings.items() if p.posted and p.posted.year < 1950)
    doc = parse(client.get(f"/postings/{past}").data)
    alt = next(
        m.attrs["content"]
        for m in doc.find_all("meta")
        if m.attrs.get("property") == "og:image:alt"
    )
    assert "speculation" not in alt and alt.startswith("Job posting: ")


def _red(pixel: tuple[int, ...]) -> bool:
    """The site's red, give or take what reducing the drawing does to it."""
    r, g, b = pixel[:3]
    return r > 120 and g < 70 and b < 70


def test_the_icon_is_sent_as_it_is_whatever_coding_is_asked_for(client) -> None:
    """favicon.ico holds PNGs, which do not compress: flask-compress's list of types has the
    icon types, so it went out gzipped (11 bytes saved) or in brotli (2 bytes longer than
    itself), varying on Accept-Encoding, and a cache kept a copy of it for each coding."""
    plain = client.get("/favicon.ico", headers={"Accept-Encoding": "identity"})
    for accept in ("gzip", "br", "gzip, deflate, br"):
        r = client.get("/favicon.ico", headers={"Accept-Encoding": accept})
        assert r.status_code == 200 and "Content-Encoding" not in r.headers, accept
        assert "Vary" not in r.headers and r.data == plain.data, accept
    page = client.get("/", headers={"Accept-Encoding": "br"})  # pages still compress
    assert page.headers["Content-Encoding"] == "br"


def test_the_icons_clients_ask_for_by_name(client) -> None:
    """/favicon.ico (older browsers, feed readers, bookmarks) and /apple-touch-icon.png (an iOS
    home screen, which reads no SVG icon) answered 404: the pages name only the SVG icon."""
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype == "image/vnd.microsoft.icon"
    ico = Image.open(io.BytesIO(r.data))
    assert ico.format == "ICO" and ico.info["sizes"] == {(16, 16), (32, 32), (48, 48)}
    ico = ico.convert("RGBA")  # the largest, 48 px
    assert ico.getpixel((0, 0))[3] < 16  # rounded paper: the corner is see-through
    assert _red(ico.getpixel((24, 3)))  # the frame
    assert ico.getpixel((24, 24))[:3] == drawing.PAPER  # inside the O
    touch = client.get("/apple-touch-icon.png")
    assert touch.status_code == 200 and touch.mimetype == "image/png"
    img = Image.open(io.BytesIO(touch.data))
    assert img.size == (180, 180) and img.mode == "RGB"  # iOS shows transparency as black
    assert img.getpixel((0, 0)) == drawing.PAPER  # iOS rounds the corners itself
    assert _red(img.getpixel((90, 17)))
    assert img.getpixel((90, 90)) == drawing.PAPER  # inside the O
    dark = sum(1 for p in img.get_flattened_data() if max(p) < 80)
    assert 1000 < dark < 8000  # the O in ink, neither missing nor a blot
    home = client.get("/").get_data(as_text=True)
    assert '<link rel="apple-touch-icon" href="/apple-touch-icon.png">' in home
