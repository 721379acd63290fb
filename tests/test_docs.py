"""What README and the about page say of the content, held to the content: the eras and the
span of years the postings cover."""

from __future__ import annotations

import json
import re
from pathlib import Path

from otiose.content import load_library

ROOT = Path(__file__).resolve().parents[1]


def _one_line(path: Path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())


def test_the_eras_and_years_readme_and_the_about_page_name_are_the_contents():
    library = load_library(ROOT)
    years = sorted(p.posted.year for p in library.postings.values() if p.posted)
    first, last = years[0], years[-1]
    readme = _one_line(ROOT / "README.md")
    said = re.search(r"postings from (\w+) eras of hiring, from the (\d{4})s to (\d{4})", readme)
    assert said, "README no longer gives the eras and their span"
    words = {5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
    assert said.group(1) == words.get(len(library.eras))
    assert int(said.group(2)) == first - first % 10 and int(said.group(3)) == last
    about = _one_line(ROOT / "templates" / "about.html")
    assert f"whether the posting is from {first} or {last}" in about


def test_contributings_example_posting_passes_the_share_it_says():
    """CONTRIBUTING gives the `odds` its example posting gets at /api/postings/<id>."""
    from otiose.content.models import Filters
    from otiose.game import odds
    from otiose.game.board import Board

    guide = _one_line(ROOT / "CONTRIBUTING.md")
    filters = re.search(r"filters: (\{.*?\}) specimen:", guide)
    said = re.search(r"the example above gives `([\d.]+)`", guide)
    assert filters and said, "CONTRIBUTING no longer gives the example's filters and odds"
    population = Board(load_library(ROOT)).population
    exact = odds.pass_probability(Filters.model_validate(json.loads(filters.group(1))), population)
    assert said.group(1) == f"{float(exact):.8f}"
