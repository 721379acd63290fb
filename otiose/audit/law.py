"""The law of hiring as data (``otiose/data/law.yaml``) and what it says about a set of filters.

For a date and a jurisdiction each active filter is marked:

* ``False`` (unlawful) when a law in force on that date protects someone the filter turns away;
  the earliest such law in force decides it;
* ``None`` when the law in force is expressly silent on it (marital status in US federal law),
  or when whether it reached the people the filter turns away was unsettled on that date (a
  minimum age over 40 before *Cline*); ``Ruling.verdict`` tells the two apart;
* ``True`` otherwise: with the impact test that applies (Griggs in the US; indirect
  discrimination in the UK) for education and experience, with the law that allows it, with the
  law whose protection does not reach the people it turns away, or with no law at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, ValidationError

from ..content import vocab
from ..content.errors import ContentError, Problem
from ..content.models import KEBAB, Filters, Line
from ..content.validate import problems_from
from ..content.yamlsafe import parse, read_text
from ..game import rules

LAW_FILE = vocab.DATA / "law.yaml"
NARROWED = ("unlawful", "unsettled")  # the rules whose reach `ages` or `values` can narrow
Verdict = Literal["unlawful", "lawful", "silent", "unsettled"]
# "uk" is the law of Great Britain: the Acts below did not extend to Northern Ireland.
JURISDICTIONS = {"us": "United States (federal law)", "uk": "Great Britain"}
FilterKey = Literal[vocab.FILTER_KEYS]  # type: ignore[valid-type]
Day = Annotated[date, Strict(False)]  # YAML dates are read as text, "1965-07-02"
Url = Annotated[str, StringConstraints(pattern=r"^https://[^\s]+$", max_length=300)]
LawId = Annotated[str, StringConstraints(pattern=KEBAB, min_length=2, max_length=80)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Cover(_Strict):
    """What one law decides about one filter."""

    filter: FilterKey = Field(description="The posting filter this decides, e.g. maxAge.")
    rule: Literal["unlawful", "impact", "lawful", "silent", "unsettled"] = Field(
        description=(
            "unlawful: refusing anyone it protects is unlawful; impact: lawful on its face, "
            "judged by its disparate (indirect) impact; lawful: allowed in terms; silent: the "
            "law says nothing (reported as null); unsettled: whether it protects `ages` or "
            "`values` was in dispute (null until a later law in force says lawful or unlawful)."
        )
    )
    ages: Annotated[tuple[int, int], Strict(False)] | None = Field(
        None, description="Protected ages, inclusive; on unlawful or unsettled rules only."
    )
    values: Annotated[tuple[str | bool, ...], Strict(False)] | None = Field(
        None, description="Protected values; on unlawful or unsettled rules only."
    )
    reason: Line = Field(description="Why, in one sentence, as the audit desk shows it.")


class Law(_Strict):
    """One statute, amendment, set of regulations or case."""

    id: LawId = Field(description="Unique in the file; the law page's anchor, e.g. adea-1967.")
    jurisdiction: Literal["us", "uk"] = Field(
        description="us: US federal law only (state law is out of scope); uk: Great Britain."
    )
    name: Line = Field(description="Its full name.")
    short: Line = Field(description='The name in running text, e.g. "Title VII".')
    kind: Literal["statute", "amendment", "regulations", "case"]
    citation: Line = Field(description='e.g. "Pub. L. 90-202, 81 Stat. 602".')
    source: Url = Field(description="An https address where the text and its dates can be read.")
    in_force: Day = Field(description="The first day it applied, checked against the source.")
    until: Day | None = Field(None, description="The first day it no longer applied, or null.")
    superseded_by: LawId | None = Field(None, description="The id of the law that replaced it.")
    summary: Line = Field(description="One sentence for the law page.")
    covers: Annotated[tuple[Cover, ...], Strict(False)] = Field(
        min_length=1, description="What it decides, filter by filter."
    )

    def in_force_on(self, day: date) -> bool:
        """Whether the law applied on ``day``."""
        return self.in_force <= day and (self.until is None or day < self.until)


class Timeline(_Strict):
    """Every law the audit desk reads (``otiose/data/law.yaml``), in file order."""

    model_config = ConfigDict(title="Otiose law file")

    laws: Annotated[tuple[Law, ...], Strict(False)]


# ---------------------------------------------------------------- loading


def load(path: Path | None = None, display: str | None = None) -> Timeline:
    """Read and validate the law file; raise ContentError with every problem as path:line."""
    path = path or LAW_FILE
    shown = display or _display(path)
    located = parse(read_text(path, shown), shown)
    if not isinstance(located.data, dict):
        raise ContentError([Problem(shown, 1, "expected a mapping with the key 'laws'", "OT007")])
    try:
        timeline = Timeline.model_validate(located.data)
    except ValidationError as exc:
        raise ContentError(problems_from(exc, Timeline, located, shown)) from None
    problems: list[Problem] = []
    ids = [law.id for law in timeline.laws]
    for i, law in enumerate(timeline.laws):

        def at(*loc: str | int, i: int = i) -> int:
            return located.line(("laws", i, *loc))

        if ids.index(law.id) != i:
            problems.append(Problem(shown, at("id"), f"duplicate law id '{law.id}'", "OT015"))
        if law.until is not None and law.until <= law.in_force:
            msg = f"until ({law.until}) must be after in_force ({law.in_force})"
            problems.append(Problem(shown, at("until"), msg, "OT013"))
        if law.superseded_by is not None:
            if law.superseded_by not in ids:
                msg = f"superseded_by '{law.superseded_by}' is not a law in this file"
                problems.append(Problem(shown, at("superseded_by"), msg, "OT016"))
            if law.until is None:
                msg = "a superseded law needs the date it stopped applying (until)"
                problems.append(Problem(shown, at("until"), msg, "OT013"))
        for j, cover in enumerate(law.covers):
            for msg, key in _cover_problems(cover):
                problems.append(Problem(shown, at("covers", j, key), msg, "OT013"))
    if problems:
        raise ContentError(problems)
    return timeline


def _cover_problems(cover: Cover) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    ages = cover.filter in ("minAge", "maxAge")
    if cover.ages is not None:
        lo, hi = cover.ages
        if not ages:
            out.append((f"ages apply to minAge and maxAge, not {cover.filter}", "ages"))
        elif not vocab.MIN_AGE <= lo <= hi <= vocab.MAX_AGE:
            out.append(
                (f"ages must run low to high within {vocab.MIN_AGE}-{vocab.MAX_AGE}", "ages")
            )
    if cover.values is not None:
        full: tuple[object, ...] = (
            (True, False) if cover.filter == "union" else rules.CHOICES.get(cover.filter, ())
        )
        if ages:
            out.append(("values do not apply to an age; use ages", "values"))
        for v in cover.values:
            if v not in full or isinstance(v, bool) != (cover.filter == "union"):
                listed = ", ".join(str(x).lower() for x in full)
                out.append((f"'{v}' is not a value of {cover.filter} ({listed})", "values"))
    if (cover.ages or cover.values) and cover.rule not in NARROWED:
        out.append(("ages and values narrow an unlawful or unsettled rule only", "rule"))
    return out


def _display(path: Path) -> str:
    root = vocab.DATA.parents[1]
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


@cache
def timeline() -> Timeline:
    """The project's law file, loaded once."""
    return load()


