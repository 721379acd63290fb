"""The form of the postings: no single shape dominates, and telling lines are marked as tells.

Issue 12 found every posting written as two paragraphs of about 150 words. Form should follow
the posting's date and medium (a classified line, a telegram, a hiring-hall card, a typed
vacancy notice, a web page, a machine-readable record), so these tests hold the collection to a
spread of shapes and lengths. The tells test is a heuristic: a requirement line that uses one
of the stock giveaway words for a filter the posting applies must be marked as that filter's
tell, so a run report can quote it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from otiose.content import load_library, vocab
from otiose.content.load import split_front_matter
from otiose.content.models import Posting

ROOT = Path(__file__).resolve().parents[1]
POSTINGS = sorted((ROOT / "eras").glob("*/*.md"))
_md = MarkdownIt("commonmark")
WORD = re.compile(r"[A-Za-z0-9]+(?:['’.,-][A-Za-z0-9]+)*")

# Giveaway words, by the filter each one gives away. Whole words, case-insensitive.
GIVEAWAYS: dict[str, re.Pattern[str]] = {
    "maxAge": re.compile(
        r"\b(young|under (2\d|3\d|4\d|thirty|forty)|not over \d\d|digital[- ]natives?"
        r"|recent (college )?graduates?)\b",
        re.I,
    ),
    "gender": re.compile(r"\b(girls?|gentleman|gentlemen)\b", re.I),
    "maritalStatus": re.compile(r"\b(single|unmarried)\b", re.I),
    "race": re.compile(r"\b(white|colored)\b", re.I),
    "union": re.compile(r"\b(non-union|union-free)\b", re.I),
}


@dataclass(frozen=True)
class Shape:
    """What a posting's body looks like: its top-level blocks and its length."""

    path: Path
    blocks: tuple[str, ...]
    words: int

    @property
    def two_paragraphs(self) -> bool:
        """The old shape: the body is two plain paragraphs and nothing else."""
        return self.blocks == ("paragraph", "paragraph")


def shape(path: Path) -> Shape:
    """Parse a posting's Markdown body into its sequence of top-level blocks."""
    _, body, _ = split_front_matter(path.read_text(encoding="utf-8"), str(path))
    blocks = tuple(
        t.type.removesuffix("_open")
        for t in _md.parse(body)
        if t.level == 0 and (t.nesting == 1 or t.type in ("fence", "code_block", "hr"))
    )
    return Shape(path, blocks, len(WORD.findall(body)))


@pytest.fixture(scope="module")
def shapes() -> list[Shape]:
    return [shape(p) for p in POSTINGS]


@pytest.fixture(scope="module")
def postings() -> list[Posting]:
    return list(load_library(ROOT).postings.values())


def test_no_more_than_half_the_postings_are_two_plain_paragraphs(shapes):
    assert len(shapes) >= 56
    old = [s.path.relative_to(ROOT).as_posix() for s in shapes if s.two_paragraphs]
    assert len(old) <= len(shapes) // 2, f"{len(old)} of {len(shapes)} in the old shape: {old}"


def test_no_single_block_pattern_dominates(shapes):
    """Whatever the commonest shape is, it covers no more than a quarter of the collection."""
    (pattern, count), *_ = Counter(s.blocks for s in shapes).most_common(1)
    assert count <= len(shapes) // 4, (pattern, count)


def test_lengths_span_at_least_five_to_one(shapes):
    words = sorted(shapes, key=lambda s: s.words)
    shortest, longest = words[0], words[-1]
    assert shortest.words > 0
    assert longest.words >= 5 * shortest.words, (
        f"{shortest.path.name} has {shortest.words} words, {longest.path.name} {longest.words}"
    )


def test_every_era_mixes_its_shapes(shapes):
    """No era is all one shape: each has at least three distinct block patterns."""
    by_era: dict[str, set[tuple[str, ...]]] = {}
    for s in shapes:
        by_era.setdefault(s.path.parent.name, set()).add(s.blocks)
    thin = {era: len(patterns) for era, patterns in by_era.items() if len(patterns) < 3}
    assert not thin, thin


def _active(posting: Posting, key: str) -> bool:
    return getattr(posting.filters, key) not in ("any", vocab.MIN_AGE, vocab.MAX_AGE)


def untold(posting: Posting) -> list[str]:
    """Requirement lines naming an active filter's giveaway words, with no tell for that filter."""
    found = []
    for number, line in enumerate(posting.requirements, start=1):
        for key, pattern in GIVEAWAYS.items():
            if _active(posting, key) and pattern.search(line) and key not in posting.tells:
                found.append(f"{posting.id}: line {number} gives away {key} ({line!r})")
    return found


def test_every_telling_line_has_a_tell(postings):
    missing = [m for p in postings for m in untold(p)]
    assert not missing, "\n".join(missing)


def test_the_tells_heuristic_has_teeth(postings):
    """The check above is not vacuous: strip the tells and it reports many postings."""
    stripped = [p.model_copy(update={"tells": {}}) for p in postings]
    flagged = {m.split(":")[0] for p in stripped for m in untold(p)}
    assert len(flagged) >= 15, sorted(flagged)


def test_every_union_filter_is_given_away_by_a_line_of_its_ad():
    """A union card is the one thing a player can act on that no proxy hints at: an ad that
    turns members (or non-members) away must say so somewhere, or the choice is a coin toss."""
    library = load_library(ROOT)
    hidden = [
        p.id
        for p in library.postings.values()
        if p.filters.union != "any" and "union" not in p.tells
    ]
    assert hidden == []


def test_a_letters_salutation_runs_on_in_lower_case():
    """The board shows a letter as one paragraph, so "Dear Ann, Thank you" reads as a typo."""
    library = load_library(ROOT)
    capital = [
        f"{era.id}: {letter[:40]}"
        for era in library.eras
        for letter in (*era.offers, *era.rejections.model_dump().values())
        if re.match(r"Dear \{name\}, [A-Z]", letter)
    ]
    assert capital == []
