"""The slips a first-time contributor makes, one at a time: each message names the line an
editor shows, says what is wrong in plain words, and says what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import DEFAULT_FILTERS, POSTING, SPECIMEN, minimal, write_posting, write_specimen

from otiose.content import ContentError, load_library


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_library(root)
    return [str(p) for p in info.value.problems]


def specimen(old: str, new: str) -> str:
    text = SPECIMEN.format(id="test-role", title="Test Role")
    assert old in text
    return text.replace(old, new)


def posting(old: str, new: str) -> str:
    text = POSTING.format(id="test-posting", era="test-era", filters=DEFAULT_FILTERS)
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("125,000", "write it as 125000: digits only, with no commas, spaces or currency signs"),
        ("$125000", "write it as 125000: digits only, with no commas, spaces or currency signs"),
        ('"125000"', "(write the number without quotes)"),
    ],
)
def test_a_number_written_like_money_is_told_how_to_write_it(tmp_path, written, says):
    minimal(tmp_path)
    write_specimen(tmp_path, text=specimen("market_average: 100000", f"market_average: {written}"))
    [problem] = problems(tmp_path)
    assert problem.startswith("specimens/test-role.yaml:12: 'salary.market_average'")
    assert says in problem
    if not written.startswith('"'):  # there are no quotes to take away
        assert "without quotes" not in problem


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("2005-01-15", "write it as 'January 15, 2005'"),
        ("15 January 2005", "write it as 'January 15, 2005'"),
        ("Jan 15, 2005", "write it as 'January 15, 2005'"),
        ("January 15 2005", "write it as 'January 15, 2005'"),
        ("February 30, 2005", "is not a date: February 2005 has 28 days"),
        ("Smarch 1, 2005", "must look like 'January 15, 2020'"),
    ],
)
def test_a_date_in_another_form_is_given_back_in_the_house_form(tmp_path, written, says):
    minimal(tmp_path)
    write_posting(tmp_path, text=posting("postedDate: January 15, 2005", f"postedDate: {written}"))
    [problem] = problems(tmp_path)
    assert problem.startswith("eras/test-era/test-posting.md:7: postedDate")
    assert says in problem


def test_unclosed_front_matter_points_at_where_the_closing_line_goes(tmp_path):
    minimal(tmp_path)
    text = posting("---\nA body", "\nA body") + "\nMore of the body.\n"
    write_posting(tmp_path, text=text)
    [problem] = problems(tmp_path)
    # line 14 is the body's first line: the '---' goes just above it
    assert problem.startswith("eras/test-era/test-posting.md:14: the front matter")
    assert "add a line '---' above this one" in problem


def test_unclosed_front_matter_with_no_body_points_at_its_opening(tmp_path):
    minimal(tmp_path)
    write_posting(tmp_path, text=posting("---\nA body in **Markdown**.\n", ""))
    [problem] = problems(tmp_path)
    assert problem.startswith("eras/test-era/test-posting.md:1: the front matter opened here")


def test_an_empty_posting_says_it_is_empty(tmp_path):
    minimal(tmp_path)
    write_posting(tmp_path, text="")
    [problem] = problems(tmp_path)
    assert problem.startswith("eras/test-era/test-posting.md:1: the file is empty")


def test_text_after_a_closing_quote_in_a_list_item(tmp_path):
    minimal(tmp_path)
    text = specimen("  - A fixture folder", '  - "Fixture" folders, mostly\n  - Another')
    write_specimen(tmp_path, text=text)
    [problem] = problems(tmp_path)
    assert problem.startswith("specimens/test-role.yaml:10: YAML syntax error")
    assert "text after a closing quote on this line" in problem
    assert "put the whole value in quotes" in problem


def test_a_key_indented_under_its_neighbour_is_told_to_move_left(tmp_path):
    minimal(tmp_path)
    write_specimen(tmp_path, text=specimen("flight_risk:\n", "  flight_risk:\n"))
    found = problems(tmp_path)
    assert (
        "specimens/test-role.yaml:18: 'flight_risk' is indented under 'salary', but it is a key "
        "of the top level: take it back to the same column as 'salary'"
    ) in found
    assert not any("missing required key 'flight_risk'" in p for p in found), found


def test_a_misspelt_required_key_is_one_problem_not_two(tmp_path):
    minimal(tmp_path)
    write_posting(tmp_path, text=posting("postedDate:", "posted_date:"))
    assert problems(tmp_path) == [
        "eras/test-era/test-posting.md:7: unknown key 'posted_date' (did you mean 'postedDate'?)"
    ]


def test_a_misspelt_tell_gets_a_suggestion(tmp_path):
    minimal(tmp_path)
    filters = DEFAULT_FILTERS.replace('"maxAge":70', '"maxAge":40')
    text = POSTING.format(id="test-posting", era="test-era", filters=filters)
    write_posting(tmp_path, text=text.replace("filters:", "tells: {max_age: 1}\nfilters:"))
    [problem] = problems(tmp_path)
    assert problem.startswith("eras/test-era/test-posting.md:12: 'tells.max_age'")
    assert "did you mean 'maxAge'?" in problem


def test_a_quoted_true_or_false_in_the_union_filter(tmp_path):
    minimal(tmp_path)
    filters = DEFAULT_FILTERS.replace('"union":"any"', '"union":"false"')
    write_posting(tmp_path, filters=filters)
    [problem] = problems(tmp_path)
    assert "write false without quotes" in problem


def test_a_text_over_its_length_says_how_long_it_is(tmp_path):
    minimal(tmp_path)
    long = "Very long. " * 120
    write_specimen(tmp_path, text=specimen('"A diagnosis."', f'"{long.strip()}"'))
    [problem] = problems(tmp_path)
    assert problem.startswith("specimens/test-role.yaml:20: 'flight_risk.diagnosis'")
    assert f"it has {len(long.strip()):,}" in problem
