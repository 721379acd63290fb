"""The site's look for the pictures it draws with Pillow: Open Graph images (1200×630 PNG) and
the icon that /favicon.ico and /apple-touch-icon.png give clients that ask for it by name.

The palette of static/css/site.css, the site's own vendored faces in static/fonts, letter-spaced
labels, wrapped and fitted text, the rubber stamp, ruled paper and the masthead. A card is
drawn at twice its size and reduced at the end (smooth edges without anti-aliasing calls), the
icon at eight times; both are saved with no timestamp, so the same input gives the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630  # the size Open Graph and the platforms that read it ask for
S = 2  # drawn at twice the size, reduced at the end

Colour = tuple[int, int, int]

PAPER: Colour = (243, 238, 226)
PAPER_2: Colour = (235, 228, 211)
CARD: Colour = (251, 248, 241)
MANILA: Colour = (233, 220, 184)
INK: Colour = (31, 28, 23)
INK_2: Colour = (74, 68, 58)
INK_3: Colour = (98, 91, 77)
RULE: Colour = (207, 197, 173)
LINE: Colour = (229, 222, 205)  # the paper's ruling: the rule colour faded into the paper
RED: Colour = (163, 33, 26)
RED_INK: Colour = (140, 28, 22)
GREEN: Colour = (31, 95, 58)
AMBER: Colour = (138, 90, 0)

Font = ImageFont.FreeTypeFont

# The site's own faces (static/fonts): Special Elite for type, IBM Plex Mono for labels.
TYPE = "special-elite-subset-400-normal.woff2"
MONO = "ibm-plex-mono-latin-600-normal.woff2"
SERIF = "ibm-plex-serif-latin-400-normal.woff2"


@dataclass(frozen=True)
class Box:
    """A rectangle of the finished picture: left, top, right, bottom."""

    x0: float
    y0: float
    x1: float
    y1: float

    def within(self, other: Box) -> bool:
        """Whether this box lies wholly inside ``other``."""
        return (
            other.x0 <= self.x0
            and self.x1 <= other.x1
            and other.y0 <= self.y0
            and self.y1 <= other.y1
        )

    def clear_of(self, other: Box) -> bool:
        """Whether this box and ``other`` do not overlap."""
        return (
            self.x1 <= other.x0 or other.x1 <= self.x0 or self.y1 <= other.y0 or other.y1 <= self.y0
        )

    def moved(self, dy: float) -> Box:
        """The box ``dy`` lower down."""
        return Box(self.x0, self.y0 + dy, self.x1, self.y1 + dy)

    def union(self, other: Box) -> Box:
        """The smallest box around both."""
        return Box(
            min(self.x0, other.x0),
            min(self.y0, other.y0),
            max(self.x1, other.x1),
            max(self.y1, other.y1),
        )


@cache
def font(fonts: Path, name: str, size: int) -> Font:
    """The face ``name`` from the folder ``fonts`` at ``size`` pixels of the finished picture."""
    return ImageFont.truetype(str(fonts / name), size * S)


def xy(*points: float) -> list[float]:
    """Coordinates of the finished picture, on the canvas (twice the size)."""
    return [p * S for p in points]


def at(x: float, y: float) -> tuple[float, float]:
    """A point of the finished picture, on the canvas."""
    return (x * S, y * S)


def length(draw: ImageDraw.ImageDraw, text: str, face: Font) -> float:
    """How wide ``text`` is in the finished picture."""
    return draw.textlength(text, font=face) / S


def ink(draw: ImageDraw.ImageDraw, point: tuple[float, float], text: str, face: Font) -> Box:
    """The box the letters of ``text`` cover when drawn at ``point`` (measured, not guessed)."""
    x0, y0, x1, y1 = draw.textbbox(at(*point), text, font=face)
    return Box(x0 / S, y0 / S, x1 / S, y1 / S)


def spaced(
    draw: ImageDraw.ImageDraw,
    point: tuple[float, float],
    text: str,
    face: Font,
    fill: Colour,
    spacing: float,
) -> float:
    """Letter-spaced text (as the site's uppercase labels); returns the x where it ends."""
    x, y = point
    for ch in text:
        draw.text((x * S, y * S), ch, font=face, fill=fill)
        x += draw.textlength(ch, font=face) / S + spacing
    return x


def spaced_length(draw: ImageDraw.ImageDraw, text: str, face: Font, spacing: float) -> float:
    """How wide :func:`spaced` draws ``text`` (the spacing after its last letter included)."""
    return sum(draw.textlength(ch, font=face) / S + spacing for ch in text)


def fit(
    draw: ImageDraw.ImageDraw, text: str, fonts: Path, name: str, size: int, width: float
) -> Font:
    """The largest size up to ``size`` at which ``text`` fits in ``width``."""
    while size > 12 and draw.textlength(text, font=font(fonts, name, size)) / S > width:
        size -= 1
    return font(fonts, name, size)


def wrap(draw: ImageDraw.ImageDraw, text: str, face: Font, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (a word wider than that has its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=face) / S <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def clip(draw: ImageDraw.ImageDraw, line: str, face: Font, width: float) -> str:
    """``line`` cut at a word with an ellipsis after it, no wider than ``width`` in all."""
    words = line.split()
    while words:
        cut = " ".join(words).rstrip(",;:.—-") + "…"
        if draw.textlength(cut, font=face) / S <= width:
            return cut
        words.pop()
    return "…"


def stamp_layer(
    text: str, colour: Colour, fonts: Path, size: int = 30, angle: float = 4
) -> Image.Image:
    """A rubber stamp of ``text`` in letters of ``size``, turned ``angle`` degrees, on a
    transparent layer of the canvas's scale."""
    face = font(fonts, TYPE, size)
    k = size / 30  # the frame was drawn for 30-pixel letters
    tw = face.getlength(text) + 30 * k * S
    th = round(56 * k) * S
    layer = Image.new("RGBA", (int(tw), th), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    d.rectangle((0, 0, tw - 1, th - 1), outline=(*colour, 230), width=round(3 * k) * S)
    inset = 6 * k * S
    d.rectangle((inset, inset, tw - 1 - inset, th - 1 - inset), outline=(*colour, 230), width=S)
    d.text((15 * k * S, 13 * k * S), text, font=face, fill=(*colour, 230))
    return layer.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)


def placed(layer: Image.Image, centre: tuple[float, float]) -> Box:
    """Where ``layer`` lands in the finished picture when centred on ``centre``."""
    cx, cy = centre
    left, top = int(cx * S - layer.width / 2), int(cy * S - layer.height / 2)
    return Box(left / S, top / S, (left + layer.width) / S, (top + layer.height) / S)


def press(img: Image.Image, layer: Image.Image, centre: tuple[float, float]) -> None:
    """Paste a :func:`stamp_layer` onto the canvas, centred on ``centre``."""
    box = placed(layer, centre)
    img.paste(layer, (round(box.x0 * S), round(box.y0 * S)), layer)


def stamp(
    img: Image.Image,
    text: str,
    colour: Colour,
    centre: tuple[float, float],
    fonts: Path,
) -> None:
    """A rubber stamp, turned four degrees, pressed onto the image."""
    press(img, stamp_layer(text, colour, fonts), centre)


def paper() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    """A blank canvas of the site's ruled paper, twice the finished size, and a pen for it."""
    img = Image.new("RGB", (WIDTH * S, HEIGHT * S), PAPER)
    draw = ImageDraw.Draw(img)
    for y in range(31, HEIGHT, 32):
        draw.rectangle(xy(0, y, WIDTH, y + 1), fill=LINE)
    return img, draw


def masthead(draw: ImageDraw.ImageDraw, fonts: Path, tagline: str, label: str) -> None:
    """The site's name and ``tagline`` on the left, ``label`` on the right, ruled off below."""
    draw.rectangle(xy(0, 0, WIDTH, 86), fill=PAPER)
    draw.rectangle(xy(0, 86, WIDTH, 88), fill=INK)
    spaced(draw, (60, 22), "OTIOSE", font(fonts, TYPE, 40), INK, 9)
    spaced(draw, (392, 40), tagline, font(fonts, MONO, 15), INK_3, 2.2)
    right = font(fonts, MONO, 15)
    text = label.upper()
    w = spaced_length(draw, text, right, 1.6)
    spaced(draw, (WIDTH - 60 - w, 40), text, right, INK, 1.6)


def png(img: Image.Image) -> bytes:
    """The canvas reduced to the finished size, as PNG bytes (no timestamp: same in, same out).

    Averaging each 2×2 block (reduce) looks the same as Lanczos at exactly half the size and
    costs a fifteenth; zlib at level 1 adds 6% to the bytes and saves a third of the encoding.
    """
    out = io.BytesIO()
    img.reduce(S).save(out, "PNG", compress_level=1)
    return out.getvalue()


# ---------------------------------------------------------------- the site's icon

ICON_SIZES = (16, 32, 48)  # what /favicon.ico holds, for clients that ask for it by name
TOUCH_ICON = 180  # what iOS puts on a home screen (/apple-touch-icon.png)


def icon(fonts: Path, size: int, *, corners: bool) -> Image.Image:
    """static/img/favicon.svg at ``size`` pixels: a bold O on paper in a red frame. With
    ``corners`` the paper is rounded (transparent outside); without, it fills the square, for
    iOS, which rounds the corners itself and shows transparency as black."""
    u = 8  # the SVG's 64-unit square, drawn eight times over and reduced
    big = 64 * u
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if corners:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=8 * u, fill=PAPER)
    else:
        draw.rectangle((0, 0, big, big), fill=PAPER)
    # the SVG strokes 5 units centred on a frame from 6 to 58; Pillow draws a width inwards
    edge = round(3.5 * u)
    draw.rounded_rectangle(
        (edge, edge, big - edge, big - edge), radius=round(6.5 * u), outline=RED, width=5 * u
    )
    face = ImageFont.truetype(str(fonts / TYPE), 40 * u)
    # the typewriter face of the masthead, its thin ink thickened to hold at 16 pixels
    draw.text(
        (32 * u, 32 * u), "O", font=face, fill=INK, anchor="mm", stroke_width=u, stroke_fill=INK
    )
    return img.resize((size, size), Image.Resampling.LANCZOS)


def favicon_ico(fonts: Path) -> bytes:
    """The icon as a Windows icon file holding each of :data:`ICON_SIZES`."""
    out = io.BytesIO()
    largest = max(ICON_SIZES)
    icon(fonts, largest, corners=True).save(
        out, "ICO", sizes=[(s, s) for s in ICON_SIZES], bitmap_format="png"
    )
    return out.getvalue()


def touch_icon(fonts: Path) -> bytes:
    """The icon as iOS wants it: :data:`TOUCH_ICON` pixels square, opaque, PNG."""
    out = io.BytesIO()
    icon(fonts, TOUCH_ICON, corners=False).convert("RGB").save(out, "PNG")
    return out.getvalue()
