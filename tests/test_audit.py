"""The audit desk's domain: exact rates against brute force, the four-fifths rule at its boundary,
the law timeline on the day before and the day each law came into force, and the posting draft."""

from __future__ import annotations

import random
import sys
from collections import Counter
from datetime import date, timedelta
from fractions import Fraction
from math import lcm
from pathlib import Path

import pytest
from click.testing import CliRunner

from otiose import cli
from otiose.audit import exact, law
from otiose.audit.population import PopulationTables, reference_odds, today
from otiose.audit.posting import era_for, filters_json, posting_text
from otiose.content import ContentError, load_library, vocab
from otiose.content.models import Filters
from otiose.game import rules

TODAY = today()


# ---------------------------------------------------------------- brute force


def _people(t: PopulationTables) -> list[tuple[tuple, int]]:
    """Every kind of person in the population with an integer weight (exact, over one
    common denominator): (gender, race, age, education, experience, union, marital)."""
    rows: list[tuple[tuple, Fraction]] = []
    for b, (lo, hi, share) in enumerate(t.bands):
        per_year = share / (hi - lo + 1)
        for age in range(lo, hi + 1):
            for e, pe in t.education[b].items():
                for x, px in t.experience[b].items():
                    for u, pu in ((True, t.union[b]), (False, 1 - t.union[b])):
                        for m, pm in t.marital[b].items():
                            p = per_year * pe * px * pu * pm
                            if p:
                                rows.append(((age, e, x, u, m), p))
    people = []
    for g, pg in t.gender.items():
        for r, pr in t.race.items():
            for attrs, p in rows:
                if pg * pr * p:
                    people.append(((g, r, *attrs), pg * pr * p))
    den = lcm(*(p.denominator for _, p in people))
    return [(who, int(p * den)) for who, p in people]


_BRUTE: dict[int, tuple[list[tuple[tuple, int]], int]] = {}


def brute(filters: Filters, t: PopulationTables = TODAY) -> dict[tuple[str, str], Fraction | None]:
    """Rate of every group by summing over every person."""
    if id(t) not in _BRUTE:
        people = _people(t)
        _BRUTE[id(t)] = (people, sum(w for _, w in people))
    people, _ = _BRUTE[id(t)]
    ok = {k: set(rules.allowed(filters, k)) for k in (*rules.CHOICES, "union")}
    lo, hi = filters.minAge, filters.maxAge
    size: Counter[tuple[str, str]] = Counter()
    passed: Counter[tuple[str, str]] = Counter()
    for (g, r, age, e, x, u, m), w in people:
        groups = (
            ("gender", g),
            ("race", r),
            ("age_group", "under_40" if age < 40 else "40_and_over"),
            ("gender_race", f"{g}:{r}"),
        )
        size.update(dict.fromkeys(groups, w))
        if (
            g in ok["gender"]
            and r in ok["race"]
            and lo <= age <= hi
            and e in ok["education"]
            and x in ok["experience"]
            and u in ok["union"]
            and m in ok["maritalStatus"]
        ):
            passed.update(dict.fromkeys(groups, w))
    return {key: Fraction(passed[key], n) for key, n in size.items()}


CASES = [
    {},
    {"gender": "male", "maxAge": 39, "union": False},
    {"gender": ["female", "nonbinary"], "race": ["black", "asian"], "minAge": 30, "maxAge": 45},
    {"education": "bachelor", "experience": ["junior", "senior"], "maritalStatus": "married"},
    {"race": "white", "minAge": 40, "union": True, "education": ["none", "graduate"]},
    {"minAge": 26, "maxAge": 44, "education": "graduate", "experience": "experienced"},
]


@pytest.mark.parametrize("raw", CASES)
def test_rates_and_ratios_match_brute_force(raw):
    filters = Filters.model_validate(raw)
    result = exact.audit(filters, TODAY)
    expected = brute(filters)
    assert len(result.groups) == len(expected) == 3 + 6 + 2 + 18
    for group in result.groups:
        assert group.rate == expected[(group.attribute, group.value)], group
    for attribute in exact.ATTRIBUTES:
        rates = {k[1]: v for k, v in expected.items() if k[0] == attribute}
        best = max(rates.values())
        for group in result.of(attribute):
            want = rates[group.value] / best if best else None
            assert group.ratio == want, group
            assert group.flagged == (want is not None and want < Fraction(4, 5))


