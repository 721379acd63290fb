"""Strict, safe YAML: plain data only, with the line of every key and item.

PyYAML's safe loader already refuses to build Python objects; this module goes further and
refuses every tag, anchor and alias, duplicate keys, non-text keys, oversize files and bad UTF-8,
and it can tell where each value came from so a problem can name its line (worked out only
when a problem asks, from the text it keeps).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ContentError, Problem

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 256 * 1024
MAX_DEPTH = 32

Loc = tuple[str | int, ...]

_T = "tag:yaml.org,2002:"
_STR = _T + "str"
_TIMESTAMP = _T + "timestamp"
_SEQ = _T + "seq"
_MAP = _T + "map"
_NUMBERS = {_T + "int", _T + "float"}
_SCALARS = {_T + "str", _T + "int", _T + "float", _T + "bool", _T + "null"}
_constructor = SafeConstructor()
# Brackets that open and close flow collections, found without looking at anything else.
_FLOW = re.compile(r"[\[\]{}]")
_DEPTH_EVENTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_END_EVENTS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
# An anchor or alias is '&name' or '*name' where a value can start: after a line start, space,
# '[', '{', ',' or ':'. Prose such as "R&D" never matches; a false alarm only costs a rescan.
_MAYBE_ANCHOR = re.compile(r"(?:^|[\s\[{,:])[&*][^\s\]},]", re.M)
# The line breaks libyaml counts lines by (YAML 1.1), so a line number from a mark is an index.
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# One line with its line end (or the last, unended line), split where _BREAKS splits.
_LINE = re.compile(
    "[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029])|[^\r\n\x85\u2028\u2029]+\\Z"
)
# Spaces that look like a space but are not one to YAML (pasted from a web page or a word
# processor): at the start of a line they are text, not indentation.
_ODD_SPACES = "\u00a0\u2007\u202f\u3000\ufeff"
_ODD_INDENT = re.compile(f"^[ \\t?:-]*[{_ODD_SPACES}]", re.M)
_ODD_NAMES = {"\u00a0": "a non-breaking space", "\ufeff": "an invisible byte-order mark"}
# Curly quotes a word processor puts around a value: YAML keeps them as part of the text.
_CURLY = {"\u201c": "\u201d", "\u2018": "\u2019"}
# A ' #' that starts a comment inside what was meant as text ("Store #2217"): a '#' straight
# after a space, and a word straight after the '#'. A comment written "  # like this" is fine.
# (A literal first: the search skips ahead to each " #", ten times faster than a class.)
_MAYBE_CUT = re.compile(r" #[^\s#]")
_CUT = re.compile(r"[ \t]+(#\S.*)")
# Whole numbers as people write them; YAML 1.1 also reads 012 (octal), 0x1f, 0b11 and 1:30.
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
# A line that starts a list item ("- " or a lone "-") once its indentation is skipped.
_ITEM = re.compile(r"-(?:[ \t]|$)")


@dataclass
class Located:
    """Parsed data, and the 1-based line of every mapping key and sequence item in it.

    Lines are needed only to report a problem, so they are worked out the first time one is
    asked for, by composing ``text`` again (it composed cleanly once, so it does again, to the
    same nodes): a file with no problems never pays for them.
    """

    data: Any
    text: str = ""
    offset: int = 0  # added to every line
    _lines: dict[Loc, int] | None = field(default=None, repr=False, compare=False)

    @property
    def lines(self) -> dict[Loc, int]:
        """The line of each key and item, by its path (``()`` is the document itself)."""
        if self._lines is None:
            self._lines = _lines_of(self.text, self.offset)
        return self._lines

    def source(self, line: int) -> str:
        """The text of the file's ``line`` (1-based, as problems number lines)."""
        lines = _BREAKS.split(self.text)
        n = line - 1 - self.offset
        return lines[n] if 0 <= n < len(lines) else ""

    def line(self, loc: Loc) -> int:
        """The line of ``loc``, or of its nearest recorded parent."""
        lines = self.lines
        loc = tuple(loc)
        while loc not in lines and loc:
            loc = loc[:-1]
        return lines.get(loc, 1)


