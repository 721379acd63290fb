"""A run's Open Graph image: a 1200×630 PNG in the site's look, drawn with Pillow.

It shows the applicant's card, the score against par and one stamp per application grouped by
era, and nothing that would spoil the board for someone else: no posting, no filter. The same
run always gives the same bytes (drawn at twice the size, then reduced; no timestamps saved).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import ImageDraw

from ..content.models import Era
from ..drawing import (
    CARD,
    GREEN,
    INK,
    INK_2,
    INK_3,
    MANILA,
    MONO,
    PAPER,
    PAPER_2,
    RED,
    RULE,
    SERIF,
    TYPE,
    WIDTH,
    S,
    at,
    fit,
    font,
    masthead,
    paper,
    png,
    spaced,
    stamp,
    wrap,
    xy,
)
from .character import Character
from .rules import VALUE_TEXT
from .run import RunReport


def _portrait(draw: ImageDraw.ImageDraw, c: Character, x: float, y: float, fonts: Path) -> None:
    """The ID photo of the board, simplified: same numbers, same ink, 120×150 at (x, y)."""
    pt = c.portrait

    def p(px: float, py: float) -> tuple[float, float]:
        return ((x + px) * S, (y + py) * S)

    def box(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
        return [p(x0, y0), p(x1, y1)]

    bg = (PAPER, PAPER_2, MANILA, MANILA)[pt.shade]
    draw.rectangle(box(0, 0, 120, 150), fill=bg, outline=INK, width=S)
    small = font(fonts, MONO, 6)
    for i in range(6):
        draw.line([p(0, 12 + i * 20), p(120, 12 + i * 20)], fill=RULE, width=1)
        draw.text(p(3, 4 + i * 20), str(pt.height + 10 - i * 2), font=small, fill=INK_3)
    draw.chord(box(14, 108, 106, 192), 180, 360, fill=INK_2)
    draw.rectangle(box(52, 88, 68, 110), fill=CARD, outline=INK, width=2 * S)
    if pt.collar == 2:
        draw.polygon([p(57, 120), p(63, 120), p(65, 146), p(60, 150), p(55, 146)], fill=INK)
    draw.polygon([p(48, 110), p(60, 124), p(72, 110)], fill=CARD, outline=INK, width=2 * S)
    draw.ellipse(box(36, 37, 84, 95), fill=CARD, outline=INK, width=2 * S)
    if pt.hair in (1, 2, 5):  # fuller hair falls past the temples
        draw.chord(box(33, 36, 87, 84), 180, 360, fill=INK)
        draw.chord(box(40, 46, 80, 70), 180, 360, fill=CARD)
    else:
        draw.chord(box(36, 37, 84, 70), 180, 360, fill=INK)
    if pt.hair == 3:
        draw.ellipse(box(47, 29, 73, 55), fill=INK)
    if pt.hair == 2:
        draw.rectangle(box(33, 60, 38, 92), fill=INK)
        draw.rectangle(box(82, 60, 87, 92), fill=INK)
    draw.line([p(46, 60 + pt.brow), p(56, 60 - pt.brow)], fill=INK, width=2 * S)
    draw.line([p(64, 60 - pt.brow), p(74, 60 + pt.brow)], fill=INK, width=2 * S)
    for ex in (51, 69):
        draw.ellipse(box(ex - 2, 65, ex + 2, 69), fill=INK)
        if pt.glasses:
            draw.ellipse(box(ex - 7, 60, ex + 7, 74), outline=INK, width=int(1.6 * S))
    if pt.glasses:
        draw.line([p(58, 67), p(62, 67)], fill=INK, width=int(1.6 * S))
    draw.line([p(60, 70), p(57, 80), p(61, 80)], fill=INK, width=2 * S)
    mouth = {0: (86, 86, 86), 1: (85, 88, 85), 2: (87, 85, 87)}[pt.mouth]
    draw.line([p(53, mouth[0]), p(60, mouth[1]), p(67, mouth[2])], fill=INK, width=2 * S)
    draw.rectangle(box(28, 128, 92, 144), fill=INK)
    label = (c.seed or "what-if").upper()
    tag = font(fonts, MONO, 8)
    w = draw.textlength(label, font=tag) / S
    draw.text(p(60 - w / 2, 130), label, font=tag, fill=PAPER)


def _mark(draw: ImageDraw.ImageDraw, x: float, y: float, hired: bool, size: float = 26) -> None:
    """One application's stamp: a double-ruled square, a tick for an offer, a cross otherwise."""
    colour = GREEN if hired else RED
    draw.rectangle(xy(x, y, x + size, y + size), outline=colour, width=2 * S)
    draw.rectangle(xy(x + 4, y + 4, x + size - 4, y + size - 4), outline=colour, width=S)
    u = size / 26  # the glyphs are drawn on a 26-unit square
    if hired:
        draw.line(
            xy(x + 8 * u, y + 13 * u, x + 12 * u, y + 18 * u, x + 19 * u, y + 8 * u),
            fill=colour,
            width=3 * S,
        )
    else:
        a, b = 9 * u, size - 9 * u
        draw.line(xy(x + a, y + a, x + b, y + b), fill=colour, width=3 * S)
        draw.line(xy(x + b, y + a, x + a, y + b), fill=colour, width=3 * S)


