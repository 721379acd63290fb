"""Word search: what a reader types, matched the way a site's search box is expected to match.

Text and queries are cut into words the same way: case folded, accents dropped ("Bogotá" is
"bogota"), apostrophes dropped ("manager's" is "managers"). A query word matches a document word
that is the same word, that has the same Snowball English stem ("consultants" and "consultant"),
or (for query words of ``PREFIX_MIN`` letters or more) that starts with it ("consult" finds
"consultant"; "ai" does not find "aid", and never "against"). A hyphenated word is also filed
joined up ("e-commerce" as "ecommerce").

Readers also type what the files spell out, and spell what the files abbreviate. Three small
tables, kept here as data, say how:

- ``SHORT_FORMS``: a text holding one of the phrases is also filed under its short form
  ("Product Manager" under "pm"), and a text holding a short form that stands for one phrase
  only is also filed under that phrase's words ("HR" under "human" and "resources").
- ``SPELLINGS``: a query word spelled the British way also finds the American spelling and back
  ("organisation" finds "organization", "labor" finds "labour"), as the same word.
- ``STOP_WORDS``: dropped from a query that has other words ("the chief of staff" is "chief
  staff"), so they neither mark every "the" nor start "them".

A hyphenated query word is read joined up when that word is on file ("e-mail" as "email"), and
so are two query words that find nothing together ("back end" as "backend"); otherwise as
its parts ("box-ticker"). A query word that matches nothing can be put right: the nearest word
on file by ``difflib``'s ratio ("recuiter" to "recruiter"), if one comes near enough.

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
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import cast

import snowballstemmer  # type: ignore[import-untyped]

PREFIX_MIN = 3  # a shorter query word matches whole words only
SUGGEST_MIN = 3  # words shorter than this are never put in place of a word typed
SUGGEST_CUTOFF = 0.8  # difflib's similarity ratio a correction must reach

# Short forms readers type, and the phrases (folded words) the files write out instead.
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "pm": ("product manager", "project manager", "program manager"),
    "swe": ("software engineer",),
    "sde": ("software engineer",),
    "sre": ("site reliability engineer",),
    "sdr": ("sales development representative",),
    "bdr": ("business development representative",),
    "ae": ("account executive",),
    "csm": ("customer success manager",),
    "ceo": ("chief executive officer",),
    "coo": ("chief operating officer",),
    "cto": ("chief technology officer",),
    "cfo": ("chief financial officer",),
    "cmo": ("chief marketing officer",),
    "ciso": ("chief information security officer",),
    "vp": ("vice president",),
    "hr": ("human resources",),
    "ml": ("machine learning",),
    "ai": ("artificial intelligence",),
    "llm": ("large language model",),
    "nlp": ("natural language processing",),
    "qa": ("quality assurance",),
    "ux": ("user experience",),
    "ui": ("user interface",),
    "cx": ("customer experience",),
    "ba": ("business analyst",),
    "ea": ("executive assistant",),
    "pe": ("private equity",),
    "vc": ("venture capital",),
    "rto": ("return to office",),
    "pr": ("public relations",),
    "devrel": ("developer relations",),
    "revops": ("revenue operations",),
    "lawyer": ("counsel",),
    "attorney": ("counsel",),
}
# British and American endings of the same word (a word of MIN_RESPELL letters or more).
SPELLINGS = (
    ("isation", "ization"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ising", "izing"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("our", "or"),
    ("tre", "ter"),
    ("ogue", "og"),
    ("ence", "ense"),
    ("programme", "program"),
    ("adviser", "advisor"),
)
MIN_RESPELL = 5
# never "it" (IT) or "us"
STOP_WORDS = frozenset(("a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "by"))
STOP_WORDS |= {"for", "from", "with", "as", "is", "are", "be"}

_WORD = re.compile(r"[^\W_]+")
_HYPHENATED = re.compile(r"[^\W_]+(?:-[^\W_]+)+")
_HYPHENATED_OR_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
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


def _phrases() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """For each first word of a ``SHORT_FORMS`` phrase, (the phrase's words, its short form)."""
    out: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for short, phrases in SHORT_FORMS.items():
        for phrase in phrases:
            parts = tuple(phrase.split())
            out.setdefault(parts[0], []).append((parts, short))
    return out


_PHRASES = _phrases()
_SPELLED_OUT = {short: p[0].split() for short, p in SHORT_FORMS.items() if len(p) == 1}


def _short_forms(found: Sequence[str]) -> Iterable[tuple[int, int, list[str]]]:
    """In a text's words ``found``, each (first, last + 1, what it is also filed under): a
    phrase's short form, or the words a short form stands for."""
    for i, w in enumerate(found):
        for parts, short in _PHRASES.get(w, ()):
            if tuple(found[i : i + len(parts)]) == parts:
                yield i, i + len(parts), [short]
        if w in _SPELLED_OUT:
            yield i, i + 1, _SPELLED_OUT[w]


def terms(text: str) -> set[str]:
    """Everything ``text`` is filed under: its words, each hyphenated word joined up, and
    the ``SHORT_FORMS`` of its phrases or the phrases of its short forms."""
    found = words(text)
    out = set(found)
    if "-" in text:
        out.update(w.replace("-", "") for w in _HYPHENATED.findall(fold(text)))
    for _, _, extra in _short_forms(found):
        out.update(extra)
    return out


def respellings(word: str) -> list[str]:
    """The other spellings of a folded word by ``SPELLINGS`` (British to American and back),
    of the word or of the word less a plural "s"."""
    if len(word) < MIN_RESPELL:
        return []
    out = []
    for end in ("", "s"):
        for british, american in SPELLINGS:
            for this, that in ((british, american), (american, british)):
                if word.endswith(this + end):
                    out.append(word[: len(word) - len(this + end)] + that + end)
    return [w for w in dict.fromkeys(out) if w != word]


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


def _span_in(text: str, at: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Where the folded letters ``start``…``end`` of ``text`` (``at``: see ``_folded_at``) lie
    in ``text`` itself, a combining accent after the last one included."""
    first, last = at[start], at[end - 1] + 1
    while last < len(text) and unicodedata.category(text[last]).startswith("M"):
        last += 1  # a combining accent goes with the letter it sits on
    return first, last


def _cased_as(word: str, typed: str) -> str:
    """A folded ``word`` in the case ``typed`` was written in: all capitals, a capital first,
    or as it is."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def replace_words(text: str, replacements: Mapping[str, str]) -> str:
    """``text`` with each word whose folded form is a key of ``replacements`` (a folded word)
    replaced by its value, in the case the word was typed in; every other character as written.
    (In the rare case that ``text`` cannot be folded letter by letter, its folded words, each
    replaced, joined by spaces.)"""
    folding = _folded_at(text)
    if folding is None:
        return " ".join(replacements.get(w, w) for w in words(text))
    folded, at = folding
    out: list[str] = []
    done = 0
    for m in _WORD.finditer(folded):
        if m.group() in replacements:
            first, last = _span_in(text, at, *m.span())
            out += [text[done:first], _cased_as(replacements[m.group()], text[first:last])]
            done = last
    out.append(text[done:])
    return "".join(out)


def highlight(text: str, matched: Set[str]) -> list[Segment]:
    """``text`` cut into segments, each word whose folded form (or, for a hyphenated word, the
    whole word joined up) is in ``matched`` a segment of its own marked True, and so is each
    phrase filed under a short form in ``matched`` (``SHORT_FORMS``), and each short form
    whose phrase's words are all in ``matched`` (so "chief" alone never marks "CEO"). The words are
    cut and folded exactly as ``terms`` does, so ``matched`` is the words ``SearchIndex.match``
    gives; the segments hold the original text, accents and case as written."""
    folding = _folded_at(text) if matched else None
    if folding is None:
        return [(text, False)] if text else []
    folded, at = folding
    found = list(_WORD.finditer(folded))
    spans = [m.span() for m in found if m.group() in matched]
    for first, last, extra in _short_forms([m.group() for m in found]):
        if set(extra) <= matched if last - first == 1 else not matched.isdisjoint(extra):
            spans.append((found[first].start(), found[last - 1].end()))
    if "-" in folded:
        spans += [
            m.span() for m in _HYPHENATED.finditer(folded) if m.group().replace("-", "") in matched
        ]
    marked: list[tuple[int, int]] = []  # in ``text``; a hyphenated word swallows its parts
    for start, end in sorted(spans):
        first, last = _span_in(text, at, start, end)
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
            title_words = words(doc.title)
            in_title = terms(doc.title)
            in_aliases = terms("\n".join(doc.aliases))
            if title_words:
                first.setdefault(title_words[0], []).append(n)
                for start, _, extra in _short_forms(title_words):
                    for w in extra if start == 0 else ():
                        first.setdefault(w, []).append(n)
            for w in in_title:
                title.setdefault(w, []).append(n)
            for w in in_aliases:
                alias.setdefault(w, []).append(n)
            everything = in_aliases.union(in_title, terms("\n".join(doc.other)))
            for w in everything:
                anywhere.setdefault(w, []).append(n)
        self._fields = fields
        self._vocabulary = sorted(anywhere)
        self._stems: dict[str, str] = {}  # word on file -> its stem, filled in as queries ask
        self._suggestable = [w for w in self._vocabulary if len(w) >= SUGGEST_MIN and w.isalpha()]

    def query_words(self, query: str) -> list[str]:
        """The distinct folded words of a query, in order: a hyphenated word joined up when
        that is a word on file, ``STOP_WORDS`` left out when others remain, and two words in a
        row that find nothing together joined up when that is a word on file ("back end")."""
        on_file = self._fields[_ANY]
        found: list[str] = []
        for piece in _HYPHENATED_OR_WORD.findall(fold(query)):
            joined = piece.replace("-", "")
            found += [joined] if joined in on_file else _WORD.findall(piece)
        kept = [w for w in found if w not in STOP_WORDS] or found
        out: list[str] = []
        for w in kept:
            if out and out[-1] + w in on_file and not self.find(self._pair(out[-1], w)):
                out[-1] += w
            else:
                out.append(w)
        return list(dict.fromkeys(out))

    def _pair(self, a: str, b: str) -> list[Match]:
        return [self.match(a), self.match(b)]

    def match(self, word: str) -> Match:
        """The index words a folded query word matches: its own (see ``Match``), and as the
        same word those of its other spellings (``respellings``), never their prefixes."""
        found = self._match(word, prefix=True)
        if not (others := respellings(word)):
            return found
        same, related = list(found.same), list(found.related)
        for other in others:
            alt = self._match(other, prefix=False)
            same += [w for w in alt.same + alt.related if w not in same]
        related = [w for w in related if w not in same]
        prefix = [w for w in found.prefix if w not in same]
        return Match(word, tuple(sorted(same)), tuple(related), tuple(prefix))

    def _match(self, word: str, prefix: bool) -> Match:
        """The index words ``word`` matches by itself; its prefixes only with ``prefix``."""
        stemmed = self._same_stem(stem(word))
        same = [w for w in stemmed if _inflection(w, word)]
        if word in self._fields[_ANY] and word not in same:
            same.append(word)  # a word the stemmer files apart from its own stem's words
        related = [w for w in stemmed if w not in same]
        starts: list[str] = []
        if prefix and len(word) >= PREFIX_MIN:
            vocabulary = self._vocabulary
            i = bisect_left(vocabulary, word)
            while i < len(vocabulary) and vocabulary[i].startswith(word):
                if vocabulary[i] not in same and vocabulary[i] not in related:
                    starts.append(vocabulary[i])
                i += 1
        return Match(word, tuple(sorted(same)), tuple(related), tuple(starts))

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

    def corrections(self, matches: Sequence[Match]) -> dict[str, str]:
        """For each query word that matches nothing, the nearest word on file to put in its
        place; empty if some such word has nothing near it (or every word matched something)."""
        out: dict[str, str] = {}
        for m in matches:
            if m:
                continue
            near = difflib.get_close_matches(m.word, self._suggestable, n=1, cutoff=SUGGEST_CUTOFF)
            if not near:
                return {}
            out[m.word] = near[0]
        return out