def lines_with_ends(text: str) -> list[str]:
    """``text`` in lines, each with its line end, split where YAML (and the error messages)
    count a new line: ``str.splitlines`` also splits at form feeds and other separators."""
    return _LINE.findall(text)


def read_text(path: Path, display: str) -> str:
    """Read a content file as UTF-8 text, refusing oversize files and invalid bytes."""
    try:
        with path.open("rb") as fh:
            # ask for what the file holds and one byte more, not for the limit: a read sets
            # aside as much memory as it asks for, 256 KiB for every 5 KiB file
            want = min(os.fstat(fh.fileno()).st_size, MAX_BYTES) + 1
            raw = fh.read(want)
            if len(raw) == want <= MAX_BYTES:  # more than its size said: read on to the limit
                raw += fh.read(MAX_BYTES + 1 - want)
    except OSError as exc:
        raise ContentError(
            [Problem(display, 1, f"cannot read file: {exc.strerror}", "OT001")]
        ) from None
    if len(raw) > MAX_BYTES:
        raise ContentError(
            [Problem(display, 1, f"file is larger than {MAX_BYTES // 1024} KiB", "OT001")]
        )
    return decode(raw, display)


def decode(raw: bytes, display: str) -> str:
    """Decode UTF-8 (a leading BOM is allowed), naming the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        data = bytes(exc.object)  # after the BOM, if there was one: exc.start counts from there
        line = len(_BREAKS.findall(data[: exc.start].decode("utf-8"))) + 1  # valid up to there
        msg = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        raise ContentError([Problem(display, line, msg, "OT002")]) from None


def parse(text: str, display: str, line_offset: int = 0, what: str = "file") -> Located:
    """Parse one YAML document into plain dicts, lists and scalars, with line numbers.

    ``line_offset`` is added to every line (front matter starts below its ``---``); ``what``
    names the text in messages ("file", "front matter").
    """
    problems: list[Problem] = []
    if "\t" in text:
        _check_tabs(text, display, line_offset, problems)
    if any(c in text for c in _ODD_SPACES):
        _check_odd_spaces(text, display, line_offset, problems)
    try:
        # before anything builds a tree: the composer recurses once per level, and ~50,000
        # nested '[' overflow the C stack (the process dies with SIGSEGV, no exception)
        if _maybe_deep(text):
            _check_depth(text, display, line_offset)
        # cheap tests first; the event scan is a second parse
        if ("&" in text or "*" in text) and _MAYBE_ANCHOR.search(text):
            _check_anchors(text, display, line_offset, problems)
        if problems:
            raise ContentError(problems)
        loader = Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        if exc.problem and "exceeded maximum nesting depth" in exc.problem:
            # libyaml's own guard (PyYAML >= 6.0.3) can fire while the depth scan reads ahead
            raise ContentError([_too_deep(display, line)]) from None
        raise ContentError([_syntax_problem(exc, text, display, line_offset)]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses: no mark, a position
        raise ContentError([_refused_character(exc, text, display, line_offset)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every other error has a mark
        raise ContentError([Problem(display, 1, f"YAML error: {exc}", "OT003")]) from None
    if node is None:
        if text.strip():
            msg = f"the {what} holds no YAML, only comments; write its keys and values"
        else:
            msg = f"the {what} is empty"
        raise ContentError([Problem(display, 1 + line_offset, msg, "OT007")])
    folded: list[tuple[ScalarNode, str | None]] = []
    data = _build(node, display, line_offset, problems, set(), 0, folded)
    if folded:
        problems.extend(_folds(folded, text, display, line_offset))
    if _MAYBE_CUT.search(text) or "\t#" in text:
        _check_cut(node, text, display, line_offset, problems)
    if problems:
        raise ContentError(problems)
    return Located(data, text, line_offset)


def _refused_character(
    exc: yaml.reader.ReaderError, text: str, display: str, offset: int
) -> Problem:
    """A control character (often pasted from a PDF or a word processor), named at its line."""
    line = len(_BREAKS.findall(text, 0, exc.position)) + 1 + offset
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    msg = (
        f"the invisible control character U+{code:04X} is not allowed in YAML (it often comes "
        "in with text pasted from a PDF or a word processor); delete it"
    )
    return Problem(display, line, msg, "OT003")


def _maybe_deep(text: str) -> bool:
    """Whether ``text`` could nest more than MAX_DEPTH levels; cheap, and never wrong when False.

    Each block level takes at least one more column of indentation or one more "- ", "? " or
    ": " before a line's content; each flow level takes one '[' or '{'. So the depth is at most
    the longest run of spaces, tabs, '-', '?' and ':' that starts a line, plus one, plus the
    deepest bracket nesting (counted over the whole text, quotes and all, which can only
    overcount). Real content is a few levels deep and never gets past this test.
    """
    deepest = text.count("[") + text.count("{")  # at most this deep, and usually tiny
    if deepest >= MAX_DEPTH // 2:
        flow = deepest = 0
        for m in _FLOW.finditer(text):
            if m.group() in "[{":
                flow += 1
                deepest = max(deepest, flow)
            elif flow:
                flow -= 1
    room = MAX_DEPTH - deepest - 1  # the longest line prefix that cannot be too deep
    if room < 0:
        return True
    prefix = rf"[ \t?:-]{{{room + 1},}}"
    # "\n" first, not "^" with re.M: a literal lets the search skip ahead (ten times faster)
    return re.match(prefix, text) is not None or re.search("\n" + prefix, text) is not None


def _check_depth(text: str, display: str, offset: int) -> None:
    """Refuse nesting deeper than MAX_DEPTH, from the parser's events (which do not recurse)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, _DEPTH_EVENTS):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ContentError([_too_deep(display, _line(event, offset))])
            elif isinstance(event, _END_EVENTS):
                depth -= 1
    except yaml.YAMLError:
        return  # a syntax error: the real parse reports it, and stops before it gets deeper


def _too_deep(display: str, line: int) -> Problem:
    msg = f"nested more than {MAX_DEPTH} levels deep; flatten this structure"
    return Problem(display, line, msg, "OT013")


# What usually causes libyaml's commonest complaints, in the words of someone fixing the file:
# (its context or problem, what to add). Where libyaml complains about a key or a quote it
# started reading lines earlier, the line named is the one where that key or quote began.
_HINTS = (
    ("mapping values are not allowed", "a ': ' inside a value starts a new key; put the whole "
     "value in quotes"),
    ("could not find expected ':'", "this line has no 'key: value'; a value carried on from the "
     "line above must be indented under its key, or quoted"),
    ("cannot start any token", "a value cannot start with ` @ or %; put it in quotes"),
    ("quoted scalar", "a quote opened on this line is never closed"),
    ("expected a single document", "a line '---' starts a second YAML document, and a file "
     "holds one: remove the '---' (and anything below it that does not belong)"),
    ("expected <document start>", "a line '...' ends the YAML: remove it"),
    ("did not find expected key", "a line is not indented like the lines beside it, or there is "
     "text after a closing quote (quote the whole value instead)"),
)  # fmt: skip
# An item or a key whose value opens with a quote: ``  - "Fixture`` or ``title: 'Lead``.
_QUOTED_START = re.compile(r"\s*(?:-\s+|[^\s:#'\"][^:#]*:\s+)[\"']")
_STARTED_EARLIER = ("while scanning a simple key", "while scanning a quoted scalar")


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str, offset: int) -> Problem:
    """libyaml's message, with what usually causes it, at the line where the trouble starts."""
    mark = exc.problem_mark or exc.context_mark
    if (deeper := _key_indented_under_a_value(exc, text, display, offset)) is not None:
        return deeper
    if exc.context in _STARTED_EARLIER and exc.context_mark is not None:
        mark = exc.context_mark
    line = (mark.line + 1 if mark else 1) + offset
    what = exc.problem or "cannot parse"
    if exc.context:
        what = f"{exc.context}, {what}"
    hint = next((h for key, h in _HINTS if key in what), None)
    lines = _BREAKS.split(text)
    at = lines[mark.line][mark.column : mark.column + 1] if mark and mark.line < len(lines) else ""
    before = lines[mark.line][: mark.column].rstrip() if mark and mark.line < len(lines) else ""
    if at == "\t":
        hint = "a tab here: YAML takes only spaces before an item or a value"
    elif before.endswith(("'", '"')) and _QUOTED_START.match(before):
        hint = (
            "there is text after a closing quote on this line, and YAML ends the value at that "
            'quote; put the whole value in quotes (inside double quotes, write \\" for a quote)'
        )
    elif (
        hint
        and "quotes" in hint
        and mark
        and any(c in lines[mark.line] for c in "\u201c\u201d\u2018\u2019")
    ):
        hint += " (straight quotes \" or ', not curly ones)"
    return Problem(display, line, f"YAML syntax error: {what}" + (f"; {hint}" if hint else ""),
                   "OT003")  # fmt: skip


def _key_indented_under_a_value(
    exc: yaml.MarkedYAMLError, text: str, display: str, offset: int
) -> Problem | None:
    """A ``key: value`` line indented deeper than the key above it: YAML reads it as more of
    that key's plain value, where a ': ' cannot go, and says only "mapping values are not
    allowed". It is told apart from a colon inside a value by where the colon is: the first
    on its line, straight after the line's first word."""
    mark = exc.problem_mark
    if mark is None or "mapping values are not allowed" not in (exc.problem or ""):
        return None
    lines = _BREAKS.split(text)
    line = lines[mark.line]
    stripped = line.lstrip(" ")
    start = len(line) - len(stripped)
    if line.find(":", start) != mark.column or _ITEM.match(stripped):
        return None
    key = line[start : mark.column]
    if (dedented := _lost_indent(lines, mark.line, start)) is not None:
        n, above, sibling = dedented
        msg = (
            f"'{above}' seems to have lost its indent: the keys before and after it ('{sibling}', "
            f"'{key}' on line {mark.line + 1 + offset}) start at column {start + 1}, and it "
            f"starts further left, so YAML reads '{key}' as part of its value; indent '{above}' "
            f"like them, or, if '{above}' is where it belongs, take '{key}' back to its column"
        )
        return Problem(display, n + 1 + offset, msg, "OT008")
    msg = (
        f"this line is read as part of the value above, and a ': ' cannot go there; to make "
        f"'{key}' a key of its own, indent it like the key above; if the colon belongs to the "
        "text, put the whole value in quotes"
    )
    return Problem(display, mark.line + 1 + offset, msg, "OT008")


_KEY_LINE = re.compile(r"( *)([^\s:#'\"-][^:#]*):(?:\s|$)")


def _lost_indent(lines: list[str], at: int, indent: int) -> tuple[int, str, str] | None:
    """The key line just above ``at`` (its index, its key and the key before it) when it sits
    left of ``indent`` between two keys at ``indent``: ``currency`` pulled out of ``salary``
    puts its neighbour ``region`` under it, and the line to change is ``currency``'s."""
    filled = [i for i in range(at) if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    if len(filled) < 2:
        return None
    above, before = (_KEY_LINE.match(lines[i]) for i in filled[-1:-3:-1])
    if above is None or before is None or len(before.group(1)) != indent:
        return None
    if len(above.group(1)) >= indent:
        return None
    return filled[-1], above.group(2).strip(), before.group(2).strip()


def _check_tabs(text: str, display: str, offset: int, problems: list[Problem]) -> None:
    for n, line in enumerate(_BREAKS.split(text), 1):  # YAML's line ends, as the errors count
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            problems.append(Problem(display, n + offset, "indent with spaces, not tabs", "OT003"))
            return


def _check_anchors(text: str, display: str, offset: int, problems: list[Problem]) -> None:
    for event in yaml.parse(text, Loader=Loader):
        line = _line(event, offset)
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            msg = f"YAML alias '*{anchor}' is not allowed; write the value out in full"
            problems.append(Problem(display, line, msg, "OT005"))
        elif anchor:
            msg = f"YAML anchor '&{anchor}' is not allowed; write the value out in full"
            problems.append(Problem(display, line, msg, "OT005"))


def _line(event: yaml.Event, offset: int) -> int:
    """The 1-based line an event starts on, shifted by ``offset``."""
    mark = event.start_mark
    return (mark.line + 1 if mark is not None else 1) + offset


def _build(
    node: Node,
    display: str,
    offset: int,
    problems: list[Problem],
    seen: set[int],
    depth: int,
    folded: list[tuple[ScalarNode, str | None]],
    key: str | None = None,
) -> Any:
    """Plain data from a node; ``folded`` gathers the plain text that runs over several lines,
    with the key it is the value of (None for a list item), for ``_folds`` to look at."""
    if node.tag == _STR and isinstance(node, ScalarNode):
        # most values: plain text, which neither nests nor expands, so needs neither guard below
        value: str = node.value  # what SafeConstructor.construct_yaml_str returns
        if not node.style:  # plain text: None from PyYAML's parser, "" from libyaml's
            if node.start_mark.line != node.end_mark.line:
                folded.append((node, key))
            if value[:1] in _CURLY and value[-1:] == _CURLY[value[0]] and len(value) > 1:
                problems.append(_curly(node, display, offset))
        return value
    if id(node) in seen:  # only reachable through an alias; refused earlier, kept as a guard
        line = _node_line(node, offset)
        problems.append(Problem(display, line, "YAML aliases are not allowed", "OT005"))
        return None
    seen.add(id(node))
    if depth > MAX_DEPTH:
        problems.append(Problem(display, _node_line(node, offset), "nested too deeply", "OT013"))
        return None
    if isinstance(node, ScalarNode):
        return _scalar(node, display, offset, problems)
    if isinstance(node, SequenceNode):
        if node.tag != _SEQ:
            problems.append(_tag_problem(node, display, offset))
            return None
        return [
            _build(child, display, offset, problems, seen, depth + 1, folded)
            for child in node.value
        ]
    if isinstance(node, MappingNode):
        if node.tag != _MAP:
            problems.append(_tag_problem(node, display, offset))
            return None
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _SCALARS:
                line = _node_line(key_node, offset)
                problems.append(Problem(display, line, "keys must be plain text", "OT012"))
                continue
            name = key_node.value
            if name in out:
                line = _node_line(key_node, offset)
                problems.append(Problem(display, line, f"duplicate key '{name}'", "OT006"))
                continue
            out[name] = _build(value_node, display, offset, problems, seen, depth + 1, folded, name)
        return out
    return None  # pragma: no cover - PyYAML has no other node kinds


def _lines_of(text: str, offset: int) -> dict[Loc, int]:
    """The line of every key and item of a document that ``parse`` has accepted."""
    lines: dict[Loc, int] = {}
    loader = Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is not None:
        _record(node, (), lines, offset)
    return lines


def _record(node: Node, loc: Loc, lines: dict[Loc, int], offset: int) -> None:
    """A key's line is where the key is written; an item's, where the item starts."""
    lines.setdefault(loc, _node_line(node, offset))
    if isinstance(node, SequenceNode):
        for i, child in enumerate(node.value):
            _record(child, (*loc, i), lines, offset)
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            key_loc = (*loc, key_node.value)
            lines[key_loc] = _node_line(key_node, offset)
            _record(value_node, key_loc, lines, offset)


def _node_line(node: Node, offset: int) -> int:
    """The 1-based line a node starts on, shifted by ``offset``."""
    line: int = node.start_mark.line + 1 + offset
    return line


def _scalar(node: ScalarNode, display: str, offset: int, problems: list[Problem]) -> Any:
    """A scalar other than plain text (``_build`` returns text before any guard)."""
    if node.tag == _TIMESTAMP:  # dates stay text, exactly as written
        return node.value
    if node.tag not in _SCALARS:
        problems.append(_tag_problem(node, display, offset))
        return None
    if node.tag in _NUMBERS and not node.style and (slip := _not_as_written(node, display, offset)):
        problems.append(slip)
        return None
    return _constructor.yaml_constructors[node.tag](_constructor, node)


def _tag_problem(node: Node, display: str, offset: int) -> Problem:
    tag = node.tag.replace(_T, "!!")
    msg = f"YAML tag '{tag}' is not allowed; use plain values"
    return Problem(display, _node_line(node, offset), msg, "OT004")


def _folds(
    folded: list[tuple[ScalarNode, str | None]], text: str, display: str, offset: int
) -> list[Problem]:
    """Lines that start like a list item but that YAML folded into the plain text above.

    An item indented deeper than the one before it is not an item at all: YAML reads it as
    more words of the text above ("Attend the meeting - Minute the meeting"). Plain text that
    merely wraps onto the next line is fine; a line of it that starts with "- " never is.
    """
    lines = _BREAKS.split(text)
    found: list[Problem] = []
    for node, key in folded:
        for n in range(node.start_mark.line + 1, node.end_mark.line + 1):
            if not _ITEM.match(lines[n].lstrip(" ")):
                continue
            shown = _shown(node.value)
            if key is None:
                msg = (
                    f"this line is read as part of the line above: the item becomes {shown}; "
                    "to make it a new item, indent it like the item above (its '-' under that "
                    "item's '-')"
                )
            else:
                msg = (
                    f"this line is read as part of the line above: '{key}' becomes {shown}; "
                    f"to make a list, start it on the line after '{key}:' and indent every item "
                    "alike; if the dash belongs to the text, put the whole value in quotes"
                )
            found.append(Problem(display, n + 1 + offset, msg, "OT008"))
    return found


def _shown(value: str, width: int = 80) -> str:
    """A value in double quotes for a message, cut short if long."""
    value = value if len(value) <= width else value[: width - 3] + "..."
    return f'"{value}"'


def _check_odd_spaces(text: str, display: str, offset: int, problems: list[Problem]) -> None:
    """A line indented with a space YAML does not count as one (a non-breaking space)."""
    m = _ODD_INDENT.search(text)
    if m is None:
        return
    line = len(_BREAKS.findall(text, 0, m.start())) + 1
    char = m.group()[-1]
    name = _ODD_NAMES.get(char, f"the space character U+{ord(char):04X}")
    msg = f"this line is indented with {name}, which YAML reads as text; use ordinary spaces"
    problems.append(Problem(display, line + offset, msg, "OT003"))


def _curly(node: ScalarNode, display: str, offset: int) -> Problem:
    msg = (
        f"this value is wrapped in curly quotes, {node.value[0]}...{node.value[-1]}, which YAML "
        'keeps as part of the text; to quote a value, use straight quotes ("..."), and to '
        "show curly quotes, put them inside straight ones"
    )
    return Problem(display, _node_line(node, offset), msg, "OT009")


def _check_cut(node: Node, text: str, display: str, offset: int, problems: list[Problem]) -> None:
    """Plain text that a ' #' cut short: what follows the '#' is a comment, and is dropped."""
    lines = _BREAKS.split(text)
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, SequenceNode):
            stack.extend(n.value)
        elif isinstance(n, MappingNode):
            stack.extend(v for _, v in n.value)
        elif isinstance(n, ScalarNode) and n.tag == _STR and not n.style:
            end = n.end_mark
            if cut := _CUT.match(lines[end.line], end.column):
                msg = (
                    f"'{cut.group(1)[:40]}' is read as a comment and dropped: YAML starts a "
                    "comment at a '#' after a space, so the value ends at "
                    f"{_shown(n.value, 40)}; put the whole value in quotes to keep it (a comment "
                    "is written '  # like this')"
                )
                problems.append(Problem(display, end.line + 1 + offset, msg, "OT009"))


def _not_as_written(node: ScalarNode, display: str, offset: int) -> Problem | None:
    """A number YAML 1.1 reads in another base than the ten it looks like (012 is 10)."""
    text = node.value
    if node.tag == _T + "int" and _DECIMAL.fullmatch(text):
        return None
    if node.tag == _T + "float" and ":" not in text:
        return None
    number = _constructor.yaml_constructors[node.tag](_constructor, node)
    if ":" in text:
        how, fix = (
            "with a colon it is a number in base 60",
            "put it in quotes if it is a time or text",
        )
    elif text.lstrip("+-").lower().startswith(("0x", "0b")):
        how = (
            f"{text.lstrip('+-')[:2]} makes it a number in base {16 if 'x' in text.lower() else 2}"
        )
        fix = "write the number in decimal, or put it in quotes if it is text"
    else:
        how = "a leading zero makes it a number in base 8"
        fix = "write the number without the leading zero, or put it in quotes if it is text"
    msg = f"YAML reads {text} as {number}: {how}; {fix}"
    return Problem(display, _node_line(node, offset), msg, "OT009")
