"""Geometry for the impact-ratio charts, drawn on the server as SVG: one chart per kind of group,
one bar per group, and a line at four-fifths. The template draws; this module only measures."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import floor

from .exact import ATTRIBUTE_LABELS, ATTRIBUTES, FOUR_FIFTHS, Audit

WIDTH = 360
X0 = 132  # where bars start; labels sit to the left of it
BAR_WIDTH = 176
ROW = 22
BAR_HEIGHT = 14
TOP = 20  # room for the "4/5" label above the first bar


def ratio_text(ratio: Fraction | None) -> str:
    """A ratio to two decimals, rounded *down*, so a flagged 0.7999 never reads as 0.80."""
    if ratio is None:
        return "n/a"
    return f"{floor(ratio * 100) / 100:.2f}"


@dataclass(frozen=True)
class Bar:
    y: int
    text_y: int
    width: float
    label: str
    value: str
    flagged: bool
    empty: bool  # no ratio to draw (no one in the group, or no one passes)


@dataclass(frozen=True)
class Chart:
    attribute: str
    title: str
    height: int
    bars: tuple[Bar, ...]
    line_x: float
    x0: int = X0
    bar_width: int = BAR_WIDTH
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT


def charts(result: Audit) -> list[Chart]:
    """One chart per kind of group, in the order gender, race, age, gender x race."""
    out = []
    for attribute in ATTRIBUTES:
        bars = []
        for i, g in enumerate(result.of(attribute)):
            y = TOP + i * ROW
            width = float(g.ratio) * BAR_WIDTH if g.ratio is not None else 0.0
            bars.append(
                Bar(
                    y=y,
                    text_y=y + BAR_HEIGHT - 3,
                    width=round(width, 2),
                    label=g.label,
                    value=ratio_text(g.ratio),
                    flagged=g.flagged,
                    empty=g.ratio is None,
                )
            )
        height = TOP + len(bars) * ROW + 4
        line_x = round(X0 + float(FOUR_FIFTHS) * BAR_WIDTH, 2)
        out.append(Chart(attribute, ATTRIBUTE_LABELS[attribute], height, tuple(bars), line_x))
    return out
