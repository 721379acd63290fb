"""Every kind of content problem is reported with its file, its line and a useful message."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from helpers import (
    DEFAULT_FILTERS,
    ERA,
    POSTING,
    SPECIMEN,
    minimal,
    write_era,
    write_posting,
    write_specimen,
)

from otiose.content import ContentError, load_library
from otiose.content.yamlsafe import MAX_BYTES, parse


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_library(root)
    return [f"{p}" for p in info.value.problems]


def codes(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_library(root)
    return [p.code for p in info.value.problems]


def spec(**changes: str) -> str:
    text = SPECIMEN.format(id="test-role", title="Test Role")
    for old, new in changes.items():
        assert old.replace("_", " ") in text or old in text
        text = text.replace(old.replace("__", " "), new)
    return text


def test_minimal_tree_loads(tmp_path):
    library = load_library(minimal(tmp_path))
    assert list(library.specimens) == ["test-role"]
    assert list(library.postings) == ["test-posting"]
    assert library.eras[0].id == "test-era"


# The mistakes a newcomer makes most, and what libyaml says about each: the message adds what
# usually causes it, and names the line where the trouble starts.
SYNTAX_SLIPS = [
    ("a colon in a value", "id: x\ntitle: Lead: Platform\n", 2, "put the whole value in quotes"),
    ("a line without its colon", "id: x\ntitle Lead\nsummary: y\n", 2, "has no 'key: value'"),
    ("a value run on unindented", "id: x\nsummary: a long line\nthat goes on\nfamily: y\n", 3,
     "indented under its key"),
    ("a backtick first", "id: x\ntitle: `code`\n", 2, "cannot start with"),
    ("an at sign first", "id: x\ntitle: @handle\n", 2, "cannot start with"),
    ("a line indented less", "id: x\nsalary:\n    amount: 3\n  region: y\n", 4,
     "indented like the lines beside it"),
    ("text after a closing quote", 'id: x\ntitle: "Lead" Platform\n', 2, "after a closing quote"),
    ("a quote never closed", 'id: x\ntitle: "Lead\nsummary: y\n', 2, "never closed"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "hint"), [s[1:] for s in SYNTAX_SLIPS],
                         ids=[s[0] for s in SYNTAX_SLIPS])  # fmt: skip
def test_a_yaml_slip_is_explained_at_the_line_it_starts(text: str, line: int, hint: str):
    with pytest.raises(ContentError) as caught:
        parse(text, "f.yaml")
    (problem,) = caught.value.problems
    assert problem.message.startswith("YAML syntax error: ")
    assert hint in problem.message
    assert problem.line == line


def test_yaml_syntax_error_names_the_line(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        'summary: "A test', 'summary: ["A test'
    )
    write_specimen(tmp_path, text=text)
    (msg,) = problems(tmp_path)
    assert msg.startswith("specimens/test-role.yaml:")
    assert "YAML syntax error" in msg
    line = int(msg.split(":")[1])
    assert 4 <= line <= 6


def test_missing_required_key(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        'summary: "A test specimen that exists to be validated."\n', ""
    )
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == ["specimens/test-role.yaml:1: missing required key 'summary'"]


def test_missing_nested_key_points_at_its_parent(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace("  percent: 50\n", "")
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:18: missing required key 'flight_risk.percent'"
    ]


def test_a_salary_without_a_note_is_refused(tmp_path):
    """Every figure on file says where it comes from, or that it is an estimate."""
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        '  note: "Our estimate for 2025, for the tests."\n', ""
    )
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == ["specimens/test-role.yaml:11: missing required key 'salary.note'"]


def test_a_salary_must_say_what_kind_of_figure_it_is(tmp_path):
    """Missing or misspelt, the kind is named at its line with the two values it takes."""
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role")
    write_specimen(tmp_path, text=text.replace("  kind: estimate\n", ""))
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:11: missing required key 'salary.kind'; "
        "it takes one of: statistic, estimate"
    ]
    write_specimen(tmp_path, text=text.replace("kind: estimate", "kind: guess"))
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:15: 'salary.kind': 'guess' is not allowed; "
        "expected 'statistic' or 'estimate'"
    ]


@pytest.mark.parametrize(
    ("kind", "note", "line", "missing"),
    [
        ("estimate", "Roughly what they make.", 16, "the year the figure is for or that the"),
        ("estimate", "Our guess at US base pay.", 16, "does not say the year the figure is for;"),
        ("estimate", "About $100,000 in 2025.", 16, "that the figure is ours ('our estimate')"),
        ("estimate", "The BLS median for 2023.", 16, "that the figure is ours"),
        ("statistic", "About $100,000 in 2025.", 16, "which survey, table, report or statement"),
        ("statistic", "The BLS median for lawyers.", 16, "the year the figure is for; a published"),
        ("statistic", "Our estimate, 2025, from the BLS table.", 15, "calls the figure ours"),
        ("statistic", "BLS table, 2023; not a survey figure.", 15, "'not a survey figure'"),
    ],
)
def test_a_salary_note_must_give_what_its_kind_of_figure_needs(tmp_path, kind, note, line, missing):
    """A published figure gives its source and year and is not called ours; our estimate says it
    is ours and gives its year. What is lacking is named at the line to change."""
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role")
    text = text.replace("kind: estimate", f"kind: {kind}")
    write_specimen(tmp_path, text=text.replace("Our estimate for 2025, for the tests.", note))
    with pytest.raises(ContentError) as info:
        load_library(tmp_path)
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.code) == ("specimens/test-role.yaml", line, "OT023")
    assert missing in problem.message
    good = {
        "statistic": "BLS median for lawyers (OEWS, May 2023).",
        "estimate": "Our estimate, 2025, from postings.",
    }
    write_specimen(tmp_path, text=text.replace("Our estimate for 2025, for the tests.", good[kind]))
    load_library(tmp_path)


def test_unknown_key_suggests_the_right_one(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace("salary:", "salery:")
    write_specimen(tmp_path, text=text)
    found = problems(tmp_path)
    # one slip, one problem: the misspelling explains why 'salary' is missing
    assert found == ["specimens/test-role.yaml:11: unknown key 'salery' (did you mean 'salary'?)"]


def test_unknown_nested_key_suggests(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace("  note:", "  notes:")
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:16: unknown key 'salary.notes' (did you mean 'note'?)",
    ]


def test_wrong_type(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "market_average: 100000", 'market_average: "a lot"'
    )
    write_specimen(tmp_path, text=text)
    (msg,) = problems(tmp_path)
    assert msg == (
        "specimens/test-role.yaml:12: 'salary.market_average' should be a whole number, not 'a lot'"
    )


def test_quoted_number_is_not_coerced(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "percent: 50", 'percent: "50"'
    )
    write_specimen(tmp_path, text=text)
    assert codes(tmp_path) == ["OT012"]


def test_a_bare_yes_or_number_where_text_belongs_says_what_yaml_read(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "region: United States", "region: yes"
    )
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:14: 'salary.region' should be text, not true "
        "(YAML read it as true/false: put it in quotes)"
    ]
    write_specimen(tmp_path, text=text.replace("region: yes", "region: 1999"))
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:14: 'salary.region' should be text, not 1999 "
        "(YAML read it as a number: put it in quotes)"
    ]


def test_out_of_range_number(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace("percent: 50", "percent: 140")
    write_specimen(tmp_path, text=text)
    (msg,) = problems(tmp_path)
    assert msg.startswith("specimens/test-role.yaml:19: 'flight_risk.percent': ")
    assert "100" in msg


def test_unknown_family_lists_the_choices(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "family: data-and-ai", "family: data"
    )
    write_specimen(tmp_path, text=text)
    (msg,) = problems(tmp_path)
    assert msg.startswith("specimens/test-role.yaml:3: 'family': 'data' is not allowed; expected")
    assert "'data-and-ai'" in msg


def test_id_must_match_file_name(tmp_path):
    minimal(tmp_path)
    write_specimen(tmp_path, id="test-role", text=SPECIMEN.format(id="other-role", title="T"))
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:1: id 'other-role' must equal the file name 'test-role'"
    ]


def test_id_must_be_kebab(tmp_path):
    minimal(tmp_path)
    write_specimen(tmp_path, id="Bad_Id", text=SPECIMEN.format(id="Bad_Id", title="T"))
    found = problems(tmp_path)
    assert any(
        "must be lowercase-kebab" in m and m.startswith("specimens/Bad_Id.yaml:1:") for m in found
    )


def test_dangling_related_id(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "related: []", "related:\n  - id: test-rol\n    match: 90"
    )
    write_specimen(tmp_path, text=text)
    write_specimen(tmp_path, id="test-rolf", title="Another")
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:29: related 'test-rol' is not a specimen (did you mean 'test-rolf'?)"
    ]


def test_related_to_itself(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "related: []", "related:\n  - id: test-role\n    match: 90"
    )
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == ["specimens/test-role.yaml:29: a specimen cannot relate to itself"]


def test_duplicate_posting_ids_across_eras(tmp_path):
    minimal(tmp_path)
    write_era(tmp_path, "other-era")
    text = (
        (tmp_path / "eras/test-era/test-posting.md")
        .read_text()
        .replace("era: test-era", "era: other-era")
    )
    write_posting(tmp_path, id="test-posting", era="other-era", text=text)
    assert problems(tmp_path) == [  # in both files: either may be the one just added
        "eras/other-era/test-posting.md:2: duplicate posting id 'test-posting' "
        "(also in eras/test-era/test-posting.md)",
        "eras/test-era/test-posting.md:2: duplicate posting id 'test-posting' "
        "(also in eras/other-era/test-posting.md)",
    ]
    # checking only the new copy still finds it, whichever era sorts first
    new = tmp_path / "eras/other-era/test-posting.md"
    with pytest.raises(ContentError) as info:
        load_library(tmp_path, only=[new])
    assert [p.path for p in info.value.problems] == ["eras/other-era/test-posting.md"]


def test_python_tag_is_refused(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        'summary: "A test', 'summary: !!python/object/apply:os.system ["echo pwned"]\nx: "'
    )
    write_specimen(tmp_path, text=text)
    found = problems(tmp_path)
    assert any(
        m.startswith("specimens/test-role.yaml:4: YAML tag '!!python/object/apply:os.system'")
        for m in found
    )


def test_custom_tag_is_refused(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "percent: 50", "percent: !secret 50"
    )
    write_specimen(tmp_path, text=text)
    assert (
        "specimens/test-role.yaml:19: YAML tag '!secret' is not allowed; use plain values"
        in problems(tmp_path)
    )


def test_anchors_and_aliases_are_refused(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "habitat:\n  - A fixture folder", "habitat: &h\n  - A fixture folder\naliases2: *h"
    )
    write_specimen(tmp_path, text=text)
    found = problems(tmp_path)
    assert found == [
        "specimens/test-role.yaml:9: YAML anchor '&h' is not allowed; write the value out in full",
        "specimens/test-role.yaml:11: YAML alias '*h' is not allowed; write the value out in full",
    ]


def test_billion_laughs_is_refused_quickly(tmp_path):
    minimal(tmp_path)
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    write_specimen(tmp_path, text="\n".join(lines) + "\n")
    assert set(codes(tmp_path)) == {"OT005"}


def test_duplicate_keys(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "title: Test Role\n", "title: Test Role\ntitle: Again\n", 1
    )
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == ["specimens/test-role.yaml:3: duplicate key 'title'"]


def test_huge_file_is_refused(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role") + "# " + "x" * MAX_BYTES + "\n"
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == ["specimens/test-role.yaml:1: file is larger than 256 KiB"]


def test_bad_utf8_names_its_line(tmp_path):
    minimal(tmp_path)
    path = write_specimen(tmp_path)
    raw = path.read_bytes().replace(b"A fixture folder", b"A fixture \xff folder")
    path.write_bytes(raw)
    (msg,) = problems(tmp_path)
    assert msg.startswith("specimens/test-role.yaml:10: not valid UTF-8 (byte 0xff)")


def test_bad_utf8_names_its_line_in_a_file_with_old_mac_line_ends(tmp_path):
    minimal(tmp_path)
    path = write_specimen(tmp_path)
    raw = path.read_bytes().replace(b"A fixture folder", b"A fixture \xff folder")
    path.write_bytes(raw.replace(b"\n", b"\r"))  # lone CRs, as YAML reads them
    (msg,) = problems(tmp_path)
    assert msg.startswith("specimens/test-role.yaml:10: not valid UTF-8 (byte 0xff)")


def test_bad_utf8_after_a_byte_order_mark_names_its_own_byte_and_line(tmp_path):
    minimal(tmp_path)
    path = write_specimen(tmp_path)
    text = path.read_bytes().replace(b"A fixture folder", b"A fixture \xe9 folder")
    path.write_bytes(b"\xef\xbb\xbf" + text)
    (msg,) = problems(tmp_path)
    assert msg.startswith("specimens/test-role.yaml:10: not valid UTF-8 (byte 0xe9)")


def test_tabs_are_refused_with_their_line(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "  percent: 50", "\tpercent: 50"
    )
    write_specimen(tmp_path, text=text)
    assert "specimens/test-role.yaml:19: indent with spaces, not tabs" in problems(tmp_path)


def test_empty_file_and_non_mapping(tmp_path):
    minimal(tmp_path)
    write_specimen(tmp_path, id="empty-one", text="")
    write_specimen(tmp_path, id="list-one", text="- a\n- b\n")
    assert sorted(problems(tmp_path)) == [
        "specimens/empty-one.yaml:1: the file is empty",
        "specimens/list-one.yaml:1: expected a mapping of keys, got a list",
    ]


def test_every_problem_in_every_file_is_reported_at_once(tmp_path):
    minimal(tmp_path)
    bad = SPECIMEN.format(id="test-role", title="Test Role")
    bad = bad.replace("percent: 50", "percent: 500").replace("currency: USD", "currency: DOGE")
    write_specimen(tmp_path, text=bad)
    write_posting(
        tmp_path, id="second", filters=DEFAULT_FILTERS.replace('"gender":"any"', '"gender":"man"')
    )
    found = problems(tmp_path)
    assert len(found) == 3
    assert {m.split(":")[0] for m in found} == {
        "specimens/test-role.yaml",
        "eras/test-era/second.md",
    }


def test_scaffold_todo_is_an_error(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        '"Our estimate for 2025, for the tests."', '"TODO: where the figure comes from."'
    )
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:16: 'salary.note' still holds scaffold text; replace the TODO with your own"
    ]


def test_scaffold_todo_in_a_posting_body_is_an_error(tmp_path):
    # the audit desk's download ends in a TODO paragraph; left in, it would be published
    minimal(tmp_path)
    path = tmp_path / "eras/test-era/test-posting.md"
    text = path.read_text().replace("A body in **Markdown**.", "Intro.\n\nTODO: describe the job.")
    write_posting(tmp_path, text=text)
    assert problems(tmp_path) == [
        "eras/test-era/test-posting.md:16: the body still holds scaffold text; "
        "replace the TODO with your own"
    ]


def test_a_posting_without_a_body_is_an_error(tmp_path):
    minimal(tmp_path)
    path = tmp_path / "eras/test-era/test-posting.md"
    write_posting(tmp_path, text=path.read_text().replace("A body in **Markdown**.\n", "\n  \n"))
    assert problems(tmp_path) == [
        "eras/test-era/test-posting.md:13: the posting has no body; write the ad itself in "
        "Markdown below this closing '---'"
    ]


def test_day_slot_must_end_after_it_starts(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "related: []",
        'day_in_the_life:\n  - start: "10:00"\n    end: "09:00"\n    title: T\n    description: D\nrelated: []',
    )
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:30: day_in_the_life[0].end (09:00) must be after its start (10:00)"
    ]


def test_the_day_runs_in_order(tmp_path):
    minimal(tmp_path)
    slots = (
        'day_in_the_life:\n  - start: "10:00"\n    end: "11:00"\n    title: T\n    description: D\n'
        '  - start: "09:00"\n    end: "09:30"\n    title: T\n    description: D\n'
    )
    text = SPECIMEN.format(id="test-role", title="Test Role").replace("related: []", slots)
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:33: day_in_the_life[1] starts at 09:00, before "
        "day_in_the_life[0] ends (11:00); list the day in order, without overlaps"
    ]


def test_the_org_chart_names_the_role_itself(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace("  - Test Role\n", "")
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:6: org_chart does not list the role itself; add its title, "
        "'Test Role', where it sits (the page marks that line 'this specimen')"
    ]
    write_specimen(tmp_path, text=text.replace("  - Boss\n", "  - Boss\n  - test role\n"))
    load_library(tmp_path)  # the page matches the title in any case, and so does the check


def test_related_specimens_are_listed_once_highest_first(tmp_path):
    minimal(tmp_path)
    write_specimen(tmp_path, id="other-role", title="Other Role")
    write_specimen(tmp_path, id="third-role", title="Third Role")
    related = (
        "related:\n  - id: other-role\n    match: 60\n  - id: third-role\n    match: 80\n"
        "  - id: other-role\n    match: 50\n"
    )
    text = SPECIMEN.format(id="test-role", title="Test Role").replace("related: []\n", related)
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:32: related[1].match (80) is higher than related[0].match "
        "(60); list related specimens highest match first",
        "specimens/test-role.yaml:33: related[2] repeats 'other-role' (also related[0])",
    ]


def test_unquoted_time_is_explained(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "related: []",
        'day_in_the_life:\n  - start: "9:00"\n    end: "10:00"\n    title: T\n    description: D\nrelated: []',
    )
    write_specimen(tmp_path, text=text)
    (msg,) = problems(tmp_path)
    assert msg.startswith("specimens/test-role.yaml:29: 'day_in_the_life[0].start'")
    assert 'must look like "09:30"' in msg


def test_unquoted_time_becomes_a_number_and_is_explained(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "related: []",
        'day_in_the_life:\n  - start: 9:30\n    end: "10:00"\n    title: T\n    description: D\nrelated: []',
    )
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:29: YAML reads 9:30 as 570: with a colon it is a number in "
        "base 60; put it in quotes if it is a time or text"
    ]


def test_stray_files_are_reported(tmp_path):
    minimal(tmp_path)
    (tmp_path / "specimens" / "notes.txt").write_text("hi")
    (tmp_path / "eras" / "test-era" / "draft.yml").write_text("hi")
    assert sorted(codes(tmp_path)) == ["OT019", "OT019"]


@pytest.mark.parametrize("inside", [None, [], [".gitkeep"], ["notes.txt"]])
def test_a_content_folder_without_a_specimen_is_refused_naming_the_folder(tmp_path, inside):
    write_era(tmp_path)
    write_posting(tmp_path)
    folder = tmp_path / "specimens"
    if inside is not None:
        folder.mkdir()
        for name in inside:
            (folder / name).write_text("hi")
    found = [p for p in problems(tmp_path) if not p.startswith("specimens/notes.txt:")]
    assert len(found) == 1, found
    assert found[0].startswith("specimens:1: ")
    assert str(tmp_path) in found[0]
    assert "OT022" in codes(tmp_path)


def test_era_without_era_yaml(tmp_path):
    minimal(tmp_path)
    lonely = write_posting(tmp_path, id="lonely", era="ghost-era")
    assert problems(tmp_path) == [
        "eras/ghost-era:1: era folder 'ghost-era' has no era.yaml; the eras are test-era: "
        "move its postings into one of them, or add era.yaml and population.yaml to start one"
    ]
    # a check of the posting alone reports its folder's problem: it concerns the posting
    with pytest.raises(ContentError) as info:
        load_library(tmp_path, only=[lonely])
    assert [p.path for p in info.value.problems] == ["eras/ghost-era"]


# ---------------------------------------------------------------- postings and eras


def test_unknown_filter_key_suggests(tmp_path):
    minimal(tmp_path)
    write_posting(tmp_path, filters=DEFAULT_FILTERS.replace('"maritalStatus"', '"maritalstatus"'))
    assert problems(tmp_path) == [
        "eras/test-era/test-posting.md:12: unknown key 'filters.maritalstatus' "
        "(did you mean 'maritalStatus'?)"
    ]


def test_unknown_filter_value(tmp_path):
    minimal(tmp_path)
    write_posting(
        tmp_path, filters=DEFAULT_FILTERS.replace('"education":"any"', '"education":"phd"')
    )
    (msg,) = problems(tmp_path)
    assert msg.startswith("eras/test-era/test-posting.md:12: 'filters.education': 'phd' is not")
    assert "graduate" in msg


def test_unknown_value_inside_a_filter_list(tmp_path):
    minimal(tmp_path)
    write_posting(
        tmp_path, filters=DEFAULT_FILTERS.replace('"race":"any"', '"race":["white","martian"]')
    )
    (msg,) = problems(tmp_path)
    assert "'martian' is not a race" in msg


def test_min_age_above_max_age(tmp_path):
    minimal(tmp_path)
    write_posting(
        tmp_path,
        filters=DEFAULT_FILTERS.replace('"minAge":18', '"minAge":50').replace(
            '"maxAge":70', '"maxAge":40'
        ),
    )
    assert problems(tmp_path) == [
        "eras/test-era/test-posting.md:12: filters.minAge (50) is greater than filters.maxAge (40)"
    ]


def test_age_outside_the_game(tmp_path):
    minimal(tmp_path)
    write_posting(tmp_path, filters=DEFAULT_FILTERS.replace('"maxAge":70', '"maxAge":99'))
    (msg,) = problems(tmp_path)
    assert msg.startswith("eras/test-era/test-posting.md:12: 'filters.maxAge'") and "70" in msg


def test_era_must_match_folder(tmp_path):
    minimal(tmp_path)
    text = (
        (tmp_path / "eras/test-era/test-posting.md")
        .read_text()
        .replace("era: test-era", "era: digital")
    )
    write_posting(tmp_path, text=text)
    assert problems(tmp_path) == [
        "eras/test-era/test-posting.md:8: era 'digital' must equal the folder name 'test-era'; "
        "move the file to eras/digital/, or set era: test-era"
    ]


def test_front_matter_must_open_and_close(tmp_path):
    minimal(tmp_path)
    write_posting(tmp_path, id="no-open", text="id: no-open\n")
    write_posting(tmp_path, id="no-close", text="---\nid: no-close\ntitle: x\n")
    assert sorted(problems(tmp_path)) == [
        "eras/test-era/no-close.md:1: the front matter opened here is never closed, and no body "
        "follows it: add a line '---' after the last key, then write the ad below it",
        "eras/test-era/no-open.md:1: a posting must start with '---' on line 1, then its YAML front matter",
    ]


def test_front_matter_syntax_error_line_counts_the_fence(tmp_path):
    minimal(tmp_path)
    text = (
        (tmp_path / "eras/test-era/test-posting.md")
        .read_text()
        .replace("company: Test Co.", "company: [Test Co.")
    )
    write_posting(tmp_path, text=text)
    (msg,) = problems(tmp_path)
    assert msg.startswith("eras/test-era/test-posting.md:") and "YAML syntax error" in msg
    assert int(msg.split(":")[1]) in (4, 5)


def test_bad_posted_date(tmp_path):
    minimal(tmp_path)
    text = (
        (tmp_path / "eras/test-era/test-posting.md")
        .read_text()
        .replace("postedDate: January 15, 2005", "postedDate: 2005-01-15")
    )
    write_posting(tmp_path, text=text)
    assert problems(tmp_path) == [
        "eras/test-era/test-posting.md:7: postedDate '2005-01-15' must look like "
        "'January 15, 2020': write it as 'January 15, 2005'"
    ]


def test_posted_date_must_fall_in_its_eras_years(tmp_path):
    minimal(tmp_path)  # test-era runs from 2000 to 2010
    write_era(tmp_path, "old-era", ERA.format().replace("2000, end: 2010", "1950, end: 1960"))
    path = tmp_path / "eras/test-era/test-posting.md"
    write_posting(tmp_path, text=path.read_text().replace("January 15, 2005", "June 1, 1955"))
    assert problems(tmp_path) == [
        "eras/test-era/test-posting.md:7: postedDate 'June 1, 1955' is outside the years of "
        "test-era (2000-2010); date it within test-era's years, or move the posting to "
        "eras/old-era/ (1950-1960) and set era: old-era"
    ]
    # 1975 is in no era, and old-era is nearer
    write_posting(tmp_path, text=path.read_text().replace("June 1, 1955", "June 1, 1975"))
    (msg,) = problems(tmp_path)
    assert "(2000-2010); no era covers 1975, and the nearest is old-era; date it" in msg
    # 1990 is in no era either, but test-era is the nearest: a posting (or an audit-desk draft)
    # dated in a gap belongs to the nearer era
    write_posting(tmp_path, text=path.read_text().replace("June 1, 1975", "June 1, 1990"))
    load_library(tmp_path)
    write_posting(tmp_path, text=path.read_text().replace("June 1, 1990", "December 31, 2010"))
    load_library(tmp_path)  # the last day of the last year is inside


def test_posting_with_dangling_specimen(tmp_path):
    minimal(tmp_path)
    text = (
        (tmp_path / "eras/test-era/test-posting.md")
        .read_text()
        .replace("requirements:", "specimen: test-roll\nrequirements:")
    )
    write_posting(tmp_path, text=text)
    assert problems(tmp_path) == [
        "eras/test-era/test-posting.md:10: specimen 'test-roll' is not a specimen (did you mean 'test-role'?)"
    ]


def test_unknown_placeholder_in_a_letter(tmp_path):
    minimal(tmp_path)
    text = (
        (tmp_path / "eras/test-era/era.yaml")
        .read_text()
        .replace('gender: "Dear {name}, no."', 'gender: "Dear {applicant}, no."')
    )
    write_era(tmp_path, text=text)
    assert problems(tmp_path) == [
        "eras/test-era/era.yaml:8: unknown placeholder '{applicant}' in gender; use {name}, {title}, {company}"
    ]


def test_missing_rejection_letter(tmp_path):
    minimal(tmp_path)
    text = (
        (tmp_path / "eras/test-era/era.yaml")
        .read_text()
        .replace('  union: "Dear {name}, no."\n', "")
    )
    write_era(tmp_path, text=text)
    assert problems(tmp_path) == [
        "eras/test-era/era.yaml:7: missing required key 'rejections.union'"
    ]


def test_markdown_body_has_no_raw_html(tmp_path):
    minimal(tmp_path)
    text = (
        tmp_path / "eras/test-era/test-posting.md"
    ).read_text() + "\n<script>alert(1)</script>\n[x](javascript:alert(1))\n"
    write_posting(tmp_path, text=text)
    body = load_library(tmp_path).postings["test-posting"].body_html
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "javascript:" not in body.split("href=")[-1] if "href=" in body else True
    assert 'href="javascript' not in body


def test_check_only_named_files(tmp_path):
    minimal(tmp_path)
    bad = write_specimen(
        tmp_path,
        id="bad-one",
        text=SPECIMEN.format(id="bad-one", title="B").replace("percent: 50", "percent: 900"),
    )
    good = tmp_path / "specimens" / "test-role.yaml"
    load_library(tmp_path, only=[good])  # the broken file is not named, so no error
    with pytest.raises(ContentError) as info:
        load_library(tmp_path, only=[bad])
    assert [p.path for p in info.value.problems] == ["specimens/bad-one.yaml"]


def _with_tells(tmp_path: Path, tells: str, filters: str = DEFAULT_FILTERS) -> None:
    minimal(tmp_path)
    path = write_posting(tmp_path, filters=filters)
    text = path.read_text(encoding="utf-8").replace("filters:", f"tells: {tells}\nfilters:", 1)
    path.write_text(text, encoding="utf-8")


def test_tells_point_at_a_requirement_of_an_active_filter(tmp_path):
    active = DEFAULT_FILTERS.replace('"maxAge":70', '"maxAge":35')
    _with_tells(tmp_path, "{maxAge: 1}", active)
    posting = load_library(tmp_path).postings["test-posting"]
    assert posting.tells == {"maxAge": 1}


def test_tells_out_of_range_and_inactive_filter(tmp_path):
    _with_tells(tmp_path, "{maxAge: 2, gender: 1}")
    assert problems(tmp_path) == [
        "eras/test-era/test-posting.md:12: tells.gender points at a filter this posting does "
        "not apply",
        "eras/test-era/test-posting.md:12: tells.maxAge is 2, but there are 1 requirement lines "
        "(number them from 1)",
    ]


def test_tells_unknown_key(tmp_path):
    _with_tells(tmp_path, "{height: 1}")
    (msg,) = problems(tmp_path)
    assert msg.startswith("eras/test-era/test-posting.md:12: 'tells.height")


def test_the_collector_pauses_while_loading_and_comes_back_as_it_was(tmp_path, monkeypatch):
    from otiose.content import load as load_module

    seen: list[bool] = []
    real = load_module.load_specimen

    def spy(path: Path, display: str):
        seen.append(gc.isenabled())
        return real(path, display)

    monkeypatch.setattr(load_module, "load_specimen", spy)
    root = minimal(tmp_path)
    assert gc.isenabled()
    load_library(root)
    assert seen == [False]
    assert gc.isenabled()
    (root / "specimens" / "test-role.yaml").write_text("id: [")
    assert codes(root) == ["OT003"]
    assert gc.isenabled()
    gc.disable()
    try:
        load_library(minimal(tmp_path / "again"))
        assert not gc.isenabled()  # a caller's choice to keep it off is kept
    finally:
        gc.enable()


def test_a_big_load_ends_with_one_full_collection_and_a_small_one_with_none(tmp_path, monkeypatch):
    passes: list[int] = []  # the generation of each collection, as it ends

    def count(phase: str, info: dict) -> None:
        if phase == "stop":
            passes.append(info["generation"])

    root = minimal(tmp_path)
    gc.callbacks.append(count)
    try:
        gc.collect()  # so that no automatic pass is nearly due either
        passes.clear()
        listed: list[int] = []
        monkeypatch.setattr(gc, "get_objects", lambda: listed.append(1) or [])
        load_library(root)
        assert 2 not in passes  # a few hundred new objects: no full pass is due
        assert not listed  # nor were all of the process's objects listed to find that out
        # as if the heap had been empty and the collector's thresholds tiny
        monkeypatch.setattr(gc, "get_objects", lambda: [])
        monkeypatch.setattr(gc, "get_threshold", lambda: (1, 1, 1))
        gc.collect()
        passes.clear()
        load_library(root)
        # one full pass and nothing else: no young pass walks the new objects first
        assert passes == [2]
    finally:
        gc.callbacks.remove(count)


def test_each_content_file_is_asked_once_whether_it_is_a_link(tmp_path, monkeypatch):
    asked: dict[Path, int] = {}
    real = Path.is_symlink

    def counting(path: Path) -> bool:
        asked[path] = asked.get(path, 0) + 1
        return real(path)

    root = minimal(tmp_path)
    monkeypatch.setattr(Path, "is_symlink", counting)
    load_library(root)
    files = [p for p in asked if p.suffix in (".yaml", ".md")]
    assert root / "specimens" / "test-role.yaml" in files
    assert {p: asked[p] for p in files} == {p: 1 for p in files}


def test_lines_are_worked_out_only_for_a_file_with_a_problem(tmp_path, monkeypatch):
    from otiose.content import yamlsafe

    worked_out: list[int] = []
    real = yamlsafe._lines_of

    def spy(text: str, offset: int) -> dict:
        worked_out.append(offset)
        return real(text, offset)

    monkeypatch.setattr(yamlsafe, "_lines_of", spy)
    root = tmp_path
    _with_tells(root, "{maxAge: 1}", DEFAULT_FILTERS.replace('"maxAge":70', '"maxAge":35'))
    assert load_library(root).postings["test-posting"].tells == {"maxAge": 1}
    assert worked_out == []  # a clean load composes each file once and records no lines
    text = SPECIMEN.format(id="test-role", title="Test Role")
    write_specimen(root, text=text.replace("percent: 50", "percent: 150"))
    assert problems(root) == [
        "specimens/test-role.yaml:19: 'flight_risk.percent': must be less than or equal to 100"
    ]
    assert worked_out == [0]


@pytest.mark.parametrize("extra, refused", [(10, False), (MAX_BYTES, True)])
def test_a_file_longer_than_its_stat_size_is_read_to_the_limit(
    tmp_path, monkeypatch, extra, refused
):
    from otiose.content import yamlsafe

    path = tmp_path / "grown.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * extra + b"\n")
    real = os.fstat
    monkeypatch.setattr(
        yamlsafe.os, "fstat", lambda fd: os.stat_result((*real(fd)[:6], 3, *real(fd)[7:]))
    )
    assert os.fstat(0).st_size == 3  # as if the file had grown since it was looked at
    if refused:
        with pytest.raises(ContentError, match="larger than 256 KiB"):
            yamlsafe.read_text(path, "grown.yaml")
    else:
        assert yamlsafe.read_text(path, "grown.yaml") == path.read_text()


# An item indented deeper than the one above is still valid YAML, read as more words of it.
FOLDS = [
    ("an item indented deeper", "duties:\n  - Attend the meeting\n    - Minute the meeting\n", 3,
     'the item becomes "Attend the meeting - Minute the meeting"; to make it a new item, indent '
     "it like the item above"),
    ("a lone dash deeper", "duties:\n  - Attend the meeting\n    -\n", 3, "the item becomes"),
    ("an item after a blank line", "duties:\n  - Attend\n\n      - Minute\n  - Leave\n", 4,
     "the item becomes"),
    ("an item under a wrapped value", "summary: A long sentence\n  - that goes on\nid: x\n", 2,
     "'summary' becomes \"A long sentence - that goes on\"; to make a list, start it on the line "
     "after 'summary:'"),
    ("an item folded two lines down", "- One\n- Two that\n  wraps\n  - Three\n", 4,
     'the item becomes "Two that wraps - Three"'),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "says"), [f[1:] for f in FOLDS],
                         ids=[f[0] for f in FOLDS])  # fmt: skip
def test_a_line_folded_into_the_one_above_is_named_at_its_line(text: str, line: int, says: str):
    with pytest.raises(ContentError) as caught:
        parse(text, "f.yaml")
    (problem,) = caught.value.problems
    assert problem.message.startswith("this line is read as part of the line above: ")
    assert says in problem.message
    assert (problem.line, problem.code) == (line, "OT008")


def test_each_folded_item_is_named(tmp_path):
    text = "a:\n  - One\n    - Two\n    - Three\n  - Four\n"
    with pytest.raises(ContentError) as caught:
        parse(text, "f.yaml")
    assert [p.line for p in caught.value.problems] == [3, 4]


@pytest.mark.parametrize(
    "text",
    [
        "summary: A long plain sentence\n  that wraps onto the next line\n",
        "summary: A long plain sentence -\n  with a dash at the end of a line\n",
        "summary: A sentence - with a dash inside\n",
        "summary: A sentence\n  -5 degrees, a number\n",
        'summary: "A quoted sentence\n  - where the dash is meant"\n',
        "summary: >\n  Folded on purpose\n  - the dash is meant\n",
        "duties:\n  - Attend the meeting\n  - Minute the meeting\n",
    ],
)
def test_wrapped_text_and_real_items_are_accepted(text: str):
    parse(text, "f.yaml")


def test_a_folded_item_in_a_posting_names_the_files_line(tmp_path):
    minimal(tmp_path)
    path = tmp_path / "eras" / "test-era" / "test-posting.md"
    text = path.read_text().replace("  - Be a test\n", "  - Be a test\n    - Be another\n")
    path.write_text(text)
    assert problems(tmp_path) == [
        "eras/test-era/test-posting.md:12: this line is read as part of the line above: the item "
        'becomes "Be a test - Be another"; to make it a new item, indent it like the item above '
        "(its '-' under that item's '-')"
    ]


def test_a_key_indented_under_a_value_says_so():
    text = "salary:\n  note: some text\n    currency: USD\n"
    with pytest.raises(ContentError) as caught:
        parse(text, "f.yaml")
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert "this line is read as part of the value above" in problem.message
    assert "to make 'currency' a key of its own, indent it like the key above" in problem.message
    with pytest.raises(ContentError) as caught:  # a colon inside a value stays its own slip
        parse("id: x\ntitle: Lead: Platform\n", "f.yaml")
    assert "put the whole value in quotes" in caught.value.problems[0].message
    assert "part of the value above" not in caught.value.problems[0].message


def test_a_key_that_lost_its_indent_is_named_at_its_own_line():
    """``currency`` pulled out of ``salary`` was reported at the next line, ``region``, with
    advice for that line: the line to change is the one that moved."""
    text = "salary:\n  market_average: 1\ncurrency: USD\n  region: United States\n"
    with pytest.raises(ContentError) as caught:
        parse(text, "f.yaml")
    (problem,) = caught.value.problems
    assert problem.line == 3
    assert problem.message.startswith("'currency' seems to have lost its indent")
    assert "('market_average', 'region' on line 4) start at column 3" in problem.message
    assert "indent 'currency' like them" in problem.message
    # a key indented under a plain value, with no key at that depth before it, keeps its message
    with pytest.raises(ContentError) as caught:
        parse("x: 1\ny: 2\n  z: 3\n", "f.yaml")
    assert caught.value.problems[0].line == 3
    assert "indent it like the key above" in caught.value.problems[0].message


# Slips that still parse, and would load as something other than what was written.
MISREAD = [
    ("curly quotes", "title: \u201cLead\u201d\n", 1, "wrapped in curly quotes, \u201c...\u201d"),
    ("curly single quotes", "a:\n  - \u2018Lead\u2019\n", 2, "curly quotes, \u2018...\u2019"),
    ("a hashtag", "company: Store #2217\n", 1,
     "'#2217' is read as a comment and dropped: YAML starts a comment at a '#' after a space, so "
     'the value ends at "Store"; put the whole value in quotes'),
    ("a hashtag on a wrapped line", "a: We are\n  the #1 team\nb: c\n", 2,
     'the value ends at "We are the"'),
    ("a leading zero", "percent: 012\n", 1,
     "YAML reads 012 as 10: a leading zero makes it a number in base 8"),
    ("hexadecimal", "percent: 0x1f\n", 1, "YAML reads 0x1f as 31: 0x makes it a number in base 16"),
    ("a colon in a number", "start: 1:30\n", 1, "YAML reads 1:30 as 90: with a colon it is a number in base 60"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "says"), [m[1:] for m in MISREAD],
                         ids=[m[0] for m in MISREAD])  # fmt: skip
def test_a_value_yaml_would_misread_is_named(text: str, line: int, says: str):
    with pytest.raises(ContentError) as caught:
        parse(text, "f.yaml")
    (problem,) = caught.value.problems
    assert says in problem.message
    assert (problem.line, problem.code) == (line, "OT009")


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("a: 1  # a comment after a value\n", {"a": 1}),
        ("a: text  # a comment after text\n", {"a": "text"}),
        ('a: "Store #2217"\n', {"a": "Store #2217"}),
        ("a: C# and F#\n", {"a": "C# and F#"}),
        ("a: \u201cLead\u201d is the word\n", {"a": "\u201cLead\u201d is the word"}),
        ("a: '\u201cLead\u201d'\n", {"a": "\u201cLead\u201d"}),
        ("a: 100_000\nb: -3\nc: 0\n", {"a": 100000, "b": -3, "c": 0}),
        ('a: "012"\n', {"a": "012"}),
        ("a: b\r\nc:\r\n  - d\r\n  - e\r\n", {"a": "b", "c": ["d", "e"]}),
        ("a: b\n...\n", {"a": "b"}),
    ],
)
def test_harmless_lookalikes_load_as_written(text: str, data: dict):
    assert parse(text, "f.yaml").data == data


SYNTAX_SLIPS_TOO = [
    ("a tab after a dash", "a:\n  -\tb\n", 2, "a tab here: YAML takes only spaces"),
    ("a second document", "a: b\n---\nc: d\n", 2, "a line '---' starts a second YAML document"),
    ("a trailing ---", "a: b\n---\n", 2, "remove the '---'"),
    ("curly quotes that do not quote", "a: \u201cLead: Platform\u201d\n", 1,
     "put the whole value in quotes (straight quotes \" or ', not curly ones)"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "hint"), [s[1:] for s in SYNTAX_SLIPS_TOO],
                         ids=[s[0] for s in SYNTAX_SLIPS_TOO])  # fmt: skip
def test_more_syntax_slips_are_explained(text: str, line: int, hint: str):
    with pytest.raises(ContentError) as caught:
        parse(text, "f.yaml")
    (problem,) = caught.value.problems
    assert hint in problem.message
    assert problem.line == line
    assert "cannot start with" not in problem.message  # not the backtick hint, for a tab


def test_a_line_indented_with_a_non_breaking_space_is_named():
    with pytest.raises(ContentError) as caught:
        parse("a:\n  - b\n\u00a0 - c\n", "f.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "f.yaml:3: this line is indented with a non-breaking space, which YAML reads as text; "
        "use ordinary spaces"
    ]


def test_nothing_to_read_says_what_is_there(tmp_path):
    minimal(tmp_path)
    write_specimen(tmp_path, id="comments-only", text="# a title\n\n# more\n")
    write_specimen(tmp_path, id="fence-only", text="---\n")
    posting = tmp_path / "eras" / "test-era" / "test-posting.md"
    posting.write_text("---\n---\nA body.\n")
    assert sorted(problems(tmp_path)) == [
        "eras/test-era/test-posting.md:2: the front matter is empty",
        "specimens/comments-only.yaml:1: the file holds no YAML, only comments; write its keys "
        "and values",
        "specimens/fence-only.yaml:1: expected a mapping of keys, got nothing",
    ]


def test_null_and_no_where_a_word_belongs_say_what_yaml_read(tmp_path):
    minimal(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role").replace(
        "region: United States", "region: null"
    )
    write_specimen(tmp_path, text=text)
    assert problems(tmp_path) == [
        "specimens/test-role.yaml:14: 'salary.region' is empty: YAML reads null as nothing; "
        "write some text, in quotes if it is that word"
    ]
    write_posting(tmp_path, filters=DEFAULT_FILTERS.replace('"gender":"any"', '"gender":no'))
    write_specimen(tmp_path)
    (found,) = problems(tmp_path)
    assert found.endswith("(YAML read it as true/false: put it in quotes)")


def test_a_file_saved_with_a_bom_and_windows_line_ends_loads_as_written(tmp_path):
    minimal(tmp_path)
    path = write_specimen(tmp_path)
    text = SPECIMEN.format(id="test-role", title="Test Role")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    specimen = load_library(tmp_path).specimens["test-role"]
    assert (specimen.id, specimen.title, specimen.habitat) == (
        "test-role",
        "Test Role",
        ["A fixture folder"],
    )


@pytest.mark.parametrize("odd", ["\x0c", "\x0b", "\x1c", "\x1d", "\x1e"])
def test_a_tab_is_named_at_its_line_even_after_a_character_python_counts_as_a_line_end(odd: str):
    """Python's splitlines() also ends lines at form feeds and other separators; YAML does not,
    and neither does an editor's line count."""
    text = f"id: x\n# a comment{odd} with an odd character\ntitle: y\nsalary:\n\tamount: 3\n"
    with pytest.raises(ContentError) as caught:
        parse(text, "f.yaml")
    tab = next(p for p in caught.value.problems if p.code == "OT003")
    assert tab.line == 5


