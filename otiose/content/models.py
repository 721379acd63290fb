"""The content models: what a specimen, an era and a posting may contain.

These pydantic models are the contributor contract. The JSON Schemas that editors use, and the
field reference in CONTRIBUTING.md, are generated from them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    PrivateAttr,
    StringConstraints,
    WithJsonSchema,
    create_model,
)
from pydantic_core import PydanticCustomError

from . import vocab

KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"

Id = Annotated[str, StringConstraints(pattern=KEBAB, min_length=2, max_length=80)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8000)]
Clock = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]

FamilyId = Literal[tuple(f.id for f in vocab.families())]  # type: ignore[valid-type]
CurrencyCode = Literal[tuple(vocab.currencies())]  # type: ignore[valid-type]
Graeber = Literal[vocab.GRAEBER]  # type: ignore[valid-type]
FilterKey = Literal[vocab.FILTER_KEYS]  # type: ignore[valid-type]
SalaryKind = Literal["statistic", "estimate"]


def _private(model: BaseModel, name: str) -> Any:
    """A private attribute, read from pydantic's own store (``__pydantic_private__``).

    Spelled ``self._x``, the read first fails Python's normal lookup, which builds an
    AttributeError, before pydantic's ``__getattr__`` finds the value: about 3 microseconds,
    fifty times a field's cost. A board reads era ids and posting dates hundreds of times.
    """
    private = model.__pydantic_private__
    assert private is not None, f"{type(model).__name__} has no private attributes"
    return private[name]


class Strict(BaseModel):
    """Base: unknown keys are errors and values are never coerced (``"85"`` is not 85)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


# ---------------------------------------------------------------- specimens


class Salary(Strict):
    """[03] Salary delusion."""

    market_average: int = Field(ge=0, le=10_000_000, description="Yearly pay, a whole number.")
    currency: CurrencyCode = Field(description="ISO 4217 code, e.g. USD.")  # type: ignore[valid-type]
    region: Line = Field(description="Where the figure applies, e.g. United States.")
    kind: SalaryKind = Field(
        description="statistic: a published figure (a survey, an official table, a pay scale, a "
        "company's own statement), quoted or rounded; estimate: our own figure, reached as the "
        "note says. The page labels the figure with it."
    )
    note: Text = Field(
        description="Where the number comes from: for a statistic, the source and its year; for "
        "an estimate, its year and how it was reached; then what it hides."
    )
    verdict: Text | None = Field(None, description="The quoted one-liner that judges the pay.")

    @property
    def kind_label(self) -> str:
        """How the pages label the figure: "published figure" or "our estimate"."""
        return "published figure" if self.kind == "statistic" else "our estimate"


class FlightRisk(Strict):
    """[04] The flight risk; the label is derived from the percentage."""

    percent: int = Field(
        ge=0, le=100, description="0-100. Label: <40 LOW, <70 MODERATE, else HIGH."
    )
    diagnosis: Text | None = Field(None, description="Why they leave, or are removed.")

    @property
    def label(self) -> str:
        """LOW, MODERATE or HIGH."""
        if self.percent < 40:
            return "LOW"
        return "MODERATE" if self.percent < 70 else "HIGH"


class Named(Strict):
    """A named thing with a description (a metric, a weapon)."""

    name: Line
    description: Text


class Autopsy(Strict):
    """[08] What the posting says, and what it means."""

    illusion: Text = Field(description="The job ad's sentence, in corporate dialect.")
    source: Line = Field("[SOURCE REDACTED]", description="Where the ad ran, usually redacted.")
    translation: Text = Field(description="What it actually means.")


class Slot(Strict):
    """[09] One entry of the day-in-the-life log."""

    start: Clock = Field(description='24-hour "HH:MM", quoted.')
    end: Clock = Field(description='24-hour "HH:MM", quoted; after start.')
    title: Line
    description: Text


