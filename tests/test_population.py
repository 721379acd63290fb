"""Populations as data: today's and one per era, validated like content, and the era odds."""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import APPLICANT, minimal, write_population

from otiose import cli
from otiose.content import ContentError, load_library, vocab
from otiose.content.load import TODAY_POPULATION, load_population
from otiose.content.models import Filters, parse_share
from otiose.game.board import Board
from otiose.game.character import build, deal
from otiose.game.odds import pass_probability, smallest_fix
from otiose.game.population import Population, today
from otiose.game.rules import passes

ROOT = Path(__file__).resolve().parents[1]
TODAY_TEXT = TODAY_POPULATION.read_text(encoding="utf-8")
ERA_FILES = sorted((ROOT / "eras").glob("*/population.yaml"))


@pytest.fixture(scope="module")
def library():
    return load_library(ROOT)


@pytest.fixture(scope="module")
def board(library):
    return Board(library)


# ---------------------------------------------------------------- the data itself


def test_every_era_declares_a_population(library):
    assert {p.parent.name for p in ERA_FILES} == {e.id for e in library.eras}
    for era in library.eras:
        assert era.population is not None, era.id
        assert era.years.start - 25 <= era.population.year <= era.years.end, era.id
    assert library.population is not None and library.population.year >= 2020


@pytest.mark.parametrize("path", [TODAY_POPULATION, *ERA_FILES], ids=lambda p: p.parent.name)
def test_tables_sum_to_one_and_cover_18_to_70(path):
    """Re-added here from the built tables, not trusting the loader's own check."""
    pop = Population.from_file(load_population(path, path.name))
    assert sum(pop.gender.values()) == 1 and set(pop.gender) == set(vocab.GENDERS)
    assert sum(pop.race.values()) == 1 and set(pop.race) == set(vocab.RACES)
    assert sum(b.share for b in pop.bands) == 1
    assert pop.bands[0].lo == vocab.MIN_AGE and pop.bands[-1].hi == vocab.MAX_AGE
    for before, after in itertools.pairwise(pop.bands):
        assert after.lo == before.hi + 1
    for band in pop.bands:
        for key, values in (
            ("education", vocab.EDUCATION),
            ("experience", vocab.EXPERIENCE),
            ("maritalStatus", vocab.MARITAL),
            ("union", (True, False)),
        ):
            table = band.table(key)
            assert set(table) == set(values) and sum(table.values()) == 1, (key, band.lo)
    # the whole joint distribution sums to one, year by year of age
    assert sum(pop.age_probability(a) for a in range(vocab.MIN_AGE, vocab.MAX_AGE + 1)) == 1


def test_todays_tables_hold_the_corrected_figures():
    pop = today()
    pct = {k: v * 100 for k, v in pop.race.items()}
    assert pct == {
        "white": 61,
        "black": 12,
        "hispanic": 17,
        "asian": 6,
        "indigenous": 1,
        "multiracial": 3,
    }
    assert pop.gender["nonbinary"] == Fraction(1, 100)
    by_lo = {b.lo: b for b in pop.bands}
    assert Fraction(3, 100) <= by_lo[55].maritalStatus["widowed"] <= Fraction(4, 100)
    assert Fraction(8, 100) <= by_lo[65].maritalStatus["widowed"] <= Fraction(10, 100)
    assert Fraction(9, 100) <= by_lo[65].share <= Fraction(10, 100)
    assert pop.data.experience.kind == "model"


def test_every_table_names_a_source_and_explains_an_estimate(library):
    files = [library.population, *(e.population for e in library.eras)]
    for data in files:
        for key in ("gender", "race", "age", "education", "experience", "union", "maritalStatus"):
            table = getattr(data, key)
            assert len(table.source) > 20, (data.title, key)
            if table.kind != "statistic":
                assert table.note, (data.title, key)


@pytest.mark.parametrize(
    ("written", "exact"),
    [
        ("49%", Fraction(49, 100)),
        (0.49, Fraction(49, 100)),
        ("0.5%", Fraction(1, 200)),
        (0.1, Fraction(1, 10)),
        (1, Fraction(1)),
        ("12.25%", Fraction(49, 400)),
    ],
)
def test_shares_are_read_exactly(written, exact):
    assert parse_share(written) == exact