@pytest.mark.parametrize("raw", [CASES[1], CASES[2], CASES[4]])
def test_each_filter_alone_against_brute_force(raw):
    filters = Filters.model_validate(raw)
    result = exact.audit(filters, TODAY)
    assert result.exclusions, "every case has an active filter"
    for exclusion in result.exclusions:
        only = {exclusion.key: filters.model_dump(mode="json")[exclusion.key]}
        alone = brute(Filters.model_validate(only))
        for group, share in zip(result.groups, exclusion.by_group, strict=True):
            assert share == 1 - alone[(group.attribute, group.value)], (exclusion.key, group)


def test_odds_equal_the_games_for_random_filters():
    rnd = random.Random(7)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from bench_audit import random_filters

    for _ in range(300):
        filters = random_filters(rnd)
        assert exact.audit(filters, TODAY).odds == reference_odds(filters, TODAY)


def test_tables_from_a_typed_population_equal_the_module_tables():
    from types import SimpleNamespace

    from otiose.audit.population import board_tables, from_population

    bands = [
        SimpleNamespace(
            lo=lo,
            hi=hi,
            share=share,
            education=TODAY.education[i],
            experience=TODAY.experience[i],
            union={True: TODAY.union[i], False: 1 - TODAY.union[i]},
            maritalStatus=TODAY.marital[i],
        )
        for i, (lo, hi, share) in enumerate(TODAY.bands)
    ]
    typed = SimpleNamespace(gender=TODAY.gender, race=TODAY.race, bands=tuple(bands))
    board = SimpleNamespace(population=typed, era_populations={"postwar": typed})
    tables = board_tables(board)
    assert set(tables) == {"today", "postwar"} and board_tables(board) is tables
    for built in (from_population(typed, "today"), tables["postwar"]):
        for field in ("gender", "race", "bands", "education", "experience", "union", "marital"):
            assert getattr(built, field) == getattr(TODAY, field), field
    filters = Filters(gender="female", maxAge=50, union=True)
    assert exact.audit(filters, tables["postwar"]).groups == exact.audit(filters, TODAY).groups


# ---------------------------------------------------------------- the four-fifths rule


def test_four_fifths_boundary_exactly_four_fifths_is_not_flagged():
    assert not exact.flagged(Fraction(4, 5))
    assert exact.flagged(Fraction(4, 5) - Fraction(1, 10**12))
    assert not exact.flagged(Fraction(4, 5) + Fraction(1, 10**12))
    assert not exact.flagged(None)


def _two_band_population(member_share_over_40: Fraction, **overrides) -> PopulationTables:
    """Under-40s never in a union, 40-and-overs sometimes: a union=false filter then selects
    40-and-overs at exactly (1 - member share) of the under-40s' rate."""
    every = {"none": Fraction(1, 4), "junior": Fraction(1, 4)}
    every |= {"experienced": Fraction(1, 4), "senior": Fraction(1, 4)}
    edu = {"none": Fraction(1, 4), "high_school": Fraction(1, 4)}
    edu |= {"bachelor": Fraction(1, 4), "graduate": Fraction(1, 4)}
    mar = {"single": Fraction(1, 2), "married": Fraction(1, 2)}
    mar |= {"divorced": Fraction(0), "widowed": Fraction(0)}
    fields = dict(
        name="two-band",
        gender={"male": Fraction(1, 2), "female": Fraction(1, 2), "nonbinary": Fraction(0)},
        race={r: Fraction(1, 6) for r in vocab.RACES},
        bands=((18, 39, Fraction(1, 2)), (40, 70, Fraction(1, 2))),
        education=(edu, edu),
        experience=(every, every),
        union=(Fraction(0), member_share_over_40),
        marital=(mar, mar),
    )
    fields.update(overrides)
    return PopulationTables(**fields)


