"""The checker's rule codes: one code per kind of problem, each with a one-line explanation.

CONTRIBUTING.md lists this table; ``tests/test_docs.py`` fails when the two drift apart.
"""

from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    code: str
    severity: str
    summary: str


RULES: dict[str, Rule] = {
    r.code: r
    for r in [
        Rule("OT001", "error", "The file cannot be read, or is larger than the size limit."),
        Rule("OT002", "error", "The file is not valid UTF-8 text."),
        Rule("OT003", "error", "The YAML (or the posting's front matter) does not parse."),
        Rule("OT004", "error", "A YAML tag such as `!!python/object` is not allowed."),
        Rule("OT005", "error", "YAML anchors (`&name`) and aliases (`*name`) are not allowed."),
        Rule("OT006", "error", "The same key appears twice in one mapping."),
        Rule("OT007", "error", "The file is empty or is not a mapping of keys to values."),
        Rule(
            "OT008",
            "error",
            "A line is indented deeper than the one above, so YAML reads it as part of that line.",
        ),
        Rule(
            "OT009",
            "error",
            "YAML would read a value other than as written: wrapped in curly quotes, cut short "
            "by ` #`, or a number with a leading zero or a colon.",
        ),
        Rule("OT010", "error", "A required key, or a posting's Markdown body, is missing."),
        Rule("OT011", "error", "A key is not part of the format (a close match is suggested)."),
        Rule("OT012", "error", "A value has the wrong type (text, number, list, mapping)."),
        Rule(
            "OT013", "error", "A value is outside what is allowed (range, length, choice, pattern)."
        ),
        Rule("OT014", "error", "The `id` does not equal the file name (or `era` its folder)."),
        Rule("OT015", "error", "Two files declare the same id."),
        Rule("OT016", "error", "A reference names a specimen or posting that does not exist."),
        Rule("OT017", "error", "A posting's `minAge` is greater than its `maxAge`."),
        Rule(
            "OT018",
            "error",
            "An era is missing its `era.yaml` or `population.yaml`, or a letter uses an unknown "
            "placeholder.",
        ),
        Rule("OT019", "error", "A file sits where no content is expected."),
        Rule("OT020", "error", "Scaffold text (`TODO:`) is still in the file."),
        Rule(
            "OT021",
            "error",
            "A population table does not sum to 100%, its age bands do not run from 18 to 70 "
            "without a gap, or an estimate has no note.",
        ),
        Rule(
            "OT022",
            "error",
            "The content folder has no specimen: `specimens/` is missing or holds no `.yaml` file.",
        ),
        Rule(
            "OT023",
            "error",
            "A salary note does not give what its `kind` needs: a `statistic` names its survey, "
            "table, report or statement and its year, and is not called ours; an `estimate` "
            "says it is ours and gives its year.",
        ),
        Rule("OT101", "warning", "The summary is longer than a card can show well."),
        Rule("OT102", "warning", "A section is present but empty."),
        Rule("OT103", "warning", "The title or summary is nearly the same as another specimen's."),
    ]
}
