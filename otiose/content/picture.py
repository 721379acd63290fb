"""Open Graph cards: 1200×630 PNGs in the site's look, drawn with Pillow, for a file record, an
era, a posting and the site itself.

A file record's is the head of the record as the page shows it: the file line under a
CLASSIFIED stamp, the title, the one-line summary, and three facts from the record (family,
flight risk, the yearly pay with its currency). Every card says only what its page says
(:class:`Said`); an era's and a posting's are laid out the same way. A title is set as large as it
fits (one line up to 84 px, two up to 72, three if it must); a summary longer than three lines
is cut at a word with an ellipsis. :func:`layout` measures every box of text as it will be
drawn, so tests can hold each one inside the card and clear of the others. Drawn at twice the
size and reduced, with no timestamp saved: the same record always gives the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import PIL
from PIL import Image, ImageDraw

from .. import drawing
from ..drawing import (
    AMBER,
    GREEN,
    HEIGHT,
    INK,
    INK_2,
    INK_3,
    MONO,
    RED,
    RED_INK,
    RULE,
    SERIF,
    TYPE,
    WIDTH,
    Box,
    Colour,
    Font,
    at,
    clip,
    font,
    ink,
    length,
    spaced,
    spaced_length,
    wrap,
    xy,
)
from ..words import plural
from . import vocab
from .models import Era, Posting, Specimen

LEFT, RIGHT = 60, WIDTH - 60
MASTHEAD, FACTS_RULE, FOOT_RULE = 88, 470, HEIGHT - 40  # the rules across the card
# Where text may fall: the file line, title and summary between the masthead and the facts'
# rule, the facts between that rule and the one at the foot; never within 48 px of a side.
TEXT_AREA = Box(48, MASTHEAD + 8, WIDTH - 48, FACTS_RULE - 8)
FACTS_AREA = Box(48, FACTS_RULE + 8, WIDTH - 48, FOOT_RULE - 8)
TAGLINE = "A FIELD GUIDE TO THE MODERN WORKFORCE"
STAMP_TEXT, STAMP_CENTRE, STAMP_SIZE = "CLASSIFIED", (1040.0, 45.0), 24  # on the masthead
# A title is set at the first of these (largest size, smallest, most lines) that holds it: one
# line as large as 84 px, two as large as 72, three as small as 24; else the third line is cut.
TITLE_GAP, TITLE_TRIES = 22, ((84, 74, 1), (72, 40, 2), (38, 24, 3))
SUMMARY_GAP, SUMMARY_SIZE, SUMMARY_LEADING, SUMMARY_LINES = 26, 24, 35, 3
BAR, BAR_GAP = 5, 18  # the summary's red rule at its left, and the space after it
FACTS_Y, FACT_GAP = 492, 52
FILE_SIZE, FILE_SPACING = 14, 1.8
RISK_COLOURS: dict[str, Colour] = {"HIGH": RED_INK, "MODERATE": AMBER, "LOW": GREEN}


@dataclass(frozen=True)
class Fact:
    """One of the record's facts as the card shows it: a label, a value and a quieter note."""

    label: str
    value: str
    note: str = ""
    colour: Colour = INK


@dataclass(frozen=True)
class Said:
    """Everything the card says, from the record: nothing is drawn that is not in here."""

    file: str
    title: str
    summary: str
    facts: tuple[Fact, ...]
    kind: str = "Otiose"  # what the words for og:image:alt call it: "File record: <title>"


@dataclass(frozen=True)
class Lines:
    """A text set in lines: where, in which face and size, and the box its letters cover."""

    text: str
    lines: tuple[str, ...]
    face: str
    size: int
    x: float
    y: float
    leading: float
    box: Box

    @property
    def cut(self) -> bool:
        """Whether the lines leave part of the text out."""
        return " ".join(self.lines) != " ".join(self.text.split())

    def moved(self, dy: int) -> Lines:
        """The same lines set ``dy`` whole pixels lower (the letters land the same)."""
        return replace(self, y=self.y + dy, box=self.box.moved(dy))


@dataclass(frozen=True)
class PlacedFact:
    """A fact as drawn: its column's left edge, its value's size, its note (cut with an ellipsis
    if it had to be) and the box the three lines cover."""

    fact: Fact
    x: float
    value_size: int
    note: str
    box: Box


