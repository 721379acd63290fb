"""The spec test: every real content file, held to the contract and to the house rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from otiose.content import load_library, vocab
from otiose.game.board import Board
from otiose.game.character import build
from otiose.game.rules import passes

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURE = Path(__file__).parent / "fixtures" / "seed-format-posting.md"


@pytest.fixture(scope="module")
def library():
    return load_library(ROOT)


def test_every_file_validates_and_the_counts_hold(library):
    assert len(library.specimens) >= 24
    assert len({s.family for s in library.specimens.values()}) >= 5
    assert len(library.eras) >= 5
    assert "digital" in [e.id for e in library.eras]
    for era in library.eras:
        assert len(library.postings_by_era.get(era.id, [])) >= 4, era.id
    assert len(library.postings) >= 20


def test_the_seed_role_and_its_relatives(library):
    s = library.specimens["junior-machine-learning-engineer"]
    assert [(r.id, r.match) for r in s.related] == [
        ("lead-backend-data-procurement-analyst", 98),
        ("enterprise-architect", 91),
        ("sdet", 84),
    ]
    assert s.salary.market_average == 146027 and s.flight_risk.percent == 85
    ladder = {
        "machine-learning-engineer",
        "senior-machine-learning-engineer",
        "staff-machine-learning-engineer",
        "machine-learning-architect",
        "research-scientist",
        "data-scientist",
        "ai-researcher",
        "mlops-engineer",
        "engineering-manager-machine-learning",
        "director-of-machine-learning",
        "applied-ai-lead",
        "founding-machine-learning-engineer",
        "product-manager",
        "scrum-master",
        "agile-coach",
        "technical-recruiter",
    }
    assert ladder <= set(library.specimens)


def test_every_salary_says_in_its_file_whether_it_is_published_or_ours(library):
    """Each file states the kind of its figure itself (read from the YAML, not from a default),
    and the catalogue holds both kinds."""
    kinds = {}
    for path in sorted((ROOT / "specimens").glob("*.yaml")):
        salary = yaml.safe_load(path.read_text(encoding="utf-8"))["salary"]
        kinds[path.stem] = salary.get("kind")
    assert {k for k, v in kinds.items() if v not in ("statistic", "estimate")} == set()
    assert set(kinds.values()) == {"statistic", "estimate"}
    assert kinds == {i: s.salary.kind for i, s in library.specimens.items()}


@pytest.mark.parametrize("path", sorted((ROOT / "specimens").glob("*.yaml")), ids=lambda p: p.stem)
def test_each_specimen_meets_the_house_standard(library, path):
    """Stricter than the schema: a published specimen fills every section."""
    s = library.specimens[path.stem]
    assert 8 <= len(s.summary.split()) <= 40
    assert s.org_chart and s.title in s.org_chart
    assert len(s.bullshit_metrics) >= 2 and len(s.signature_weaponry) >= 2
    assert s.encounter_guide and len(s.jd_autopsy) >= 2
    assert len(s.day_in_the_life) >= 3
    starts = [slot.start for slot in s.day_in_the_life]
    assert starts == sorted(starts)
    assert len(s.burn_ward) >= 2 and len(s.related) >= 2
    assert [r.match for r in s.related] == sorted((r.match for r in s.related), reverse=True)
    for c in s.burn_ward:  # complaints come from platforms, not named people
        assert not re.search(r"\b(said|says|wrote)\b", c.source)


def test_eras_are_in_order_and_postings_fall_inside_them(library):
    orders = [e.order for e in library.eras]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    starts = [e.years.start for e in library.eras]
    assert starts == sorted(starts)
    for p in library.postings.values():
        era = library.era(p.era)
        assert era.years.start <= p.posted.year <= era.years.end, p.id


def test_every_company_reads_as_the_subject_of_a_letter(library):
    """Letters begin "{company} would like you…": a company written with a trailing clause
    ("Staffing, on assignment to a publisher") ran into the verb with no comma to close it."""
    for p in library.postings.values():
        assert not re.search(r", [a-z]", p.company), (p.id, p.company)


def test_every_filter_key_is_used_somewhere_and_eras_differ(library):
    used = set()
    for p in library.postings.values():
        f = p.filters
        used |= {
            k
            for k in vocab.FILTER_KEYS
            if getattr(f, k) not in ("any", vocab.MIN_AGE, vocab.MAX_AGE)
        }
    assert used == set(vocab.FILTER_KEYS)
    odds = Board(library).odds
    assert any(o.odds < 0.05 for o in odds.values()) and any(o.odds > 0.4 for o in odds.values())


def _drop_into_digital(tmp_path: Path, posting: Path) -> Path:
    shutil.copytree(ROOT / "specimens", tmp_path / "specimens")
    shutil.copytree(ROOT / "eras", tmp_path / "eras")
    shutil.copy(posting, tmp_path / "eras" / "digital" / "machine-learning-engineer.md")
    return tmp_path


def _judges_by_its_filters(library) -> None:
    p = library.postings["machine-learning-engineer"]
    board = Board(library)
    ok = dict(
        gender="nonbinary",
        race="asian",
        maritalStatus="divorced",
        union="false",
        experience="experienced",
        education="graduate",
        age="45",
    )
    assert passes(p.filters, build(ok))
    assert board.verdict(p.id, build(ok)).hired
    for change in (
        {"age": "46"},
        {"age": "24"},
        {"education": "bachelor"},
        {"experience": "junior"},
        {"union": "true"},
    ):
        assert not board.verdict(p.id, build({**ok, **change})).hired, change
    assert p.id in [x.id for x in library.postings_by_era["digital"]]


def test_a_posting_in_the_seed_format_drops_in_unchanged(tmp_path):
    _judges_by_its_filters(load_library(_drop_into_digital(tmp_path, FIXTURE)))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
def test_the_seed_posting_itself_drops_in_unchanged(tmp_path):
    (seed,) = SEEDS.glob("000_*.txt")
    _judges_by_its_filters(load_library(_drop_into_digital(tmp_path, seed)))


def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
def test_no_sentence_is_copied_from_the_seeds():
    """No run of eight words from the source material appears in any file of the project.

    Whole files are compared, keys and code included, as an outside check reads them.
    """
    seed = set().union(*(_shingles(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")))
    skip = {".git", ".venv", "node_modules", ".bench-tools", "build", "shots", "__pycache__"}
    checked = 0
    for path in ROOT.rglob("*"):
        if skip & set(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # images and fonts
        checked += 1
        shared = _shingles(text) & seed
        assert not shared, (
            f"{path.relative_to(ROOT)} repeats the seeds: {' '.join(next(iter(shared)))}"
        )
    assert checked > 100
