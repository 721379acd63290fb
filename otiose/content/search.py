"""Word search: what a reader types, matched the way a site's search box is expected to match.

Text and queries are cut into words the same way: case folded, accents dropped ("Bogotá" is
"bogota"), apostrophes dropped ("manager's" is "managers"). A query word matches a document word
that is the same word, that has the same Snowball English stem ("consultants" and "consultant"),
or (for query words of ``PREFIX_MIN`` letters or more) that starts with it ("consult" finds
"consultant"; "ai" does not find "aid", and never "against"). A hyphenated word is also filed
joined up ("e-commerce" as "ecommerce").

The index is built once, at load: an inverted index from each distinct word to the documents
that hold it. A word on file is stemmed only when a query first needs its stem, and then once,
so loading costs no stemming at all. Queries read dictionaries and one sorted list, so their
cost grows with the number of matches, not with the size of the text.
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import snowballstemmer  # type: ignore[import-untyped]

PREFIX_MIN = 3  # a shorter query word matches whole words only
SUGGEST_MIN = 3  # words shorter than this are never offered as "did you mean"
SUGGEST_CUTOFF = 0.8  # difflib's similarity ratio a suggestion must reach

_WORD = re.compile(r"[^\W_]+")
_HYPHENATED = re.compile(r"[^\W_]+(?:-[^\W_]+)+")
_APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc")  # typewriter, right quote, modifier
# Unicode's combining diacritical mark blocks: what NFKD splits off an accented letter.
_MARKS = {
    cp: None
    for start, end in ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF))
    for cp in range(start, end + 1)
} | {cp: None for cp in range(0xFE20, 0xFE30)}

_stemmer = snowballstemmer.stemmer("english")
_stem_lock = threading.Lock()  # a Snowball stemmer keeps its state on the instance


Segment = tuple[str, bool]  # a piece of a text, and whether it is a matched word


def fold(text: str) -> str:
    """``text`` as words are read from it: case folded, apostrophes and accents dropped."""
    text = text.casefold().translate(_APOSTROPHES)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(_MARKS)
    return text


def words(text: str, joined: bool = False) -> list[str]:
    """The folded words of ``text`` in order; with ``joined``, each hyphenated word again at
    the end with its hyphens taken out."""
    text = fold(text)
    found = _WORD.findall(text)
    if joined and "-" in text:
        found += [w.replace("-", "") for w in _HYPHENATED.findall(text)]
    return found


def _folded_at(text: str) -> tuple[str, Sequence[int]] | None:
    """``text`` folded, and for each folded letter the index in ``text`` of the letter it comes
    from; None in the rare case that folding letter by letter differs from folding the whole
    (Unicode reorders some runs of combining marks)."""
    if text.isascii():  # folding only lowers letters and drops apostrophes
        at = [i for i, c in enumerate(text) if c != "'"] if "'" in text else range(len(text))
        return fold(text), at
    pieces = [fold(c) for c in text]
    folded = "".join(pieces)
    if folded != fold(text):
        return None
    return folded, [i for i, piece in enumerate(pieces) for _ in piece]


def highlight(text: str, matched: Collection[str]) -> list[Segment]:
    """``text`` cut into segments, each word whose folded form (or, for a hyphenated word, the
    whole word joined up) is in ``matched`` a segment of its own marked True. The words are
    cut and folded exactly as ``words`` does, so ``matched`` is the words ``SearchIndex.match``
    gives; the segments hold the original text, accents and case as written."""
    folding = _folded_at(text) if matched else None
    if folding is None:
        return [(text, False)] if text else []
    folded, at = folding
    spans = [m.span() for m in _WORD.finditer(folded) if m.group() in matched]
    if "-" in folded:
        spans += [
            m.span() for m in _HYPHENATED.finditer(folded) if m.group().replace("-", "") in matched
        ]
    marked: list[tuple[int, int]] = []  # in ``text``; a hyphenated word swallows its parts
    for start, end in sorted(spans):
        first, last = at[start], at[end - 1] + 1
        while last < len(text) and unicodedata.category(text[last]).startswith("M"):
            last += 1  # a combining accent goes with the letter it sits on
        if marked and first < marked[-1][1]:
            marked[-1] = (marked[-1][0], max(marked[-1][1], last))
        else:
            marked.append((first, last))
    out: list[Segment] = []
    done = 0
    for first, last in marked:
        if first > done:
            out.append((text[done:first], False))
        out.append((text[first:last], True))
        done = last
    if done < len(text):
        out.append((text[done:], False))
    return out


def stem(word: str) -> str:
    """The Snowball English stem of a folded word."""
    with _stem_lock:
        return cast(str, _stemmer.stemWord(word))


@dataclass(frozen=True)
class Document:
    """What one item is searched by: its title, aliases and any other text (summary, the
    names it is filed under). Title and alias hits rank higher."""

    title: str
    aliases: Sequence[str]
    other: Sequence[str]


@dataclass(frozen=True)
class Match:
    """The words of the index one query word matches: ``same`` (the word itself, or an
    inflection of it: the same stem, differing only in the last ``INFLECTION`` letters, as
    "managers" and "manager"), ``related`` (the same stem otherwise, as "management") and
    ``prefix`` (words it only starts, as "consult" starts "consultant")."""

    word: str
    same: tuple[str, ...]
    related: tuple[str, ...]
    prefix: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.same or self.related or self.prefix)

    @property
    def words(self) -> tuple[str, ...]:
        """Every index word it matches."""
        return self.same + self.related + self.prefix

    def of_kind(self, kind: int) -> tuple[str, ...]:
        """The matched words of one kind: _SAME, _RELATED or _PREFIX."""
        return (self.same, self.related, self.prefix)[kind]


INFLECTION = 2  # "analyses"/"analysis": letters after the longest common start, at most
_SAME, _RELATED, _PREFIX = range(3)
_FIRST, _TITLE, _ALIAS, _ANY = range(4)  # the title's first word, the title, aliases, any text
# Per query word, how well a document matched it: the first level that holds a match wins.
# The kind of match counts before the title's first word, so "managers" ranks "Account
# manager" above "Management consultant".
_LEVELS = (
    (_FIRST, _SAME, 9),
    (_TITLE, _SAME, 8),
    (_FIRST, _RELATED, 7),
    (_TITLE, _RELATED, 6),
    (_FIRST, _PREFIX, 5),
    (_TITLE, _PREFIX, 4),
    (_ALIAS, _SAME, 3),
    (_ALIAS, _RELATED, 2),
    (_ALIAS, _PREFIX, 2),
    (_ANY, _SAME, 1),
    (_ANY, _RELATED, 1),
)


def _inflection(a: str, b: str) -> bool:
    """Whether two words of the same stem differ only in their last few letters."""
    common = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return max(len(a), len(b)) - common <= INFLECTION


class SearchIndex:
    """An inverted index over documents numbered 0…n-1 in the order given."""

    def __init__(self, documents: Iterable[Document]) -> None:
        # word -> the documents holding it, ascending; one dictionary per field
        fields: tuple[dict[str, list[int]], ...] = ({}, {}, {}, {})
        first, title, alias, anywhere = fields
        for n, doc in enumerate(documents):
            in_title = words(doc.title, joined=True)
            in_aliases = set(words("\n".join(doc.aliases), joined=True))
            if in_title:
                first.setdefault(in_title[0], []).append(n)
            for w in set(in_title):
                title.setdefault(w, []).append(n)
            for w in in_aliases:
                alias.setdefault(w, []).append(n)
            everything = in_aliases.union(in_title, words("\n".join(doc.other), joined=True))
            for w in everything:
                anywhere.setdefault(w, []).append(n)
        self._fields = fields
        self._vocabulary = sorted(anywhere)
        self._stems: dict[str, str] = {}  # word on file -> its stem, filled in as queries ask
        self._suggestable = [w for w in self._vocabulary if len(w) >= SUGGEST_MIN and w.isalpha()]

    def match(self, word: str) -> Match:
        """The index words a folded query word matches."""
        stemmed = self._same_stem(stem(word))
        same = [w for w in stemmed if _inflection(w, word)]
        if word in self._fields[_ANY] and word not in same:
            same.append(word)  # a word the stemmer files apart from its own stem's words
        related = [w for w in stemmed if w not in same]
        prefix: list[str] = []
        if len(word) >= PREFIX_MIN:
            vocabulary = self._vocabulary
            i = bisect_left(vocabulary, word)
            while i < len(vocabulary) and vocabulary[i].startswith(word):
                if vocabulary[i] not in same and vocabulary[i] not in related:
                    prefix.append(vocabulary[i])
                i += 1
        return Match(word, tuple(sorted(same)), tuple(related), tuple(prefix))

    def _same_stem(self, root: str) -> list[str]:
        """The words on file whose stem is ``root``. A Snowball English stem is the start of
        its word, its last letter at most changed (y to i, "flunky" to "flunki"), so only the
        words that start with the stem less that letter are stemmed, each once. (Snowball's
        exceptions "dying", "lying" and "tying", stemmed "die", "lie" and "tie", are found only
        as themselves.)"""
        start = root[:-1] if len(root) > 1 else root
        vocabulary, stems = self._vocabulary, self._stems
        found = []
        i = bisect_left(vocabulary, start)
        while i < len(vocabulary) and vocabulary[i].startswith(start):
            w = vocabulary[i]
            if w not in stems:
                stems[w] = stem(w)  # one word's entry, set whole: safe without a lock
            if stems[w] == root:
                found.append(w)
            i += 1
        return found

    def _union(self, field: int, found: Iterable[str]) -> set[int]:
        postings = self._fields[field]
        out: set[int] = set()
        for w in found:
            out.update(postings.get(w, ()))
        return out

    def find(self, matches: Sequence[Match]) -> set[int]:
        """The documents that match every query word (none when there are no words)."""
        hits: set[int] | None = None
        for m in sorted(matches, key=lambda m: len(m.same) + len(m.related) + len(m.prefix)):
            found = self._union(_ANY, m.same + m.related + m.prefix)
            hits = found if hits is None else hits & found
            if not hits:
                return set()
        return hits or set()

    def scores(self, matches: Sequence[Match], hits: set[int]) -> dict[int, int]:
        """How well each hit matched: the sum over query words of the best level (``_LEVELS``)
        it reached, 9 for the word itself as the title's first word down to 0 for a prefix of
        a word outside the title and aliases."""
        total = dict.fromkeys(hits, 0)
        for m in matches:
            unscored = set(hits)
            for field, kind, score in _LEVELS:
                postings = self._fields[field]
                found: set[int] = set()
                for w in m.of_kind(kind):  # reads each list once, builds no set of it
                    found |= unscored.intersection(postings.get(w, ()))
                for n in found:
                    total[n] += score
                unscored -= found
                if not unscored:
                    break
        return total

    def suggest(self, matches: Sequence[Match]) -> list[str] | None:
        """The query with each word that matches nothing replaced by the nearest word on file,
        or None if some such word has nothing near it (or every word matched something)."""
        out: list[str] = []
        for m in matches:
            if m:
                out.append(m.word)
                continue
            near = difflib.get_close_matches(m.word, self._suggestable, n=1, cutoff=SUGGEST_CUTOFF)
            if not near:
                return None
            out.append(near[0])
        return None if out == [m.word for m in matches] else out