@dataclass(frozen=True)
class Layout:
    """Every piece of the card and the box it covers in the finished picture."""

    said: Said
    file: str
    file_y: float
    file_box: Box
    stamp: Box
    title: Lines
    summary: Lines
    facts: tuple[PlacedFact, ...]

    def boxes(self) -> dict[str, Box]:
        """The named boxes, for checking that each is inside the card and clear of the rest."""
        named = {
            "file": self.file_box,
            "stamp": self.stamp,
            "title": self.title.box,
            "summary": self.summary.box,
        }
        named.update({f"fact {p.fact.label}": p.box for p in self.facts})
        return named


def said(specimen: Specimen) -> Said:
    """What the card of ``specimen`` says, each part as its file record's head and [03] say it."""
    family = next(f for f in vocab.families() if f.id == specimen.family)
    risk = specimen.flight_risk
    pay = specimen.salary
    return Said(
        file=f"FILE RECORD: {specimen.id.upper()}",
        title=specimen.title,
        summary=specimen.summary,
        facts=(
            Fact("FAMILY", family.name),
            Fact("FLIGHT RISK", f"{risk.percent}% {risk.label}", colour=RISK_COLOURS[risk.label]),
            Fact(
                "YEARLY PAY ON FILE",
                f"{vocab.money(pay.market_average, pay.currency)} {pay.currency} a year",
                f"{pay.region} · {pay.kind_label}",
            ),
        ),
        kind="File record",
    )


def site_said(records: int, families: int, eras: Sequence[Era], game: str | None) -> Said:
    """The site's own card, for every page without one of its own: the home page's kicker,
    question and lede, with the counts its doors give. ``game`` is the game door's title
    ("10 applications, 40 jobs"), or None where there is no game (the static copy), which
    offers the eras instead."""
    span = f"{eras[0].years.start} to {eras[-1].years.end}"
    second = (
        Fact("THE APPLICATION GAME", game, f"across {len(eras)} eras, {span}")
        if game is not None
        else Fact("THE ARCHIVE", f"{len(eras)} eras of hiring", span)
    )
    return Said(
        file="BUREAU OF OCCUPATIONAL RECORDS · EST. FOR NO REASON",
        title="What does everyone at work actually do?",
        summary=(
            "Otiose keeps file records on the jobs of the modern workforce: their habitats, "
            "their metrics, their weaponry, and what their job ads really mean. Next door, a "
            "game lets you apply for work in seven eras of hiring and find out, too late, what "
            "the postings were filtering for."
        ),
        facts=(Fact("THE TAXONOMY", f"{records} file records", f"in {families} families"), second),
    )


def posting_said(posting: Posting, era: Era, speculative: bool) -> Said:
    """What a posting's card says: its era, its title, the requirements the ad prints, who
    posted it and when. The filters are hidden on the posting's page, and on its card."""
    return Said(
        file=f"JOB POSTING · {era.name.upper()}",
        title=posting.title,
        summary=" · ".join(posting.requirements),
        facts=(  # the company last: the longest names are set smaller, a long place cut
            Fact("POSTED", posting.postedDate, "speculation: a future date" if speculative else ""),
            Fact("THE FILTERS", "sealed", "until you apply"),
            Fact("COMPANY", posting.company, posting.location),
        ),
        kind="Job posting",
    )


def era_said(era: Era, postings: int) -> Said:
    """What an era's card says: its years, name and summary (the last era's own summary says
    that it is speculation), and how many postings it holds."""
    years = f"{era.years.start}–{era.years.end}"
    return Said(
        file=f"ERA OF HIRING · {years}",
        title=era.name,
        summary=era.summary,
        facts=(
            Fact("YEARS", years),
            Fact(
                "ON FILE",
                plural(postings, "posting"),
                "their filters sealed until you apply",
            ),
        ),
        kind="Era of hiring",
    )


def alt_text(card: Specimen | Said) -> str:
    """The card in words, for ``og:image:alt``: everything it says, the summary whole."""
    what = _what(card)
    facts = " ".join(
        f"{f.label.capitalize()}: {f.value}{f' ({f.note})' if f.note else ''}." for f in what.facts
    )
    summary = what.summary if what.summary.endswith((".", "!", "?")) else f"{what.summary}."
    return f"{what.kind}: {what.title}. {summary} {facts}"


def _pen() -> ImageDraw.ImageDraw:
    """A pen for measuring: text is measured the same on any canvas."""
    return ImageDraw.Draw(Image.new("RGB", (1, 1)))


@cache
def _notdef(face: Font) -> bytes:
    return bytes(face.getmask("\uffff"))  # a noncharacter: no font maps it, so its glyph is .notdef


