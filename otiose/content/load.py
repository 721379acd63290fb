"""Load and validate every content file, collecting every problem before giving up.

Content is read once, at start-up. ``load_library`` returns a ``Library`` or raises
``ContentError`` listing every problem in every file as ``path:line: message``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from markdown_it import MarkdownIt
from pydantic import BaseModel, ValidationError

from . import vocab
from .errors import ContentError, Problem
from .library import Library
from .models import PLACEHOLDER, Era, Filters, Posting, Specimen
from .validate import dotted, problems_from
from .yamlsafe import Located, parse, read_text

M = TypeVar("M", bound=BaseModel)

# CommonMark without raw HTML; markdown-it refuses javascript: and data: links by default.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})


def render_markdown(text: str) -> str:
    """Markdown to HTML with raw HTML escaped, never passed through."""
    return _markdown.render(text)


def _todos(located: Located, display: str) -> list[Problem]:
    """Every string value still holding the scaffold's ``TODO:`` marker."""
    found: list[Problem] = []

    def walk(value: Any, loc: tuple) -> None:
        if isinstance(value, str) and "TODO:" in value:
            msg = f"'{dotted(loc)}' still holds scaffold text; replace the TODO with your own"
            found.append(Problem(display, located.line(loc), msg, "OT020"))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, (*loc, k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, (*loc, i))

    walk(located.data, ())
    return found


def _validate(model: type[M], located: Located, display: str, text: str = "TODO:") -> M:
    if not isinstance(located.data, dict):
        what = "a list" if isinstance(located.data, list) else "a single value"
        raise ContentError(
            [Problem(display, 1, f"expected a mapping of keys, got {what}", "OT007")]
        )
    todos = _todos(located, display) if "TODO:" in text else []
    try:
        result = model.model_validate(located.data)
    except ValidationError as exc:
        raise ContentError(todos + problems_from(exc, model, located, display)) from None
    if todos:
        raise ContentError(todos)
    return result


# ---------------------------------------------------------------- specimens


def load_specimen(path: Path, display: str) -> Specimen:
    """Read, parse and validate one specimen file (not its cross-references)."""
    text = read_text(path, display)
    located = parse(text, display)
    specimen = _validate(Specimen, located, display, text)
    problems: list[Problem] = []
    if specimen.id != path.stem:
        problems.append(
            Problem(
                display,
                located.line(("id",)),
                f"id '{specimen.id}' must equal the file name '{path.stem}'",
                "OT014",
            )
        )
    for i, slot in enumerate(specimen.day_in_the_life):
        if slot.end <= slot.start:
            line = located.line(("day_in_the_life", i, "end"))
            msg = f"day_in_the_life[{i}].end ({slot.end}) must be after its start ({slot.start})"
            problems.append(Problem(display, line, msg, "OT013"))
    for i, rel in enumerate(specimen.related):
        if rel.id == specimen.id:
            line = located.line(("related", i, "id"))
            problems.append(Problem(display, line, "a specimen cannot relate to itself", "OT016"))
    if problems:
        raise ContentError(problems)
    specimen._source = display
    specimen._lines = located
    return specimen


# ---------------------------------------------------------------- eras and postings


def load_era(path: Path, display: str) -> Era:
    """Read, parse and validate one ``era.yaml``."""
    text = read_text(path, display)
    located = parse(text, display)
    era = _validate(Era, located, display, text)
    problems: list[Problem] = []
    if era.years.start > era.years.end:
        line = located.line(("years", "start"))
        problems.append(Problem(display, line, "years.start is after years.end", "OT013"))
    letters = {"hired": era.hired, **era.rejections.model_dump()}
    for key, letter in letters.items():
        for name in PLACEHOLDER.findall(letter):
            if name not in vocab.PLACEHOLDERS:
                loc = ("hired",) if key == "hired" else ("rejections", key)
                allowed = ", ".join("{" + p + "}" for p in vocab.PLACEHOLDERS)
                msg = f"unknown placeholder '{{{name}}}' in {key}; use {allowed}"
                problems.append(Problem(display, located.line(loc), msg, "OT018"))
    if problems:
        raise ContentError(problems)
    era._id = path.parent.name
    era._source = display
    era._history_html = render_markdown(era.history)
    return era