def test_four_fifths_at_the_boundary_on_a_whole_audit():
    no_union = Filters(union=False)
    at = exact.audit(no_union, _two_band_population(Fraction(1, 5)))
    older = at.group("age_group", "40_and_over")
    assert older.ratio == Fraction(4, 5) and not older.flagged
    under = exact.audit(no_union, _two_band_population(Fraction(1, 5) + Fraction(1, 10**9)))
    older = under.group("age_group", "40_and_over")
    assert older.ratio < Fraction(4, 5) and older.flagged
    assert under.worst == older


def test_a_group_with_no_one_in_it_has_no_rate_and_is_never_flagged():
    result = exact.audit(Filters(gender="male"), _two_band_population(Fraction(1, 5)))
    nonbinary = result.group("gender", "nonbinary")
    assert nonbinary.weight == 0
    assert nonbinary.rate is None and nonbinary.ratio is None and not nonbinary.flagged
    women = result.group("gender", "female")
    assert women.rate == 0 and women.ratio == 0 and women.flagged


def test_when_no_one_passes_nothing_is_compared_or_flagged():
    # No one aged 18-21 holds a graduate degree in today's population.
    result = exact.audit(Filters(maxAge=21, education="graduate"), TODAY)
    assert result.odds == 0
    assert all(g.rate in (0, None) for g in result.groups)
    assert all(g.ratio is None and not g.flagged for g in result.groups)
    assert result.worst is None


# ---------------------------------------------------------------- the law


def test_the_law_file_loads_and_every_superseded_law_names_its_successor():
    laws = law.load().laws
    assert {x.jurisdiction for x in laws} == {"us", "uk"}
    ids = {x.id for x in laws}
    for entry in laws:
        assert entry.superseded_by is None or entry.superseded_by in ids
        assert entry.source.startswith("https://")


def _triggering(cover: law.Cover) -> Filters:
    """A filter set that turns away someone ``cover`` protects."""
    key = cover.filter
    if key == "minAge":
        lo, _ = cover.ages or (vocab.MIN_AGE, vocab.MAX_AGE)
        return Filters(minAge=lo + 1)
    if key == "maxAge":
        _, hi = cover.ages or (vocab.MIN_AGE, vocab.MAX_AGE)
        return Filters(maxAge=hi - 1)
    if key == "union":
        protected = cover.values[0] if cover.values else True
        return Filters(union=not protected)
    values = rules.CHOICES[key]
    refused = cover.values[0] if cover.values else values[0]
    return Filters.model_validate({key: [v for v in values if v != refused]})


UNLAWFUL = [
    (entry, cover)
    for entry in law.timeline().laws
    for cover in entry.covers
    if cover.rule == "unlawful"
]


@pytest.mark.parametrize("entry,cover", UNLAWFUL, ids=lambda x: getattr(x, "id", None) or "")
def test_each_law_on_the_day_before_and_the_day_it_came_into_force(entry, cover):
    filters = _triggering(cover)
    day_before = entry.in_force - timedelta(days=1)
    before = law.rule_on(filters, day_before, entry.jurisdiction)
    on = law.rule_on(filters, entry.in_force, entry.jurisdiction)
    ruling_before = next(r for r in before if r.filter == cover.filter)
    ruling_on = next(r for r in on if r.filter == cover.filter)
    assert ruling_before.law is not entry
    assert ruling_on.lawful is False
    # Decided by this law, or by an older one that already protected the same people.
    assert ruling_on.law is entry or ruling_on.law.in_force < entry.in_force
    if ruling_on.law is entry:
        assert ruling_on.in_force == entry.in_force
        assert ruling_on.citation and entry.citation in ruling_on.citation