class Complaint(Strict):
    """[10] An unfiltered complaint, attributed to a platform, never to a person."""

    quote: Text
    source: Line = Field(description="A platform, e.g. r/cscareerquestions or teamblind.com.")


class Related(Strict):
    """[11] A link to another specimen with a system-match percentage."""

    id: Id = Field(description="Another specimen's id; it must exist.")
    match: int = Field(ge=0, le=100, description="System match, 0-100.")


class Specimen(Strict):
    """A file record on one job role: ``specimens/<id>.yaml``."""

    model_config = ConfigDict(
        title="Otiose specimen", json_schema_extra={"additionalProperties": False}
    )

    id: Id = Field(description="Equals the file name without .yaml; lowercase-kebab.")
    title: Line = Field(description="The role's usual title.")
    family: FamilyId = Field(description="Taxonomy family (see otiose/data/families.yaml).")  # type: ignore[valid-type]
    graeber: Graeber | None = Field(None, description="Graeber's bullshit-job type.")
    summary: Text = Field(description="One deadpan sentence for cards and taglines.")
    aliases: list[Line] = Field([], max_length=12, description="Known aliases / disguises.")
    org_chart: list[Line] = Field(
        [], max_length=12, description="[01] Pressure flow, top to bottom, the role included."
    )
    habitat: list[Text] = Field(min_length=1, max_length=12, description="[02] Natural range.")
    salary: Salary = Field(description="[03] Salary delusion.")
    flight_risk: FlightRisk = Field(description="[04] Flight risk.")
    bullshit_metrics: list[Named] = Field(min_length=1, max_length=12, description="[05]")
    signature_weaponry: list[Named] = Field([], max_length=12, description="[06]")
    encounter_guide: Text | None = Field(None, description="[07] Survival / encounter guide.")
    jd_autopsy: list[Autopsy] = Field(min_length=1, max_length=12, description="[08]")
    day_in_the_life: list[Slot] = Field([], max_length=16, description="[09] Timeline.")
    burn_ward: list[Complaint] = Field([], max_length=12, description="[10] Complaints.")
    related: list[Related] = Field([], max_length=8, description="[11] Related specimens.")

    _source: str = PrivateAttr("")
    _lines: Any = PrivateAttr(None)


# ---------------------------------------------------------------- filters


def _choice(label: str, values: tuple[str, ...], ordered: bool) -> Any:
    """A filter that takes "any", one value, or a non-empty list of values."""
    listed = ", ".join(values)
    article = "an" if label[0] in "aeiou" else "a"
    single = "that level or higher" if ordered else "only that value"

    def check(v: Any) -> str | tuple[str, ...]:
        if v == "any":
            return "any"
        if isinstance(v, str):
            if v in values:
                return v
            raise _err(
                f"'{v}' is not {article} {label}; use \"any\", one of {listed}, or a list of them"
            )
        if isinstance(v, list) and v:
            for item in v:
                if not isinstance(item, str) or item not in values:
                    raise _err(f"'{item}' is not {article} {label}; the list may hold {listed}")
            if len(set(v)) != len(v):
                raise _err(f"the {label} list repeats a value")
            return tuple(v)
        raise _err(f'expected "any", one {label} ({listed}) or a non-empty list of them')

    schema = {
        "description": f'"any", one value ({single}), or a list of exactly the allowed values.',
        "anyOf": [
            {"const": "any"},
            {"enum": list(values)},
            {"type": "array", "items": {"enum": list(values)}, "minItems": 1, "uniqueItems": True},
        ],
    }
    return Annotated[Any, PlainValidator(check), WithJsonSchema(schema)]


def _union_filter() -> Any:
    """ "any", false (non-members only) or true (members only)."""

    def check(v: Any) -> str | bool:
        if isinstance(v, bool):
            return v
        if v == "any":
            return "any"
        msg = f'{v!r} is not allowed; use "any", false (non-members only) or true (members only)'
        if isinstance(v, str) and v.strip().lower() in ("true", "false"):
            msg += f"; write {v.strip().lower()} without quotes"
        raise _err(msg)

    schema = {
        "description": '"any"; false = non-members only; true = members only.',
        "anyOf": [{"const": "any"}, {"type": "boolean"}],
    }
    return Annotated[Any, PlainValidator(check), WithJsonSchema(schema)]


