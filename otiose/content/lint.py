"""Style warnings: things that load fine but read badly. They never stop the app."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from .errors import Problem
from .library import Library
from .models import Specimen

SUMMARY_WORDS = 32
SIMILAR = 0.88
_LIST_SECTIONS = (
    "aliases",
    "org_chart",
    "signature_weaponry",
    "day_in_the_life",
    "burn_ward",
    "related",
)


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def warnings(library: Library, only: Iterable[str] | None = None) -> list[Problem]:
    """Warnings for every specimen, or only those whose source path is in ``only``."""
    wanted = set(only) if only is not None else None
    specimens = list(library.specimens.values())
    targets = [s for s in specimens if wanted is None or s._source in wanted]
    out: list[Problem] = []
    for s in targets:
        out.extend(_own(s))
    out.extend(_similar(targets, specimens))
    return sorted(out)


def _own(s: Specimen) -> list[Problem]:
    found = []
    words = len(s.summary.split())
    if words > SUMMARY_WORDS:
        msg = f"summary has {words} words; cards read best under {SUMMARY_WORDS}"
        found.append(Problem(s._source, s._lines.line(("summary",)), msg, "OT101", "warning"))
    raw = s._lines.data if s._lines else {}
    for key in _LIST_SECTIONS:
        if key in raw and raw[key] == []:
            msg = f"'{key}' is present but empty; fill it in or remove the key"
            found.append(Problem(s._source, s._lines.line((key,)), msg, "OT102", "warning"))
    return found


def _same_words(a: str, b: str) -> bool:
    """Titles are near-duplicates only when they are the same words, give or take a typo.

    "Junior X" and "Senior X" are a career ladder, not a duplicate.
    """
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and all(
        difflib.SequenceMatcher(None, x, y).ratio() >= 0.8 for x, y in zip(wa, wb, strict=True)
    )


def _similar(targets: list[Specimen], everyone: list[Specimen]) -> list[Problem]:
    found = []
    for s in targets:
        for other in everyone:
            if other.id == s.id:
                continue
            for field in ("title", "summary"):
                a, b = _norm(getattr(s, field)), _norm(getattr(other, field))
                if field == "title" and not _same_words(a, b):
                    continue
                matcher = difflib.SequenceMatcher(None, a, b)
                if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
                    continue
                ratio = matcher.ratio()
                if ratio >= SIMILAR:
                    msg = (
                        f"{field} is {ratio:.0%} similar to {other.id}'s "
                        f"({other._source}); is this the same role?"
                    )
                    line = s._lines.line((field,))
                    found.append(Problem(s._source, line, msg, "OT103", "warning"))
    return found