# ---------------------------------------------------------------- era odds, by enumeration


def admits(f: Filters, attrs: dict) -> bool:
    """The design's filter table, written out again here as an independent oracle."""

    def choice(value, actual, order=None):
        if value == "any":
            return True
        if isinstance(value, tuple):
            return actual in value
        if order:  # a single ordered value means that level or higher
            return order.index(actual) >= order.index(value)
        return actual == value

    return (
        choice(f.gender, attrs["gender"])
        and choice(f.race, attrs["race"])
        and f.minAge <= attrs["age"] <= f.maxAge
        and choice(f.education, attrs["education"], vocab.EDUCATION)
        and choice(f.experience, attrs["experience"], vocab.EXPERIENCE)
        and (f.union == "any" or f.union == attrs["union"])
        and choice(f.maritalStatus, attrs["maritalStatus"])
    )


KEYS = ("gender", "race", "age", "education", "experience", "union", "maritalStatus")
EVERYONE = list(
    itertools.product(
        vocab.GENDERS,
        vocab.RACES,
        range(vocab.MIN_AGE, vocab.MAX_AGE + 1),
        vocab.EDUCATION,
        vocab.EXPERIENCE,
        (True, False),
        vocab.MARITAL,
    )
)


def enumerate_odds(f: Filters, pop: Population) -> Fraction:
    """Sum the joint probability of every combination of attributes that passes."""
    total = Fraction(0)
    for combo in EVERYONE:
        attrs = dict(zip(KEYS, combo, strict=True))
        if admits(f, attrs):
            total += pop.weight(attrs)
    return total


def test_the_oracle_agrees_with_the_rules(library):
    rng = random.Random(7)
    base = build(APPLICANT)
    for posting in library.postings.values():
        for combo in rng.sample(EVERYONE, 40):
            attrs = dict(zip(KEYS, combo, strict=True))
            assert admits(posting.filters, attrs) == passes(posting.filters, replace(base, **attrs))


@pytest.mark.parametrize(
    ("posting_id", "era_id"),
    [
        ("industrial-district-schoolteacher", "industrial"),
        ("new-deal-longshore-hiring-hall", "new-deal-and-war"),
        ("postwar-stewardess", "postwar"),
        ("industrial-district-schoolteacher", "near-future"),  # any posting, any population
    ],
)
def test_era_odds_match_full_enumeration(library, board, posting_id, era_id):
    posting = library.postings[posting_id]
    era_pop = Population.from_file(library.era(era_id).population)
    expected = enumerate_odds(posting.filters, era_pop)
    assert pass_probability(posting.filters, era_pop) == expected
    if posting.era == era_id:
        assert board.odds[posting_id].era_odds == expected
        assert board.odds[posting_id].odds == pass_probability(posting.filters, today())
        assert board.odds[posting_id].odds != expected  # a different population, a different share


def test_every_posting_has_odds_against_its_own_era(library, board):
    for pid, entry in board.odds.items():
        era_pop = Population.from_file(library.era(entry.posting.era).population)
        assert entry.era_odds == pass_probability(entry.posting.filters, era_pop), pid
        assert 0 <= entry.era_odds <= 1


def test_a_verdict_carries_both_odds(board):
    verdict = board.verdict("industrial-district-schoolteacher", deal("abcdefgh"))
    entry = board.odds["industrial-district-schoolteacher"]
    assert (verdict.odds, verdict.era_odds) == (entry.odds, entry.era_odds)
    assert verdict.era_odds is not None


def test_zero_shares_in_an_era_break_nothing(library):
    """1910 has no count of nonbinary or multiracial people (0%); the applicant still comes from
    today, and the smallest fix is still found against today's population."""
    pop_1910 = Population.from_file(library.era("industrial").population)
    assert pop_1910.gender["nonbinary"] == 0
    nonbinary = Filters.model_validate({"gender": "nonbinary"})
    assert pass_probability(nonbinary, pop_1910) == 0
    assert pass_probability(nonbinary, today()) == Fraction(1, 100)
    applicant = build({**APPLICANT, "gender": "nonbinary", "race": "multiracial"})
    wanted = Filters.model_validate({"gender": "nonbinary", "education": "graduate"})
    fix = smallest_fix(wanted, applicant)
    assert fix is not None and fix.changes == (("education", "graduate"),)