def run_image(report: RunReport, eras: Sequence[Era], label: str, fonts: Path) -> bytes:
    """The PNG for a run. ``label`` is the run's name ("Daily No. 4 · 2026-11-26", "Run …")."""
    c = report.character
    img, draw = paper()
    masthead(draw, fonts, "THE APPLICATION GAME", label)

    # the applicant's card
    x0, y0, x1, y1 = 60, 124, 560, 590
    draw.rectangle(xy(x0 + 4, y0 + 6, x1 + 4, y1 + 6), fill=RULE)
    draw.rounded_rectangle(xy(x0, y0, x1, y1), radius=6 * S, fill=MANILA, outline=INK, width=2 * S)
    _portrait(draw, c, x0 + 22, y0 + 22, fonts)
    spaced(draw, (x0 + 162, y0 + 24), "APPLICANT", font(fonts, MONO, 12), INK_3, 2)
    name = fit(draw, c.name, fonts, TYPE, 34, x1 - x0 - 184)
    draw.text(at(x0 + 162, y0 + 46), c.name, font=name, fill=INK)
    facts = [
        ("AGE", str(c.age)),
        ("GENDER", VALUE_TEXT["gender"][c.gender]),
        ("RACE", VALUE_TEXT["race"][c.race]),
        ("EDUCATION", VALUE_TEXT["education"][c.education]),
        ("EXPERIENCE", VALUE_TEXT["experience"][c.experience]),
        ("UNION", "member" if c.union else "not a member"),
        ("MARITAL STATUS", VALUE_TEXT["maritalStatus"][c.maritalStatus]),
    ]
    label_font, value_font = font(fonts, MONO, 11), font(fonts, MONO, 17)
    for i, (k, v) in enumerate(facts[:3]):
        fy = y0 + 98 + i * 36
        spaced(draw, (x0 + 162, fy), k, label_font, INK_3, 1.5)
        draw.text(at(x0 + 162, fy + 12), v, font=value_font, fill=INK)
    draw.rectangle(xy(x0 + 22, y0 + 212, x1 - 22, y0 + 213), fill=INK_3)
    for i, (k, v) in enumerate(facts[3:]):
        fx = x0 + 22 + (i % 2) * 240
        fy = y0 + 226 + (i // 2) * 46
        spaced(draw, (fx, fy), k, label_font, INK_3, 1.5)
        draw.text(at(fx, fy + 13), v, font=value_font, fill=INK)
    story = font(fonts, SERIF, 16)
    for i, line in enumerate(wrap(draw, c.backstory, story, x1 - x0 - 44)[:3]):
        draw.text(at(x0 + 22, y0 + 326 + i * 22), line, font=story, fill=INK_2)
    made_par = report.score >= report.par
    said = "Made par" if made_par else f"{report.par - report.score} short of par"
    stamp(img, said.upper(), GREEN if made_par else RED, (x1 - 150, y1 - 44), fonts)

    # the score against par
    sx = 620
    spaced(draw, (sx, 120), "OFFERS", font(fonts, MONO, 14), INK_3, 2.5)
    big = font(fonts, TYPE, 104)
    score = f"{report.score}"
    top = draw.textbbox((0, 0), score, font=big)[1] / S
    draw.text(at(sx - 4, 150 - top), score, font=big, fill=INK)
    after = sx + draw.textlength(score, font=big) / S + 14
    draw.text(at(after, 200), f"of a possible {report.par}", font=font(fonts, TYPE, 32), fill=INK_2)
    spent = f"{report.spent} of {report.budget} applications spent"
    draw.text(at(sx, 268), spent, font=font(fonts, SERIF, 20), fill=INK_2)

    # the stamps, era by era
    draw.rectangle(xy(sx, 312, WIDTH - 60, 314), fill=INK)
    era_font = font(fonts, MONO, 14)
    for row, era in enumerate(eras):
        marks = [v.hired for v in report.verdicts if v.era.id == era.id]
        ry = 328 + row * 37
        draw.text(at(sx, ry + 4), f"{era.years.start}", font=era_font, fill=RED)
        draw.text(at(sx + 52, ry + 4), era.name, font=era_font, fill=INK)
        if not marks:
            draw.text(at(sx + 262, ry + 4), "—", font=era_font, fill=INK_3)
        for j, hired in enumerate(marks):
            _mark(draw, sx + 262 + j * 26, ry, hired, size=23)

    # Drawing a picture was the dearest answer the site gives (about sixteen boards).
    return png(img)