@pytest.mark.parametrize(
    "jurisdiction,filters,first_day,deciding",
    [
        ("us", Filters(gender="male"), date(1965, 7, 2), "title-vii"),
        ("us", Filters(race="white"), date(1965, 7, 2), "title-vii"),
        ("us", Filters(maxAge=50), date(1968, 6, 12), "adea-1967"),
        ("us", Filters(maxAge=66), date(1979, 1, 1), "adea-1978"),
        ("us", Filters(maxAge=69), date(1987, 1, 1), "adea-1986"),
        ("us", Filters(union=False), date(1935, 7, 5), "wagner-act"),
        ("us", Filters(union=True), date(1947, 8, 22), "taft-hartley"),
        ("uk", Filters(race="white"), date(1968, 11, 26), "race-relations-act-1968"),
        ("uk", Filters(gender="male"), date(1975, 12, 29), "sex-discrimination-act-1975"),
        ("uk", Filters(maritalStatus="single"), date(1975, 12, 29), "sex-discrimination-act-1975"),
        ("uk", Filters(union=True), date(1991, 1, 1), "employment-act-1990"),
        ("uk", Filters(minAge=30), date(2006, 10, 1), "age-regulations-2006"),
        ("uk", Filters(maxAge=66), date(2011, 4, 6), "retirement-repeal-2011"),
    ],
)
def test_lawful_the_day_before_unlawful_the_day_of(jurisdiction, filters, first_day, deciding):
    (before,) = law.rule_on(filters, first_day - timedelta(days=1), jurisdiction)
    (on,) = law.rule_on(filters, first_day, jurisdiction)
    assert before.lawful is True
    assert on.lawful is False and on.law is not None and on.law.id == deciding
    assert on.in_force == first_day


def test_the_equality_act_takes_over_on_its_first_day():
    sex = Filters(gender="female")
    (before,) = law.rule_on(sex, date(2010, 9, 30), "uk")
    (on,) = law.rule_on(sex, date(2010, 10, 1), "uk")
    assert before.law.id == "sex-discrimination-act-1975" and not before.lawful
    assert on.law.id == "equality-act-2010" and not on.lawful


def test_marital_status_is_silent_in_us_federal_law_and_single_people_unprotected_in_the_uk():
    (us,) = law.rule_on(Filters(maritalStatus="single"), date(2020, 1, 1), "us")
    assert us.lawful is None and us.law.id == "title-vii"
    (uk,) = law.rule_on(Filters(maritalStatus="married"), date(2020, 1, 1), "uk")
    assert uk.lawful is True  # refusing single people: the Act protects the married only


def test_education_is_lawful_on_its_face_with_griggs_as_the_test_from_1971():
    (before,) = law.rule_on(Filters(education="bachelor"), date(1971, 3, 7), "us")
    (on,) = law.rule_on(Filters(education="bachelor"), date(1971, 3, 8), "us")
    assert before.lawful is True and not before.impact and before.law is None
    assert on.lawful is True and on.impact and on.law.id == "griggs"


def test_before_any_law_the_desk_says_none_was_read_to_forbid_it():
    """The Civil Rights Act of 1866 was law in 1950, but no court read it to reach a private
    employer before the late 1960s: "no federal law forbade it" would overstate the silence."""
    (race,) = law.rule_on(Filters(race="white"), date(1950, 1, 1), "us")
    assert race.lawful is True and race.law is None
    assert race.reason == "No federal law in force on that date was read to forbid it."


def test_an_age_limit_outside_the_protected_band_is_lawful_and_says_why():
    (ruling,) = law.rule_on(Filters(maxAge=66), date(1970, 1, 1), "us")
    assert ruling.lawful is True and ruling.law.id == "adea-1967"
    assert "outside" in ruling.reason


def test_a_minimum_age_over_40_before_cline_is_unsettled_not_lawful():
    """Before Cline (2004) the EEOC read the ADEA to forbid preferring an older protected
    applicant to a younger one; "no law was read to forbid it" would not be true of those years."""
    (ruling,) = law.rule_on(Filters(minAge=50), date(1995, 1, 1), "us")
    assert ruling.lawful is None and ruling.verdict == "unsettled"
    assert ruling.law is not None and ruling.law.id == "adea-1986"
    assert "Cline" in ruling.reason and "1625.2" in ruling.reason
    (after,) = law.rule_on(Filters(minAge=50), date(2004, 2, 24), "us")
    assert after.verdict == "lawful" and after.law is not None and after.law.id == "cline"
    # A minimum age that turns away only people under 40 never touched the question.
    (young,) = law.rule_on(Filters(minAge=30), date(1995, 1, 1), "us")
    assert young.verdict == "lawful" and young.law is None
    # Under the 1967 Act the band stopped at 64: a minimum of 70 still turned away 40-64.
    (old,) = law.rule_on(Filters(minAge=70), date(1970, 1, 1), "us")
    assert old.verdict == "unsettled" and old.law is not None and old.law.id == "adea-1967"