def _err(msg: str) -> PydanticCustomError:
    return PydanticCustomError("filter_value", "{msg}", {"msg": msg})


Age = Annotated[int, Field(ge=vocab.MIN_AGE, le=vocab.MAX_AGE)]


class Filters(Strict):
    """A posting's hidden filters. A missing key means "any"."""

    model_config = ConfigDict(populate_by_name=True)

    gender: _choice("gender", vocab.GENDERS, False) = "any"  # type: ignore[valid-type]
    race: _choice("race", vocab.RACES, False) = "any"  # type: ignore[valid-type]
    minAge: Age = vocab.MIN_AGE
    maxAge: Age = vocab.MAX_AGE
    education: _choice("education level", vocab.EDUCATION, True) = "any"  # type: ignore[valid-type]
    experience: _choice("experience level", vocab.EXPERIENCE, True) = "any"  # type: ignore[valid-type]
    union: _union_filter() = "any"  # type: ignore[valid-type]
    maritalStatus: _choice("marital status", vocab.MARITAL, False) = "any"  # type: ignore[valid-type]


# ---------------------------------------------------------------- eras and postings


class Years(Strict):
    start: int = Field(ge=1700, le=2200)
    end: int = Field(ge=1700, le=2200)


class Rejections(Strict):
    """One euphemistic rejection letter per filter key; may use {name}, {title}, {company}."""

    gender: Text
    race: Text
    minAge: Text
    maxAge: Text
    education: Text
    experience: Text
    union: Text
    maritalStatus: Text


class Era(Strict):
    """An era of hiring: ``eras/<era>/era.yaml``."""

    model_config = ConfigDict(title="Otiose era")

    name: Line
    years: Years
    order: int = Field(ge=0, le=1000, description="Position on the board, earliest first.")
    summary: Text = Field(description="One sentence for the game board.")
    history: LongText = Field(description="Markdown: how hiring discriminated then. True facts.")
    hired: Text | Annotated[list[Text], Field(min_length=1, max_length=4)] = Field(
        description=(
            "The offer letter, or a list of up to four that the era's postings take in turn (so"
            " a run hired twice in one era is not sent the same letter twice); may use {name},"
            " {title}, {company}."
        )
    )
    rejections: Rejections

    _id: str = PrivateAttr("")
    _source: str = PrivateAttr("")
    _history_html: str = PrivateAttr("")
    _population: PopulationFile | None = PrivateAttr(None)

    @property
    def id(self) -> str:
        """The era's id: its folder name."""
        return str(_private(self, "_id"))

    @property
    def offers(self) -> tuple[str, ...]:
        """The era's offer letters (one or more), in the order its postings take them."""
        return (self.hired,) if isinstance(self.hired, str) else tuple(self.hired)

    @property
    def population(self) -> PopulationFile | None:
        """The working-age population of the era's years (``population.yaml`` beside it)."""
        population: PopulationFile | None = _private(self, "_population")
        return population

    @property
    def history_html(self) -> str:
        """The history, rendered once at load (raw HTML disabled)."""
        return self._history_html


MONTH_DATE = "%B %d, %Y"