def split_front_matter(text: str, display: str) -> tuple[str, str, int]:
    """Split ``---`` front matter from the Markdown body; return (yaml, body, body's first line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        msg = "a posting must start with '---' on line 1, then its YAML front matter"
        raise ContentError([Problem(display, 1, msg, "OT003")])
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n").rstrip() == "---":
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 2
    msg = "the front matter is never closed: add a line '---' after it"
    raise ContentError([Problem(display, len(lines), msg, "OT003")])


def load_posting(path: Path, display: str) -> Posting:
    """Read, parse and validate one posting (front matter + Markdown body)."""
    front, body, _ = split_front_matter(read_text(path, display), display)
    located = parse(front, display, line_offset=1)
    posting = _validate(Posting, located, display, front)
    problems: list[Problem] = []
    if posting.id != path.stem:
        line = located.line(("id",))
        msg = f"id '{posting.id}' must equal the file name '{path.stem}'"
        problems.append(Problem(display, line, msg, "OT014"))
    if posting.era != path.parent.name:
        line = located.line(("era",))
        msg = f"era '{posting.era}' must equal the folder name '{path.parent.name}'"
        problems.append(Problem(display, line, msg, "OT014"))
    f = posting.filters
    if f.minAge > f.maxAge:
        line = located.line(("filters", "minAge"))
        msg = f"filters.minAge ({f.minAge}) is greater than filters.maxAge ({f.maxAge})"
        problems.append(Problem(display, line, msg, "OT017"))
    for key, number in posting.tells.items():
        line = located.line(("tells", key))
        if not 1 <= number <= len(posting.requirements):
            msg = (
                f"tells.{key} is {number}, but there are {len(posting.requirements)} "
                "requirement lines (number them from 1)"
            )
            problems.append(Problem(display, line, msg, "OT013"))
        elif getattr(f, key) == Filters.model_fields[key].default:
            msg = f"tells.{key} points at a filter this posting does not apply"
            problems.append(Problem(display, line, msg, "OT013"))
    if posting.posted is None:
        line = located.line(("postedDate",))
        msg = f"postedDate '{posting.postedDate}' must look like 'January 15, 2020'"
        problems.append(Problem(display, line, msg, "OT013"))
    if problems:
        raise ContentError(problems)
    posting._source = display
    posting._body_html = render_markdown(body.strip())
    posting._lines = located
    return posting


# ---------------------------------------------------------------- the whole library


def load_library(root: Path, only: Iterable[Path] | None = None) -> Library:
    """Load all content under ``root``; raise ContentError with every problem found.

    With ``only``, every file is still loaded (cross-references need them) but only problems
    in the named files are reported. A symbolic link that leads out of ``root`` is never
    followed: it is a problem (OT019), named by the link's own path.
    """
    root = root.resolve()
    problems: list[Problem] = []
    specimens: list[Specimen] = []
    eras: list[Era] = []
    postings: list[Posting] = []

    def attempt(fn: Any, path: Path) -> Any:
        display = display_path(path, root)
        try:
            return fn(path, display)
        except ContentError as exc:
            problems.extend(exc.problems)
            return None

    def inside(path: Path) -> bool:
        """False (and a problem) for a symlink that leads out of the content folder."""
        try:
            target = str(path.resolve())
            if path.resolve().is_relative_to(root):
                return True
        except (OSError, RuntimeError):  # a loop of links
            target = "itself (a loop)"
        where = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        msg = (
            f"symbolic link to {target}, outside the content folder; content is read only "
            "from inside it (copy the file in instead)"
        )
        problems.append(Problem(where, 1, msg, "OT019"))
        return False

    spec_dir = root / "specimens"
    spec_ok = spec_dir.is_dir() and inside(spec_dir)
    for path in sorted(spec_dir.glob("*")) if spec_ok else []:
        if not inside(path):
            continue
        if path.suffix == ".yaml" and path.is_file():
            if (s := attempt(load_specimen, path)) is not None:
                specimens.append(s)
        elif not path.name.startswith("."):
            problems.append(_stray(path, root, "specimens are .yaml files"))
    era_dir = root / "eras"
    for folder in sorted(era_dir.iterdir()) if era_dir.is_dir() and inside(era_dir) else []:
        if folder.name.startswith(".") or not inside(folder):
            continue
        if not folder.is_dir():
            problems.append(_stray(folder, root, "eras/ holds one folder per era"))
            continue
        era_file = folder / "era.yaml"
        if not inside(era_file):
            pass  # reported by inside()
        elif not era_file.is_file():
            msg = f"era folder '{folder.name}' has no era.yaml"
            problems.append(Problem(display_path(folder, root), 1, msg, "OT018"))
        elif (e := attempt(load_era, era_file)) is not None:
            eras.append(e)
        for path in sorted(folder.iterdir()):
            if path.name == "era.yaml" or path.name.startswith(".") or not inside(path):
                continue
            if path.suffix == ".md" and path.is_file():
                if (p := attempt(load_posting, path)) is not None:
                    postings.append(p)
            else:
                problems.append(_stray(path, root, "an era folder holds era.yaml and <id>.md"))

    stems = {p.stem for p in spec_dir.glob("*.yaml")} if spec_ok else set()
    problems.extend(_cross_check(specimens, postings, stems))
    if only is not None:
        wanted = {display_path(Path(p).resolve(), root) for p in only}
        problems = [p for p in problems if p.path in wanted]
    if problems:
        raise ContentError(problems)
    return Library.build(specimens, eras, postings)


def display_path(path: Path, root: Path) -> str:
    """A content path as problems name it: relative to the content root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _stray(path: Path, root: Path, why: str) -> Problem:
    return Problem(display_path(path, root), 1, f"unexpected file here: {why}", "OT019")