# ---------------------------------------------------------------- lookups


@dataclass(frozen=True)
class Ruling:
    """One active filter held against the law of a date and jurisdiction."""

    filter: str
    label: str
    verdict: Verdict
    law: Law | None  # the statute or case that decides it; None when no law touches it
    reason: str
    impact: bool = False  # judged by its disparate / indirect impact

    @property
    def lawful(self) -> bool | None:
        """False when unlawful, True when lawful, None when silent or unsettled."""
        return {"unlawful": False, "lawful": True}.get(self.verdict)

    @property
    def citation(self) -> str | None:
        """ "Title VII of the Civil Rights Act of 1964, Pub. L. ...", or None."""
        return f"{self.law.name}, {self.law.citation}" if self.law else None

    @property
    def in_force(self) -> date | None:
        """The deciding law's first day in force."""
        return self.law.in_force if self.law else None


def _turns_away_protected(filters: Filters, cover: Cover) -> bool:
    """Whether the filter refuses someone the cover protects."""
    key = cover.filter
    if key in ("minAge", "maxAge"):
        refused = (
            range(vocab.MIN_AGE, filters.minAge)
            if key == "minAge"
            else range(filters.maxAge + 1, vocab.MAX_AGE + 1)
        )
        lo, hi = cover.ages or (vocab.MIN_AGE, vocab.MAX_AGE)
        return any(lo <= age <= hi for age in refused)
    full: tuple[object, ...] = (True, False) if key == "union" else rules.CHOICES[key]
    ok = rules.allowed(filters, key)
    refused_values = [v for v in full if v not in ok]
    if cover.values is None:
        return bool(refused_values)
    return any(v in cover.values for v in refused_values)


def rule_on(
    filters: Filters, day: date, jurisdiction: str, laws: Timeline | None = None
) -> list[Ruling]:
    """Every active filter, in key order, marked lawful, unlawful or silent on ``day``."""
    if jurisdiction not in JURISDICTIONS:
        raise ValueError(f"unknown jurisdiction '{jurisdiction}'")
    book = laws or timeline()
    here = [law for law in book.laws if law.jurisdiction == jurisdiction and law.in_force_on(day)]
    out = []
    for key in vocab.FILTER_KEYS:
        if rules.is_active(filters, key):
            out.append(_rule(filters, key, here, jurisdiction))
    return out


def _rule(filters: Filters, key: str, here: list[Law], jurisdiction: str) -> Ruling:
    label = rules.LABELS[key]
    found = [(law, c) for law in here for c in law.covers if c.filter == key]
    found.sort(key=lambda lc: lc[0].in_force)
    unlawful = [lc for lc in found if lc[1].rule == "unlawful"]
    for law, cover in unlawful:
        if _turns_away_protected(filters, cover):
            return Ruling(key, label, "unlawful", law, cover.reason)
    for wanted in ("silent", "impact", "lawful"):
        for law, cover in reversed(found):  # the latest word on it
            if cover.rule == wanted:
                verdict: Verdict = "silent" if wanted == "silent" else "lawful"
                return Ruling(key, label, verdict, law, cover.reason, wanted == "impact")
    # Unsettled only until a later word (a "lawful" case above) settles it, and only for the
    # people whose protection was in doubt.
    for law, cover in reversed(found):
        if cover.rule == "unsettled" and _turns_away_protected(filters, cover):
            return Ruling(key, label, "unsettled", law, cover.reason)
    if unlawful:
        law, cover = unlawful[-1]
        reason = f"It turns away only people outside the protection of the {law.name}."
        return Ruling(key, label, "lawful", law, reason)
    # "read to": a law can be on the books and not yet held to reach a private employer. The
    # Civil Rights Act of 1866 was not read to reach private hiring until after Jones v. Alfred
    # H. Mayer Co. (1968); the Supreme Court held that it did in Johnson v. Railway Express
    # Agency (1975). The desk says what the law was taken to mean on the day.
    nobody = "federal law" if jurisdiction == "us" else "Act of Parliament or regulation"
    reason = f"No {nobody} in force on that date was read to forbid it."
    return Ruling(key, label, "lawful", None, reason)