class Posting(Strict):
    """A job posting's front matter: ``eras/<era>/<id>.md`` (the seed format, camelCase keys)."""

    model_config = ConfigDict(title="Otiose posting front matter")

    id: Id = Field(description="Equals the file name without .md; unique across eras.")
    title: Line
    company: Line
    location: Line
    type: Line = Field(description="e.g. Full-time.")
    postedDate: Line = Field(description='Like "January 15, 2020".')
    era: Id = Field(description="Equals the folder name.")
    salary: Line = Field(description="Free text, e.g. $180,000 - $250,000.")
    requirements: list[Text] = Field(min_length=1, max_length=20)
    filters: Filters = Field(description="Hidden until the player applies.")
    specimen: Id | None = Field(None, description="Optional id of a specimen for this role.")
    tells: dict[FilterKey, int] = Field(
        {},
        description=(
            "Optional: for a filter the ad gives away, the number (1 = first) of the requirement "
            "line that gives it away, e.g. {maxAge: 4}. Shown to a player after a run."
        ),
    )

    _body_html: str = PrivateAttr("")
    _source: str = PrivateAttr("")
    _lines: Any = PrivateAttr(None)
    _posted: date | None = PrivateAttr(None)

    @property
    def posted(self) -> date | None:
        """The posted date, or None if it does not parse (the checker reports that)."""
        posted: date | None = _private(self, "_posted")
        if posted is None:
            try:
                self._posted = posted = datetime.strptime(self.postedDate, MONTH_DATE).date()
            except ValueError:
                return None
        return posted

    @property
    def body_html(self) -> str:
        """The Markdown body, rendered once at load (raw HTML disabled)."""
        return self._body_html


PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


# ---------------------------------------------------------------- populations

_PERCENT = re.compile(r"^([0-9]{1,3}(?:\.[0-9]+)?)\s*%$")


def _share_error(v: Any) -> PydanticCustomError:
    got = "true or false" if isinstance(v, bool) else repr(v)[:40]
    how = 'write a decimal from 0 to 1 (0.49) or a percentage ("49%")'
    return PydanticCustomError("share", "{msg}", {"msg": f"{got} is not a share; {how}"})


def parse_share(v: Any) -> Fraction:
    """A share written as a decimal from 0 to 1 or as a percentage string, kept exact.

    A decimal is read back from its shortest decimal spelling (``0.49`` is exactly 49/100), so no
    binary rounding creeps into the odds.
    """
    if isinstance(v, bool):
        raise _share_error(v)
    if isinstance(v, int):
        value = Fraction(v)
    elif isinstance(v, float):
        value = Fraction(repr(v))
    elif isinstance(v, str) and (m := _PERCENT.match(v.strip())):
        whole, _, decimals = m.group(1).partition(".")
        value = Fraction(int(whole + decimals), 100 * 10 ** len(decimals))
    else:
        raise _share_error(v)
    if not 0 <= value <= 1:
        raise PydanticCustomError("share", "{msg}", {"msg": f"{v} is outside 0-1 (0% to 100%)"})
    return value


def share_text(value: Fraction) -> str:
    """A share as a short percentage: 49%, 0.5%, 12.25%."""
    pct = value * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    text = f"{float(pct):.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


Share = Annotated[
    Fraction,
    PlainValidator(parse_share),
    PlainSerializer(share_text, return_type=str),
    WithJsonSchema(
        {
            "description": 'A decimal from 0 to 1 (0.49) or a percentage string ("49%").',
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 1},
                {"type": "string", "pattern": r"^[0-9]{1,3}(\.[0-9]+)?\s*%$"},
            ],
        }
    ),
]

_AGES = re.compile(r"^([0-9]{1,3})-([0-9]{1,3})$")


def parse_ages(v: Any) -> tuple[int, int]:
    """An age band written ``18-21`` (inclusive)."""
    m = _AGES.match(v.strip()) if isinstance(v, str) else None
    if not m:
        msg = f"{str(v)[:40]!r} is not an age band; write it like 18-21 (inclusive)"
        raise PydanticCustomError("ages", "{msg}", {"msg": msg})
    lo, hi = int(m.group(1)), int(m.group(2))
    if lo > hi:
        msg = f"age band {v} runs backwards; write the younger age first"
        raise PydanticCustomError("ages", "{msg}", {"msg": msg})
    return lo, hi


Ages = Annotated[
    tuple[int, int],
    PlainValidator(parse_ages),
    PlainSerializer(lambda b: f"{b[0]}-{b[1]}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,3}-[0-9]{1,3}$"}),
]

