"""A dealt run as a game: budget, par, the run report, the daily applicant, share text, recourse,
and the run's Open Graph image. Domain only: no Flask here."""

from __future__ import annotations

import io
import itertools
import json
import random
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from helpers import APPLICANT, write_era, write_posting, write_specimen
from PIL import Image

from otiose import drawing
from otiose.content import load_library
from otiose.content.models import Filters
from otiose.game import daily as daily_mod
from otiose.game import picture, rules, signed
from otiose.game.board import Board
from otiose.game.character import SEED_RE, build, deal
from otiose.game.daily import LAUNCH, NoSuchDay, daily, parse_day, seed_for
from otiose.game.recourse import recourse
from otiose.game.run import BUDGET, RunError, check_choices, par, run_report, spend
from otiose.game.share import HIRED_MARK, REJECTED_MARK, share_text
from otiose.web import state

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "static" / "fonts"


def person(**attrs: object):
    base = {**APPLICANT, **attrs}
    return build({k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in base.items()})


def filters(**kw: object) -> Filters:
    return Filters.model_validate(kw)


POSTING = """\
---
id: {id}
title: {title}
company: {company}
location: Testville
type: Full-time
postedDate: January {day}, 2005
era: {era}
salary: $1
requirements:
  - Must type forty words a minute
  - Young persons preferred
  - A gentleman of sober habits
filters: {filters}
tells: {tells}
---
A body.
"""

# Filter sets for the small boards: from open to everyone to nearly no one.
FILTER_POOL = [
    {},
    {"maxAge": 35},
    {"minAge": 40},
    {"gender": "male"},
    {"gender": ["female", "nonbinary"]},
    {"race": "white"},
    {"education": "bachelor"},
    {"education": ["none", "high_school"]},
    {"experience": "experienced"},
    {"union": False},
    {"union": True},
    {"maritalStatus": "single"},
    {"gender": "male", "race": "white", "maxAge": 40},
    {"education": "graduate", "experience": "senior"},
]


def small_board(root: Path, chosen: list[dict], eras: int = 2) -> Board:
    """A board of ``len(chosen)`` postings spread over ``eras`` eras, loaded like real content."""
    write_specimen(root)
    for e in range(eras):
        write_era(root, f"era-{e}")
    for i, f in enumerate(chosen):
        tells = {k: 2 if k in ("maxAge", "minAge") else 3 for k in f if k in ("maxAge", "gender")}
        write_posting(
            root,
            f"post-{i}",
            era=f"era-{i % eras}",
            text=POSTING.format(
                id=f"post-{i}",
                title=f"Secret Title {i}",
                company=f"Hidden Company {i}",
                day=i + 1,
                era=f"era-{i % eras}",
                filters=json.dumps(f),
                tells=json.dumps(tells),
            ),
        )
    return Board(load_library(root))


@pytest.fixture
def board(tmp_path: Path) -> Board:
    return small_board(tmp_path, FILTER_POOL[:8])


# ---------------------------------------------------------------- budget


def test_budget_is_about_ten():
    assert 8 <= BUDGET <= 12


def test_spending_is_final_once_per_posting_and_within_budget(board: Board):
    postings = board.library.postings
    ids = list(postings)
    run: tuple[str, ...] = ()
    for pid in ids[:3]:
        run = spend(run, pid, postings, budget=3)
    assert run == tuple(ids[:3])
    with pytest.raises(RunError, match="all 3 applications are spent"):
        spend(run, ids[3], postings, budget=3)
    with pytest.raises(RunError, match="already applied"):
        spend(run[:2], ids[0], postings, budget=3)
    with pytest.raises(RunError, match="no posting"):
        spend((), "nope", postings)


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        (["post-0", "post-0"], "applied to twice"),
        (["post-0", "nope"], "no posting 'nope'"),
        (["post-0", 7], "no posting '7'"),
        ([f"post-{i}" for i in range(4)], "more than 3 applications"),
    ],
)
def test_choices_that_no_run_could_make_are_refused(board: Board, choices, message):
    with pytest.raises(RunError, match=message):
        check_choices(choices, board.library.postings, budget=3)
    with pytest.raises(RunError, match=message):
        run_report(board, person(), choices, budget=3)


# ---------------------------------------------------------------- par