def test_a_posting_body_line_is_counted_as_an_editor_counts_it_after_a_form_feed(tmp_path):
    """A form feed in the body (pasted from an old document) does not end a line in an editor:
    the scaffold text below it is named at the line the editor shows."""
    root = minimal(tmp_path)
    text = POSTING.format(id="test-posting", era="test-era", filters=DEFAULT_FILTERS)
    text = text.replace("A body in **Markdown**.\n", "A body\x0cscanned.\n\nTODO: the ad\n")
    (root / "eras" / "test-era" / "test-posting.md").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_library(root)
    (problem,) = caught.value.problems
    assert problem.code == "OT020"
    assert problem.line == text.count("\n")  # the TODO is on the file's last line


@pytest.mark.parametrize("odd", ["\x0c", "\x07", "\x1b"])
def test_a_control_character_is_named_at_its_line(tmp_path, odd: str):
    root = minimal(tmp_path)
    text = POSTING.format(id="test-posting", era="test-era", filters=DEFAULT_FILTERS)
    text = text.replace("salary: $1\n", f"salary: $1  # from a{odd}scan\n")
    (root / "eras" / "test-era" / "test-posting.md").write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_library(root)
    (problem,) = caught.value.problems
    assert (problem.code, problem.line) == ("OT003", 9)
    assert f"control character U+{ord(odd):04X} " in problem.message
    assert "position" not in problem.message