PopulationKind = Literal["statistic", "estimate", "model"]


class Cited(Strict):
    """A figure or table and where it comes from."""

    source: Text = Field(description="Where the figures come from: publication, table, year.")
    kind: PopulationKind = Field(
        "statistic",
        description=(
            "statistic: rounded from the source; estimate: worked out from it (say how in note); "
            "model: the game's own assumption, not a measurement (say so in note)."
        ),
    )
    note: Text | None = Field(None, description="How an estimate was made; caveats.")


def _shares(name: str, values: tuple[str, ...], doc: str, banded: bool) -> Any:
    """A model with one share per vocabulary value (and the age band, for per-band rows)."""
    fields: dict[str, Any] = {
        v: (Share, Field(description=f'Share for {v}: 0.49 or "49%".')) for v in values
    }
    if banded:
        fields = {"ages": (Ages, Field(description="The age band, like 25-34.")), **fields}
    return create_model(name, __base__=Strict, __doc__=doc, **fields)


GenderShares = _shares("GenderShares", vocab.GENDERS, "Shares by gender; they sum to 1.", False)
RaceShares = _shares("RaceShares", vocab.RACES, "Shares by race and ethnicity; sum to 1.", False)
EducationRow = _shares("EducationRow", vocab.EDUCATION, "Highest education in a band.", True)
ExperienceRow = _shares("ExperienceRow", vocab.EXPERIENCE, "Work experience in a band.", True)
MaritalRow = _shares("MaritalRow", vocab.MARITAL, "Marital status in a band.", True)


class GenderTable(Cited):
    """Shares by gender."""

    shares: GenderShares  # type: ignore[valid-type]


class RaceTable(Cited):
    """Shares by race and ethnicity (Hispanic of any race counted once, as Hispanic)."""

    shares: RaceShares  # type: ignore[valid-type]


class AgeBand(Strict):
    """One age band and its share of everyone aged 18-70."""

    ages: Ages
    share: Share


class AgeTable(Cited):
    """Age bands, contiguous from 18 to 70, with their shares."""

    bands: list[AgeBand] = Field(min_length=1, max_length=20)


class EducationTable(Cited):
    """Highest education by band: none < high_school (incl. some college) < bachelor < graduate."""

    by_band: list[EducationRow] = Field(min_length=1, max_length=20)  # type: ignore[valid-type]


class ExperienceTable(Cited):
    """Work experience by age band: none < junior < experienced < senior."""

    by_band: list[ExperienceRow] = Field(min_length=1, max_length=20)  # type: ignore[valid-type]


class UnionRow(Strict):
    """The share of a band who hold a union card."""

    ages: Ages
    member: Share


class UnionTable(Cited):
    """Union members as a share of everyone in the band (not only of those at work)."""

    by_band: list[UnionRow] = Field(min_length=1, max_length=20)


class MaritalTable(Cited):
    """Marital status by age band."""

    by_band: list[MaritalRow] = Field(min_length=1, max_length=20)  # type: ignore[valid-type]


class PopulationFile(Strict):
    """A working-age population (ages 18-70): ``otiose/data/population.yaml`` for today,
    ``eras/<era>/population.yaml`` for each era. Every table says where it comes from."""

    model_config = ConfigDict(title="Otiose population")

    title: Line = Field(description='Who this is, e.g. "Adults 18-70, United States, 1910".')
    year: int = Field(ge=1700, le=2200, description="The year the figures describe.")
    summary: Text | None = Field(None, description="One or two sentences on the whole.")
    gender: GenderTable
    race: RaceTable
    age: AgeTable
    education: EducationTable
    experience: ExperienceTable
    union: UnionTable
    maritalStatus: MaritalTable

    _source: str = PrivateAttr("")

    @property
    def source_path(self) -> str:
        """The file it was read from, as problems name it."""
        return self._source