def test_par_is_the_best_any_subset_of_the_budget_could_do(tmp_path: Path):
    """Brute force: every subset of every small board, against the closed form."""
    rng = random.Random(7)
    characters = [deal(s) for s in ("abcdefgh", "k7q2m9xd", "zzzzzzzz", "23456789")] + [
        person(),
        person(gender="male", race="white", age=25, union=True),
    ]
    for n_board in range(3):
        chosen = rng.sample(FILTER_POOL, 7)
        board = small_board(tmp_path / f"b{n_board}", chosen)
        ids = list(board.library.postings)
        for c in characters:
            hired = {pid for pid in ids if board.verdict(pid, c).hired}
            for budget in range(len(ids) + 2):
                best = max(
                    sum(pid in hired for pid in subset)
                    for k in range(min(budget, len(ids)) + 1)
                    for subset in itertools.combinations(ids, k)
                )
                assert par(board.library, c, budget) == best, (chosen, c, budget)
                assert run_report(board, c, [], budget).par == best


def test_par_is_never_more_than_the_budget_nor_the_postings_passed(app):
    board = state.site(app).board
    for seed in ("abcdefgh", "k7q2m9xd", "zzzzzzzz"):
        c = deal(seed)
        passed = sum(rules.passes(p.filters, c) for p in board.library.postings.values())
        assert par(board.library, c) == min(BUDGET, passed)


# ---------------------------------------------------------------- the run report


def test_report_scores_against_par_and_names_what_was_missed(board: Board):
    c = person(gender="female", race="black", age=30, union=False)
    lib = board.library
    ids = [p.id for e in lib.eras for p in lib.postings_by_era[e.id]]  # board order
    hired = [pid for pid in ids if board.verdict(pid, c).hired]
    rejected = [pid for pid in ids if not board.verdict(pid, c).hired]
    assert len(hired) >= 2 and len(rejected) >= 2
    chosen = [hired[0], *rejected[:2]]
    r = run_report(board, c, chosen, budget=3)
    assert (r.score, r.spent, r.left, r.finished) == (1, 3, 0, True)
    assert r.par == min(3, len(hired))
    assert [p.id for p in r.passed_over] == hired[1:]
    assert [g.verdict.posting.id for g in r.hopeless] == rejected[:2]
    partial = run_report(board, c, chosen[:1], budget=3)
    assert (partial.left, partial.finished) == (2, False)


def test_a_rejection_quotes_the_ad_line_that_gave_it_away(tmp_path: Path):
    board = small_board(tmp_path, [{"maxAge": 35}, {"gender": "male"}, {"union": True}])
    c = person(age=50, gender="female", union=False)
    r = run_report(board, c, ["post-0", "post-1", "post-2"])
    lines = {g.verdict.posting.id: (g.key, g.line) for g in r.hopeless}
    assert lines["post-0"] == ("maxAge", "Young persons preferred")
    assert lines["post-1"] == ("gender", "A gentleman of sober habits")
    assert lines["post-2"] == (None, None)  # this ad marks no tell for the union filter


# ---------------------------------------------------------------- the daily applicant


def test_daily_numbers_count_from_launch():
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert daily(LAUNCH, now).number == 1
    assert daily(LAUNCH + timedelta(days=1), now).number == 2
    assert daily(date(2026, 12, 1), now).number == 9


def test_daily_seed_is_the_same_everywhere_and_differs_by_day():
    assert seed_for(date(2026, 11, 23)) == seed_for(date(2026, 11, 23))
    assert seed_for(date(2026, 11, 23)) == "px27xqs2"  # pinned: a change would re-deal every day
    seeds = {seed_for(LAUNCH + timedelta(days=i)) for i in range(400)}
    assert len(seeds) == 400 and all(SEED_RE.match(s) for s in seeds)
    assert deal(seed_for(LAUNCH)) == deal(seed_for(LAUNCH))


def test_future_days_and_days_before_launch_have_no_applicant():
    now = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
    assert daily(date(2026, 11, 30), now).number == 8
    with pytest.raises(NoSuchDay, match="has not come yet"):
        daily(date(2026, 12, 1), now)
    with pytest.raises(NoSuchDay, match="first daily applicant"):
        daily(LAUNCH - timedelta(days=1), now)