def covers(face: Font, text: str) -> bool:
    """Whether ``face`` has a glyph of its own for every character of ``text``."""
    return all(c.isspace() or bytes(face.getmask(c)) != _notdef(face) for c in set(text))


def _drawable(fact: Fact, face: Font) -> Fact:
    """``fact`` with a currency sign the face lacks left off (₹, ₱): the code after the figure
    still names the currency, and a box in its place would say nothing."""
    if covers(face, fact.value):
        return fact
    kept = "".join(c for c in fact.value if c.isspace() or covers(face, c)).strip()
    return Fact(fact.label, kept, fact.note, fact.colour)


def _lines(
    draw: ImageDraw.ImageDraw,
    text: str,
    fonts: Path,
    name: str,
    size: int,
    top: float,
    x: float,
    width: float,
    most: int,
    leading: float,
) -> Lines:
    """``text`` wrapped to ``width`` in at most ``most`` lines, the last cut with an ellipsis
    when the text runs on (and any line still too wide, a single long word, cut likewise)."""
    face = font(fonts, name, size)
    lines = wrap(draw, text, face, width)
    if len(lines) > most:
        lines = [*lines[: most - 1], clip(draw, lines[most - 1], face, width)]
    lines = [
        line if length(draw, line, face) <= width else clip(draw, line, face, width)
        for line in lines
    ]
    box: Box | None = None
    for i, line in enumerate(lines):
        drawn = ink(draw, (x, top + i * leading), line, face)
        box = drawn if box is None else box.union(drawn)
    assert box is not None, "a text on file is never empty"
    return Lines(text, tuple(lines), name, size, x, top, leading, box)


def _title(draw: ImageDraw.ImageDraw, text: str, fonts: Path, top: float) -> Lines:
    """The title at the first size of :data:`TITLE_TRIES` that holds it whole; else cut."""
    width = RIGHT - LEFT
    tries = [(size, most) for big, small, most in TITLE_TRIES for size in range(big, small - 1, -2)]
    for size, most in tries:
        face = font(fonts, TYPE, size)
        lines = wrap(draw, text, face, width)
        if len(lines) <= most and all(length(draw, line, face) <= width for line in lines):
            break
    return _lines(draw, text, fonts, TYPE, size, top, LEFT, width, most, size * 1.1)


def _facts(draw: ImageDraw.ImageDraw, facts: tuple[Fact, ...], fonts: Path) -> list[PlacedFact]:
    """The facts in columns left to right, each as wide as it needs; a value that would run
    past the margin is set smaller, down to 12 px, and then cut with an ellipsis, as is a note
    (a posting's company and place can be 200 characters long)."""
    label_face, note_face = font(fonts, MONO, 12), font(fonts, MONO, 13)
    placed: list[PlacedFact] = []
    x: float = LEFT
    for fact in facts:
        room = RIGHT - x
        size = 20
        while size > 12 and length(draw, fact.value, font(fonts, MONO, size)) > room:
            size -= 1
        value_face = font(fonts, MONO, size)
        if length(draw, fact.value, value_face) > room:
            fact = replace(fact, value=clip(draw, fact.value, value_face, room))
        note = fact.note
        if note and length(draw, note, note_face) > room:
            note = clip(draw, note, note_face, room)
        label_w = spaced_length(draw, fact.label, label_face, 1.8) - 1.8
        box = ink(draw, (x, FACTS_Y), fact.label, label_face)
        box = Box(box.x0, box.y0, x + label_w, box.y1)
        box = box.union(ink(draw, (x, FACTS_Y + 20), fact.value, value_face))
        if note:
            box = box.union(ink(draw, (x, FACTS_Y + 52), note, note_face))
        placed.append(PlacedFact(fact, x, size, note, box))
        x = box.x1 + FACT_GAP
    return placed


def _head(
    draw: ImageDraw.ImageDraw, what: Said, fonts: Path, top: float
) -> tuple[str, Box, Lines, Lines]:
    """The file line at ``top``, the title under it and the summary under that."""
    face = font(fonts, MONO, FILE_SIZE)
    file = what.file
    while spaced_length(draw, file, face, FILE_SPACING) > RIGHT - LEFT:
        file = file[:-2] + "…"
    box = ink(draw, (LEFT, top), file, face)
    box = Box(box.x0, box.y0, LEFT + spaced_length(draw, file, face, FILE_SPACING), box.y1)
    title = _title(draw, what.title, fonts, box.y1 + TITLE_GAP)
    x = LEFT + BAR + BAR_GAP
    summary = _lines(
        draw,
        what.summary,
        fonts,
        SERIF,
        SUMMARY_SIZE,
        title.box.y1 + SUMMARY_GAP,
        x,
        RIGHT - x,
        SUMMARY_LINES,
        SUMMARY_LEADING,
    )
    return file, box, title, summary