def test_silent_and_unsettled_are_told_apart():
    (marital,) = law.rule_on(Filters(maritalStatus="single"), date(1995, 1, 1), "us")
    assert marital.lawful is None and marital.verdict == "silent"


def test_law_file_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "law.yaml"
    text = law.LAW_FILE.read_text(encoding="utf-8")
    text = text.replace("in_force: 1965-07-02", "in_force: 1965-13-02", 1)
    text = text.replace("rule: impact", "rule: maybe", 1)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        law.load(bad, "law.yaml")
    lines = text.splitlines()
    got = {(p.line, p.message.split(":")[0]) for p in caught.value.problems}
    date_line = next(i for i, x in enumerate(lines, 1) if "1965-13-02" in x)
    rule_line = next(i for i, x in enumerate(lines, 1) if "rule: maybe" in x)
    assert {p.line for p in caught.value.problems} == {date_line, rule_line}, got
    assert all(p.path == "law.yaml" for p in caught.value.problems)


def test_cross_checks_in_the_law_file(tmp_path):
    bad = tmp_path / "law.yaml"
    text = law.LAW_FILE.read_text(encoding="utf-8")
    text = text.replace("superseded_by: adea-1978", "superseded_by: adea-1977", 1)
    text = text.replace("ages: [40, 64]", "ages: [64, 40]", 1)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        law.load(bad, "law.yaml")
    messages = [str(p) for p in caught.value.problems]
    assert any("adea-1977" in m for m in messages), messages
    assert any("ages must run low to high" in m for m in messages), messages


def test_check_validates_the_law_file(tmp_path, monkeypatch):
    bad = tmp_path / "law.yaml"
    bad.write_text("laws:\n  - id: x\n", encoding="utf-8")
    monkeypatch.setattr(law, "LAW_FILE", bad)
    result = CliRunner().invoke(cli.check, [])
    assert result.exit_code == 1
    assert f"{bad}:2: " in result.output


# ---------------------------------------------------------------- the example from the issue


def test_men_under_40_no_union_card_1966_united_states():
    filters = Filters(gender="male", maxAge=39, union=False)
    result = exact.audit(filters, TODAY)
    for value in ("female", "nonbinary"):
        women = result.group("gender", value)
        assert women.rate == 0 and women.flagged
    union = next(e for e in result.exclusions if e.key == "union")
    assert union.turns_away == ("union members",)
    gender = next(e for e in result.exclusions if e.key == "gender")
    assert "women" in gender.turns_away
    women_index = result.groups.index(result.group("gender", "female"))
    assert gender.by_group[women_index] == 1  # every woman, on this filter alone
    rulings = {r.filter: r for r in law.rule_on(filters, date(1966, 6, 1), "us")}
    assert rulings["union"].lawful is False and rulings["union"].law.id == "wagner-act"
    assert rulings["gender"].lawful is False and rulings["gender"].law.id == "title-vii"
    assert date(1966, 6, 1) - rulings["gender"].in_force < timedelta(days=366)  # just now
    assert rulings["union"].in_force.year == 1935  # long since
    assert rulings["maxAge"].lawful is True  # the ADEA was two years off


# ---------------------------------------------------------------- the posting draft


# a date in an era; in the gap between two (nearer the earlier, then the later); before the
# first era and after the last; today (the desk's default), whatever year that is
DRAFT_DAYS = [date(1966, 6, 1), date(2027, 3, 1), date(2030, 3, 1), date(1850, 1, 1),
              date(2099, 12, 31), date.today()]  # fmt: skip