def test_today_is_utc():
    # 23:30 in New York on the 24th is already the 25th in UTC
    ny = datetime(2026, 11, 24, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert daily_mod.today(ny) == date(2026, 11, 25)


@pytest.mark.parametrize("text", ["2026-11-3", "20261123", "2026-W48-1", "2026-13-01", "x" * 99])
def test_bad_dates_are_refused(text: str):
    with pytest.raises(ValueError):
        parse_day(text)


def test_good_dates_parse():
    assert parse_day("2026-11-23") == date(2026, 11, 23)


# ---------------------------------------------------------------- share text


def _spoilers(board: Board, ids: list[str]) -> set[str]:
    """Every posting title, company and filter value a share text must not carry."""
    out: set[str] = set()
    for pid in ids:
        p = board.library.postings[pid]
        out |= {p.title, p.company, *p.requirements}
        for key in rules.LABELS:
            if rules.is_active(p.filters, key):
                out.add(rules.wanted_text(p.filters, key))
                value = getattr(p.filters, key)
                values = value if isinstance(value, tuple) else (value,)
                out |= {str(v) for v in values}
    return out


def test_share_text_scores_and_marks_without_spoilers(app):
    site = state.site(app)
    board, eras = site.board, site.library.eras
    c = deal("abcdefgh")
    ids = [p.id for era in eras for p in site.library.postings_by_era[era.id][:2]][:BUDGET]
    r = run_report(board, c, ids)
    text = share_text(r, eras, "Otiose daily No. 1", "https://otiose.example/play/daily/2026-11-23")
    lines = text.splitlines()
    assert lines[0] == "Otiose daily No. 1"
    assert (
        lines[1]
        == f"{r.score} offer{'s' if r.score != 1 else ''} of a possible {r.par}, 10 of 10 applications"
    )
    assert lines[-1] == "https://otiose.example/play/daily/2026-11-23"
    marks = "".join(re.findall(f"[{HIRED_MARK}{REJECTED_MARK}]", text))
    assert marks.count(HIRED_MARK) == r.score and len(marks) == r.spent
    # grouped by era, in board order, marks in the order applied
    expected = [
        f"{e.name} "
        + "".join(HIRED_MARK if v.hired else REJECTED_MARK for v in r.verdicts if v.era.id == e.id)
        for e in eras
        if any(v.era.id == e.id for v in r.verdicts)
    ]
    assert lines[2:-1] == expected
    folded = text.casefold()
    for spoiler in _spoilers(board, ids):
        assert not re.search(rf"\b{re.escape(spoiler.casefold())}\b", folded), spoiler


def test_share_text_spoiler_check_would_catch_a_title(app):
    """The check above can fail: a text with a posting title in it is caught."""
    site = state.site(app)
    pid = next(iter(site.library.postings))
    leaked = f"Otiose run abcdefgh\n{site.library.postings[pid].title}"
    assert any(
        re.search(rf"\b{re.escape(s.casefold())}\b", leaked.casefold())
        for s in _spoilers(site.board, [pid])
    )


# ---------------------------------------------------------------- recourse


def test_recourse_for_what_a_person_can_act_on():
    r = recourse(filters(education="bachelor"), person(education="high_school"))
    assert r is not None and r.sentences() == ("Recourse: a bachelor's degree.",)
    r = recourse(filters(union=True), person(union=False))
    assert r is not None and r.sentences() == ("Recourse: a union card.",)
    r = recourse(filters(union=False, education="graduate"), person(union=True))
    assert r is not None
    assert r.sentences() == ("Recourse: a graduate degree and giving up the union card.",)


def test_no_recourse_for_what_a_person_was_born_with():
    r = recourse(filters(gender="male", race="white"), person(gender="female", race="black"))
    assert r is not None
    assert r.sentences() == ("No recourse: only being born white and male would have done it.",)
    r = recourse(filters(maxAge=40), person(age=52))
    assert r is not None
    assert r.sentences() == ("No recourse: only being born 12 years later would have done it.",)
    r = recourse(filters(minAge=40), person(age=39))
    assert r is not None
    assert r.sentences() == ("No recourse: only being born a year earlier would have done it.",)
    r = recourse(filters(maxAge=40, race="white"), person(age=41, race="black"))
    assert r is not None
    assert r.sentences() == (
        "No recourse: only being born white, a year later would have done it.",
    )


def test_recourse_and_no_recourse_when_it_takes_both():
    r = recourse(filters(gender="male", education="graduate"), person(gender="female"))
    assert r is not None
    assert r.sentences() == (
        "Recourse: a graduate degree.",
        "No recourse for the rest: it would also have taken being born male.",
    )


def test_gender_and_race_are_never_offered_as_something_to_change(app):
    board = state.site(app).board
    words = {"male", "female", "nonbinary", "man", "woman", *rules.VALUE_TEXT["race"].values()}
    for seed in ("abcdefgh", "k7q2m9xd", "zzzzzzzz", "mmmmmmmm"):
        c = deal(seed)
        for pid in board.library.postings:
            v = board.verdict(pid, c)
            if v.hired:
                assert v.recourse is None
                continue
            assert v.recourse is not None
            for action in v.recourse.actions:
                assert not set(re.findall(r"[A-Za-z]+", action)) & words, (pid, action)
            for sentence in v.recourse.sentences():
                if sentence.startswith("Recourse:"):
                    assert not set(re.findall(r"[A-Za-z]+", sentence)) & words, sentence


def test_no_recourse_when_no_one_passes():
    r = recourse(filters(maxAge=21, education="graduate"), person())
    assert r is not None and not r.possible
    assert r.sentences() == ("No recourse: no applicant who could exist passes these filters.",)


def test_no_recourse_needed_when_hired():
    assert recourse(filters(), person()) is None


# ---------------------------------------------------------------- the run's picture


def _png(app, seed: str, n: int) -> tuple[bytes, object]:
    site = state.site(app)
    ids = list(site.library.postings)[:n]
    r = run_report(site.board, deal(seed), ids)
    return picture.run_image(r, site.library.eras, "Daily No. 1 · 2026-11-23", FONTS), r


def test_run_image_is_a_1200_by_630_png(app):
    data, _ = _png(app, "abcdefgh", BUDGET)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = Image.open(io.BytesIO(data))
    assert img.format == "PNG" and img.size == (1200, 630)
    # in the site's paper colour, not a blank or black canvas
    assert img.convert("RGB").getpixel((5, 600)) == drawing.PAPER


def test_run_image_is_deterministic_and_depends_on_the_run(app):
    first, _ = _png(app, "abcdefgh", BUDGET)
    drawing.font.cache_clear()
    again, _ = _png(app, "abcdefgh", BUDGET)
    assert first == again
    assert _png(app, "abcdefgh", 3)[0] != first
    assert _png(app, "k7q2m9xd", BUDGET)[0] != first


# ---------------------------------------------------------------- signed state


def test_state_round_trips_and_refuses_forgeries(board: Board):
    postings = board.library.postings
    token = signed.dump("s3cret", "abcdefgh", ("post-0", "post-1"))
    assert signed.load("s3cret", token, "abcdefgh", postings) == ("post-0", "post-1")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    cases = {
        tampered: "altered",
        signed.dump("other", "abcdefgh", ("post-0",)): "altered",
        signed.dump("s3cret", "zzzzzzzz", ("post-0",)): "different applicant",
        signed.dump("s3cret", "abcdefgh", ("post-0", "post-0")): "twice",
        signed.dump("s3cret", "abcdefgh", ("nope",)): "no posting",
        "x" * 5000: "too long",
    }
    for bad, message in cases.items():
        with pytest.raises(signed.BadState, match=message):
            signed.load("s3cret", bad, "abcdefgh", postings)


def test_a_signed_state_cannot_carry_more_than_the_budget(board: Board):
    ids = tuple(board.library.postings)[:4]
    token = signed.dump("s3cret", "abcdefgh", ids)  # signed by us, but no run has four of three
    with pytest.raises(signed.BadState, match="more than 3 applications"):
        signed.load("s3cret", token, "abcdefgh", board.library.postings, budget=3)
    assert signed.load("s3cret", token, "abcdefgh", board.library.postings, budget=4) == ids


def test_an_older_state_does_not_extend_a_newer_one():
    assert signed.extends(("a",), ("a", "b"))
    assert signed.extends((), ("a",))
    assert signed.extends(("a", "b"), ("a", "b"))
    assert not signed.extends(("a", "b"), ("a",))  # replaying an earlier token takes one back
    assert not signed.extends(("a",), ("b", "c"))


@pytest.mark.parametrize(
    ("seed", "hires"),
    [
        ("g75uedvb", ("corporate-gal-guy-friday", "corporate-replacement-job-line")),
        ("aaaaaaaa", ("new-deal-longshore-hiring-hall", "new-deal-wing-riveter")),
    ],
)
def test_two_offers_in_one_era_are_not_the_same_letter(seed, hires):
    board = Board(load_library(ROOT))
    c = deal(seed)
    verdicts = [board.verdict(pid, c) for pid in hires]
    assert all(v.hired for v in verdicts)
    letters = [
        v.letter.replace(v.posting.title, "").replace(v.posting.company, "") for v in verdicts
    ]
    assert letters[0] != letters[1]


def test_plural_counts_in_the_words_form_and_groups_thousands(app) -> None:
    from otiose.words import plural

    assert plural(1, "offer") == "1 offer"
    assert plural(0, "offer") == "0 offers"
    assert plural(1204, "run") == "1,204 runs"
    assert plural(1, "application", number=False) == "application"
    assert plural(2, "application", number=False) == "applications"
    # the templates' filter is the same function: a run's tally after one application
    with app.test_request_context():
        render = app.jinja_env.from_string(
            "{{ n|plural('run') }}, {{ m|plural('offer', number=False) }}"
        )
        assert render.render(n=12000, m=1) == "12,000 runs, offer"


def test_join_and_reads_as_a_list_in_english() -> None:
    from otiose.words import join_and

    assert join_and(["a degree"]) == "a degree"
    assert join_and(["a", "b"]) == "a and b"
    assert join_and(("a", "b", "c")) == "a, b and c"
    assert join_and([]) == ""