# ---------------------------------------------------------------- validation, file and line


def line_of(text: str, needle: str) -> int:
    (n,) = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return n


def problems_with(tmp_path: Path, text: str) -> list[str]:
    minimal(tmp_path)
    write_population(tmp_path / "eras" / "test-era", text)
    with pytest.raises(ContentError) as info:
        load_library(tmp_path)
    return [str(p) for p in info.value.problems]


WHERE = "eras/test-era/population.yaml"


def test_a_copy_of_todays_population_is_a_valid_era_population(tmp_path):
    library = load_library(minimal(tmp_path))
    assert library.eras[0].population is not None
    assert library.eras[0].population.title == today().title


def test_a_table_that_does_not_sum_to_one(tmp_path):
    text = TODAY_TEXT.replace('nonbinary: "1%"', 'nonbinary: "2%"')
    assert problems_with(tmp_path, text) == [
        f"{WHERE}:{line_of(text, 'nonbinary: ')}: gender.shares adds up to 101%, not 100%"
    ]


def test_a_band_row_that_does_not_sum_to_one(tmp_path):
    old = '{ages: 55-64, single: "11%", married: "66%"'
    text = TODAY_TEXT.replace(old, '{ages: 55-64, single: "11%", married: "65.5%"')
    line = line_of(text, "ages: 55-64, single")
    assert problems_with(tmp_path, text) == [
        f"{WHERE}:{line}: maritalStatus.by_band[5] adds up to 99.5%, not 100%"
    ]


def test_an_unknown_value_suggests_the_right_one(tmp_path):
    text = TODAY_TEXT.replace('nonbinary: "1%"', 'nonbinry: "1%"')
    line = line_of(text, "nonbinry")
    assert problems_with(tmp_path, text) == [
        f"{WHERE}:{line}: unknown key 'gender.shares.nonbinry' (did you mean 'nonbinary'?)",
    ]


def test_a_missing_value_is_named(tmp_path):
    text = TODAY_TEXT.replace(', multiracial: "3%"', "")
    assert problems_with(tmp_path, text) == [
        f"{WHERE}:{line_of(text, 'white: ')}: missing required key 'race.shares.multiracial'"
    ]


def test_age_bands_must_be_contiguous_and_cover_18_to_70(tmp_path):
    text = TODAY_TEXT.replace("{ages: 22-24, share", "{ages: 23-24, share").replace(
        "{ages: 65-70, share", "{ages: 65-69, share"
    )
    found = problems_with(tmp_path, text)
    gap, last = line_of(text, "{ages: 23-24, share"), line_of(text, "{ages: 65-69, share")
    assert (
        f"{WHERE}:{gap}: age band 23-24 does not follow 18-21; bands must be contiguous (the next should start at 22)"
        in found
    )
    assert f"{WHERE}:{last}: the last age band ends at 69; it must end at 70" in found
    # the per-band tables no longer match the bands either
    first_edu = line_of(text, '{ages: 22-24, none: "8%"')
    assert (
        f"{WHERE}:{first_edu}: education.by_band must give one row per age band, in order: 18-21, 23-24, 25-34, 35-44, 45-54, 55-64, 65-69"
        in found
    )


def test_a_per_band_row_on_the_wrong_band(tmp_path):
    text = TODAY_TEXT.replace("{ages: 35-44, member", "{ages: 35-45, member")
    (msg,) = problems_with(tmp_path, text)
    assert msg.startswith(f"{WHERE}:{line_of(text, '35-45')}: union.by_band must give one row")


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            'female: "50%"',
            'female: "fifty"',
            "female:",
            "'gender.shares.female': 'fifty' is not a share",
        ),
        ('female: "50%"', "female: 50", "female:", "'gender.shares.female': 50 is outside 0-1"),
        (
            'female: "50%"',
            "female: true",
            "female:",
            "'gender.shares.female': true or false is not a share",
        ),
        (
            "{ages: 18-21, share",
            "{ages: eighteen, share",
            "eighteen",
            "'age.bands[0].ages': 'eighteen' is not an age band",
        ),
        (
            "{ages: 18-21, share",
            "{ages: 21-18, share",
            "21-18",
            "'age.bands[0].ages': age band 21-18 runs backwards",
        ),
    ],
)
def test_bad_values_are_named_at_their_line(tmp_path, old, new, needle, message):
    text = TODAY_TEXT.replace(old, new)
    found = problems_with(tmp_path, text)
    assert any(p.startswith(f"{WHERE}:{line_of(text, needle)}: {message}") for p in found), found


