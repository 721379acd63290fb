"""A set of filters written out as a posting file in the seed's exact format, ready to fill in.

The front matter carries the filters and the date; every line a person must write holds a
``TODO:`` marker, which the checker refuses (OT020) until it is replaced. Once the prose is
written and the file is saved as ``eras/<era>/<id>.md``, ``flask --app app check`` accepts it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from ..content import vocab
from ..content.library import era_of_year
from ..content.models import Filters

BODY = """\
TODO: describe the job in the voice of its own day: what the work is, who does it, and what the
advertisement says without saying it. Keep the filters hidden; the requirements above may hint at
them. Write every sentence yourself, and keep any history true.
"""


def filters_json(filters: Filters) -> str:
    """The filters as the seed writes them: one line of JSON, every key, in the seed's order."""
    out: dict[str, Any] = {}
    for key in vocab.FILTER_KEYS:
        value = getattr(filters, key)
        out[key] = list(value) if isinstance(value, tuple) else value
    return json.dumps(out, separators=(",", ":"))


def posting_id(filters: Filters, day: date) -> str:
    """A stable id for a draft: its year and a short hash of its filters."""
    digest = hashlib.sha256(filters_json(filters).encode()).hexdigest()[:6]
    return f"audit-desk-{day.year}-{digest}"


def posting_text(filters: Filters, day: date, era: str) -> tuple[str, str]:
    """``(file name, text)`` of a posting draft for ``filters``, dated ``day``, in ``era``."""
    pid = posting_id(filters, day)
    posted = f"{day:%B} {day.day}, {day.year}"
    lines = [
        "---",
        f"id: {pid}",
        'title: "TODO: the job title, as the ad gives it"',
        'company: "TODO: an invented company"',
        'location: "TODO: a town or city"',
        "type: Full-time",
        f"postedDate: {posted}",
        f"era: {era}",
        'salary: "TODO: the advertised pay, in the money of the day"',
        "requirements:",
        '  - "TODO: the first requirement, as the ad words it"',
        '  - "TODO: another requirement"',
        f"filters: {filters_json(filters)}",
        "---",
        BODY,
    ]
    return f"{pid}.md", "\n".join(lines)


def era_for(day: date, eras: list[tuple[str, int, int]]) -> str:
    """The era (id, first year, last year) to file a draft dated ``day`` under: the one holding
    its year, else the nearest, as the loader requires of every posting."""
    return era_of_year(day.year, eras)
