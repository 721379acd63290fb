"""A run's Open Graph image: a 1200×630 PNG in the site's look, drawn with Pillow.

It shows the applicant's card, the score against par and one stamp per application grouped by
era, and nothing that would spoil the board for someone else: no posting, no filter. The same
run always gives the same bytes (drawn at twice the size, then reduced; no timestamps saved).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..content.models import Era
from .character import Character
from .rules import VALUE_TEXT
from .run import RunReport

WIDTH, HEIGHT = 1200, 630
S = 2  # drawn at twice the size, reduced at the end: smooth edges without anti-aliasing calls

PAPER = (243, 238, 226)
PAPER_2 = (235, 228, 211)
CARD = (251, 248, 241)
MANILA = (233, 220, 184)
INK = (31, 28, 23)
INK_2 = (74, 68, 58)
INK_3 = (98, 91, 77)
RULE = (207, 197, 173)
LINE = (229, 222, 205)  # the paper's ruling: the rule colour faded into the paper
RED = (163, 33, 26)
GREEN = (31, 95, 58)

Font = ImageFont.FreeTypeFont

# The site's own faces (static/fonts): Special Elite for type, IBM Plex Mono for labels.
TYPE = "special-elite-subset-400-normal.woff2"
MONO = "ibm-plex-mono-latin-600-normal.woff2"
SERIF = "ibm-plex-serif-latin-400-normal.woff2"


@cache
def _font(fonts: Path, name: str, size: int) -> Font:
    return ImageFont.truetype(str(fonts / name), size * S)


def _xy(*points: float) -> list[float]:
    return [p * S for p in points]


def _at(x: float, y: float) -> tuple[float, float]:
    return (x * S, y * S)


def _spaced(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: Font,
    fill: tuple[int, int, int],
    spacing: float,
) -> float:
    """Letter-spaced text (as the site's uppercase labels); returns the x where it ends."""
    x, y = xy
    for ch in text:
        draw.text((x * S, y * S), ch, font=font, fill=fill)
        x += draw.textlength(ch, font=font) / S + spacing
    return x


def _fit(
    draw: ImageDraw.ImageDraw, text: str, fonts: Path, name: str, size: int, width: float
) -> Font:
    """The largest size up to ``size`` at which ``text`` fits in ``width``."""
    while size > 12 and draw.textlength(text, font=_font(fonts, name, size)) / S > width:
        size -= 1
    return _font(fonts, name, size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) / S <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _portrait(draw: ImageDraw.ImageDraw, c: Character, x: float, y: float, fonts: Path) -> None:
    """The ID photo of the board, simplified: same numbers, same ink, 120×150 at (x, y)."""
    pt = c.portrait

    def p(px: float, py: float) -> tuple[float, float]:
        return ((x + px) * S, (y + py) * S)

    def box(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
        return [p(x0, y0), p(x1, y1)]

    bg = (PAPER, PAPER_2, MANILA, MANILA)[pt.shade]
    draw.rectangle(box(0, 0, 120, 150), fill=bg, outline=INK, width=S)
    small = _font(fonts, MONO, 6)
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
    font = _font(fonts, MONO, 8)
    w = draw.textlength(label, font=font) / S
    draw.text(p(60 - w / 2, 130), label, font=font, fill=PAPER)


def _mark(draw: ImageDraw.ImageDraw, x: float, y: float, hired: bool, size: float = 26) -> None:
    """One application's stamp: a double-ruled square, a tick for an offer, a cross otherwise."""
    colour = GREEN if hired else RED
    draw.rectangle(_xy(x, y, x + size, y + size), outline=colour, width=2 * S)
    draw.rectangle(_xy(x + 4, y + 4, x + size - 4, y + size - 4), outline=colour, width=S)
    u = size / 26  # the glyphs are drawn on a 26-unit square
    if hired:
        draw.line(
            _xy(x + 8 * u, y + 13 * u, x + 12 * u, y + 18 * u, x + 19 * u, y + 8 * u),
            fill=colour,
            width=3 * S,
        )
    else:
        a, b = 9 * u, size - 9 * u
        draw.line(_xy(x + a, y + a, x + b, y + b), fill=colour, width=3 * S)
        draw.line(_xy(x + b, y + a, x + a, y + b), fill=colour, width=3 * S)


def _stamp(
    img: Image.Image,
    text: str,
    colour: tuple[int, int, int],
    centre: tuple[float, float],
    fonts: Path,
) -> None:
    """A rubber stamp, turned four degrees, pressed onto the image."""
    font = _font(fonts, TYPE, 30)
    probe = ImageDraw.Draw(img)
    tw = probe.textlength(text, font=font) + 30 * S
    th = 56 * S
    layer = Image.new("RGBA", (int(tw), th), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    d.rectangle((0, 0, tw - 1, th - 1), outline=(*colour, 230), width=3 * S)
    d.rectangle((6 * S, 6 * S, tw - 1 - 6 * S, th - 1 - 6 * S), outline=(*colour, 230), width=S)
    d.text((15 * S, 13 * S), text, font=font, fill=(*colour, 230))
    turned = layer.rotate(4, resample=Image.Resampling.BICUBIC, expand=True)
    cx, cy = centre
    img.paste(turned, (int(cx * S - turned.width / 2), int(cy * S - turned.height / 2)), turned)


def run_image(report: RunReport, eras: Sequence[Era], label: str, fonts: Path) -> bytes:
    """The PNG for a run. ``label`` is the run's name ("Daily No. 4 · 2026-11-26", "Run …")."""
    c = report.character
    img = Image.new("RGB", (WIDTH * S, HEIGHT * S), PAPER)
    draw = ImageDraw.Draw(img)
    for y in range(31, HEIGHT, 32):
        draw.rectangle(_xy(0, y, WIDTH, y + 1), fill=LINE)

    # masthead
    draw.rectangle(_xy(0, 0, WIDTH, 86), fill=PAPER)
    draw.rectangle(_xy(0, 86, WIDTH, 88), fill=INK)
    _spaced(draw, (60, 22), "OTIOSE", _font(fonts, TYPE, 40), INK, 9)
    _spaced(draw, (392, 40), "THE APPLICATION GAME", _font(fonts, MONO, 15), INK_3, 2.2)
    right = _font(fonts, MONO, 15)
    text = label.upper()
    w = sum(draw.textlength(ch, font=right) / S + 1.6 for ch in text)
    _spaced(draw, (WIDTH - 60 - w, 40), text, right, INK, 1.6)

    # the applicant's card
    x0, y0, x1, y1 = 60, 124, 560, 590
    draw.rectangle(_xy(x0 + 4, y0 + 6, x1 + 4, y1 + 6), fill=RULE)
    draw.rounded_rectangle(_xy(x0, y0, x1, y1), radius=6 * S, fill=MANILA, outline=INK, width=2 * S)
    _portrait(draw, c, x0 + 22, y0 + 22, fonts)
    _spaced(draw, (x0 + 162, y0 + 24), "APPLICANT", _font(fonts, MONO, 12), INK_3, 2)
    name = _fit(draw, c.name, fonts, TYPE, 34, x1 - x0 - 184)
    draw.text(_at(x0 + 162, y0 + 46), c.name, font=name, fill=INK)
    facts = [
        ("AGE", str(c.age)),
        ("GENDER", VALUE_TEXT["gender"][c.gender]),
        ("RACE", VALUE_TEXT["race"][c.race]),
        ("EDUCATION", VALUE_TEXT["education"][c.education]),
        ("EXPERIENCE", VALUE_TEXT["experience"][c.experience]),
        ("UNION", "member" if c.union else "not a member"),
        ("MARITAL STATUS", VALUE_TEXT["maritalStatus"][c.maritalStatus]),
    ]
    label_font, value_font = _font(fonts, MONO, 11), _font(fonts, MONO, 17)
    for i, (k, v) in enumerate(facts[:3]):
        fy = y0 + 98 + i * 36
        _spaced(draw, (x0 + 162, fy), k, label_font, INK_3, 1.5)
        draw.text(_at(x0 + 162, fy + 12), v, font=value_font, fill=INK)
    draw.rectangle(_xy(x0 + 22, y0 + 212, x1 - 22, y0 + 213), fill=INK_3)
    for i, (k, v) in enumerate(facts[3:]):
        fx = x0 + 22 + (i % 2) * 240
        fy = y0 + 226 + (i // 2) * 46
        _spaced(draw, (fx, fy), k, label_font, INK_3, 1.5)
        draw.text(_at(fx, fy + 13), v, font=value_font, fill=INK)
    story = _font(fonts, SERIF, 16)
    for i, line in enumerate(_wrap(draw, c.backstory, story, x1 - x0 - 44)[:3]):
        draw.text(_at(x0 + 22, y0 + 326 + i * 22), line, font=story, fill=INK_2)
    made_par = report.score >= report.par
    stamp = "Made par" if made_par else f"{report.par - report.score} short of par"
    _stamp(img, stamp.upper(), GREEN if made_par else RED, (x1 - 150, y1 - 44), fonts)

    # the score against par
    sx = 620
    _spaced(draw, (sx, 120), "OFFERS", _font(fonts, MONO, 14), INK_3, 2.5)
    big = _font(fonts, TYPE, 104)
    score = f"{report.score}"
    top = draw.textbbox((0, 0), score, font=big)[1] / S
    draw.text(_at(sx - 4, 150 - top), score, font=big, fill=INK)
    after = sx + draw.textlength(score, font=big) / S + 14
    draw.text(
        _at(after, 200), f"of a possible {report.par}", font=_font(fonts, TYPE, 32), fill=INK_2
    )
    spent = f"{report.spent} of {report.budget} applications spent"
    draw.text(_at(sx, 268), spent, font=_font(fonts, SERIF, 20), fill=INK_2)

    # the stamps, era by era
    draw.rectangle(_xy(sx, 312, WIDTH - 60, 314), fill=INK)
    era_font = _font(fonts, MONO, 14)
    for row, era in enumerate(eras):
        marks = [v.hired for v in report.verdicts if v.era.id == era.id]
        ry = 328 + row * 37
        draw.text(_at(sx, ry + 4), f"{era.years.start}", font=era_font, fill=RED)
        draw.text(_at(sx + 52, ry + 4), era.name, font=era_font, fill=INK)
        if not marks:
            draw.text(_at(sx + 262, ry + 4), "—", font=era_font, fill=INK_3)
        for j, hired in enumerate(marks):
            _mark(draw, sx + 262 + j * 26, ry, hired, size=23)

    # Averaging each 2×2 block (reduce) looks the same as Lanczos at exactly half the size and
    # costs a fifteenth; zlib at level 1 adds 6% to the bytes and saves a third of the encoding.
    # Drawing a picture was the dearest answer the site gives (about sixteen boards).
    out = io.BytesIO()
    img.reduce(S).save(out, "PNG", compress_level=1)
    return out.getvalue()