def test_every_table_needs_a_source(tmp_path):
    old = "union:\n  source: US Bureau of Labor Statistics"
    assert old in TODAY_TEXT
    text = TODAY_TEXT.replace(old, "union:\n  sauce: US Bureau of Labor Statistics")
    assert problems_with(tmp_path, text) == [
        f"{WHERE}:{line_of(text, 'sauce:')}: unknown key 'union.sauce' (did you mean 'source'?)",
    ]


def test_an_estimate_must_say_how(tmp_path):
    start = TODAY_TEXT.index("\nunion:\n")
    note = TODAY_TEXT.index("  note:", start)
    end = TODAY_TEXT.index("  by_band:", start)
    text = TODAY_TEXT[:note] + TODAY_TEXT[end:]
    lines = text.splitlines()
    union = lines.index("union:")
    kind = union + 1 + lines[union:].index("  kind: estimate")
    assert problems_with(tmp_path, text) == [
        f"{WHERE}:{kind}: union is marked 'estimate': add a note saying how it was worked out"
    ]


def test_an_era_without_a_population_file(tmp_path):
    minimal(tmp_path)
    (tmp_path / "eras" / "test-era" / "population.yaml").unlink()
    with pytest.raises(ContentError) as info:
        load_library(tmp_path)
    (problem,) = info.value.problems
    assert str(problem).startswith("eras/test-era:1: era folder 'test-era' has no population.yaml")


def test_check_reports_population_problems(tmp_path):
    text = TODAY_TEXT.replace('nonbinary: "1%"', 'nonbinary: "2%"')
    minimal(tmp_path)
    write_population(tmp_path / "eras" / "test-era", text)
    result = CliRunner().invoke(cli.check, [], env={"OTIOSE_CONTENT": str(tmp_path)})
    assert result.exit_code == 1
    line = line_of(text, "nonbinary: ")
    assert f"{WHERE}:{line}: gender.shares adds up to 101%, not 100% [OT021]" in result.output


# ---------------------------------------------------------------- the pages and the API


def text_of(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_posting_api_gives_both_odds(client, board):
    pid = "industrial-district-schoolteacher"
    data = client.get(f"/api/postings/{pid}").get_json()
    entry = board.odds[pid]
    assert data["odds"] == float(entry.odds) and data["era_odds"] == float(entry.era_odds)
    assert Fraction(data["era_odds_exact"]) == entry.era_odds != entry.odds
    assert data["era"]["population"] == "Adults aged 18 to 70, United States, 1910"
    listed = {p["id"]: p for p in client.get("/api/postings/").get_json()["postings"]}
    assert listed[pid]["era_odds"] == float(entry.era_odds)


def test_posting_and_era_pages_show_both_odds(client, board):
    entry = board.odds["industrial-district-schoolteacher"]
    said = (
        f"These filters passed {float(entry.era_odds) * 100:.1f}% of the working-age population "
        f"of 1910, and would pass {float(entry.odds) * 100:.1f}% of today's."
    )
    assert said in text_of(client.get("/postings/industrial-district-schoolteacher"))
    era_page = text_of(client.get("/eras/industrial"))
    assert said in era_page and "The people of 1910" in era_page
    assert "Source: Leo Troy, Trade Union Membership" in era_page
    future = text_of(client.get("/eras/near-future"))
    assert "of the working-age population projected for 2035" in future


def test_about_shows_todays_population_with_sources(client):
    page = text_of(client.get("/about"))
    assert "The applicant is the same person in every era" in page
    assert "white 61% Black 12% Hispanic 17% Asian 6% Indigenous 1% multiracial 3%" in page
    for table in ("gender", "race", "age", "education", "experience", "union", "maritalStatus"):
        source = getattr(today().data, table).source
        assert f"Source: {source}." in page.replace("&#39;", "'").replace("&#34;", '"'), table
    assert "Experience (the game's own model, not a statistic)" in page.replace("&#39;", "'")