@pytest.mark.parametrize("day", DRAFT_DAYS, ids=str)
def test_the_downloaded_posting_passes_check_once_filled_in(content: Path, day: date):
    filters = Filters.model_validate(
        {"gender": ["male"], "maxAge": 39, "union": False, "education": "bachelor"}
    )
    eras = [(e.id, e.years.start, e.years.end) for e in load_library(content).eras]
    era = era_for(day, eras)
    name, text = posting_text(filters, day, era)
    path = content / "eras" / era / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_library(content)
    assert {p.code for p in caught.value.problems} == {"OT020"}
    filled = (
        text.replace("TODO: the job title, as the ad gives it", "Junior Ledger Clerk")
        .replace("TODO: an invented company", "Consolidated Abacus Co.")
        .replace("TODO: a town or city", "Dayton, Ohio")
        .replace("TODO: the advertised pay, in the money of the day", "$80 a week")
        .replace("TODO: the first requirement, as the ad words it", "Young man, neat hand")
        .replace("TODO: another requirement", "Steady habits")
        .replace("TODO: describe the job", "Post entries in the ledger")
    )
    assert "TODO" not in filled
    path.write_text(filled, encoding="utf-8")
    library = load_library(content)
    posting = library.postings[path.stem]
    assert posting.filters == filters
    assert posting.posted == day
    assert f"filters: {filters_json(filters)}\n" in filled


def test_the_draft_is_in_the_seeds_format():
    _, text = posting_text(Filters(), date(2020, 1, 15), "digital")
    assert text.startswith("---\nid: audit-desk-2020-")
    assert "postedDate: January 15, 2020\n" in text
    assert (
        'filters: {"gender":"any","race":"any","minAge":18,"maxAge":70,"education":"any",'
        '"experience":"any","union":"any","maritalStatus":"any"}\n---\n' in text
    )


def test_era_for_a_date():
    eras = [("postwar", 1955, 1972), ("corporate", 1973, 1994), ("digital", 2008, 2025)]
    assert era_for(date(1966, 1, 1), eras) == "postwar"
    assert era_for(date(1973, 1, 1), eras) == "corporate"
    assert era_for(date(2005, 1, 1), eras) == "digital"  # nearest
    assert era_for(date(1899, 1, 1), eras) == "postwar"


def test_the_1990_act_makes_an_advert_proof_of_the_reason_not_an_offence():
    """Employment Act 1990, s. 1 (now TULRCA s. 137(3)): an advert saying members only, or
    non-members only, is conclusive proof of why a refused applicant was refused; publishing it
    was not itself made unlawful."""
    act = next(x for x in law.timeline().laws if x.id == "employment-act-1990")
    (cover,) = act.covers
    assert "advertising either condition" not in cover.reason
    assert "conclusive" in cover.reason and "advert" in cover.reason


def test_members_only_under_the_wagner_act_is_lawful_as_a_closed_shop_not_as_unprotected():
    """The Wagner Act forbade discrimination to encourage membership as well as to discourage
    it; a members-only hire was lawful through its closed-shop proviso, not because non-members
    were outside its protection."""
    (ruling,) = law.rule_on(Filters(union=True), date(1940, 1, 1), "us")
    assert ruling.lawful is True and ruling.law is not None and ruling.law.id == "wagner-act"
    assert "closed-shop" in ruling.reason
    assert "outside the protection" not in ruling.reason


def test_only_unlawful_and_unsettled_rules_take_ages(tmp_path):
    """`ages` narrows whom a rule reaches; on "lawful" it would say nothing, so it is refused."""
    bad = tmp_path / "law.yaml"
    text = law.LAW_FILE.read_text(encoding="utf-8")
    assert "rule: unsettled\n        ages: [40, 64]" in text  # accepted as it stands
    cline = "      - filter: minAge\n        rule: lawful\n"
    assert cline in text
    bad.write_text(text.replace(cline, cline + "        ages: [40, 70]\n", 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        law.load(bad, "law.yaml")
    (problem,) = caught.value.problems
    assert "narrow an unlawful or unsettled rule only" in str(problem)