def _what(card: Specimen | Said) -> Said:
    return card if isinstance(card, Said) else said(card)


def layout(card: Specimen | Said, fonts: Path) -> Layout:
    """Where everything on a card (a specimen's, or one said outright) goes, measured in the
    faces it is drawn in.

    The file line, title and summary are set from the top to find their height, then moved
    down by whole pixels to sit centred between the masthead and the facts.
    """
    draw = _pen()
    what = _what(card)
    file, file_box, title, summary = _head(draw, what, fonts, 0)
    room = FACTS_RULE - MASTHEAD
    dy = MASTHEAD + round((room - (summary.box.y1 - file_box.y0)) / 2) - round(file_box.y0)
    value_face = font(fonts, MONO, 20)
    facts = tuple(_facts(draw, tuple(_drawable(f, value_face) for f in what.facts), fonts))
    return Layout(
        what,
        file,
        dy,
        file_box.moved(dy),
        _stamp_box(fonts),
        title.moved(dy),
        summary.moved(dy),
        facts,
    )


@cache
def _stamp_box(fonts: Path) -> Box:
    return drawing.placed(drawing.stamp_layer(STAMP_TEXT, RED, fonts, STAMP_SIZE), STAMP_CENTRE)


def card_image(card: Specimen | Said, fonts: Path) -> bytes:
    """The PNG of a card: a specimen's, or one said outright (the site's)."""
    plan = layout(card, fonts)
    img, draw = drawing.paper()
    drawing.masthead(draw, fonts, TAGLINE, "")
    spaced(draw, (LEFT, plan.file_y), plan.file, font(fonts, MONO, FILE_SIZE), INK_3, FILE_SPACING)
    drawing.press(img, drawing.stamp_layer(STAMP_TEXT, RED, fonts, STAMP_SIZE), STAMP_CENTRE)

    title = plan.title
    face = font(fonts, title.face, title.size)
    for i, line in enumerate(title.lines):
        draw.text(at(title.x, title.y + i * title.leading), line, font=face, fill=INK)

    summary = plan.summary
    face = font(fonts, summary.face, summary.size)
    bar_top, bar_bottom = summary.box.y0 - 6, summary.box.y1 + 8
    draw.rectangle(xy(LEFT, bar_top, LEFT + BAR, bar_bottom), fill=RED)
    for i, line in enumerate(summary.lines):
        draw.text(at(summary.x, summary.y + i * summary.leading), line, font=face, fill=INK_2)

    draw.rectangle(xy(LEFT, FACTS_RULE, RIGHT, FACTS_RULE + 2), fill=INK)
    label_face, note_face = font(fonts, MONO, 12), font(fonts, MONO, 13)
    for placed in plan.facts:
        fact = placed.fact
        spaced(draw, (placed.x, FACTS_Y), fact.label, label_face, INK_3, 1.8)
        value_face = font(fonts, MONO, placed.value_size)
        draw.text(at(placed.x, FACTS_Y + 20), fact.value, font=value_face, fill=fact.colour)
        if placed.note:
            draw.text(at(placed.x, FACTS_Y + 52), placed.note, font=note_face, fill=INK_3)
    draw.rectangle(xy(LEFT, FOOT_RULE, RIGHT, FOOT_RULE + 1), fill=RULE)
    return drawing.png(img)


@cache
def drawn_by(fonts: Path) -> str:
    """A digest of what draws the pictures: this module, the shared drawing one, the faces in
    ``fonts`` and Pillow's version. A card's ETag holds it, and so does the icon's, so a new
    look is never answered with a 304 for the old one."""
    digest = hashlib.sha256(PIL.__version__.encode())
    for path in (Path(__file__), Path(drawing.__file__), *(fonts / n for n in (TYPE, MONO, SERIF))):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def card_etag(card: Specimen | Said, fonts: Path) -> str:
    """A strong validator of the card's bytes, known without drawing it."""
    key = repr((drawn_by(fonts), _what(card)))
    return hashlib.sha256(key.encode()).hexdigest()[:32]
