"""Small formatting helpers for templates: money, percentages, articles, plurals, the gauge."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from urllib.parse import urlencode

from flask import Flask, current_app, request

from ..content import vocab
from ..content.vocab import money
from ..game.rules import LABELS, VALUE_TEXT
from ..words import plural

# Letters whose names begin with a vowel sound ("an SRE", "an HR", "an ML"; "a UX", "a VP").
_SAID_WITH_A_VOWEL = frozenset("AEFHILMNORSX")
_VOWEL_LETTER_CONSONANT_SOUND = ("uni", "use", "usu", "uti", "eu", "one", "once")
_SILENT_H = ("hour", "honest", "honor", "honour", "heir")


def with_article(phrase: str) -> str:
    """``phrase`` after "a" or "an", as its first word is said: "an Executive Assistant", "an
    SRE", "an MLOps Engineer", "a UX Designer", "a University Administrator"."""
    word = re.split(r"[\s\-/]", phrase.strip(), maxsplit=1)[0]
    letters = re.sub(r"[^A-Za-z]", "", word)
    if len(letters) >= 2 and letters[:2].isupper():  # said letter by letter
        vowel = letters[0] in _SAID_WITH_A_VOWEL
    else:
        low = letters.lower()
        vowel = low[:1] in tuple("aeiou") and not low.startswith(_VOWEL_LETTER_CONSONANT_SOUND)
        vowel = vowel or low.startswith(_SILENT_H)
    return f"{'an' if vowel else 'a'} {phrase}"


def percent(value: Fraction | float, digits: int = 1) -> str:
    """A probability as a percentage that never rounds a real chance to zero or one hundred."""
    v = float(value) * 100
    if 0 < v < 0.1:
        return "under 0.1%"
    if 99.9 < v < 100:
        return "over 99.9%"
    text = f"{v:.{digits}f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v)}"
    return f"{text}%"


def one_in(value: Fraction | float) -> str:
    """``0.0125`` -> ``1 in 80``; ``0.674`` -> ``7 in 10``."""
    v = float(value)
    if v <= 0:
        return "no one"
    if v >= 1:
        return "everyone"
    if v >= 0.5:
        return f"{max(5, min(9, round(v * 10)))} in 10"
    return f"1 in {round(1 / v):,}"


def gauge(pct: int) -> dict[str, object]:
    """Geometry for a semicircular gauge (viewBox 0 0 200 116): band arcs, the needle and the
    scale's labels (centred on their points, clear of the 16-unit band: 0 and 100 under its
    ends, 40 and 70 outside its edge)."""
    cx, cy, r = 100.0, 100.0, 80.0

    def point(p: float, radius: float = r) -> tuple[float, float]:
        theta = math.pi * (1 - p / 100)
        return round(cx + radius * math.cos(theta), 2), round(cy - radius * math.sin(theta), 2)

    def arc(a: float, b: float) -> str:
        (x1, y1), (x2, y2) = point(a), point(b)
        return f"M {x1} {y1} A {r} {r} 0 0 1 {x2} {y2}"

    nx, ny = point(pct, r - 14)
    ends = [(0, cx - r, cy + 10), (100, cx + r, cy + 10)]
    edge = [(p, *point(p, r + 16)) for p in (40, 70)]
    return {
        "bands": [("low", arc(0, 40)), ("moderate", arc(40, 70)), ("high", arc(70, 100))],
        "needle": (nx, ny),
        "ticks": [ends[0], *edge, ends[1]],
    }


def absolute_url(path: str) -> str:
    """An absolute URL for a path on this site, from ``OTIOSE_BASE_URL`` (never the Host)."""
    return str(current_app.config["BASE_URL"]) + path


def canonical_url(**query: str) -> str:
    """This page's canonical URL: the configured base plus the request's path, and only the
    query a page passes (the board's era: each era is its own content), none by default."""
    return absolute_url(request.path + (f"?{urlencode(query)}" if query else ""))


def init_app(app: Flask) -> None:
    """Register the helpers as Jinja filters and globals."""
    app.jinja_env.filters.update(
        money=money, percent=percent, one_in=one_in, with_article=with_article, plural=plural
    )
    app.jinja_env.globals.update(
        gauge=gauge,
        filter_labels=LABELS,
        value_text=VALUE_TEXT,
        families=vocab.families,
        absolute_url=absolute_url,
        canonical_url=canonical_url,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