def _cross_check(
    specimens: list[Specimen], postings: list[Posting], stems: set[str]
) -> list[Problem]:
    """Ids unique, references resolve. A reference to a file that exists but failed to load is
    not reported again: that file's own problems say what is wrong."""
    problems: list[Problem] = []
    seen: dict[str, Specimen] = {}
    for s in specimens:  # ids equal file names, so duplicates can only come from case folding
        if s.id in seen:
            msg = f"duplicate specimen id '{s.id}' (also in {seen[s.id]._source})"
            problems.append(Problem(s._source, 1, msg, "OT015"))
        seen[s.id] = s
    ids = sorted(seen)
    for s in specimens:
        for i, rel in enumerate(s.related):
            if rel.id not in seen and rel.id not in stems:
                line = s._lines.line(("related", i, "id"))
                problems.append(
                    Problem(s._source, line, _dangling("related", rel.id, ids), "OT016")
                )
    posting_seen: dict[str, Posting] = {}
    for p in postings:
        lines = p._lines
        if p.id in posting_seen:
            other = posting_seen[p.id]._source
            msg = f"duplicate posting id '{p.id}' (also in {other})"
            problems.append(Problem(p._source, lines.line(("id",)), msg, "OT015"))
        posting_seen.setdefault(p.id, p)
        if p.specimen and p.specimen not in seen and p.specimen not in stems:
            line = lines.line(("specimen",))
            problems.append(
                Problem(p._source, line, _dangling("specimen", p.specimen, ids), "OT016")
            )
    return problems


def _dangling(key: str, value: str, ids: list[str]) -> str:
    hint = difflib.get_close_matches(value, ids, n=1, cutoff=0.6)
    msg = f"{key} '{value}' is not a specimen"
    return msg + (f" (did you mean '{hint[0]}'?)" if hint else "")
