"""Builders for small, valid content files that tests then break one way at a time, and what
browser tests wait for."""

from __future__ import annotations

from pathlib import Path

from otiose.content.load import TODAY_POPULATION

# htmx arrives after the load event (static/js/htmx-loader.js): wait for this before using it
HTMX_READY = "() => window.htmx !== undefined"

SPECIMEN = """\
id: {id}
title: {title}
family: data-and-ai
summary: "A test specimen that exists to be validated."
aliases: [Test Alias]
org_chart:
  - Boss
  - {title}
habitat:
  - A fixture folder
salary:
  market_average: 100000
  currency: USD
  region: United States
  kind: estimate
  note: "Our estimate for 2025, for the tests."
  verdict: "A verdict."
flight_risk:
  percent: 50
  diagnosis: "A diagnosis."
bullshit_metrics:
  - name: Metric
    description: "Measures nothing."
jd_autopsy:
  - illusion: "We move fast."
    source: "[SOURCE REDACTED]"
    translation: "They move."
related: []
"""

ERA = """\
name: Test Era
years: {{start: 2000, end: 2010}}
order: 1
summary: "A test era."
history: "Things happened."
hired: "Dear {{name}}, welcome to {{title}} at {{company}}."
rejections:
  gender: "Dear {{name}}, no."
  race: "Dear {{name}}, no."
  minAge: "Dear {{name}}, too young."
  maxAge: "Dear {{name}}, too old."
  education: "Dear {{name}}, no."
  experience: "Dear {{name}}, no."
  union: "Dear {{name}}, no."
  maritalStatus: "Dear {{name}}, no."
"""

POSTING = """\
---
id: {id}
title: Test Role
company: Test Co.
location: Testville
type: Full-time
postedDate: January 15, 2005
era: {era}
salary: $1
requirements:
  - Be a test
filters: {filters}
---
A body in **Markdown**.
"""

# The hand-built applicant most game tests start from (query-parameter spelling).
APPLICANT = {
    "gender": "female",
    "race": "black",
    "age": "30",
    "education": "bachelor",
    "experience": "junior",
    "union": "false",
    "maritalStatus": "single",
}

DEFAULT_FILTERS = (
    '{"gender":"any","race":"any","minAge":18,"maxAge":70,"education":"any",'
    '"experience":"any","union":"any","maritalStatus":"any"}'
)


def write_specimen(
    root: Path, id: str = "test-role", title: str = "Test Role", text: str | None = None
) -> Path:
    path = root / "specimens" / f"{id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        text if text is not None else SPECIMEN.format(id=id, title=title), encoding="utf-8"
    )
    return path


def write_era(root: Path, era: str = "test-era", text: str | None = None) -> Path:
    """An era.yaml, and beside it a population.yaml (a copy of today's) unless one is there."""
    path = root / "eras" / era / "era.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text is not None else ERA.format(), encoding="utf-8")
    write_population(path.parent)
    return path


def write_population(folder: Path, text: str | None = None) -> Path:
    """``folder/population.yaml``: ``text``, or a copy of today's population if none is there."""
    path = folder / "population.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    if text is not None:
        path.write_text(text, encoding="utf-8")
    elif not path.exists():
        path.write_bytes(TODAY_POPULATION.read_bytes())
    return path


def write_posting(
    root: Path,
    id: str = "test-posting",
    era: str = "test-era",
    filters: str = DEFAULT_FILTERS,
    text: str | None = None,
) -> Path:
    path = root / "eras" / era / f"{id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        text if text is not None else POSTING.format(id=id, era=era, filters=filters),
        encoding="utf-8",
    )
    return path


def minimal(root: Path) -> Path:
    """A tiny valid content tree: one specimen, one era, one posting."""
    write_specimen(root)
    write_era(root)
    write_posting(root)
    return root
